/** The billing page's stylesheet (served from /billing/assets/billing.css): a laptop or a 390 px phone. */
export const BILLING_CSS = `
:root { --bg:#f6f7f9; --panel:#fff; --ink:#1c2330; --muted:#5b6675; --line:#e2e6ec; --accent:#2f6fde;
  --bad:#c0262d; --bad-bg:#fde9ea; --ok:#1f8a4c; --ok-bg:#e5f6ec; --warn-bg:#fff4e0; }
* { box-sizing: border-box; }
body { margin:0; font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif; background:var(--bg); color:var(--ink); }
h1 { font-size:1.25rem; margin:0; }
h2 { font-size:1rem; margin:0 0 .4rem; }
main { max-width:760px; margin:0 auto; padding:1rem; display:flex; flex-direction:column; gap:1rem; }
main.narrow { max-width:420px; margin-top:10vh; }
.subtitle, .detail, .hint { color:var(--muted); font-size:.85rem; }
.top { display:flex; flex-wrap:wrap; gap:.5rem 1rem; justify-content:space-between; align-items:center; padding:.8rem 1rem;
  background:var(--panel); border-bottom:1px solid var(--line); }
.top form { margin:0; }
.card { background:var(--panel); border:1px solid var(--line); border-radius:10px; padding:.9rem 1rem; }
.card p { margin:.3rem 0; }
.notice { background:var(--warn-bg); border-color:#f1d29c; }
.error { background:var(--bad-bg); color:var(--bad); border:1px solid #f3c1c4; border-radius:8px; padding:.6rem .8rem; margin:0; }
.ok { background:var(--ok-bg); color:var(--ok); border:1px solid #b9e3c8; border-radius:8px; padding:.6rem .8rem; margin:0; }
.signin { display:flex; flex-direction:column; gap:.5rem; }
.signin input { font:inherit; padding:.6rem; border:1px solid var(--line); border-radius:8px; }
button { font:inherit; cursor:pointer; padding:.5rem .9rem; border:0; border-radius:8px; background:var(--accent); color:#fff; }
button.link { background:none; color:var(--accent); padding:0; font-size:.9rem; }
.tier { font-size:1.6rem; font-weight:650; margin:.1rem 0; }
.figure { font-size:1.1rem; }
.figure strong { font-size:1.6rem; font-variant-numeric:tabular-nums; }
meter { width:100%; height:1.1rem; }
.projects { list-style:none; padding:0; margin:.5rem 0 0; }
.projects li { display:flex; justify-content:space-between; border-top:1px solid var(--line); padding:.25rem 0; font-variant-numeric:tabular-nums; }
.plans { width:100%; border-collapse:collapse; }
.plans th, .plans td { text-align:left; padding:.45rem .4rem; border-top:1px solid var(--line); vertical-align:middle; }
.plans thead th { border-top:0; color:var(--muted); font-weight:500; font-size:.85rem; }
.plans tr.current { background:var(--ok-bg); }
.plans form { margin:0; }
.pill { padding:.15rem .6rem; border-radius:999px; font-size:.85rem; background:var(--ok-bg); color:var(--ok); font-weight:600; }
code { background:var(--line); border-radius:4px; padding:0 .25rem; }
@media (max-width: 560px) {
  .plans thead { display:none; }
  .plans tr { display:grid; grid-template-columns:1fr 1fr; gap:.1rem .5rem; border-top:1px solid var(--line); padding:.4rem 0; }
  .plans th, .plans td { border:0; padding:.1rem 0; }
}
`;
