// `ocg report`: the seed's "Day +1: review D1, identify the most active attendees" and
// "Day +3: send the upgrade-path email", as one command over the admin API.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { CliError } from "../errors.mjs";
import { toCsv } from "../lib/csv.mjs";
import { draftEmail } from "../lib/email.mjs";
import { num, table } from "../lib/format.mjs";
import { chooseUpgradePath, PATHS } from "../lib/upgrade-path.mjs";

export const name = "report";
export const summary = "post-event review: most active attendees, totals, who hit limits, CSV, upgrade-path emails";
export const usage = `Usage: ocg report [--since <time> | --minutes <n>] [--top 10] [--csv <file>] [--emails <dir>] [--no-drafts]

The post-event review from the gateway's request log:
  - totals (requests, attendees, tokens, 429s, errors, latency),
  - the most active attendees, ranked by requests,
  - who hit the rate limit, and who saw errors,
  - an upgrade-path email draft per attendee (paths A/B/C), chosen from their activity:
      C (ClaudeFlare): ≥ 100 requests and hit the limit, or ≥ 3 different endpoints
      B (ClawBox):     ≥ 20 requests, ≥ 2 endpoints, or hit the limit at all
      A (Shared):      everyone else

Options:
  --since <time>        only requests from this time on ('YYYY-MM-DD HH:MM:SS' UTC or ISO 8601)
  --minutes <n>         only the last n minutes (default: the whole log)
  --top <n>             how many attendees in the ranking (default 10)
  --csv <file>          also write every attendee's figures and path to this CSV file
  --emails <dir>        write one draft per attendee to <dir>/<user_id>.txt instead of printing them
  --no-drafts           leave the email drafts out
  --event-name <name>   the event's name in the drafts (default: the gateway's EVENT_NAME)
  --checkout-url <url>  the Stripe link path A's draft offers`;

export const options = {
  since: { type: "string" },
  minutes: { type: "string" },
  top: { type: "string", default: "10" },
  csv: { type: "string" },
  emails: { type: "string" },
  "no-drafts": { type: "boolean", default: false },
  "event-name": { type: "string" },
  "checkout-url": { type: "string" },
};

const CSV_COLUMNS = [
  "rank", "user_id", "requests", "tokens", "prompt_tokens", "completion_tokens", "rate_limited", "errors", "upstream_errors",
  "streamed", "endpoints", "avg_latency_ms", "p50_latency_ms", "p95_latency_ms", "first_seen", "last_seen",
  "upgrade_path", "upgrade_reason",
];

/** Ranks attendees (most requests first, then tokens, then name) and picks each one's path. */
export function rankAttendees(attendees) {
  return [...attendees]
    .sort((a, b) => b.requests - a.requests || b.tokens - a.tokens || a.user_id.localeCompare(b.user_id))
    .map((attendee, index) => {
      const choice = chooseUpgradePath(attendee);
      return { ...attendee, rank: index + 1, upgrade_path: choice.path, upgrade_reason: choice.reason, choice };
    });
}

export async function run({ values, context }) {
  const { gateway, stdout } = context;
  const top = Number(values.top);
  if (!Number.isInteger(top) || top < 1) throw new CliError(`--top must be a whole number ≥ 1 (got '${values.top}')`, 2);
  const window = new URLSearchParams();
  if (values.since) window.set("since", values.since);
  if (values.minutes) window.set("minutes", values.minutes);
  const [health, overview, attendees] = await Promise.all([
    gateway.health(),
    gateway.admin(`/overview?${window}`),
    gateway.admin(`/attendees?${new URLSearchParams({ ...Object.fromEntries(window), sort: "requests", limit: "1000" })}`),
  ]);
  const ranked = rankAttendees(attendees.data);
  const eventName = values["event-name"] ?? health.event ?? "the workshop";
  const t = overview.totals;
  const l = overview.latency_ms;
  const out = [];
  out.push(`Post-event report · ${eventName} · ${gateway.url}`);
  out.push(`Window: ${overview.window.minutes ? `last ${overview.window.minutes} minutes` : overview.window.since.startsWith("0000") ? "the whole log" : `since ${overview.window.since} UTC`}`);
  out.push("");
  out.push("Totals");
  out.push(`  attendees ${num(t.attendees)} · requests ${num(t.requests)} · tokens ${num(t.tokens)} (${num(t.prompt_tokens)} in, ${num(t.completion_tokens)} out)`);
  out.push(`  rate-limited (429) ${num(t.rate_limited)} · errors ${num(t.errors)} (upstream ${num(t.upstream_errors)}) · latency p50 ${num(l.p50)} ms, p95 ${num(l.p95)} ms, p99 ${num(l.p99)} ms`);
  out.push(`  status codes: ${overview.status_codes.map((s) => `${s.status}×${s.count}`).join("  ") || "–"}`);
  out.push("");
  out.push(`Most active attendees (top ${Math.min(top, ranked.length)} of ${ranked.length})`);
  if (ranked.length === 0) out.push("  nobody made a request in this window");
  else {
    out.push(indent(table(ranked.slice(0, top), [
      { key: "rank", title: "#" },
      { key: "user_id", title: "USER_ID", align: "left" },
      { key: "requests", title: "REQUESTS", format: num },
      { key: "tokens", title: "TOKENS", format: num },
      { key: "rate_limited", title: "429", format: num },
      { key: "errors", title: "ERRORS", format: num },
      { key: "p95_latency_ms", title: "P95ms", format: num },
      { key: "last_seen", title: "LAST SEEN (UTC)", align: "left" },
      { key: "upgrade_path", title: "PATH", align: "left" },
    ])));
  }
  out.push("");
  const limited = ranked.filter((a) => a.rate_limited > 0).sort((a, b) => b.rate_limited - a.rate_limited);
  out.push(`Who hit the rate limit (${limited.length})`);
  out.push(limited.length ? limited.map((a) => `  ${a.user_id}: ${a.rate_limited} × 429 of ${a.requests} requests`).join("\n") : "  nobody");
  const failing = ranked.filter((a) => a.errors > 0).sort((a, b) => b.errors - a.errors);
  out.push(`Who saw errors (${failing.length})`);
  out.push(failing.length ? failing.map((a) => `  ${a.user_id}: ${a.errors} errors (${a.upstream_errors} from the upstream)`).join("\n") : "  nobody");
  out.push("");
  const counts = Object.keys(PATHS).map((key) => `${key} ${ranked.filter((a) => a.upgrade_path === key).length}`);
  out.push(`Upgrade paths: ${counts.join(" · ")}`);

  if (values.csv) {
    writeFileSync(values.csv, toCsv(ranked, CSV_COLUMNS));
    out.push(`CSV: ${ranked.length} attendees written to ${values.csv}`);
  }
  const drafts = ranked.map((attendee) => ({
    attendee,
    text: draftEmail({ attendee, choice: attendee.choice, eventName, gatewayUrl: gateway.url, checkoutUrl: values["checkout-url"] }),
  }));
  if (values.emails) {
    mkdirSync(values.emails, { recursive: true });
    for (const draft of drafts) writeFileSync(path.join(values.emails, `${draft.attendee.user_id}.txt`), draft.text);
    out.push(`Email drafts: ${drafts.length} written to ${values.emails}/<user_id>.txt`);
  } else if (!values["no-drafts"] && drafts.length) {
    out.push("", "Email drafts", ...drafts.map((d) => `${"─".repeat(60)}\n${d.text}`));
  }
  stdout.write(`${out.join("\n")}\n`);
  return 0;
}

function indent(text) {
  return text.split("\n").map((line) => `  ${line}`).join("\n");
}
