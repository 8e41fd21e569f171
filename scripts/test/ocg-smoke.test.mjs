// `ocg smoke` (apps/ocg-cli/src/commands/smoke.mjs), run as the real `ocg` executable against
// a gateway started the way `npm start` starts it (local D1/KV/Durable Objects, the dev
// upstream simulator on loopback).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { startLocalGateway } from "organized-gateway/local";
import { REPO_ROOT } from "../lib/paths.mjs";

const OCG = path.join(REPO_ROOT, "apps", "ocg-cli", "bin", "ocg.mjs");
const ADMIN = "smoke-test-admin-token-0123456789";
const FULL_KEY = /ocg_[A-Za-z0-9._-]+_[A-Za-z0-9]{40}/;
let gateway;
let persistTo;

before(async () => {
  persistTo = mkdtempSync(path.join(os.tmpdir(), "ocg-smoke-d1-"));
  gateway = await startLocalGateway({
    port: 19330, upstreamPort: 19331, persistTo,
    settings: { ADMIN_TOKEN: ADMIN, HASH_SECRET: "smoke-test-hash-secret-0123456789", LOG_FLUSH_MS: "0" },
  });
});
after(async () => {
  await gateway?.stop();
  rmSync(persistTo, { recursive: true, force: true });
});

function ocg(...args) {
  return new Promise((resolve) => {
    const env = { ...process.env };
    delete env.ADMIN_TOKEN;
    delete env.OCG_ADMIN_TOKEN;
    const child = spawn(process.execPath, [OCG, ...args], { env });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => { out += d; });
    child.stderr.on("data", (d) => { err += d; });
    child.on("close", (code) => resolve({ code, out, err }));
  });
}

const admin = async (route) => (await fetch(`${gateway.url}/admin/api${route}`, { headers: { authorization: `Bearer ${ADMIN}` } })).json();

test("with only the admin token, smoke issues a temporary key, chats, finds the row in D1 and revokes the key", async () => {
  const run = await ocg("smoke", gateway.url, "--token", ADMIN);
  assert.equal(run.code, 0, run.out + run.err);
  for (const step of ["health", "test key", "chat", "D1 row", "user summary", "revoke key"]) {
    assert.match(run.out, new RegExp(`PASS {2}${step} `), `${step} passes`);
  }
  assert.match(run.out, /Smoke test PASSED \(6 steps\)/);
  assert.doesNotMatch(run.out + run.err, FULL_KEY, "the temporary key itself is never printed");
  const userId = /as (smoke-[a-z0-9]+):/.exec(run.out)[1];
  const { data: keys } = await admin(`/keys?user_id=${userId}`);
  assert.equal(keys.length, 1);
  assert.ok(keys[0].revoked_at, "the temporary key is revoked afterwards");
});

test("with an attendee's own key (BYOK) smoke chats as a fresh test user and finds that request's row", async () => {
  const run = await ocg("smoke", gateway.url, "--token", ADMIN, "--openai-key", "sk-smoke-own-key-1");
  assert.equal(run.code, 0, run.out + run.err);
  assert.doesNotMatch(run.out, /test key|revoke key/);
  const requestId = /PASS {2}chat .*\(request (req_[0-9a-f]+)\)/.exec(run.out)[1];
  assert.match(run.out, new RegExp(`PASS {2}D1 row +request ${requestId} logged: status 200, end_state complete`));
  assert.doesNotMatch(run.out + run.err, /sk-smoke-own-key-1/, "the key is not printed");
});

test("a wrong admin token fails the test-key step with a clear message and exit code 1", async () => {
  const run = await ocg("smoke", gateway.url, "--token", "not-the-admin-token-000");
  assert.equal(run.code, 1);
  assert.match(run.out, /FAIL {2}test key +The gateway refused the admin token \(401\)/);
  assert.match(run.out, /Smoke test FAILED/);
});

test("a key the upstream refuses fails the chat step, and without an admin token the D1 step fails too", async () => {
  const run = await ocg("smoke", gateway.url, "--openai-key", "sk-invalid-smoke");
  assert.equal(run.code, 1);
  assert.match(run.out, /FAIL {2}chat +HTTP 401 invalid_api_key: .*check the key/);
  assert.match(run.out, /FAIL {2}D1 row +no admin token/);
});

test("when the upstream is down, health and chat fail and smoke exits 1", async () => {
  await gateway.upstream.close();
  const run = await ocg("smoke", gateway.url, "--token", ADMIN, "--openai-key", "sk-smoke-own-key-2");
  assert.equal(run.code, 1);
  assert.match(run.out, /FAIL {2}health +status ok; upstream \S+ NOT reachable/);
  assert.match(run.out, /FAIL {2}chat +HTTP 502 upstream_unreachable/);
});
