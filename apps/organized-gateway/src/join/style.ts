/** The join page's CSS: readable from the back of a room on a projector, and on a phone. */
export const JOIN_STYLE = `
:root { color-scheme: light; --ink: #14213d; --muted: #55607a; --accent: #e4572e; --panel: #ffffff; --bg: #f4f1ea; }
* { box-sizing: border-box; }
body { margin: 0; font: 18px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
main { max-width: 1100px; margin: 0 auto; padding: 24px 20px 32px; }
header { margin-bottom: 20px; }
.eyebrow { margin: 0; color: var(--accent); font-weight: 700; letter-spacing: .04em; text-transform: uppercase; font-size: 15px; }
h1 { margin: 4px 0 0; font-size: clamp(30px, 5vw, 52px); line-height: 1.1; }
.layout { display: grid; gap: 24px; }
@media (min-width: 820px) { .layout { grid-template-columns: minmax(300px, 420px) 1fr; align-items: start; } }
.qr, .steps { background: var(--panel); border-radius: 16px; box-shadow: 0 1px 3px rgba(20, 33, 61, .12); padding: 20px; }
figure { margin: 0; text-align: center; }
.qr-code svg { display: block; width: 100%; max-width: 380px; height: auto; margin: 0 auto; }
figcaption { margin-top: 12px; color: var(--muted); font-size: 16px; }
.url { display: inline-block; margin-top: 4px; color: var(--ink); font-weight: 700; font-size: 20px; word-break: break-all; }
ol { margin: 0; padding: 0; list-style: none; counter-reset: step; }
li { counter-increment: step; position: relative; padding: 0 0 18px 56px; }
li + li { border-top: 1px solid #e8e4da; padding-top: 18px; }
li::before { content: counter(step); position: absolute; left: 0; width: 40px; height: 40px; border-radius: 50%; background: var(--ink); color: #fff; font-weight: 700; display: grid; place-items: center; }
li + li::before { top: 18px; }
h2 { margin: 4px 0 8px; font-size: 22px; }
p { margin: 8px 0 0; }
pre { margin: 8px 0 0; padding: 10px 14px; background: #14213d; color: #fdfcf8; border-radius: 10px; overflow-x: auto; }
code { font: 16px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
p code { background: #ece8de; padding: 1px 6px; border-radius: 6px; }
.download { display: inline-block; margin-top: 4px; padding: 14px 22px; border-radius: 12px; background: var(--accent); color: #fff; font-weight: 700; text-decoration: none; font-size: 19px; }
.download:focus-visible, .url:focus-visible { outline: 3px solid var(--ink); outline-offset: 3px; }
footer { margin-top: 20px; color: var(--muted); font-size: 16px; text-align: center; }
`;
