// `ocg` against the gateway started like `npm start` (wrangler dev, local D1, dev upstream):
// monitor under a pseudo-terminal, report on known traffic (its path-A drafts without
// billing, and with their own Checkout links from a MOCK of the gateway's one Checkout
// route), keys, users and tiers, loadtest, the report's audience after enrolments and test
// users, the monitor's banner when the agent server stops, and the errors an organiser
// meets (nothing listening, not a gateway, wrong token).
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { after, before, describe, it } from "node:test";
import { queryLocalD1, startLocalGateway } from "organized-gateway/local";

const OCG = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "bin", "ocg.mjs");
const ADMIN_TOKEN = "cli-admin-token-0123456789";
const EVENT_CODE = "CLI-ROOM";
const execFileAsync = promisify(execFile);
let gateway;
let stateDir;

/** Runs `ocg` as a user would; never throws, resolves with its exit code and output. */
async function ocg(args, { token = ADMIN_TOKEN, url = gateway.url } = {}) {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [OCG, ...args], {
      env: { ...process.env, OCG_URL: url, OCG_ADMIN_TOKEN: token, NO_COLOR: "1" }, timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    return { code: error.code, stdout: error.stdout, stderr: error.stderr };
  }
}

async function call(pathName, { user, key = `sk-${user}-cli-01`, method = "POST", body } = {}) {
  const response = await fetch(`${gateway.url}${pathName}`, {
    method,
    headers: { "content-type": "application/json", "x-user-id": user, authorization: `Bearer ${key}` },
    body: method === "GET" ? undefined : JSON.stringify(body ?? { model: "gpt-4o", messages: [{ role: "user", content: "hi" }] }),
  });
  await response.arrayBuffer();
  return response.status;
}

async function waitForRequests(total) {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const response = await fetch(`${gateway.url}/admin/api/overview`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    if ((await response.json()).totals.requests >= total) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`D1 never held ${total} requests`);
}

// Known traffic: ann 52 chats (the last 2 over the 50/min limit), dee 4 requests on 3
// endpoints, bob 3 chats, cy 1 chat.
before(async () => {
  stateDir = mkdtempSync(path.join(tmpdir(), "ocg-cli-"));
  gateway = await startLocalGateway({
    port: 19210, upstreamPort: 19211, persistTo: stateDir,
    settings: { HASH_SECRET: "cli-hash-secret-0123456789abc", ADMIN_TOKEN, EVENT_CODE, LOG_FLUSH_MS: "100", EVENT_NAME: "CLI Workshop" },
  });
  const statuses = [];
  for (let i = 0; i < 52; i++) statuses.push(await call("/v1/chat/completions", { user: "rep-ann" }));
  assert.deepEqual(statuses.filter((s) => s === 429).length, 2);
  await call("/v1/chat/completions", { user: "rep-dee" });
  await call("/v1/chat/completions", { user: "rep-dee" });
  assert.equal(await call("/v1/embeddings", { user: "rep-dee", body: { model: "text-embedding-3-small", input: "hello" } }), 200);
  assert.equal(await call("/v1/models", { user: "rep-dee", method: "GET" }), 200);
  for (let i = 0; i < 3; i++) await call("/v1/chat/completions", { user: "rep-bob" });
  await call("/v1/chat/completions", { user: "rep-cy" });
  await waitForRequests(60);
});

