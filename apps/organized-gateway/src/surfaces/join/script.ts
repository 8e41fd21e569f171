/**
 * The join page's one script, a progressive enhancement: the page is complete without it
 * (the address is selectable text, the email link works). With it: a Copy button, a Share
 * button where the browser has `navigator.share` (the phone's share sheet: AirDrop,
 * Messages, email to yourself), iPadOS recognised as a tablet, and the "agent server is
 * down" banner kept current from /health every 20 s (a projector shows the page for hours).
 *
 * It is inlined, and the page's Content-Security-Policy admits exactly this text by its
 * SHA-256 (`script-src 'sha256-…'`): no other inline script, no other origin, and no extra
 * route to wire. Plain ES5-era DOM calls: old phones run it too.
 */
export const JOIN_JS = `(function () {
  var d = document, body = d.body, url = body.getAttribute("data-join-url");
  if (navigator.maxTouchPoints > 1 && /Macintosh/.test(navigator.userAgent)) body.classList.add("handheld");
  var note = d.getElementById("send-note");
  function tell(text) { if (note) note.textContent = text; }
  function copyByHand() {
    var field = d.getElementById("join-url");
    if (!field) return false;
    field.focus();
    field.select();
    try { return d.execCommand("copy"); } catch (e) { return false; }
  }
  var copy = d.getElementById("copy");
  if (copy) {
    copy.hidden = false;
    copy.addEventListener("click", function () {
      var done = function () { tell("Copied. Paste it into a message to yourself, or type it on your laptop."); };
      var byHand = function () { if (copyByHand()) done(); else tell("Select the address above and copy it."); };
      if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(url).then(done, byHand);
      else byHand();
    });
  }
  var share = d.getElementById("share");
  if (share && typeof navigator.share === "function") {
    share.hidden = false;
    share.addEventListener("click", function () {
      navigator.share({ title: d.title, text: "Open this on your laptop to get the workshop kit:", url: url }).catch(function () {});
    });
  }
  var banner = d.getElementById("upstream-down");
  function check() {
    fetch("/health", { cache: "no-store" }).then(function (r) { return r.json(); }).then(function (health) {
      if (banner && health && health.upstream) banner.hidden = health.upstream.reachable !== false;
    }).catch(function () {});
  }
  setInterval(check, 20000);
})();
`;

let hash: Promise<string> | undefined;

/** The script's CSP source expression, `'sha256-<base64>'`, computed once per isolate. */
export function joinScriptSource(): Promise<string> {
  hash ??= crypto.subtle.digest("SHA-256", new TextEncoder().encode(JOIN_JS)).then((digest) => {
    const bytes = String.fromCharCode(...new Uint8Array(digest));
    return `'sha256-${btoa(bytes)}'`;
  });
  return hash;
}
