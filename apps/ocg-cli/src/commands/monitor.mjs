// `ocg monitor`: the seed's `watch -n5 "... count(*) ... last 5 minutes GROUP BY user_id"`,
// plus status codes, 429s, errors, latency and upstream health, redrawn in place.
import { CliError } from "../errors.mjs";
import { num, palette, table } from "../lib/format.mjs";

export const name = "monitor";
export const summary = "live view of the last minutes: attendees, requests, 429s, errors, latency, upstream";
export const usage = `Usage: ocg monitor [--minutes 5] [--interval 5] [--sort requests] [--once]

A live terminal view that redraws itself every few seconds (Ctrl-C to stop):
who made requests in the last N minutes (most first), their 429s, errors and latency,
the status codes, and whether the upstream answers.

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
  return { health, overview, attendees: attendees.data };
}

export function renderFrame({ health, overview, attendees }, { url, minutes, color, rows = 40, now = new Date() }) {
  const c = palette(color);
  const t = overview.totals;
  const l = overview.latency_ms;
  const upstream = health.unreachable
    ? c.red("gateway /health unreachable")
    : health.upstream?.reachable
      ? c.green(`upstream ok (${health.upstream.name}, ${health.upstream.latency_ms} ms)`)
      : c.red(`upstream UNREACHABLE (${health.upstream?.name ?? "?"})`);
  const lines = [
    c.bold(`ocg monitor · ${health.event ?? "organized-gateway"} · ${url}`) + `   ${now.toISOString().slice(11, 19)} UTC`,
    `${upstream} · ${overview.active_attendees.count} active attendees · limit ${overview.limits.requests_per_minute}/min each`,
    `last ${minutes} min: ${num(t.requests)} requests · ${(t.rate_limited ? c.yellow : String)(`${num(t.rate_limited)} × 429`)} · ${(t.errors ? c.red : String)(`${num(t.errors)} errors`)} (${num(t.upstream_errors)} upstream) · p50 ${num(l.p50)} ms · p95 ${num(l.p95)} ms · ${num(t.tokens)} tokens`,
    `status: ${overview.status_codes.map((s) => {
      const text = `${s.status}×${s.count}`;
      return s.status === 429 ? c.yellow(text) : s.status >= 400 ? c.red(text) : text;
    }).join("  ") || "–"}`,
    "",
  ];
  if (attendees.length === 0) {
    lines.push(`No requests in the last ${minutes} minutes.`);
    return lines.join("\n");
  }
  const room = Math.max(3, rows - lines.length - 3);
  const shown = attendees.slice(0, room);
  lines.push(table(shown, [
    { key: "user_id", title: "USER_ID", align: "left" },
    { key: "requests", title: `REQ(${minutes}m)`, format: num },
    { key: "rate_limited", title: "429", format: num, color: (text, row) => (row.rate_limited ? c.yellow(text) : text) },
    { key: "errors", title: "ERR", format: num, color: (text, row) => (row.errors ? c.red(text) : text) },
    { key: "p50_latency_ms", title: "P50ms", format: num },
    { key: "p95_latency_ms", title: "P95ms", format: num },
    { key: "tokens", title: "TOKENS", format: num },
    { key: "last_seen", title: "LAST SEEN", format: (v) => (v ? String(v).slice(11) : "–") },
  ]));
  if (attendees.length > shown.length) lines.push(c.dim(`… and ${attendees.length - shown.length} more`));
  return lines.join("\n");
}

export async function run({ values, context }) {
  const minutes = positiveInt(values.minutes, "minutes");
  const interval = positiveInt(values.interval, "interval");
  const { gateway, stdout, env } = context;
  const color = Boolean(stdout.isTTY) && !env.NO_COLOR;
  const draw = async () => renderFrame(await fetchFrame(gateway, { minutes, sort: values.sort }),
    { url: gateway.url, minutes, color, rows: stdout.rows || 40 });

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
        paint(`${lastGood}\n\n${palette(live && !env.NO_COLOR).red(`refresh failed at ${new Date().toISOString().slice(11, 19)} UTC: ${error.message}`)}`);
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
