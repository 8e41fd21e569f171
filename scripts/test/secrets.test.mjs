// `npm run secrets` against a MOCK Cloudflare account (mock-wrangler.mjs on PATH): every
// value goes to `wrangler secret put` on stdin, never in arguments or output (except a
// generated ADMIN_TOKEN, shown once); re-runs keep what is set; bad values are refused.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { afterEach, test } from "node:test";
import { REPO_ROOT } from "../lib/paths.mjs";
import { SECRET_SPECS } from "../lib/secret-specs.mjs";
import { mockAccountsPerTest } from "./mock-account.mjs";

const account = mockAccountsPerTest(afterEach);

function secrets(a, { env = {}, args = ["--yes"], input } = {}) {
  const cleanEnv = { ...a.env };
  for (const spec of SECRET_SPECS) delete cleanEnv[spec.name];
  const result = spawnSync(process.execPath, [path.join(REPO_ROOT, "scripts", "secrets.mjs"), "--config", a.configFile, ...args], {
    env: { ...cleanEnv, ...env }, encoding: "utf8", input: input ?? "",
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

const puts = (a) => a.state().calls.filter((c) => c.args[0] === "secret" && c.args[1] === "put");
const URL_OK = "https://claws-mac-mini.tail1234.ts.net";
const ADMIN = "organiser-admin-token-0123456789";

test("values from the environment reach `wrangler secret put` on stdin only, and HASH_SECRET is generated", () => {
  const a = account();
  const run = secrets(a, { env: { OPENCLAW_URL: URL_OK, ADMIN_TOKEN: ADMIN, OPENCLAW_TOKEN: "openclaw-operator-token" } });
  assert.equal(run.code, 0, run.err);
  const stored = a.state().secrets["organized-gateway"];
  assert.equal(stored.OPENCLAW_URL, URL_OK);
  assert.equal(stored.ADMIN_TOKEN, ADMIN);
  assert.equal(stored.OPENCLAW_TOKEN, "openclaw-operator-token");
  assert.match(stored.HASH_SECRET, /^[0-9a-f]{64}$/);
  assert.equal(stored.EVENT_CODE, undefined, "an optional secret left out is not set");
  for (const call of puts(a)) {
    assert.deepEqual(call.args.slice(0, 3), ["secret", "put", call.args[2]]);
    assert.equal(call.stdin, stored[call.args[2]], "the value went in on stdin");
    for (const value of Object.values(stored)) assert.ok(!call.args.includes(value), "no value on the command line");
  }
  for (const value of Object.values(stored)) {
    assert.ok(!run.out.includes(value) && !run.err.includes(value), "no value printed");
  }
  assert.match(run.out, /HASH_SECRET: set \(generated\)/);
  assert.match(run.out, /EVENT_CODE: not set: enrollment closed/);
});

test("a second run keeps every secret already set, so HASH_SECRET is never silently rotated", () => {
  const a = account();
  assert.equal(secrets(a, { env: { OPENCLAW_URL: URL_OK, ADMIN_TOKEN: ADMIN } }).code, 0);
  const first = { ...a.state().secrets["organized-gateway"] };
  const putsBefore = puts(a).length;
  const again = secrets(a);
  assert.equal(again.code, 0, again.err);
  assert.equal(puts(a).length, putsBefore, "nothing put again");
  assert.deepEqual(a.state().secrets["organized-gateway"], first);
  assert.match(again.out, /HASH_SECRET: kept \(already set\)/);
});

test("without a terminal, a missing required secret stops the run before anything is set, naming it", () => {
  const a = account();
  const run = secrets(a, { env: { OPENCLAW_URL: URL_OK } });
  assert.equal(run.code, 1);
  assert.match(run.err, /ADMIN_TOKEN is not set on the Worker: give it in the environment/);
  assert.equal(puts(a).length, 0);
});

test("a Tailscale 100.x OPENCLAW_URL is refused: a Worker cannot reach the tailnet", () => {
  const a = account();
  const run = secrets(a, { env: { OPENCLAW_URL: "http://100.82.244.127:18789", ADMIN_TOKEN: ADMIN } });
  assert.equal(run.code, 1);
  assert.match(run.err, /OPENCLAW_URL won't work: it is a Tailscale \(100\.x\) address/);
  assert.match(run.err, /Funnel/);
  assert.equal(puts(a).length, 0);
});

test("the walk-through asks for each secret, generates an ADMIN_TOKEN and shows it exactly once", () => {
  const a = account();
  // Answers in order: URL (first a bad one, then a good one), UPSTREAMS (empty: one node),
  // OpenClaw token (empty: BYOK),
  // admin token (empty: generate), hash secret (empty: generate), event code.
  // The next two answers leave the Cloudflare Access service token out, the last PUBLIC_URL.
  const input = ["http://localhost:18789", URL_OK, "", "", "", "", "room-42", "", "", "", "", "", ""].join("\n") + "\n";
  const run = secrets(a, { args: ["--interactive"], input });
  assert.equal(run.code, 0, run.err);
  assert.match(run.err, /That OPENCLAW_URL won't work: it points at this machine/);
  const stored = a.state().secrets["organized-gateway"];
  assert.equal(stored.OPENCLAW_URL, URL_OK);
  assert.equal(stored.OPENCLAW_TOKEN, undefined);
  assert.equal(stored.EVENT_CODE, "room-42");
  assert.match(stored.ADMIN_TOKEN, /^[0-9A-Za-z]{40}$/);
  assert.equal(run.out.split(stored.ADMIN_TOKEN).length - 1, 1, "the generated admin token is printed once");
  assert.ok(!run.out.includes(stored.HASH_SECRET) && !run.err.includes(stored.HASH_SECRET));
  assert.match(run.out, /OPENCLAW_TOKEN: not set: pass-through \(BYOK\)/);
  assert.match(run.out, /UPSTREAMS: not set: one node from OPENCLAW_URL/);
  assert.match(run.out, /PUBLIC_URL: not set: `npm run deploy` sets it to the Worker's workers\.dev address/);
});

test("the walk-through keeps a secret that is already set unless the organiser chooses to replace it", () => {
  const a = account({ secrets: { "organized-gateway": { OPENCLAW_URL: URL_OK, HASH_SECRET: "h".repeat(64), ADMIN_TOKEN: ADMIN } } });
  // OPENCLAW_URL: keep (Enter); UPSTREAMS, OPENCLAW_TOKEN: empty; ADMIN_TOKEN: replace → new value;
  // HASH_SECRET: keep ("n"); EVENT_CODE, the two Access settings and PUBLIC_URL: empty.
  const input = ["", "", "", "y", "a-brand-new-admin-token-42", "n", "", "", "", "", "", "", ""].join("\n") + "\n";
  const run = secrets(a, { args: ["--interactive"], input });
  assert.equal(run.code, 0, run.err);
  const stored = a.state().secrets["organized-gateway"];
  assert.equal(stored.ADMIN_TOKEN, "a-brand-new-admin-token-42");
  assert.equal(stored.HASH_SECRET, "h".repeat(64));
  // CREDENTIAL_KEY was not set yet: an empty answer generates one, as for HASH_SECRET on a first run.
  assert.deepEqual(puts(a).map((c) => c.args[2]), ["ADMIN_TOKEN", "CREDENTIAL_KEY"]);
  assert.ok(!run.out.includes("a-brand-new-admin-token-42"), "a typed token is not echoed back");
});

test("PUBLIC_URL from the environment is set on the Worker; one attendees can't open (http, this machine, a path) is refused", () => {
  const a = account();
  for (const bad of ["http://gateway.example.org", "https://localhost:8787", "https://192.168.1.20", "https://gateway.example.org/join"]) {
    const run = secrets(a, { env: { OPENCLAW_URL: URL_OK, ADMIN_TOKEN: ADMIN, PUBLIC_URL: bad } });
    assert.equal(run.code, 1, bad);
    assert.match(run.err, /PUBLIC_URL won't work: /, bad);
    assert.equal(puts(a).length, 0, "nothing is set when one value is wrong");
  }
  const run = secrets(a, { env: { OPENCLAW_URL: URL_OK, ADMIN_TOKEN: ADMIN, PUBLIC_URL: "https://gateway.example.org" } });
  assert.equal(run.code, 0, run.err);
  assert.equal(a.state().secrets["organized-gateway"].PUBLIC_URL, "https://gateway.example.org");
  assert.match(run.out, /PUBLIC_URL: set/);
});

test("UPSTREAMS must be a JSON list of nodes the Worker can reach", async () => {
  const { upstreamsReason } = await import("../lib/secret-specs.mjs");
  assert.match(upstreamsReason("mini"), /not JSON/);
  assert.match(upstreamsReason("[]"), /non-empty/);
  assert.match(upstreamsReason('[{"name":"mini"}]'), /"name" and a "url"/);
  assert.match(upstreamsReason('[{"name":"mini","url":"http://100.82.244.127:18789"}]'), /node mini: .*Tailscale/);
  assert.equal(upstreamsReason('[{"name":"mini","url":"https://mini.example.ts.net","token":"t"}]'), null);
});
