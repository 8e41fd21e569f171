/**
 * The dashboard's HTML: the sign-in page and the dashboard's shell. Every value put into
 * HTML goes through `escapeHtml`; live figures are filled in by dashboard.js with DOM text
 * nodes, never as markup. No inline script or style, so the page's CSP can forbid both.
 */
import { escapeHtml, htmlDocument } from "../../../shared/html";
import { SESSION_HOURS } from "../session";


/** No inline scripts or styles, nothing from another origin, no framing. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'", "img-src 'self' data:",
  "form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'",
].join("; ");

function layout(title: string, body: string, bodyClass = ""): string {
  return htmlDocument({
    title, body, noReferrer: true, bodyAttributes: bodyClass ? { class: bodyClass } : {},
    head: '<link rel="stylesheet" href="/admin/assets/uplot.css">\n<link rel="stylesheet" href="/admin/assets/dashboard.css">',
  });
}

/** Pages a sign-in may lead back to: the console's own views, never an address from outside. */
export const SIGN_IN_DESTINATIONS = ["/admin", "/admin/projector"] as const;
export type SignInDestination = (typeof SIGN_IN_DESTINATIONS)[number];

export function signInDestination(value: string | null | undefined): SignInDestination {
  return SIGN_IN_DESTINATIONS.find((path) => path === value) ?? "/admin";
}

export interface SignInView {
  eventName: string;
  /** A sentence shown above the form (wrong token, admin off). */
  error?: string;
  /** False when no ADMIN_TOKEN is set: the form is pointless and not shown. */
  enabled: boolean;
  /** Where the console goes after signing in (the projector view, or the dashboard). */
  next?: SignInDestination;
}

export function signInPage({ eventName, error, enabled, next = "/admin" }: SignInView): string {
  const form = enabled
    ? `<form method="post" action="/admin/session" class="signin-form">
  <label for="token">Admin token</label>
  <input id="token" name="token" type="password" autocomplete="current-password" required minlength="1" autofocus>
  ${next === "/admin" ? "" : `<input type="hidden" name="next" value="${escapeHtml(next)}">`}
  <button type="submit">Sign in</button>
</form>
<p class="hint">The value of ADMIN_TOKEN on this gateway. It stays on the server: the browser keeps only a session, which ends when you sign out or after ${SESSION_HOURS} hours.</p>`
    : "";
  return layout(`Sign in · ${eventName}`, `<main class="signin">
<h1>${escapeHtml(eventName)}</h1>
<p class="subtitle">Organiser console</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ""}
${form}
</main>`);
}

/** The full-width banner both views raise when the agent host is down or errors spike (filled in by the script). */
const BANNER = `<div id="banner" class="banner" role="alert" hidden><strong id="banner-title"></strong> <span id="banner-detail"></span></div>`;

