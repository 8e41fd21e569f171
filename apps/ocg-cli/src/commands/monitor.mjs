// `ocg monitor`: the seed's `watch -n5 "... count(*) ... last 5 minutes GROUP BY user_id"`,
// plus status codes, 429s, errors, latency and upstream health, redrawn in place.
import { CliError } from "../errors.mjs";
import { alertsOf, bannerLines } from "../lib/alerts.mjs";
import { num, palette, table } from "../lib/format.mjs";
import { plural } from "../lib/plural.mjs";

export const name = "monitor";
export const summary = "live view of the last minutes: attendees, requests, 429s, errors, latency, upstream";
export const usage = `Usage: ocg monitor [--minutes 5] [--interval 5] [--sort requests] [--once]

A live terminal view that redraws itself every few seconds (Ctrl-C to stop):
who made requests in the last N minutes (most first), their 429s, errors, latency and
last error, who is stuck at setup, the status codes, and whether the upstream answers.
A full-width banner on top says when the gateway or the agent server behind it is down,
or when errors spike. When the list is longer than the screen, attendees with errors
are never the ones left out.

Options:
  --minutes <n>   the window, in minutes (default 5, as in the seed's runbook query)
  --interval <s>  seconds between refreshes (default 5)
  --sort <col>    requests | rate_limited | errors | tokens | last_seen | user_id (default requests)
  --once          print one frame and exit (for scripts and logs)`;

export const options = {
  minutes: { type: "string", default: "5" },
  interval: { type: "string", default: "5" },
  sort: { type: "string", default: "requests" },
  once: { type: "boolean", default: false },
};

function positiveInt(value, flag) {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`--${flag} must be a whole number ≥ 1 (got '${value}')`, 2);
  return n;
}

export async function fetchFrame(gateway, { minutes, sort }) {
  const [health, overview, attendees] = await Promise.all([
    gateway.health().catch((error) => ({ unreachable: error.message })),
    gateway.admin(`/overview?minutes=${minutes}`),
    gateway.admin(`/attendees?minutes=${minutes}&sort=${encodeURIComponent(sort)}`),
  ]);
  return { health, overview, attendees: attendees.data, truncated: Boolean(attendees.truncated) };
}

/** An attendee the organiser must see: errors in the window, or their last request failed. */
const hasErrors = (row) => row.errors > 0 || row.state === "failing";
/** On the roster, never a request: stuck at setup (gateways that report `state`). */
const stuckAtSetup = (row) => row.state === "setup" && !(row.requests > 0);

/**
 * The rows that fit in `room`, in the chosen order, never leaving out an attendee with
 * errors while one without is shown: a cut list that hid the one attendee who is failing
 * would show the organiser a calm room. Returns the rows and what was left out.
 */
export function pickRows(rows, room) {
  if (rows.length <= room) return { shown: rows, hidden: 0, hiddenWithErrors: 0 };
  const failing = rows.filter(hasErrors);
  // More failing attendees than lines: the worst first.
  const keep = new Set(failing.length >= room
    ? [...failing].sort((a, b) => b.errors - a.errors).slice(0, room)
    : [...failing, ...rows.filter((r) => !hasErrors(r)).slice(0, room - failing.length)]);
  const shown = rows.filter((r) => keep.has(r));
  return { shown, hidden: rows.length - shown.length, hiddenWithErrors: failing.length - shown.filter(hasErrors).length };
}

const lastError = (row) => (row.last_error_code ? `${row.last_error_code}${row.last_error_at ? ` ${String(row.last_error_at).slice(11, 16)}` : ""}` : "–");

