/** The dashboard's stylesheet: readable on a laptop and on a 390 px phone. */
export const DASHBOARD_CSS = `
:root { --bg:#f6f7f9; --panel:#fff; --ink:#1c2330; --muted:#5b6675; --line:#e2e6ec; --accent:#2f6fde;
  --warn:#b26a00; --warn-bg:#fff4e0; --bad:#c0262d; --bad-bg:#fde9ea; --ok:#1f8a4c; --ok-bg:#e5f6ec; }
* { box-sizing: border-box; }
body { margin:0; font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif; background:var(--bg); color:var(--ink); }
h1 { font-size:1.25rem; margin:0; }
h2 { font-size:1rem; margin:0; }
.subtitle, .detail, .updated, .hint { color:var(--muted); font-size:.85rem; }
.error { background:var(--bad-bg); color:var(--bad); border:1px solid #f3c1c4; border-radius:8px; padding:.6rem .8rem; }
button { font:inherit; cursor:pointer; }
.signin { max-width:380px; margin:12vh auto; padding:1.5rem; background:var(--panel); border:1px solid var(--line); border-radius:12px; }
.signin-form { display:flex; flex-direction:column; gap:.5rem; margin-top:1rem; }
.signin-form input { font:inherit; padding:.6rem; border:1px solid var(--line); border-radius:8px; }
.signin-form button { padding:.6rem; border:0; border-radius:8px; background:var(--accent); color:#fff; }
.top { display:flex; flex-wrap:wrap; gap:.5rem 1rem; justify-content:space-between; align-items:center; padding:.8rem 1rem;
  background:var(--panel); border-bottom:1px solid var(--line); }
.title { display:flex; flex-direction:column; }
.status { display:flex; flex-wrap:wrap; gap:.4rem .8rem; align-items:center; }
.status form { margin:0; }
.pill { padding:.15rem .6rem; border-radius:999px; font-size:.85rem; background:var(--line); }
.pill.ok { background:var(--ok-bg); color:var(--ok); }
.pill.down { background:var(--bad-bg); color:var(--bad); font-weight:600; }
button.link { background:none; border:0; color:var(--accent); padding:0; }
.dashboard { padding:1rem; display:flex; flex-direction:column; gap:1rem; max-width:1200px; margin:0 auto; }
.cards { display:grid; grid-template-columns:repeat(auto-fit,minmax(150px,1fr)); gap:.75rem; }
.card { background:var(--panel); border:1px solid var(--line); border-radius:10px; padding:.7rem .9rem; display:flex; flex-direction:column; min-width:0; }
.card .label { color:var(--muted); font-size:.8rem; }
.card .value { font-size:1.6rem; font-weight:650; font-variant-numeric:tabular-nums; }
.card.warn.hot { background:var(--warn-bg); border-color:#f1d29c; }
.card.warn.hot .value { color:var(--warn); }
.card.bad.hot { background:var(--bad-bg); border-color:#f3c1c4; }
.card.bad.hot .value { color:var(--bad); }
.panel { background:var(--panel); border:1px solid var(--line); border-radius:10px; padding:.8rem .9rem; min-width:0; }
.panel-head { display:flex; justify-content:space-between; align-items:baseline; gap:.5rem; margin-bottom:.6rem; flex-wrap:wrap; }
.chart { width:100%; min-height:240px; }
.window select { font:inherit; margin-left:.3rem; }
.table-wrap { overflow-x:auto; }
table { border-collapse:collapse; width:100%; font-variant-numeric:tabular-nums; }
th, td { text-align:right; padding:.4rem .55rem; border-bottom:1px solid var(--line); white-space:nowrap; }
th:first-child, td:first-child { text-align:left; position:sticky; left:0; background:inherit; }
thead th { background:var(--panel); color:var(--muted); font-weight:600; font-size:.8rem; cursor:pointer; user-select:none; }
thead th.sorted-desc::after { content:" ▼"; }
thead th.sorted-asc::after { content:" ▲"; }
tbody tr { background:var(--panel); }
tbody tr.has-errors { background:var(--bad-bg); }
td.hot-warn { color:var(--warn); font-weight:700; }
td.hot-bad { color:var(--bad); font-weight:700; }
.dot { display:inline-block; width:.55rem; height:.55rem; border-radius:50%; margin-right:.4rem; background:var(--line); }
.dot.on { background:var(--ok); }
.empty { color:var(--muted); }
.codes { list-style:none; margin:0 0 .4rem; padding:0; display:flex; flex-wrap:wrap; gap:.4rem; }
.codes li { padding:.15rem .55rem; border-radius:6px; background:var(--line); font-variant-numeric:tabular-nums; font-size:.85rem; }
.codes li.warn { background:var(--warn-bg); color:var(--warn); }
.codes li.bad { background:var(--bad-bg); color:var(--bad); }
.codes li.ok { background:var(--ok-bg); color:var(--ok); }
@media (max-width: 600px) {
  .dashboard { padding:.6rem; gap:.6rem; }
  .card .value { font-size:1.3rem; }
  th, td { padding:.35rem .4rem; font-size:.85rem; }
  /* On a phone keep who, how much, 429s and errors; tokens and latency are on the cards. */
  #attendees th:nth-child(3), #attendees td:nth-child(3),
  #attendees th:nth-child(6), #attendees td:nth-child(6),
  #attendees th:nth-child(7), #attendees td:nth-child(7),
  #attendees th:nth-child(8), #attendees td:nth-child(8) { display:none; }
}
`;
