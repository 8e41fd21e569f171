/**
 * Browser code both console views share (kept as text: the Worker bundles no browser
 * code): reading the admin API with the session cookie, times — UTC everywhere, labelled,
 * whatever the organiser's laptop is set to, so a time on the page is the time in D1 and
 * in the CLI — and the full-width banner for a down host or an error spike. Plain ES2017;
 * everything from the API is written as text nodes, never parsed as HTML.
 *
 * The banner's thresholds are not here: the error spike is decided by the server
 * (alerts.ts, `alerts.error_spike` in /overview) and the host's state by /health.
 */
export const CLIENT_COMMON_JS = String.raw`
  var ADMIN_HEADER = "x-ocg-admin-request";

  function $(id) { return document.getElementById(id); }
  function fmt(n) { return n === null || n === undefined ? "–" : Number(n).toLocaleString("en-US"); }
  function setText(id, text) { var el = $(id); if (el) el.textContent = text; }
  function plural(n, one, many) { return fmt(n) + " " + (n === 1 ? one : many); }

  /** hh:mm:ss in UTC of a Date (the page's one time zone). */
  function utcClock(date) { return date.toISOString().slice(11, 19); }
  /** hh:mm in UTC of a Unix time in seconds (the chart's axis). */
  function utcMinute(seconds) { return new Date(seconds * 1000).toISOString().slice(11, 16); }
  /** A D1 time ('YYYY-MM-DD HH:MM:SS', UTC) as hh:mm:ss, with the date when it is not today (UTC). */
  function dbTime(text) {
    if (!text) return "–";
    var today = new Date().toISOString().slice(0, 10);
    return text.slice(0, 10) === today ? text.slice(11, 19) : text.slice(5, 10) + " " + text.slice(11, 16);
  }

  function answer(response) {
    if (response.status === 401) { window.location.reload(); throw new Error("signed out"); }
    return response.json().then(function (body) {
      if (!response.ok) throw new Error(body && body.error ? body.error.message : "HTTP " + response.status);
      return body;
    });
  }

  function api(path) {
    return fetch("/admin/api" + path, { credentials: "same-origin", headers: { accept: "application/json" } }).then(answer);
  }

  /** A change: the session cookie plus the console's header, without which the API refuses it (session.ts). */
  function change(method, path, body) {
    var headers = { accept: "application/json", "content-type": "application/json" };
    headers[ADMIN_HEADER] = "1";
    return fetch("/admin/api" + path, {
      method: method, credentials: "same-origin", headers: headers, body: body === undefined ? undefined : JSON.stringify(body),
    }).then(answer);
  }

  function health() {
    return fetch("/health", { headers: { accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .catch(function () { return null; });
  }

  /** What is wrong right now, worst first: each a title and a sentence. */
  function problemsOf(healthBody, overview) {
    var problems = [];
    if (healthBody === null) {
      problems.push({ title: "The gateway's /health did not answer.", detail: "The gateway itself may be down or restarting: attendees cannot reach their agent." });
    } else if (healthBody.upstream && !healthBody.upstream.reachable) {
      problems.push({
        title: "The agent host is unreachable.",
        detail: "Every attendee's request fails until it is back. Check the host and its tunnel; this clears by itself when /health reaches it again.",
      });
    }
    if (overview && overview.alerts && overview.alerts.error_spike) {
      var r = overview.recent, t = overview.alerts.error_spike_threshold;
      var detail = fmt(r.errors) + " of " + fmt(r.requests) + " requests failed in the last " + r.minutes + " minutes (" +
        Math.round(r.error_rate * 100) + "%; the banner shows from " + Math.round(t.error_rate * 100) + "%).";
      if (r.top_error) detail += " Most often " + r.top_error.code + ": " + (r.top_error.message || "");
      problems.push({ title: "Errors are spiking.", detail: detail });
    }
    return problems;
  }

  function renderBanner(problems) {
    var banner = $("banner");
    banner.hidden = problems.length === 0;
    document.body.classList.toggle("has-banner", problems.length > 0);
    if (!problems.length) return;
    setText("banner-title", problems.map(function (p) { return p.title; }).join(" "));
    setText("banner-detail", problems.map(function (p) { return p.detail; }).join(" "));
  }
`;
