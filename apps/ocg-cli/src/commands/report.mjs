// `ocg report`: the seed's "Day +1: review D1, identify the most active attendees" and
// "Day +3: send the upgrade-path email", as one command over the admin API.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { CliError } from "../errors.mjs";
import { toCsv } from "../lib/csv.mjs";
import { splitAudience } from "../lib/audience.mjs";
import { ASK_THE_ORGANISER, draftEmail } from "../lib/email.mjs";
import { num, table } from "../lib/format.mjs";
import { plural } from "../lib/plural.mjs";
import { chooseUpgradePath, PATHS } from "../lib/upgrade-path.mjs";

export const name = "report";
export const summary = "post-event review: most active attendees, totals, who hit limits, CSV, upgrade-path emails";
export const usage = `Usage: ocg report [--since <time> | --minutes <n>] [--top 10] [--csv <file>] [--emails <dir>] [--no-drafts] [--include-all]

The post-event review from the gateway's request log, about the attendees: left out
unless --include-all are the reserved ids (anonymous, unauthenticated: refused callers),
test users (smoke-…, loadtest-…: ocg smoke and ocg loadtest) and ids that never made a
request in the window (enrolled, or issued a key, and never used it). The report says
how many it left out.
  - totals (requests, attendees, tokens, 429s, errors, latency),
  - the most active attendees, ranked by requests,
  - who hit the rate limit, and who saw errors,
  - an upgrade-path email draft per attendee (paths A/B/C), chosen from their activity:
      C (ClaudeFlare): ≥ 100 requests and hit the limit, or ≥ 3 different endpoints
      B (ClawBox):     ≥ 20 requests, ≥ 2 endpoints, or hit the limit at all
      A (Shared):      everyone else; their draft carries their own Stripe Checkout link for
                       tier-1 (valid 24 hours: send the drafts before then, or run it again).
                       A gateway without STRIPE_SECRET_KEY makes none: the drafts say
                       "(billing link: ask the organiser)" and the report says so once.

Options:
  --since <time>        only requests from this time on ('YYYY-MM-DD HH:MM:SS' UTC or ISO 8601)
  --minutes <n>         only the last n minutes (default: the whole log)
  --top <n>             how many attendees in the ranking (default 10)
  --csv <file>          also write every attendee's figures and path to this CSV file
  --emails <dir>        write one draft per attendee to <dir>/<user_id>.txt instead of printing them
                        (addressed to the email the attendee gave at enrolment, where they gave one)
  --no-drafts           leave the email drafts out
  --event-name <name>   the event's name in the drafts (default: the gateway's EVENT_NAME)
  --checkout-url <url>  the link path A's drafts offer where the gateway cannot make the attendee's
                        own (billing not configured): e.g. a Stripe Payment Link
  --include-all         also report the ids left out above`;

export const options = {
  since: { type: "string" },
  minutes: { type: "string" },
  top: { type: "string", default: "10" },
  csv: { type: "string" },
  emails: { type: "string" },
  "no-drafts": { type: "boolean", default: false },
  "event-name": { type: "string" },
  "checkout-url": { type: "string" },
  "include-all": { type: "boolean", default: false },
};

/** Pages of /users the report reads for emails: 20 × 1,000 ids, far past any room. */
const USER_PAGES_MAX = 20;

/** The tier path A's draft offers (the seed's Tier 1: shared infra, one project). */
export const PATH_A_TIER = "tier-1";
/** Checkout links asked for at once: each is a call to Stripe through the gateway. */
const CHECKOUT_CONCURRENCY = 4;