export function dashboardPage({ eventName }: { eventName: string }): string {
  return layout(`Console · ${eventName}`, `${BANNER}
<header class="top">
  <div class="title">
    <h1>${escapeHtml(eventName)}</h1>
    <span class="subtitle">organized-gateway console · all times UTC</span>
  </div>
  <div class="status">
    <span id="upstream" class="pill">upstream …</span>
    <span id="updated" class="updated">loading…</span>
    <a href="/admin/projector" class="link">Projector view</a>
    <form method="post" action="/admin/sign-out"><button type="submit" class="link">Sign out</button></form>
  </div>
</header>
<main class="dashboard">
  <p id="problem" class="error" role="alert" hidden></p>
  <section class="cards" aria-label="Totals">
    <div class="card warn"><span class="label">Enrolled</span><span class="value" id="card-enrolled">–</span><span class="detail" id="card-enrolled-detail"></span></div>
    <div class="card good"><span class="label">Ready</span><span class="value" id="card-ready">–</span><span class="detail">last request answered</span></div>
    <div class="card bad"><span class="label">Stuck</span><span class="value" id="card-stuck">–</span><span class="detail" id="card-stuck-detail"></span></div>
    <div class="card"><span class="label">Active now <small>(5 min)</small></span><span class="value" id="card-active">–</span></div>
    <div class="card"><span class="label">Requests</span><span class="value" id="card-requests">–</span></div>
    <div class="card"><span class="label">Tokens</span><span class="value" id="card-tokens">–</span><span class="detail" id="card-tokens-detail"></span></div>
    <div class="card warn"><span class="label">Rate-limited (429)</span><span class="value" id="card-limited">–</span></div>
    <div class="card bad"><span class="label">Errors</span><span class="value" id="card-errors">–</span><span class="detail" id="card-errors-detail"></span></div>
    <div class="card"><span class="label">Latency p50 / p95</span><span class="value" id="card-latency">–</span></div>
  </section>
  <section class="panel" id="stuck-panel" hidden>
    <div class="panel-head"><h2>Who is stuck</h2><span class="detail">click a name for their last requests and what you can do</span></div>
    <ul id="stuck-list" class="stuck-list"></ul>
  </section>
  <section class="panel">
    <div class="panel-head">
      <h2>Requests per minute</h2>
      <span class="detail">last 30 minutes, UTC</span>
    </div>
    <div id="chart" class="chart"></div>
  </section>
  <section class="panel">
    <div class="panel-head">
      <h2>Attendees</h2>
      <div class="controls">
        <label class="window">Window
          <select id="window">
            <option value="5">5 min</option>
            <option value="60" selected>1 hour</option>
            <option value="1440">24 hours</option>
            <option value="all">all time</option>
          </select>
        </label>
        <label class="toggle"><input type="checkbox" id="include-test"> test users (smoke-, loadtest-)</label>
        <form id="open-user" class="open-user">
          <input id="open-user-id" placeholder="user id" aria-label="User id" autocomplete="off" spellcheck="false" maxlength="64">
          <button type="submit">Open</button>
        </form>
      </div>
    </div>
    <div class="table-wrap">
      <table id="attendees">
        <thead><tr>
          <th data-sort="user_id" data-type="text">Attendee</th>
          <th data-sort="state_rank" data-type="text">State</th>
          <th data-sort="requests">Requests</th>
          <th data-sort="tokens">Tokens</th>
          <th data-sort="rate_limited">429s</th>
          <th data-sort="errors">Errors</th>
          <th data-sort="p50_latency_ms">p50 ms</th>
          <th data-sort="p95_latency_ms">p95 ms</th>
          <th data-sort="last_request_at" data-type="text">Last request</th>
          <th data-sort="last_error_at" data-type="text">Last error</th>
        </tr></thead>
        <tbody></tbody>
      </table>
      <p id="no-attendees" class="empty" hidden>No attendees yet: nobody has enrolled or sent a request in this window.</p>
      <p id="attendees-truncated" class="hint" hidden></p>
    </div>
  </section>
  <section class="panel">
    <div class="panel-head"><h2>Your actions</h2><span class="detail">keys, blocks and resets, from here or with the admin token</span></div>
    <table id="actions" class="compact">
      <thead><tr><th>Time (UTC)</th><th>Action</th><th>Attendee</th><th>Key</th><th>By</th></tr></thead>
      <tbody></tbody>
    </table>
    <p id="no-actions" class="empty" hidden>Nothing yet.</p>
  </section>
  <section class="panel">
    <div class="panel-head"><h2>Status codes</h2><span class="detail" id="status-window"></span></div>
    <ul id="status-codes" class="codes"></ul>
    <ul id="error-codes" class="codes"></ul>
  </section>
</main>
<dialog id="detail" aria-labelledby="detail-user">
  <div class="detail-head">
    <h2 id="detail-user"></h2>
    <span id="detail-state" class="badge"></span>
    <button type="button" id="detail-close" class="link">Close</button>
  </div>
  <p id="detail-summary" class="detail-summary"></p>
  <div class="detail-actions">
    <button type="button" data-action="issue_key">Issue a key</button>
    <button type="button" data-action="block" class="danger">Block</button>
    <button type="button" data-action="unblock">Unblock</button>
    <button type="button" data-action="reset_binding" class="danger">Reset binding</button>
    <button type="button" data-action="reinstate">Reinstate</button>
  </div>
  <p class="detail-usage"><span class="label">This month</span> <span id="detail-usage">–</span></p>
  <form id="detail-tier" class="detail-tier">
    <span class="label">Tier</span> <strong id="detail-tier-now">–</strong>
    <select id="detail-tier-select" aria-label="New tier"></select>
    <button type="submit">Set tier</button>
    <span class="hint">by hand: a Stripe subscription of theirs sets it again on its next event</span>
  </form>
  <div id="issued" class="issued" hidden>
    <label for="issued-key">New key, shown only now: copy it for the attendee (their .env's OCG_KEY)</label>
    <div class="issued-row"><input id="issued-key" readonly spellcheck="false"><button type="button" id="copy-key">Copy</button></div>
  </div>
  <p id="detail-result" class="detail-result" role="status"></p>
  <h3>Keys</h3>
  <table id="detail-keys" class="compact">
    <thead><tr><th>Key</th><th>Created (UTC)</th><th>State</th><th></th></tr></thead>
    <tbody></tbody>
  </table>
  <p id="detail-no-keys" class="empty" hidden>No gateway keys (BYOK, or not enrolled yet).</p>
  <h3>Model credential</h3>
  <div id="detail-credential" class="detail-credential">
    <p id="detail-credential-text">–</p>
    <button type="button" data-action="revoke_credential" class="danger small" hidden>Revoke credential</button>
  </div>
  <h3>Last requests</h3>
  <div class="table-wrap">
    <table id="detail-requests" class="compact">
      <thead><tr><th>Time (UTC)</th><th>Endpoint</th><th>Status</th><th>Error</th><th>ms</th></tr></thead>
      <tbody></tbody>
    </table>
  </div>
  <p id="detail-no-requests" class="empty" hidden>No requests under this id yet.</p>
</dialog>
<script src="/admin/assets/uplot.js"></script>
<script src="/admin/assets/dashboard.js"></script>`);
}

