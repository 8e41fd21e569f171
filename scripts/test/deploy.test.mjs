// `npm run deploy` against a MOCK Cloudflare account (mock-wrangler.mjs on PATH): each
// account check stops the deploy with the command that fixes it, and the runbook's order
// (bootstrap → secrets → deploy) ends in `wrangler deploy`.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { afterEach, test } from "node:test";
import { REPO_ROOT } from "../lib/paths.mjs";
import { mockAccountsPerTest } from "./mock-account.mjs";

const account = mockAccountsPerTest(afterEach);

function script(a, name, args = [], env = {}) {
  const result = spawnSync(process.execPath, [path.join(REPO_ROOT, "scripts", name), "--config", a.configFile, ...args], {
    env: { ...a.env, ...env }, encoding: "utf8", input: "",
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

const deploy = (a) => script(a, "deploy.mjs", ["--skip-local-checks"]);
const deployCalls = (a) => (a.state().calls ?? []).filter((c) => c.args[0] === "deploy");
const SECRETS = { OPENCLAW_URL: "https://openclaw.example.com", ADMIN_TOKEN: "organiser-admin-token-0123456789" };

test("a deploy before the bootstrap is refused: the config still has placeholder ids", () => {
  const a = account();
  const run = deploy(a);
  assert.equal(run.code, 1);
  assert.match(run.out, /FAIL {2}resource ids in wrangler\.jsonc: placeholder id for DB, GATEWAY_KV/);
  assert.match(run.err, /run `npm run bootstrap`/);
  assert.equal(deployCalls(a).length, 0);
});

test("a deploy without the required secrets is refused and names the missing ones", () => {
  const a = account();
  assert.equal(script(a, "bootstrap.mjs").code, 0);
  const run = deploy(a);
  assert.equal(run.code, 1);
  assert.match(run.out, /FAIL {2}required secrets on the Worker: missing: OPENCLAW_URL, ADMIN_TOKEN, HASH_SECRET/);
  assert.match(run.err, /run `npm run secrets`/);
  assert.equal(deployCalls(a).length, 0);
});

test("a deploy with a D1 migration still pending is refused, so new code never meets an old schema", () => {
  const a = account();
  assert.equal(script(a, "bootstrap.mjs").code, 0);
  assert.equal(script(a, "secrets.mjs", ["--yes"], SECRETS).code, 0);
  const state = a.state();
  state.d1[0].applied = state.d1[0].applied.slice(0, -1);
  a.setState(state);
  const run = deploy(a);
  assert.equal(run.code, 1);
  assert.match(run.out, /FAIL {2}D1 migrations \(remote\): pending: \d{4}_\w+\.sql/);
  assert.match(run.err, /npm run bootstrap` \(applies them\)/);
  assert.equal(deployCalls(a).length, 0);
});

test("bootstrap, then secrets, then deploy: every check passes and wrangler deploy runs once", () => {
  const a = account();
  assert.equal(script(a, "bootstrap.mjs").code, 0);
  assert.equal(script(a, "secrets.mjs", ["--yes"], SECRETS).code, 0);
  const run = deploy(a);
  assert.equal(run.code, 0, run.err + run.out);
  assert.match(run.out, /PASS {2}resource ids/);
  assert.match(run.out, /PASS {2}required secrets on the Worker: all set/);
  assert.match(run.out, /PASS {2}D1 migrations \(remote\): none pending/);
  assert.match(run.out, /https:\/\/organized-gateway\.mock-account\.workers\.dev/);
  assert.equal(deployCalls(a).length, 1);
  assert.deepEqual(deployCalls(a)[0].args.slice(0, 1), ["deploy"]);
});
