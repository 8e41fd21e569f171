// What `ocg monitor` and `ocg report` show the organiser, from canned admin API answers: a
// cut list that keeps the failing attendees, the banner for a host that is down or errors
// that spike, who the report counts as an attendee, emails, path A's Checkout links, plurals
// and greeting names.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { pickRows, renderFrame } from "../src/commands/monitor.mjs";
import { run as report } from "../src/commands/report.mjs";
import { CliError } from "../src/errors.mjs";
import { alertsOf, bannerLines, isErrorSpike } from "../src/lib/alerts.mjs";
import { leftOutBecause, splitAudience } from "../src/lib/audience.mjs";
import { draftEmail } from "../src/lib/email.mjs";
import { greetingName } from "../src/lib/greeting-name.mjs";
import { plural } from "../src/lib/plural.mjs";

const ANSI = /\x1b\[[0-9;]*m/g;
const HEALTHY = { event: "Room", upstream: { name: "openclaw", reachable: true, latency_ms: 3 } };

function attendee(userId, fields = {}) {
  return {
    user_id: userId, requests: 5, tokens: 50, prompt_tokens: 30, completion_tokens: 20, rate_limited: 0, errors: 0,
    upstream_errors: 0, streamed: 0, endpoints: 1, p50_latency_ms: 10, p95_latency_ms: 20,
    first_seen: "2026-12-01 10:00:00", last_seen: "2026-12-01 10:05:00", ...fields,
  };
}

function overviewOf(fields = {}) {
  return {
    window: { since: "2026-12-01 10:00:00", minutes: 5 },
    totals: { requests: 100, tokens: 1000, prompt_tokens: 600, completion_tokens: 400, rate_limited: 0, errors: 0, upstream_errors: 0, attendees: 30 },
    latency_ms: { p50: 10, p95: 20, p99: 30 },
    status_codes: [{ status: 200, count: 100 }],
    active_attendees: { count: 30 },
    limits: { requests_per_minute: 50 },
    ...fields,
  };
}

const frame = (fields, options = {}) =>
  renderFrame({ health: HEALTHY, overview: overviewOf(), attendees: [], ...fields }, { url: "http://gw", minutes: 5, color: false, rows: 20, ...options });

describe("ocg monitor: a list longer than the screen", () => {
  // 30 attendees, most active first; the three with errors are the least active.
  const rows = Array.from({ length: 30 }, (_, i) => attendee(`a${String(i).padStart(2, "0")}`, { requests: 100 - i }));
  for (const i of [27, 28, 29]) rows[i] = { ...rows[i], errors: 1, state: "failing", last_error_code: "invalid_api_key", last_error_at: "2026-12-01 10:04:00" };

  it("keeps every attendee with errors on screen, and says none of the hidden ones has errors", () => {
    const text = frame({ attendees: rows });
    const shown = text.split("\n").filter((line) => /^a\d\d /.test(line)).map((line) => line.split(/\s+/)[0]);
    assert.ok(shown.length < rows.length, "the list was cut");
    for (const id of ["a27", "a28", "a29"]) assert.ok(shown.includes(id), `${id} (errors) is shown`);
    assert.deepEqual(shown.slice(0, 3), ["a00", "a01", "a02"], "the rest keeps the chosen order");
    assert.match(text, new RegExp(`… and ${rows.length - shown.length} more \\(none with errors\\)`));
    assert.match(text, /LAST ERROR/);
    assert.match(text.split("\n").find((line) => line.startsWith("a29")), /invalid_api_key 10:04/);
  });

  it("shows the attendees with the most errors first when they alone overflow the screen, and counts the failing ones it hides", () => {
    const failing = Array.from({ length: 6 }, (_, i) => attendee(`f${i}`, { errors: i + 1 }));
    const { shown, hidden, hiddenWithErrors } = pickRows([attendee("calm"), ...failing], 3);
    assert.deepEqual(shown.map((r) => r.user_id), ["f3", "f4", "f5"]);
    assert.equal(hidden, 4);
    assert.equal(hiddenWithErrors, 3);
  });

  it("leaves a list that fits exactly as it is", () => {
    const few = [attendee("b"), attendee("a", { errors: 2 })];
    assert.deepEqual(pickRows(few, 5).shown, few);
  });

  it("names the attendees stuck at setup, and keeps roster ids idle in the window out of the table", () => {
    const text = frame({
      attendees: [attendee("busy"), attendee("newbie", { requests: 0, state: "setup" }), attendee("earlier", { requests: 0, state: "ready" })],
      overview: overviewOf({ attendee_states: { ready: 5, stuck: 1 } }),
    });
    assert.match(text, /stuck at setup \(enrolled, no request yet\): 1 — newbie/);
    assert.match(text, /5 ready · 1 stuck/);
    assert.ok(!text.split("\n").some((line) => line.startsWith("earlier")));
    assert.ok(text.split("\n").some((line) => line.startsWith("busy")));
  });

  it("says why the attendee list is empty when the totals count only refused, test or id-less callers", () => {
    const text = frame({
      attendees: [],
      overview: overviewOf({ totals: { requests: 60, tokens: 0, rate_limited: 0, errors: 60, upstream_errors: 0 } }),
    });
    assert.match(text, /last 5 min, all callers: 60 requests/);
    assert.match(text, /No attendee requests in the last 5 minutes: the 60 requests above came from refused keys, test users, enrolments or callers without an id\./);
    assert.doesNotMatch(text, /^No requests in the last/m);
  });

  it("gives an attendee whose key the provider refused a line of their own, with what to do", () => {
    const message = "OpenAI refused the key sent as dana (no credit, mistyped or revoked?). Ask them to check the key and its credit at platform.openai.com, then run bash setup.sh again: it asks for the key on the spot. Not counted in dana's figures: until a key works, anyone may use a name.";
    const text = frame({
      attendees: [attendee("busy"), attendee("dana", { requests: 0, state: "setup", refused_key: { requests: 2, last_at: "2026-12-07 06:00:00", error_code: "invalid_api_key", message } })],
      overview: overviewOf({ attendee_states: { ready: 1, stuck: 1 } }),
    });
    assert.ok(text.split("\n").includes(`dana: ${message}`), text);
    assert.doesNotMatch(text, /stuck at setup \(enrolled, no request yet\)/);
  });

  it("writes counts in the right number: 1 request, 1 error, 1 active attendee", () => {
    const text = frame({
      attendees: [attendee("solo", { requests: 1 })],
      overview: overviewOf({ totals: { requests: 1, tokens: 1, rate_limited: 0, errors: 1, upstream_errors: 0 }, active_attendees: { count: 1 } }),
    });
    assert.match(text, /1 active attendee · /);
    assert.match(text, /last 5 min, all callers: 1 request · 0 × 429 · 1 error \(0 upstream\)/);
    assert.match(text, / 1 token$/m);
    assert.doesNotMatch(text, /\b1 (requests|errors|tokens|active attendees)\b/);
  });
});

describe("ocg monitor: the banner", () => {
  it("opens the frame with HOST DOWN when the agent server behind the gateway does not answer", () => {
    const text = frame({ health: { ...HEALTHY, upstream: { name: "openclaw", reachable: false, latency_ms: null } } });
    assert.match(text.split("\n")[0], /^!! HOST DOWN: the agent server \(upstream 'openclaw'\) does not answer the gateway; every attendee request fails\. Check OPENCLAW_URL and the tunnel\. !!$/);
  });

  it("opens the frame with GATEWAY DOWN when the gateway's own /health does not answer", () => {
    const text = frame({ health: { unreachable: "connection refused" } });
    assert.match(text.split("\n")[0], /^!! GATEWAY DOWN: its \/health does not answer \(connection refused\)\. !!$/);
  });

  it("says ERRORS SPIKE with the gateway's figures when /overview raises the alert", () => {
    const overview = overviewOf({
      recent: { minutes: 5, requests: 40, errors: 12, error_rate: 0.3, top_error: { code: "upstream_error", count: 9, message: "The agent host failed." } },
      alerts: { error_spike: true },
    });
    const text = frame({ overview });
    assert.equal(text.split("\n")[0], "!! ERRORS SPIKE: 12 of 40 requests failed in the last 5 min (30%); most often upstream_error: The agent host failed. !!");
  });

  it("follows the gateway's verdict on a spike, and applies the same rule to a gateway without one", () => {
    assert.equal(isErrorSpike({ alerts: { error_spike: false }, recent: { requests: 100, errors: 90 } }), false);
    assert.equal(isErrorSpike({ totals: { requests: 40, errors: 10 } }), true);
    assert.equal(isErrorSpike({ totals: { requests: 9, errors: 9 } }), false, "too few requests to mean anything");
    assert.equal(isErrorSpike({ totals: { requests: 40, errors: 9 } }), false);
  });

  it("has no banner when all is well, and lists a host down before an error spike", () => {
    assert.deepEqual(alertsOf({ health: HEALTHY, overview: overviewOf() }), []);
    const both = alertsOf({ health: { upstream: { name: "x", reachable: false } }, overview: { alerts: { error_spike: true } } });
    assert.deepEqual(both.map((a) => a.split(":")[0]), ["HOST DOWN", "ERRORS SPIKE"]);
  });

  it("is as wide as the terminal, white on red, when colour is on", () => {
    const [line] = bannerLines(["HOST DOWN: x"], { color: true, columns: 60 });
    assert.ok(line.startsWith("\x1b[1;97;41m"));
    assert.equal(line.replace(ANSI, "").length, 60);
  });
});

describe("ocg report: who counts as an attendee", () => {
  it("leaves out reserved ids, test users and ids with no request, saying why", () => {
    assert.equal(leftOutBecause(attendee("anonymous")), "reserved");
    assert.equal(leftOutBecause(attendee("unauthenticated")), "reserved");
    assert.equal(leftOutBecause(attendee("smoke-1a2b")), "test");
    assert.equal(leftOutBecause(attendee("loadtest-007")), "test");
    assert.equal(leftOutBecause(attendee("sam", { test_user: true })), "test");
    assert.equal(leftOutBecause(attendee("newbie", { requests: 0 })), "inactive");
    assert.equal(leftOutBecause(attendee("sam")), null);
    assert.equal(leftOutBecause(attendee("smokey")), null, "only the prefix with its dash marks a test user");
    const { attendees, leftOut } = splitAudience([attendee("sam"), attendee("anonymous"), attendee("loadtest-1"), attendee("x", { requests: 0 })]);
    assert.deepEqual(attendees.map((a) => a.user_id), ["sam"]);
    assert.deepEqual(leftOut, { reserved: 1, test: 1, inactive: 1 });
    assert.equal(splitAudience([attendee("anonymous"), attendee("x", { requests: 0 })], { includeAll: true }).attendees.length, 2);
  });
});

/** What the admin client throws for the gateway's 503 billing_not_configured (it keeps a 5xx's message). */
const BILLING_NOT_CONFIGURED = new CliError("The gateway answered 503: Billing is not configured on this gateway: the organiser has to set the STRIPE_SECRET_KEY secret.");

/**
 * A gateway client answering from canned admin API bodies, recording what was asked. Its
 * Checkout route answers with `checkout(userId, tier)`: by default, billing not configured.
 */
function cannedGateway({
  attendees, users = [], overview = overviewOf({ window: { since: "0000-01-01 00:00:00", minutes: null } }),
  checkout = () => { throw BILLING_NOT_CONFIGURED; },
}) {
  const asked = [];
  return {
    asked,
    url: "http://gw.test",
    health: async () => ({ ...HEALTHY, event: "HICAM" }),
    admin: async (path, options = {}) => {
      asked.push(path);
      if (path.startsWith("/overview")) return overview;
      if (path.startsWith("/attendees")) return { data: attendees, truncated: false };
      if (path.startsWith("/users")) return { data: users, next_cursor: null };
      const buying = path.match(/^\/billing\/users\/([^/]+)\/checkout$/);
      if (buying && options.method === "POST") return checkout(decodeURIComponent(buying[1]), options.body.tier);
      throw new Error(`unexpected ${path}`);
    },
  };
}

async function reportText(gateway, values = {}) {
  let out = "";
  const stdout = { write: (text) => { out += text; } };
  const code = await report({ values: { top: "10", "include-all": false, "no-drafts": false, ...values }, context: { gateway, stdout } });
  assert.equal(code, 0);
  return out;
}

describe("ocg report", () => {
  const rows = [
    attendee("sam-k", { requests: 1, tokens: 1, errors: 1, rate_limited: 1 }),
    attendee("zoe", { requests: 3 }),
    attendee("unauthenticated", { requests: 40, errors: 40 }),
    attendee("anonymous", { requests: 2 }),
    attendee("smoke-abc", { requests: 2 }),
    attendee("loadtest-001", { requests: 60 }),
    attendee("idle-ida", { requests: 0, tokens: 0 }),
  ];

  it("reports only attendees by default and says what it left out, with --include-all to bring them back", async () => {
    const text = await reportText(cannedGateway({ attendees: rows }));
    assert.match(text, /attendees 2 · requests 4 · tokens 51/);
    assert.match(text, /Left out: 2 test ids \(smoke-…, loadtest-…\), 2 reserved ids \(anonymous, unauthenticated\), 1 never active \(enrolled, no request\)\. --include-all to include them\./);
    assert.match(text, /Most active attendees \(top 2 of 2\)/);
    for (const id of ["unauthenticated", "anonymous", "smoke-abc", "loadtest-001", "idle-ida"]) assert.ok(!text.includes(`To: (no email given at enrolment) USER_ID ${id} `), id);
    assert.match(text, /all logged traffic, left-out ids and enrolments included: 100 requests/);

    const gateway = cannedGateway({ attendees: rows });
    const all = await reportText(gateway, { "include-all": true });
    assert.match(all, /attendees 7 · /);
    assert.doesNotMatch(all, /Left out:/);
    assert.ok(gateway.asked.some((p) => p.startsWith("/attendees?") && p.includes("include_test=1")), "asks the gateway for its test users too");
  });

  it("still reports from a gateway that does not know the include_test parameter", async () => {
    const gateway = cannedGateway({ attendees: rows });
    const answer = gateway.admin;
    gateway.admin = async (path, options) => {
      if (path.includes("include_test")) throw new CliError('Invalid query: Unrecognized key: "include_test". (invalid_query)');
      return answer(path, options);
    };
    assert.match(await reportText(gateway), /attendees 2 · requests 4/);
  });

  it("writes '1 error' and '1 request', never '1 errors'", async () => {
    const text = await reportText(cannedGateway({ attendees: rows }));
    assert.match(text, /^ {2}sam-k: 1 × 429 of 1 request$/m);
    assert.match(text, /^ {2}sam-k: 1 error \(0 from the upstream\)$/m);
    assert.match(text, /Your agent made 1 request through the workshop gateway \(1 token\)\./);
    assert.doesNotMatch(text, /\b1 (errors|requests|tokens)\b/);
  });

  it("addresses each draft to the email the attendee gave, greets them by name, and says when there is no email", async () => {
    const users = [{ user_id: "zoe", email: "zoe@example.com" }, { user_id: "sam-k", email: null }];
    const text = await reportText(cannedGateway({ attendees: rows, users }));
    assert.match(text, /^To: zoe@example\.com \(USER_ID zoe at HICAM\)$/m);
    assert.match(text, /^Hi Zoe,$/m);
    assert.match(text, /^To: \(no email given at enrolment\) USER_ID sam-k at HICAM$/m);
    assert.match(text, /^Hi Sam,$/m);
    assert.match(text, /Emails on file: 1 of 2 attendees \(the others gave none at enrolment: their drafts say so\)/);
  });

  it("works with a gateway whose /users rows carry no email field", async () => {
    const text = await reportText(cannedGateway({ attendees: rows, users: [{ user_id: "zoe" }] }));
    assert.match(text, /Emails on file: 0 of 2 attendees/);
  });
});

describe("ocg report: path A's Checkout links", () => {
  const people = ["ann", "bo", "cy", "di", "ed", "flo"].map((id) => attendee(id, { requests: 2 }));
  const linkFor = (userId, tier) => ({ user_id: userId, tier, url: `https://checkout.stripe.com/c/pay/cs_${userId}`, expires_at: "2027-01-02T10:30:00.000Z" });

  it("asks a gateway without billing once, not once per attendee, and says so once", async () => {
    const gateway = cannedGateway({ attendees: people });
    const text = await reportText(gateway);
    assert.equal(gateway.asked.filter((p) => p.startsWith("/billing/")).length, 1);
    assert.equal(text.match(/Billing is not configured on this gateway/g).length, 1);
    assert.equal(text.match(/^Keep your access on tier-1 with your own Checkout link: \(billing link: ask the organiser\)$/gm).length, 6);
  });

  it("offers the organiser's --checkout-url where the gateway cannot make the attendee's own link", async () => {
    const text = await reportText(cannedGateway({ attendees: people }), { "checkout-url": "https://buy.stripe.com/test_room" });
    assert.match(text, /the path-A drafts \(6 attendees\) offer https:\/\/buy\.stripe\.com\/test_room \(--checkout-url\)\./);
    assert.equal(text.match(/^Keep your access on tier-1 here: https:\/\/buy\.stripe\.com\/test_room$/gm).length, 6);
    assert.doesNotMatch(text, /ask the organiser/);
  });

  it("gives each path-A attendee their own link, and leaves a gap only in the draft whose link failed, counting it", async () => {
    const gateway = cannedGateway({
      attendees: people,
      checkout: (userId, tier) => {
        if (userId === "cy") throw new CliError("The gateway answered 502: Stripe did not answer; try again in a minute.");
        return linkFor(userId, tier);
      },
    });
    const text = await reportText(gateway);
    assert.match(text, /Checkout links: 5 of 6 path-A attendees have their own tier-1 link in their draft, valid until 2027-01-02 10:30 UTC/);
    assert.match(text, /Checkout links: 1 could not be made \(The gateway answered 502: Stripe did not answer; try again in a minute\.\); those drafts say "\(billing link: ask the organiser\)"\./);
    for (const id of ["ann", "bo", "di", "ed", "flo"]) assert.match(text, new RegExp(`own Checkout link \\(it works until 2027-01-02 10:30 UTC; after that, reply and we send a new one\\): https://checkout\\.stripe\\.com/c/pay/cs_${id}$`, "m"), id);
    assert.equal(text.match(/ask the organiser\)$/gm).length, 1);
  });

  it("asks for links only for path-A attendees, and not at all with --no-drafts", async () => {
    const mixed = [attendee("light", { requests: 2 }), attendee("builder", { requests: 5, endpoints: 3 }), attendee("curious", { requests: 25 })];
    const gateway = cannedGateway({ attendees: mixed, checkout: linkFor });
    await reportText(gateway);
    assert.deepEqual(gateway.asked.filter((p) => p.startsWith("/billing/")), ["/billing/users/light/checkout"]);
    const quiet = cannedGateway({ attendees: mixed, checkout: linkFor });
    await reportText(quiet, { "no-drafts": true });
    assert.equal(quiet.asked.filter((p) => p.startsWith("/billing/")).length, 0);
  });
});

describe("names and numbers", () => {
  it("greets a person, not an id", () => {
    const cases = { sam: "Sam", "sam-k": "Sam", sam2: "Sam", "sam_k": "Sam", "mary.jones": "Mary Jones", "jean-luc": "Jean-Luc", "42": "42" };
    for (const [id, name] of Object.entries(cases)) assert.equal(greetingName(id), name, id);
  });

  it("puts a noun in the number its count needs", () => {
    assert.equal(plural(1, "error"), "1 error");
    assert.equal(plural(0, "error"), "0 errors");
    assert.equal(plural(1005, "request"), "1,005 requests");
    assert.equal(plural(2, "attendee"), "2 attendees");
  });

  it("drafts an email with the attendee's address when they gave one", () => {
    const text = draftEmail({ attendee: { user_id: "ann", email: "ann@example.org", requests: 1, tokens: 1 }, choice: { path: "A", reason: "1 request, chat only" }, eventName: "E", gatewayUrl: "https://g" });
    assert.match(text, /^To: ann@example\.org \(USER_ID ann at E\)$/m);
    assert.match(text, /made 1 request through the workshop gateway \(1 token\)/);
  });
});