/** What the projector shows the room to join with (console.ts decides it). */
export interface ProjectorJoin {
  /** Null when enrolment is closed (no EVENT_CODE): the organiser hands out keys. */
  eventCode: string | null;
  /** Null when the gateway does not know its public address (PUBLIC_URL). */
  joinUrl: string | null;
  /** The join page's QR code (the qrcode library's SVG: markup we made, not user text). */
  qrSvg: string | null;
}

/** A class that sizes the event code so the longest still fits the panel. */
function codeSize(code: string): string {
  return code.length <= 9 ? "code-short" : code.length <= 14 ? "code-medium" : "code-long";
}

function joinPanel({ eventCode, joinUrl, qrSvg }: ProjectorJoin): string {
  const code = eventCode === null
    ? `<p class="join-closed">Enrolment is closed: you hand out the keys.</p>`
    : `<span class="join-label">event code</span><span class="join-code ${codeSize(eventCode)}" id="p-event-code">${escapeHtml(eventCode)}</span>`;
  const address = joinUrl === null
    ? `<p class="join-closed" id="p-join-url">Set PUBLIC_URL to show the join address here.</p>`
    : `<span class="join-label">join at</span><span class="join-url" id="p-join-url">${escapeHtml(joinUrl)}</span>`;
  const qr = qrSvg === null || joinUrl === null ? "" : `<div class="join-qr" role="img" aria-label="QR code: ${escapeHtml(joinUrl)}">${qrSvg}</div>`;
  return `<section class="join-panel" aria-label="How to join">${address}${qr}${code}</section>`;
}

/**
 * The projector view: the room's state in type large enough to read across a room, in one
 * screen (1280×720 without scrolling), no names: how to join (the join address, its QR
 * code and the event code setup.sh asks for), who is ready, who is stuck, who is active,
 * the traffic, whether the agent host is up and how many enrolled.
 */
export function projectorPage({ eventName, join }: { eventName: string; join: ProjectorJoin }): string {
  return layout(`Projector · ${eventName}`, `${BANNER}
<main class="projector-view">
  <header class="projector-head">
    <h1>${escapeHtml(eventName)}</h1>
    <span class="projector-clock"><span id="clock">–</span> UTC</span>
  </header>
  <div class="projector-body">
  ${joinPanel(join)}
  <div class="tiles">
    <div class="tile good"><span class="tile-value" id="p-ready">–</span><span class="tile-label">ready</span></div>
    <div class="tile stuck" id="p-stuck-tile"><span class="tile-value" id="p-stuck">–</span><span class="tile-label">stuck</span></div>
    <div class="tile"><span class="tile-value" id="p-active">–</span><span class="tile-label">active now</span></div>
    <div class="tile"><span class="tile-value" id="p-rpm">–</span><span class="tile-label">requests / min</span></div>
    <div class="tile host" id="p-host-tile"><span class="tile-value" id="p-host">–</span><span class="tile-label" id="p-host-detail">agent host</span></div>
    <div class="tile"><span class="tile-value" id="p-enrolled">–</span><span class="tile-label" id="p-enrolled-detail">enrolled</span></div>
  </div>
  </div>
  <p class="projector-foot"><span id="updated">loading…</span> · <a href="/admin" class="link">dashboard</a></p>
</main>
<script src="/admin/assets/projector.js"></script>`, "projector");
}
