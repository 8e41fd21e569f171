/**
 * The join page's CSS: readable from the back of a room on a projector, and on a phone.
 * Two layouts from one page: a laptop (download button first, steps, QR code for the room)
 * and a phone or tablet (`body.handheld`, or any window under 600 px): "open this on your
 * laptop" with the address large, then the steps for reference; no QR code to scan itself.
 */
export const JOIN_STYLE = `
:root { color-scheme: light; --ink: #14213d; --muted: #55607a; --accent: #e4572e; --panel: #ffffff; --bg: #f4f1ea; --alarm: #b3261e; }
* { box-sizing: border-box; }
body { margin: 0; font: 18px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
.banner { position: sticky; top: 0; z-index: 1; width: 100%; margin: 0; padding: 14px 20px; background: var(--alarm); color: #fff; font-weight: 700; font-size: 20px; text-align: center; }
.banner[hidden] { display: none; }
main { max-width: 1100px; margin: 0 auto; padding: 20px 20px 32px; }
header { margin-bottom: 16px; }
.eyebrow { margin: 0; color: var(--accent); font-weight: 700; letter-spacing: .04em; text-transform: uppercase; font-size: 15px; }
h1 { margin: 4px 0 0; font-size: clamp(28px, 5vw, 52px); line-height: 1.1; overflow-wrap: anywhere; }
.get-kit, .phone, .qr, .steps { background: var(--panel); border-radius: 16px; box-shadow: 0 1px 3px rgba(20, 33, 61, .12); padding: 20px; }
.get-kit { display: flex; flex-wrap: wrap; align-items: center; gap: 12px 24px; margin-bottom: 20px; }
.needs { margin: 0; flex: 1 1 320px; color: var(--muted); font-size: 17px; }
.download { display: inline-block; padding: 16px 26px; border-radius: 12px; background: var(--accent); color: #fff; font-weight: 700; text-decoration: none; font-size: 22px; }
.layout { display: grid; gap: 20px; }
@media (min-width: 820px) { .layout { grid-template-columns: 1fr minmax(280px, 360px); align-items: start; } }
figure { margin: 0; text-align: center; }
.qr-code svg { display: block; width: 100%; max-width: 340px; height: auto; margin: 0 auto; }
figcaption { margin-top: 12px; color: var(--muted); font-size: 16px; }
.url { display: inline-block; margin-top: 4px; color: var(--ink); font-weight: 700; font-size: 20px; word-break: break-all; }
ol { margin: 0; padding: 0; list-style: none; counter-reset: step; }
li { counter-increment: step; position: relative; padding: 0 0 16px 56px; }
li + li { border-top: 1px solid #e8e4da; padding-top: 16px; }
li::before { content: counter(step); position: absolute; left: 0; width: 40px; height: 40px; border-radius: 50%; background: var(--ink); color: #fff; font-weight: 700; display: grid; place-items: center; }
li + li::before { top: 16px; }
h2 { margin: 4px 0 8px; font-size: 22px; }
p { margin: 8px 0 0; }
.aside, .event-code { color: var(--muted); font-size: 16px; }
.event-code { font-weight: 600; color: var(--ink); }
pre { margin: 8px 0 0; padding: 10px 14px; background: #14213d; color: #fdfcf8; border-radius: 10px; overflow-x: auto; }
code { font: 16px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
p code { background: #ece8de; padding: 1px 6px; border-radius: 6px; }
.phone { display: none; margin-bottom: 20px; }
.phone h2 { font-size: 26px; }
.big-url { margin: 14px 0 6px; font-size: clamp(24px, 7vw, 34px); font-weight: 800; line-height: 1.25; overflow-wrap: break-word; }
.scheme { color: var(--muted); font-weight: 600; }
.url-field { width: 100%; padding: 10px 12px; border: 1px solid #cfc9bb; border-radius: 10px; font: 16px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; color: var(--ink); background: #faf8f3; }
.send { display: flex; flex-wrap: wrap; gap: 10px; margin-top: 12px; }
.send button, .send .button { flex: 1 1 150px; padding: 14px 16px; border: 0; border-radius: 12px; background: var(--ink); color: #fff; font: 700 18px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; text-align: center; text-decoration: none; cursor: pointer; }
.send [hidden] { display: none; }
.send-note { min-height: 1.5em; color: var(--muted); font-size: 16px; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.download:focus-visible, .url:focus-visible, .send :focus-visible { outline: 3px solid var(--accent); outline-offset: 3px; }
footer { margin-top: 20px; color: var(--muted); font-size: 16px; text-align: center; }
body.handheld .phone { display: block; }
body.handheld .get-kit, body.handheld .qr { display: none; }
@media (max-width: 600px) {
  /* Not sticky on a phone: it would cover half the screen while scrolling. */
  .banner { position: static; padding: 12px 14px; font-size: 17px; }
  main { padding: 16px 14px 28px; }
  .phone { display: block; }
  .get-kit, .qr { display: none; }
  li { padding-left: 48px; }
}
`;