export function renderFrame({ health, overview, attendees, truncated = false }, { url, minutes, color, rows = 40, columns = 100, now = new Date() }) {
  const c = palette(color);
  const t = overview.totals;
  const l = overview.latency_ms;
  const upstream = health.unreachable
    ? c.red("gateway /health unreachable")
    : health.upstream?.reachable
      ? c.green(`upstream ok (${health.upstream.name}, ${health.upstream.latency_ms} ms)`)
      : c.red(`upstream UNREACHABLE (${health.upstream?.name ?? "?"})`);
  const states = overview.attendee_states;
  const lines = [
    ...bannerLines(alertsOf({ health, overview }), { color, columns }),
    c.bold(`ocg monitor · ${health.event ?? "organized-gateway"} · ${url}`) + `   ${now.toISOString().slice(11, 19)} UTC`,
    `${upstream} · ${plural(overview.active_attendees.count, "active attendee")}${states ? ` · ${num(states.ready)} ready · ${(states.stuck ? c.yellow : String)(`${num(states.stuck)} stuck`)}` : ""} · limit ${overview.limits.requests_per_minute}/min each`,
    `last ${minutes} min, all callers: ${plural(t.requests, "request")} · ${(t.rate_limited ? c.yellow : String)(`${num(t.rate_limited)} × 429`)} · ${(t.errors ? c.red : String)(plural(t.errors, "error"))} (${num(t.upstream_errors)} upstream) · p50 ${num(l.p50)} ms · p95 ${num(l.p95)} ms · ${plural(t.tokens, "token")}`,
    `status: ${overview.status_codes.map((s) => {
      const text = `${s.status}×${s.count}`;
      return s.status === 429 ? c.yellow(text) : s.status >= 400 ? c.red(text) : text;
    }).join("  ") || "–"}`,
  ];
  const atSetup = attendees.filter(stuckAtSetup);
  // Their provider refused the key sent with their name: the one fix is theirs, so each gets a line.
  const refused = atSetup.filter((a) => a.refused_key);
  const enrolledOnly = atSetup.filter((a) => !a.refused_key);
  if (enrolledOnly.length) {
    const names = enrolledOnly.slice(0, 8).map((a) => a.user_id).join(", ");
    lines.push(c.yellow(`stuck at setup (enrolled, no request yet): ${enrolledOnly.length} — ${names}${enrolledOnly.length > 8 ? ", …" : ""}`));
  }
  for (const a of refused.slice(0, 5)) lines.push(c.yellow(`${a.user_id}: ${a.refused_key.message}`));
  if (refused.length > 5) lines.push(c.yellow(`… and ${refused.length - 5} more whose key was refused: see the dashboard's "Who is stuck"`));
  lines.push("");
  // Rows with a request in the window, or errors: roster rows idle in the window are not news.
  const active = attendees.filter((a) => a.requests > 0 || hasErrors(a));
  if (active.length === 0) {
    // The totals above count every caller; this list only attendees: say why it is empty.
    lines.push(t.requests > 0
      ? `No attendee requests in the last ${minutes} minutes: the ${plural(t.requests, "request")} above came from refused keys, test users, enrolments or callers without an id.`
      : `No requests in the last ${minutes} minutes.`);
    return lines.join("\n");
  }
  const room = Math.max(3, rows - lines.length - 3);
  const { shown, hidden, hiddenWithErrors } = pickRows(active, room);
  const withLastError = active.some((a) => "last_error_code" in a);
  lines.push(table(shown, [
    { key: "user_id", title: "USER_ID", align: "left" },
    { key: "requests", title: `REQ(${minutes}m)`, format: num },
    { key: "rate_limited", title: "429", format: num, color: (text, row) => (row.rate_limited ? c.yellow(text) : text) },
    { key: "errors", title: "ERR", format: num, color: (text, row) => (row.errors ? c.red(text) : text) },
    { key: "p50_latency_ms", title: "P50ms", format: num },
    { key: "p95_latency_ms", title: "P95ms", format: num },
    { key: "tokens", title: "TOKENS", format: num },
    { key: "last_seen", title: "LAST SEEN", format: (v) => (v ? String(v).slice(11) : "–") },
    ...(withLastError ? [{ key: "last_error_code", title: "LAST ERROR", align: "left", format: (_v, row) => lastError(row), color: (text, row) => (row.state === "failing" ? c.red(text) : text) }] : []),
  ]));
  if (hidden > 0) {
    const errorsNote = hiddenWithErrors > 0 ? c.red(` (${hiddenWithErrors} of them with errors: --sort errors)`) : c.dim(" (none with errors)");
    lines.push(c.dim(`… and ${num(hidden)} more`) + errorsNote);
  }
  if (truncated) lines.push(c.dim(`(the gateway listed only the first ${num(attendees.length)} attendees)`));
  return lines.join("\n");
}

export async function run({ values, context }) {
  const minutes = positiveInt(values.minutes, "minutes");
  const interval = positiveInt(values.interval, "interval");
  const { gateway, stdout, env } = context;
  const color = Boolean(stdout.isTTY) && !env.NO_COLOR;
  const draw = async () => renderFrame(await fetchFrame(gateway, { minutes, sort: values.sort }),
    { url: gateway.url, minutes, color, rows: stdout.rows || 40, columns: stdout.columns || 100 });

  // The first frame fails loudly (wrong URL, wrong token); later failures are shown in place.
  const first = await draw();
  if (values.once || !stdout.isTTY) {
    stdout.write(`${first}\n`);
    if (values.once) return 0;
  }
  const live = Boolean(stdout.isTTY);
  const paint = (frame) => stdout.write(live ? `\x1b[H\x1b[2J${frame}\n\n(refreshing every ${interval} s · Ctrl-C to stop)\n` : `${frame}\n\n`);
  if (live) {
    stdout.write("\x1b[?1049h\x1b[?25l");
    paint(first);
  }
  return new Promise((resolve) => {
    let lastGood = first;
    const timer = setInterval(async () => {
      try {
        lastGood = await draw();
        paint(lastGood);
      } catch (error) {
        // The last good figures stay on screen, under a banner that says they are stale and why.
        const at = new Date().toISOString().slice(11, 19);
        const [banner] = bannerLines([`GATEWAY DOWN at ${at} UTC: ${error.message} (figures below are from before)`], { color, columns: stdout.columns || 100 });
        paint(`${banner}\n${lastGood}`);
      }
    }, interval * 1000);
    const stop = () => {
      clearInterval(timer);
      if (live) stdout.write("\x1b[?25h\x1b[?1049l");
      resolve(0);
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}