after(async () => {
  await gateway?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

describe("ocg monitor", () => {
  it("shows the attendees in a live view that redraws in place under a pseudo-terminal", async () => {
    const command = `stty rows 40 cols 120; timeout --preserve-status -s INT 7 ${process.execPath} ${OCG} monitor --interval 1`;
    const child = spawn("script", ["-qec", command, "/dev/null"], {
      env: { ...process.env, OCG_URL: gateway.url, OCG_ADMIN_TOKEN: ADMIN_TOKEN },
    });
    let output = "";
    child.stdout.on("data", (chunk) => { output += chunk; });
    const code = await new Promise((resolve) => child.on("exit", resolve));
    assert.equal(code, 0, output);
    assert.ok(output.includes("\x1b[?1049h"), "uses the alternate screen");
    assert.ok(output.split("\x1b[H\x1b[2J").length - 1 >= 3, "redrew at least three frames");
    const plain = output.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "");
    for (const user of ["rep-ann", "rep-bob", "rep-cy", "rep-dee"]) assert.ok(plain.includes(user), `${user} on screen`);
    assert.match(plain, /60 requests/);
    assert.match(plain, /2 × 429/);
    assert.match(plain, /upstream ok/);
    assert.ok(output.includes("\x1b[?1049l"), "restores the screen on Ctrl-C");
  });

  it("prints one frame with --once, most active first, with their 429s", async () => {
    const { code, stdout } = await ocg(["monitor", "--once"]);
    assert.equal(code, 0);
    const rows = stdout.split("\n").filter((line) => line.startsWith("rep-"));
    assert.deepEqual(rows.map((line) => line.split(/\s+/)[0]), ["rep-ann", "rep-dee", "rep-bob", "rep-cy"]);
    assert.deepEqual(rows[0].split(/\s+/).slice(1, 4), ["52", "2", "0"]);
  });
});

describe("ocg report", () => {
  it("ranks the most active attendees, names who hit the limit, and picks each one's upgrade path", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "ocg-report-"));
    const csvFile = path.join(dir, "attendees.csv");
    const emails = path.join(dir, "emails");
    const { code, stdout, stderr } = await ocg(["report", "--csv", csvFile, "--emails", emails]);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /Post-event report · CLI Workshop/);
    assert.match(stdout, /attendees 4 · requests 60/);
    assert.match(stdout, /Who hit the rate limit \(1\)\n  rep-ann: 2 × 429 of 52 requests/);
    assert.match(stdout, /Upgrade paths: A 2 · B 1 · C 1/);

    const [header, ...lines] = readFileSync(csvFile, "utf8").trim().split("\r\n");
    const columns = header.split(",");
    const rows = lines.map((line) => Object.fromEntries(line.split(",").map((v, i) => [columns[i], v])));
    assert.deepEqual(rows.map((r) => [r.rank, r.user_id, r.requests, r.rate_limited, r.endpoints, r.upgrade_path]), [
      ["1", "rep-ann", "52", "2", "1", "B"],
      ["2", "rep-dee", "4", "0", "3", "C"],
      ["3", "rep-bob", "3", "0", "1", "A"],
      ["4", "rep-cy", "1", "0", "1", "A"],
    ]);
    assert.deepEqual(readdirSync(emails).sort(), ["rep-ann.txt", "rep-bob.txt", "rep-cy.txt", "rep-dee.txt"]);
    const dee = readFileSync(path.join(emails, "rep-dee.txt"), "utf8");
    assert.match(dee, /path C/);
    assert.match(dee, /used 3 different API endpoints/);
    assert.doesNotMatch(stdout + dee, new RegExp(ADMIN_TOKEN));
    rmSync(dir, { recursive: true, force: true });
  });

  it("says once that billing is not configured, and leaves path A's drafts a gap for the organiser's link", async () => {
    // This gateway has no STRIPE_SECRET_KEY (as `npm start` without `npm run secrets`).
    const { code, stdout, stderr } = await ocg(["report"]);
    assert.equal(code, 0, stderr);
    const said = stdout.match(/Billing is not configured on this gateway \(no STRIPE_SECRET_KEY\)[^\n]*/g) ?? [];
    assert.deepEqual(said, ['Billing is not configured on this gateway (no STRIPE_SECRET_KEY): no Checkout links were made, and the path-A drafts (2 attendees) say "(billing link: ask the organiser)".']);
    const drafts = stdout.split("─".repeat(60)).slice(1);
    const draftOf = (user) => drafts.find((d) => d.includes(`USER_ID ${user} `));
    for (const user of ["rep-bob", "rep-cy"]) {
      assert.match(draftOf(user), /^Keep your access on tier-1 with your own Checkout link: \(billing link: ask the organiser\)$/m, user);
    }
    for (const user of ["rep-ann", "rep-dee"]) assert.doesNotMatch(draftOf(user), /billing link/, user);
  });

  it("puts each path-A attendee's own Checkout link for tier-1 in their draft when billing is configured", async () => {
    // MOCK of the gateway's POST /admin/api/billing/users/{id}/checkout (the route itself, with
    // Stripe's API mocked, is tested in apps/organized-gateway/test/billing.test.ts); every other
    // request goes through to the real gateway.
    const asked = [];
    const proxy = createServer(async (request, response) => {
      let body = "";
      for await (const chunk of request) body += chunk;
      const checkout = request.method === "POST" && request.url.match(/^\/admin\/api\/billing\/users\/([^/]+)\/checkout$/);
      if (checkout) {
        asked.push({ user: decodeURIComponent(checkout[1]), body: JSON.parse(body), authorization: request.headers.authorization });
        response.writeHead(201, { "content-type": "application/json" });
        response.end(JSON.stringify({
          user_id: checkout[1], tier: "tier-1", url: `https://checkout.stripe.com/c/pay/cs_test_${checkout[1]}`, expires_at: "2027-01-02T10:30:00.000Z",
        }));
        return;
      }
      const upstream = await fetch(`${gateway.url}${request.url}`, {
        method: request.method, headers: { authorization: request.headers.authorization ?? "", accept: "application/json" },
        body: request.method === "GET" ? undefined : body,
      });
      response.writeHead(upstream.status, { "content-type": upstream.headers.get("content-type") ?? "application/json" });
      response.end(Buffer.from(await upstream.arrayBuffer()));
    });
    await new Promise((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    const dir = mkdtempSync(path.join(tmpdir(), "ocg-report-checkout-"));
    try {
      const { code, stdout, stderr } = await ocg(["report", "--emails", dir], { url: `http://127.0.0.1:${proxy.address().port}` });
      assert.equal(code, 0, stderr);
      assert.deepEqual(asked.map((a) => a.user).sort(), ["rep-bob", "rep-cy"]);
      assert.ok(asked.every((a) => a.body.tier === "tier-1" && a.authorization === `Bearer ${ADMIN_TOKEN}`));
      assert.match(stdout, /Checkout links: 2 of 2 path-A attendees have their own tier-1 link in their draft, valid until 2027-01-02 10:30 UTC: send the drafts before then/);
      assert.doesNotMatch(stdout, /Billing is not configured/);
      for (const user of ["rep-bob", "rep-cy"]) {
        const draft = readFileSync(path.join(dir, `${user}.txt`), "utf8");
        assert.match(draft, new RegExp(`^Keep your access on tier-1 with your own Checkout link \\(it works until 2027-01-02 10:30 UTC; after that, reply and we send a new one\\): https://checkout\\.stripe\\.com/c/pay/cs_test_${user}$`, "m"), user);
        assert.doesNotMatch(draft, /ask the organiser/);
      }
      assert.doesNotMatch(readFileSync(path.join(dir, "rep-ann.txt"), "utf8"), /checkout\.stripe\.com/);
    } finally {
      await new Promise((resolve) => proxy.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("ocg keys and users", () => {
  it("creates a key shown once, lists it by hint, and revokes it", async () => {
    const created = await ocg(["keys", "create", "cli-kim", "--label", "front desk"]);
    assert.equal(created.code, 0, created.stderr);
    const key = created.stdout.match(/^ocg_cli-kim_[0-9A-Za-z]{40}$/m)[0];
    const keyId = created.stdout.match(/Key (\w{8}) for cli-kim/)[1];
    assert.equal(await call("/v1/chat/completions", { user: "ignored", key }), 200);
    const listed = await ocg(["keys", "list", "--user", "cli-kim"]);
    assert.match(listed.stdout, new RegExp(`${keyId}\\s+cli-kim\\s+ocg_cli-kim_`));
    assert.ok(!listed.stdout.includes(key), "the listing never shows the key");
    assert.equal((await ocg(["keys", "revoke", keyId])).code, 0);
    assert.equal(await call("/v1/chat/completions", { user: "ignored", key }), 401);
    assert.match((await ocg(["keys", "list", "--user", "cli-kim"])).stdout, /revoked/);
  });

  it("lists users, shows one, and resets a BYOK binding so a new key can use the id", async () => {
    const listed = await ocg(["users", "list"]);
    assert.match(listed.stdout, /rep-ann\s+52\s+\d+\s+2\s+0/);
    const shown = await ocg(["users", "show", "rep-bob"]);
    assert.match(shown.stdout, /requests 3 · tokens \d+ · 429s 0/);
    assert.match(shown.stdout, /BYOK binding: yes/);
    assert.equal(await call("/v1/chat/completions", { user: "rep-bob", key: "sk-rep-bob-new-key" }), 403);
    const reset = await ocg(["users", "reset-binding", "rep-bob"]);
    assert.match(reset.stdout, /binding reset/);
    assert.equal(await call("/v1/chat/completions", { user: "rep-bob", key: "sk-rep-bob-new-key" }), 200);
  });
});

describe("ocg users tier", () => {
  it("puts an attendee on a tier by hand, which their object holds and users show prints", async () => {
    const set = await ocg(["users", "tier", "cli-tiered", "tier-2"]);
    assert.equal(set.code, 0, set.stderr);
    assert.equal(set.stdout, "cli-tiered: on tier-2 now, from their next request.\n");
    const user = await (await fetch(`${gateway.url}/admin/api/users/cli-tiered`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json();
    assert.equal(user.gate.tier, "tier-2");
    assert.match((await ocg(["users", "show", "cli-tiered"])).stdout, /^ {2}tier: tier-2$/m);
    assert.match((await ocg(["users", "show", "rep-cy"])).stdout, /^ {2}tier: none of their own \(DEFAULT_TIER applies\)$/m);
  });

  it("refuses an unknown tier with the gateway's 400 naming the field and the tiers, and changes nothing", async () => {
    const { code, stdout, stderr } = await ocg(["users", "tier", "cli-tiered", "gold"]);
    assert.equal(code, 1);
    assert.equal(stdout, "");
    assert.match(stderr, /Invalid body \(tier\)/);
    assert.match(stderr, /tier-1/);
    assert.match(stderr, /\(invalid_body\)/);
    const user = await (await fetch(`${gateway.url}/admin/api/users/cli-tiered`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json();
    assert.equal(user.gate.tier, "tier-2");
  });

  it("asks for a user id and a tier, with exit code 2", async () => {
    for (const args of [["users", "tier"], ["users", "tier", "cli-tiered"]]) {
      const { code, stderr } = await ocg(args);
      assert.equal(code, 2, args.join(" "));
      assert.match(stderr, /ocg users tier <user_id> <tier>/);
    }
  });
});

describe("ocg with more keys than one page of the admin API", () => {
  it("lists every key of a user across pages, and counts all of a user's active keys in users list", async () => {
    // 1,005 keys written straight into the local D1: the admin API answers at most 1,000 per page.
    queryLocalD1(`INSERT INTO gateway_keys (id, user_id, hint, source)
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1005)
      SELECT printf('P%07d', i), 'cli-many', 'ocg_cli-many_…abcd', 'admin' FROM n`, { persistTo: stateDir });
    const listed = await ocg(["keys", "list", "--user", "cli-many", "--json"]);
    assert.equal(listed.code, 0, listed.stderr);
    const keys = JSON.parse(listed.stdout);
    assert.equal(keys.length, 1005);
    assert.equal(new Set(keys.map((k) => k.id)).size, 1005);
    const users = await ocg(["users", "list"]);
    assert.match(users.stdout, /cli-many\s+0\s+0\s+0\s+0\s+1,005\s+never/);
  });
});

describe("clear errors", () => {
  it("says the gateway cannot be reached when nothing listens at the URL", async () => {
    const { code, stderr } = await ocg(["monitor", "--once"], { url: "http://127.0.0.1:19299" });
    assert.equal(code, 1);
    assert.match(stderr, /Cannot reach the gateway at http:\/\/127\.0\.0\.1:19299: connection refused\. Is it running\?/);
  });

  it("says the admin token was refused, without printing it", async () => {
    const { code, stderr } = await ocg(["users", "list"], { token: "wrong-token-abcdef123" });
    assert.equal(code, 1);
    assert.match(stderr, /refused the admin token \(401\)/);
    assert.ok(!stderr.includes("wrong-token-abcdef123"));
  });

  it("says a URL that answers is not the gateway (here: the upstream itself)", async () => {
    const { code, stderr } = await ocg(["report"], { url: `http://127.0.0.1:19211` });
    assert.equal(code, 1);
    assert.match(stderr, /not as an organized-gateway|does not look like an organized-gateway|was not found \(404\)/);
  });

  it("asks for a token when none is given, and explains a bad option", async () => {
    const noToken = await ocg(["users", "list"], { token: "" });
    assert.equal(noToken.code, 2);
    assert.match(noToken.stderr, /No admin token/);
    const bad = await ocg(["report", "--colour"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /See 'ocg report --help'/);
  });
});

describe("ocg loadtest", () => {
  it("simulates 10 attendees, reports latency, 429s, errors and throughput, and says the host held", async () => {
    const { code, stdout, stderr } = await ocg(["loadtest", "--users", "10", "--rate", "60", "--duration", "5"]);
    assert.equal(code, 0, stdout + stderr);
    assert.match(stdout, /Load test: 10 attendees × 60 requests\/min for 5 s \(50 requests\)/);
    assert.match(stdout, /requests sent\s+50\n/);
    assert.match(stdout, /answered 2xx\s+50\n/);
    assert.match(stdout, /latency \(2xx\)\s+p50 \d+ ms · p95 \d+ ms · p99 \d+ ms/);
    assert.match(stdout, /throughput\s+[\d.]+ requests\/s/);
    assert.match(stdout, /Verdict: the host HELD/);
    assert.match(stdout, /Rule: The host HELD if errors/);
    assert.match(stderr, /\[█+\] 50\/50 100%/);
    // Per node: the gateway's one node answered all 50, with its in-flight peak from /health.
    assert.match(stdout, /per node\s+requests\s+2xx\s+503/);
    assert.match(stdout, /\n  openclaw\s+50\s+50\s+0\s+\d+\s+\d+\s+\d+\/\d+\s+\d+\s+\d+\n/);
    // Test users are left out of the attendee figures unless asked for.
    const users = await (await fetch(`${gateway.url}/admin/api/attendees?minutes=5&include_test=1`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json();
    assert.equal(users.data.filter((a) => a.user_id.startsWith("loadtest-")).length, 10);
  });

  it("with gateway keys, issues one per attendee and revokes them afterwards", async () => {
    const { code, stdout } = await ocg(["loadtest", "--users", "3", "--rate", "60", "--duration", "2", "--mode", "key", "--prefix", "lt-key", "--json"]);
    assert.equal(code, 0, stdout);
    const result = JSON.parse(stdout);
    assert.equal(result.mode, "key");
    assert.equal(result.ok, 6);
    assert.equal(result.held, true);
    assert.deepEqual(result.nodes.map((n) => [n.node, n.requests, n.ok, n.busy_503]), [["openclaw", 6, 6, 0]]);
    const keys = [];
    let cursor = null;
    do {
      const page = await (await fetch(`${gateway.url}/admin/api/keys?limit=1000${cursor ? `&after=${cursor}` : ""}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json();
      keys.push(...page.data);
      cursor = page.next_cursor;
    } while (cursor);
    const mine = keys.filter((k) => k.user_id.startsWith("lt-key-"));
    assert.equal(mine.length, 3);
    assert.ok(mine.every((k) => k.revoked_at !== null));
  });
});

describe("ocg report, after enrolments, a smoke test and a load test", () => {
  it("leaves out test users and never-active ids (saying so), addresses drafts to the emails given, and --include-all brings them back", async () => {
    const enroll = async (body) => {
      const response = await fetch(`${gateway.url}/enroll`, {
        method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ event_code: EVENT_CODE, ...body }),
      });
      assert.equal(response.status, 201, await response.clone().text());
      return (await response.json()).key;
    };
    const eve = await enroll({ user_id: "rep-eve", email: "eve@example.com", email_consent: true });
    await enroll({ user_id: "rep-fay" });
    assert.equal(await call("/v1/chat/completions", { user: "ignored", key: eve }), 200);
    assert.equal(await call("/v1/chat/completions", { user: "smoke-cli-01" }), 200);
    const before = (await (await fetch(`${gateway.url}/admin/api/overview`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()).totals.requests;
    await waitForRequests(before);

    const dir = mkdtempSync(path.join(tmpdir(), "ocg-report-people-"));
    const { code, stdout, stderr } = await ocg(["report", "--emails", dir]);
    assert.equal(code, 0, stderr);
    const table = stdout.slice(stdout.indexOf("Most active attendees"), stdout.indexOf("Who hit the rate limit"));
    assert.match(table, /rep-eve/);
    for (const id of ["rep-fay", "smoke-cli-01", "loadtest-", "unauthenticated", "anonymous"]) assert.doesNotMatch(table, new RegExp(id), id);
    // 10 loadtest- ids from `ocg loadtest` and the smoke- one.
    assert.match(stdout, /Left out: 11 test ids \(smoke-…, loadtest-…\), 1 never active \(enrolled, no request\)\. --include-all to include them\./);
    const files = readdirSync(dir);
    assert.ok(files.includes("rep-eve.txt") && !files.includes("rep-fay.txt") && !files.some((f) => f.startsWith("loadtest-") || f.startsWith("smoke-")), files.join(" "));
    const draft = readFileSync(path.join(dir, "rep-eve.txt"), "utf8");
    assert.match(draft, /^To: eve@example\.com \(USER_ID rep-eve at CLI Workshop\)$/m);
    assert.match(draft, /^Hi Rep-Eve,$/m);
    assert.match(draft, /Your agent made 1 request through the workshop gateway/);
    assert.match(readFileSync(path.join(dir, "rep-ann.txt"), "utf8"), /^To: \(no email given at enrolment\) USER_ID rep-ann at CLI Workshop$/m);
    rmSync(dir, { recursive: true, force: true });

    const all = await ocg(["report", "--include-all", "--no-drafts", "--top", "1000"]);
    assert.equal(all.code, 0, all.stderr);
    for (const id of ["rep-fay", "smoke-cli-01", "loadtest-"]) assert.match(all.stdout, new RegExp(`\\d+  ${id}`), id);
    assert.doesNotMatch(all.stdout, /Left out:/);
  });
});

// Last: it stops the dev upstream.
describe("ocg monitor when the agent server stops", () => {
  it("opens its frame with a HOST DOWN banner", async () => {
    await gateway.upstream.close();
    const { code, stdout } = await ocg(["monitor", "--once"]);
    assert.equal(code, 0);
    assert.match(stdout.split("\n")[0], /^!! HOST DOWN: the agent server \(upstream 'openclaw'\) does not answer the gateway; every attendee request fails\./);
  });
});
