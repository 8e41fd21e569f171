/**
 * The dashboard's HTML: the sign-in page and the dashboard's shell. Every value put into
 * HTML goes through `escapeHtml`; live figures are filled in by dashboard.js with DOM text
 * nodes, never as markup. No inline script or style, so the page's CSP can forbid both.
 */
import { SESSION_HOURS } from "../session";

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => ESCAPES[ch] ?? ch);
}

/** No inline scripts or styles, nothing from another origin, no framing. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'", "img-src 'self' data:",
  "form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'",
].join("; ");

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="/admin/assets/uplot.css">
<link rel="stylesheet" href="/admin/assets/dashboard.css">
</head>
<body>
${body}
</body>
</html>`;
}

export interface SignInView {
  eventName: string;
  /** A sentence shown above the form (wrong token, admin off). */
  error?: string;
  /** False when no ADMIN_TOKEN is set: the form is pointless and not shown. */
  enabled: boolean;
}

export function signInPage({ eventName, error, enabled }: SignInView): string {
  const form = enabled
    ? `<form method="post" action="/admin/session" class="signin-form">
  <label for="token">Admin token</label>
  <input id="token" name="token" type="password" autocomplete="current-password" required minlength="1" autofocus>
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

export function dashboardPage({ eventName }: { eventName: string }): string {
  return layout(`Console · ${eventName}`, `<header class="top">
  <div class="title">
    <h1>${escapeHtml(eventName)}</h1>
    <span class="subtitle">organized-gateway console</span>
  </div>
  <div class="status">
    <span id="upstream" class="pill">upstream …</span>
    <span id="updated" class="updated">loading…</span>
    <form method="post" action="/admin/sign-out"><button type="submit" class="link">Sign out</button></form>
  </div>
</header>
<main class="dashboard">
  <p id="problem" class="error" role="alert" hidden></p>
  <section class="cards" aria-label="Totals">
    <div class="card warn"><span class="label">Enrolled</span><span class="value" id="card-enrolled">–</span><span class="detail" id="card-enrolled-detail"></span></div>
    <div class="card"><span class="label">Active now <small>(5 min)</small></span><span class="value" id="card-active">–</span></div>
    <div class="card"><span class="label">Requests</span><span class="value" id="card-requests">–</span></div>
    <div class="card"><span class="label">Tokens</span><span class="value" id="card-tokens">–</span><span class="detail" id="card-tokens-detail"></span></div>
    <div class="card warn"><span class="label">Rate-limited (429)</span><span class="value" id="card-limited">–</span></div>
    <div class="card bad"><span class="label">Errors</span><span class="value" id="card-errors">–</span><span class="detail" id="card-errors-detail"></span></div>
    <div class="card"><span class="label">Latency p50 / p95</span><span class="value" id="card-latency">–</span></div>
  </section>
  <section class="panel">
    <div class="panel-head">
      <h2>Requests per minute</h2>
      <span class="detail">last 30 minutes</span>
    </div>
    <div id="chart" class="chart"></div>
  </section>
  <section class="panel">
    <div class="panel-head">
      <h2>Attendees</h2>
      <label class="window">Window
        <select id="window">
          <option value="5">5 min</option>
          <option value="60" selected>1 hour</option>
          <option value="1440">24 hours</option>
          <option value="all">all time</option>
        </select>
      </label>
    </div>
    <div class="table-wrap">
      <table id="attendees">
        <thead><tr>
          <th data-sort="user_id" data-type="text">Attendee</th>
          <th data-sort="requests">Requests</th>
          <th data-sort="tokens">Tokens</th>
          <th data-sort="rate_limited">429s</th>
          <th data-sort="errors">Errors</th>
          <th data-sort="p50_latency_ms">p50 ms</th>
          <th data-sort="p95_latency_ms">p95 ms</th>
          <th data-sort="last_seen" data-type="text">Last seen</th>
        </tr></thead>
        <tbody></tbody>
      </table>
      <p id="no-attendees" class="empty" hidden>No requests in this window yet.</p>
      <p id="attendees-truncated" class="hint" hidden></p>
    </div>
  </section>
  <section class="panel">
    <div class="panel-head"><h2>Status codes</h2><span class="detail" id="status-window"></span></div>
    <ul id="status-codes" class="codes"></ul>
    <ul id="error-codes" class="codes"></ul>
  </section>
</main>
<script src="/admin/assets/uplot.js"></script>
<script src="/admin/assets/dashboard.js"></script>`);
}
