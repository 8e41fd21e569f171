/**
 * The console's stylesheet: the dashboard, readable on a laptop and on a 390 px phone, and
 * the projector view, whose type scales with the screen's height so it fits one screen
 * (1280×720 and up) without scrolling, banner included.
 */
export const DASHBOARD_CSS = `
:root { --bg:#f6f7f9; --panel:#fff; --ink:#1c2330; --muted:#5b6675; --line:#e2e6ec; --accent:#2f6fde;
  --warn:#b26a00; --warn-bg:#fff4e0; --bad:#c0262d; --bad-bg:#fde9ea; --ok:#1f8a4c; --ok-bg:#e5f6ec; }
* { box-sizing: border-box; }
[hidden] { display:none !important; }
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
button.link, a.link { background:none; border:0; color:var(--accent); padding:0; text-decoration:none; font-size:.9rem; }
/* The banner: the whole width, above everything, impossible to miss on a projected screen. */
.banner { position:sticky; top:0; z-index:10; width:100%; margin:0; padding:.9rem 1.2rem; background:var(--bad); color:#fff;
  font-size:1.1rem; line-height:1.35; box-shadow:0 2px 6px rgba(0,0,0,.25); }
.banner strong { font-size:1.25rem; margin-right:.4rem; }
.dashboard { padding:1rem; display:flex; flex-direction:column; gap:1rem; max-width:1200px; margin:0 auto; }
.cards { display:grid; grid-template-columns:repeat(auto-fit,minmax(150px,1fr)); gap:.75rem; }
.card { background:var(--panel); border:1px solid var(--line); border-radius:10px; padding:.7rem .9rem; display:flex; flex-direction:column; min-width:0; }
.card .label { color:var(--muted); font-size:.8rem; }
.card .value { font-size:1.6rem; font-weight:650; font-variant-numeric:tabular-nums; }
.card.warn.hot { background:var(--warn-bg); border-color:#f1d29c; }
.card.warn.hot .value { color:var(--warn); }
.card.bad.hot { background:var(--bad-bg); border-color:#f3c1c4; }
.card.bad.hot .value { color:var(--bad); }
.card.good .value { color:var(--ok); }
.badge { display:inline-block; padding:.05rem .5rem; border-radius:999px; font-size:.8rem; font-weight:600; background:var(--line); color:var(--muted); white-space:nowrap; }
.badge.ready { background:var(--ok-bg); color:var(--ok); }
.badge.setup, .badge.failing { background:var(--bad-bg); color:var(--bad); }
.badge.blocked { background:var(--warn-bg); color:var(--warn); }
/* A room with many stuck attendees scrolls inside the list, so the table stays near the top. */
.stuck-list { list-style:none; margin:0; padding:0; display:flex; flex-direction:column; gap:.35rem; max-height:16rem; overflow-y:auto; }
.stuck-list li { display:flex; flex-wrap:wrap; gap:.2rem .6rem; align-items:baseline; padding:.35rem .5rem; border-radius:8px; background:var(--bad-bg); }
.stuck-list li.hint { background:none; }
.stuck-list .name { font-weight:650; font-size:.95rem; }
.stuck-list .why { color:var(--ink); font-size:.9rem; min-width:0; overflow-wrap:anywhere; }
.controls { display:flex; flex-wrap:wrap; gap:.5rem 1rem; align-items:center; }
.toggle { font-size:.85rem; color:var(--muted); }
.open-user { display:flex; gap:.3rem; margin:0; }
.open-user input { font:inherit; font-size:.85rem; padding:.2rem .4rem; border:1px solid var(--line); border-radius:6px; width:9rem; }
.open-user button, .detail-actions button, .issued button, button.small { font-size:.85rem; padding:.3rem .7rem; border:1px solid var(--line);
  border-radius:6px; background:var(--panel); color:var(--ink); }
button.danger { border-color:#f3c1c4; color:var(--bad); }
button.small { padding:.1rem .5rem; }
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
#attendees tbody tr { cursor:pointer; }
#attendees tbody tr:hover td, #attendees tbody tr:focus td { background:#eef3fd; }
td.last-error { color:var(--muted); font-size:.85rem; max-width:16rem; overflow:hidden; text-overflow:ellipsis; }
table.compact th, table.compact td { padding:.25rem .45rem; font-size:.85rem; }
table.compact thead th { cursor:default; }
td.wrap { white-space:normal; text-align:left; min-width:14rem; }
td.ok-text { color:var(--ok); }
tr.bad-row td { background:var(--bad-bg); }
tr.warn-row td { background:var(--warn-bg); }
dialog#detail { width:min(860px, 96vw); max-height:90vh; border:1px solid var(--line); border-radius:12px; padding:1rem 1.1rem; color:var(--ink); }
dialog#detail::backdrop { background:rgba(20,28,40,.45); }
dialog h3 { font-size:.95rem; margin:1rem 0 .3rem; }
.detail-head { display:flex; gap:.6rem; align-items:center; }
.detail-head h2 { font-size:1.15rem; }
.detail-head .link { margin-left:auto; }
.detail-summary { margin:.5rem 0; }
.detail-actions { display:flex; flex-wrap:wrap; gap:.4rem; margin:.4rem 0; }
.detail-tier { display:flex; flex-wrap:wrap; gap:.3rem .5rem; align-items:center; margin:.4rem 0; font-size:.9rem; }
.detail-tier .label { color:var(--muted); }
.detail-tier select { font:inherit; font-size:.85rem; max-width:100%; }
.detail-tier button { font-size:.85rem; padding:.3rem .7rem; border:1px solid var(--line); border-radius:6px; background:var(--panel); color:var(--ink); }
.issued { margin:.6rem 0; padding:.6rem; border:1px solid #f1d29c; background:var(--warn-bg); border-radius:8px; }
.issued label { display:block; font-size:.85rem; margin-bottom:.3rem; }
.issued-row { display:flex; gap:.4rem; }
.issued-row input { flex:1; min-width:0; font:14px ui-monospace,SFMono-Regular,Menlo,monospace; padding:.35rem; border:1px solid var(--line); border-radius:6px; }
.detail-credential { display:flex; flex-wrap:wrap; gap:.5rem; align-items:baseline; }
.detail-credential p { margin:.2rem 0; overflow-wrap:anywhere; font-size:.9rem; }
.detail-result { min-height:1.2em; margin:.3rem 0; font-size:.9rem; color:var(--ok); }
.detail-result.bad { color:var(--bad); }
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
  /* On a phone keep who, their state, how much, 429s and errors; the rest is a tap away. */
  #attendees th:nth-child(4), #attendees td:nth-child(4),
  #attendees th:nth-child(7), #attendees td:nth-child(7),
  #attendees th:nth-child(8), #attendees td:nth-child(8),
  #attendees th:nth-child(9), #attendees td:nth-child(9),
  #attendees th:nth-child(10), #attendees td:nth-child(10) { display:none; }
  .banner { font-size:.95rem; padding:.7rem .8rem; }
  #actions th:nth-child(4), #actions td:nth-child(4) { display:none; }
}
/* The projector view: one screen, sizes from the viewport's height, no names. */
body.projector { height:100vh; display:flex; flex-direction:column; background:#101722; color:#f3f6fa; }
body.projector .banner { position:static; font-size:3.2vh; padding:1.6vh 2vw; }
body.projector .banner strong { font-size:3.6vh; }
.projector-view { flex:1; min-height:0; display:flex; flex-direction:column; padding:2.5vh 2.5vw 1.5vh; gap:2vh; }
.projector-head { display:flex; justify-content:space-between; align-items:baseline; gap:2vw; }
.projector-head h1 { font-size:5.5vh; font-weight:700; overflow:hidden; text-overflow:ellipsis; white-space:nowrap; }
.projector-clock { font-size:4.5vh; font-variant-numeric:tabular-nums; color:#b8c3d3; white-space:nowrap; }
.projector-body { flex:1; min-height:0; display:grid; grid-template-columns:minmax(0, 33fr) minmax(0, 67fr); gap:1.5vw; }
/* How to join, for the room: the address, its QR code and the event code, the code largest. */
.join-panel { min-height:0; overflow:hidden; display:flex; flex-direction:column; align-items:center; justify-content:center; gap:.8vh;
  border-radius:2vh; background:#f3f6fa; color:#101722; padding:1.5vh 1vw; text-align:center; }
.join-label { font-size:2.6vh; color:#4a5568; text-transform:uppercase; letter-spacing:.1em; }
.join-url { font-size:3.1vh; font-weight:650; overflow-wrap:anywhere; line-height:1.15; }
.join-qr { width:28vh; height:28vh; max-width:100%; }
.join-qr svg { display:block; width:100%; height:100%; }
.join-code { font-family:ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-weight:800; line-height:1.05; overflow-wrap:anywhere; }
.join-code.code-short { font-size:9vh; }
.join-code.code-medium { font-size:6vh; }
.join-code.code-long { font-size:4vh; }
.join-closed { margin:0; font-size:3vh; }
.tiles { min-height:0; display:grid; grid-template-columns:repeat(3, minmax(0, 1fr)); grid-template-rows:repeat(2, minmax(0, 1fr)); gap:2vh 1.2vw; }
.tile { min-height:0; overflow:hidden; display:flex; flex-direction:column; justify-content:center; align-items:center;
  border-radius:2vh; background:#1c2636; padding:1vh 1vw; }
.tile-value { font-size:10.5vh; line-height:1; font-weight:750; font-variant-numeric:tabular-nums; white-space:nowrap; }
.tile-label { font-size:3.2vh; line-height:1.15; color:#b8c3d3; margin-top:1vh; text-align:center; }
.tile.good .tile-value { color:#5fd08f; }
.tile.bad .tile-value { color:#ff8a8f; }
.tile.stuck.hot { background:#3a1d24; }
.tile.stuck.hot .tile-value { color:#ff8a8f; }
.tile.host.bad { background:#5a1a20; }
/* "down" is the widest word a tile shows: a size that keeps it inside its tile. */
.tile.host .tile-value { font-size:9vh; }
.projector-foot { margin:0; font-size:2.2vh; color:#7f8ba0; text-align:right; }
.projector-foot .link { font-size:2.2vh; color:#9fb8ff; }
`;