const CSV_COLUMNS = [
  "rank", "user_id", "email", "requests", "tokens", "prompt_tokens", "completion_tokens", "rate_limited", "errors", "upstream_errors",
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

/** Every user's email from /users (where the gateway has them: enrolled with consent). */
async function emailsOf(gateway) {
  const emails = new Map();
  let after = null;
  for (let page = 0; page < USER_PAGES_MAX; page++) {
    const listing = await gateway.admin(`/users?${new URLSearchParams({ limit: "1000", ...(after ? { after } : {}) })}`);
    for (const user of listing.data ?? []) if (user.email) emails.set(user.user_id, user.email);
    after = listing.next_cursor;
    if (!after) break;
  }
  return emails;
}

/**
 * Every row /attendees has for the window, test users included, so the report itself
 * decides (audience.mjs) and can say how many it left out. A gateway older than the
 * `include_test` parameter refuses it as unknown, and lists test users anyway.
 */
async function attendeesOf(gateway, window) {
  const listing = new URLSearchParams({ ...Object.fromEntries(window), sort: "requests", limit: "1000", include_test: "1" });
  try {
    return await gateway.admin(`/attendees?${listing}`);
  } catch (error) {
    if (!(error instanceof CliError) || !/include_test/.test(error.message)) throw error;
    listing.delete("include_test");
    return gateway.admin(`/attendees?${listing}`);
  }
}

/**
 * Each attendee's own Checkout link for `tier` (POST /admin/api/billing/users/{id}/checkout),
 * a few at a time. A gateway without Stripe answers the first ask with 503
 * billing_not_configured: then no more are asked for, and `notConfigured` says so. Any other
 * refusal leaves that one attendee without a link and is counted in `failed`.
 * @returns {Promise<{links: Map<string, {url: string, expires_at: string}>, notConfigured: boolean, failed: {count: number, message: string | null}}>}
 */
export async function checkoutLinksFor(gateway, userIds, tier) {
  const links = new Map();
  const failed = { count: 0, message: null };
  const ask = async (userId) => {
    try {
      links.set(userId, await gateway.admin(`/billing/users/${encodeURIComponent(userId)}/checkout`, { method: "POST", body: { tier } }));
    } catch (error) {
      if (!(error instanceof CliError)) throw error;
      if (isBillingNotConfigured(error)) throw error;
      failed.count += 1;
      failed.message ??= error.message;
    }
  };
  const [first, ...rest] = userIds;
  try {
    // The first alone: on a gateway without Stripe it is the only call made.
    if (first !== undefined) await ask(first);
    let next = 0;
    const worker = async () => {
      while (next < rest.length) await ask(rest[next++]);
    };
    await Promise.all(Array.from({ length: Math.min(CHECKOUT_CONCURRENCY, rest.length) }, worker));
  } catch (error) {
    if (!isBillingNotConfigured(error)) throw error;
    return { links: new Map(), notConfigured: true, failed: { count: 0, message: null } };
  }
  return { links, notConfigured: false, failed };
}

/**
 * The gateway's 503 billing_not_configured, as the admin client words it (it keeps the
 * gateway's message for a 5xx, not its code).
 */
function isBillingNotConfigured(error) {
  return error instanceof CliError && /billing_not_configured|Billing is not configured/.test(error.message);
}

/** "2 test ids, 1 never active": what the report left out, in words. */
function leftOutSentence(leftOut, windowed) {
  const parts = [];
  if (leftOut.test) parts.push(`${plural(leftOut.test, "test id")} (smoke-…, loadtest-…)`);
  if (leftOut.reserved) parts.push(`${plural(leftOut.reserved, "reserved id")} (anonymous, unauthenticated)`);
  if (leftOut.inactive) parts.push(`${num(leftOut.inactive)} ${windowed ? "with no request in this window" : "never active (enrolled, no request)"}`);
  return parts.length ? `Left out: ${parts.join(", ")}. --include-all to include them.` : null;
}

/** The request counts of these attendees, summed: the totals the report is about. */
function sumOf(rows, key) {
  return rows.reduce((total, row) => total + (Number(row[key]) || 0), 0);
}

export async function run({ values, context }) {
  const { gateway, stdout } = context;
  const top = Number(values.top);
  if (!Number.isInteger(top) || top < 1) throw new CliError(`--top must be a whole number ≥ 1 (got '${values.top}')`, 2);
  const includeAll = values["include-all"];
  const window = new URLSearchParams();
  if (values.since) window.set("since", values.since);
  if (values.minutes) window.set("minutes", values.minutes);
  const [health, overview, attendees, emails] = await Promise.all([
    gateway.health(),
    gateway.admin(`/overview?${window}`),
    attendeesOf(gateway, window),
    emailsOf(gateway),
  ]);
  const { attendees: people, leftOut } = splitAudience(attendees.data, { includeAll });
  const ranked = rankAttendees(people.map((a) => ({ ...a, email: a.email ?? emails.get(a.user_id) ?? null })));
  const eventName = values["event-name"] ?? health.event ?? "the workshop";
  const t = overview.totals;
  const l = overview.latency_ms;
  const requests = sumOf(ranked, "requests");
  const windowed = Boolean(overview.window.minutes) || !overview.window.since.startsWith("0000");
  const out = [];
  out.push(`Post-event report · ${eventName} · ${gateway.url}`);
  out.push(`Window: ${overview.window.minutes ? `last ${overview.window.minutes} minutes` : windowed ? `since ${overview.window.since} UTC` : "the whole log"}`);
  out.push("");
  out.push("Totals");
  out.push(`  attendees ${num(ranked.length)} · requests ${num(requests)} · tokens ${num(sumOf(ranked, "tokens"))} (${num(sumOf(ranked, "prompt_tokens"))} in, ${num(sumOf(ranked, "completion_tokens"))} out)`);
  out.push(`  rate-limited (429) ${num(sumOf(ranked, "rate_limited"))} · errors ${num(sumOf(ranked, "errors"))} (upstream ${num(sumOf(ranked, "upstream_errors"))})`);
  if (t.requests !== requests) {
    out.push(`  all logged traffic, left-out ids and enrolments included: ${plural(t.requests, "request")} · ${num(t.rate_limited)} × 429 · ${plural(t.errors, "error")}`);
  }
  out.push(`  latency (all traffic) p50 ${num(l.p50)} ms, p95 ${num(l.p95)} ms, p99 ${num(l.p99)} ms · status codes: ${overview.status_codes.map((s) => `${s.status}×${s.count}`).join("  ") || "–"}`);
  const leftOutLine = leftOutSentence(leftOut, windowed);
  if (leftOutLine) out.push(`  ${leftOutLine}`);
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
  out.push(limited.length ? limited.map((a) => `  ${a.user_id}: ${num(a.rate_limited)} × 429 of ${plural(a.requests, "request")}`).join("\n") : "  nobody");
  const failing = ranked.filter((a) => a.errors > 0).sort((a, b) => b.errors - a.errors);
  out.push(`Who saw errors (${failing.length})`);
  out.push(failing.length ? failing.map((a) => `  ${a.user_id}: ${plural(a.errors, "error")} (${num(a.upstream_errors)} from the upstream)`).join("\n") : "  nobody");
  out.push("");
  const counts = Object.keys(PATHS).map((key) => `${key} ${ranked.filter((a) => a.upgrade_path === key).length}`);
  out.push(`Upgrade paths: ${counts.join(" · ")}`);
  // Chosen from what each did: someone who never got an answer is offered help first, not a plan.
  const stuck = ranked.filter((a) => a.choice.stuck);
  if (stuck.length) {
    out.push(`Never got an answer: ${stuck.length} (${stuck.slice(0, 10).map((a) => a.user_id).join(", ")}${stuck.length > 10 ? ", …" : ""}): their drafts offer help first, then path A`);
  }
  const withEmail = ranked.filter((a) => a.email).length;
  out.push(`Emails on file: ${num(withEmail)} of ${plural(ranked.length, "attendee")}${withEmail < ranked.length ? " (the others gave none at enrolment: their drafts say so)" : ""}`);

  if (values.csv) {
    writeFileSync(values.csv, toCsv(ranked, CSV_COLUMNS));
    out.push(`CSV: ${plural(ranked.length, "attendee")} written to ${values.csv}`);
  }
  const wantDrafts = Boolean(values.emails) || !values["no-drafts"];
  const pathA = ranked.filter((a) => a.upgrade_path === "A").map((a) => a.user_id);
  const checkout = wantDrafts && pathA.length ? await checkoutLinksFor(gateway, pathA, PATH_A_TIER) : null;
  if (checkout) out.push(...checkoutLines(checkout, pathA.length, values["checkout-url"]));
  const drafts = ranked.map((attendee) => ({
    attendee,
    text: draftEmail({
      attendee, choice: attendee.choice, eventName, gatewayUrl: gateway.url,
      checkout: attendee.upgrade_path === "A" ? checkoutOf(checkout, attendee.user_id, values["checkout-url"]) : null,
    }),
  }));
  if (values.emails) {
    mkdirSync(values.emails, { recursive: true });
    for (const draft of drafts) writeFileSync(path.join(values.emails, `${draft.attendee.user_id}.txt`), draft.text);
    out.push(`Email drafts: ${plural(drafts.length, "draft")} written to ${values.emails}/<user_id>.txt`);
  } else if (!values["no-drafts"] && drafts.length) {
    out.push("", "Email drafts", ...drafts.map((d) => `${"─".repeat(60)}\n${d.text}`));
  }
  stdout.write(`${out.join("\n")}\n`);
  return 0;
}

/** What path A's draft offers this attendee: their own link, else the organiser's --checkout-url, else a note to fill in. */
function checkoutOf(checkout, userId, fallbackUrl) {
  const own = checkout?.links.get(userId);
  if (own) return { tier: PATH_A_TIER, url: own.url, expiresAt: own.expires_at };
  return { tier: PATH_A_TIER, url: fallbackUrl ?? null };
}

/** The report's lines about path A's Checkout links: how many were made and until when, or why none. */
function checkoutLines({ links, notConfigured, failed }, wanted, fallbackUrl) {
  const instead = fallbackUrl ? `offer ${fallbackUrl} (--checkout-url)` : `say "${ASK_THE_ORGANISER}"`;
  if (notConfigured) {
    return [`Billing is not configured on this gateway (no STRIPE_SECRET_KEY): no Checkout links were made, and the path-A drafts (${plural(wanted, "attendee")}) ${instead}.`];
  }
  const lines = [];
  if (links.size) {
    const expiry = [...links.values()].map((link) => link.expires_at).sort()[0];
    lines.push(`Checkout links: ${num(links.size)} of ${num(wanted)} path-A attendees have their own ${PATH_A_TIER} link in their draft, valid until ${expiry.replace("T", " ").slice(0, 16)} UTC: send the drafts before then, or run the report again.`);
  }
  if (failed.count) lines.push(`Checkout links: ${num(failed.count)} could not be made (${failed.message}); those drafts ${instead}.`);
  return lines;
}

function indent(text) {
  return text.split("\n").map((line) => `  ${line}`).join("\n");
}
