// `npm run deploy` against a MOCK Cloudflare account (mock-wrangler.mjs on PATH): each
// account check stops the deploy with the command that fixes it, the runbook's order
// (bootstrap → secrets → deploy) ends in `wrangler deploy`, and the deployed Worker always
// knows its public address (PUBLIC_URL), since it hands out no kit without it.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, test } from "node:test";
import { REPO_ROOT } from "../lib/paths.mjs";
import { setValues } from "../lib/wrangler-config.mjs";
import { mockAccountsPerTest } from "./mock-account.mjs";

const account = mockAccountsPerTest(afterEach);

function script(a, name, args = [], env = {}) {
  const result = spawnSync(process.execPath, [path.join(REPO_ROOT, "scripts", name), "--config", a.configFile, ...args], {
    env: { ...a.env, ...env }, encoding: "utf8", input: "",
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

/** A set-up step that must succeed: when it does not, the assertion shows what it printed. */
function ran(result) {
  assert.equal(result.code, 0, `exit code ${result.code}\n${result.out}\n${result.err}`);
  return result;
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
  ran(script(a, "bootstrap.mjs"));
  const run = deploy(a);
  assert.equal(run.code, 1);
  assert.match(run.out, /FAIL {2}required secrets on the Worker: missing: OPENCLAW_URL, ADMIN_TOKEN, HASH_SECRET/);
  assert.match(run.err, /run `npm run secrets`/);
  assert.equal(deployCalls(a).length, 0);
});

test("a deploy with a D1 migration still pending is refused, so new code never meets an old schema", () => {
  const a = account();
  ran(script(a, "bootstrap.mjs"));
  ran(script(a, "secrets.mjs", ["--yes"], SECRETS));
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
  ran(script(a, "bootstrap.mjs"));
  ran(script(a, "secrets.mjs", ["--yes"], SECRETS));
  const run = deploy(a);
  assert.equal(run.code, 0, run.err + run.out);
  assert.match(run.out, /PASS {2}resource ids/);
  assert.match(run.out, /PASS {2}required secrets on the Worker: all set/);
  assert.match(run.out, /PASS {2}D1 migrations \(remote\): none pending/);
  assert.match(run.out, /https:\/\/organized-gateway\.mock-account\.workers\.dev/);
  assert.equal(deployCalls(a).length, 1);
  assert.deepEqual(deployCalls(a)[0].args.slice(0, 1), ["deploy"]);
});

const WORKERS_DEV = "https://organized-gateway.mock-account.workers.dev";
const publicUrlPuts = (a) => (a.state().calls ?? []).filter((c) => c.args[0] === "secret" && c.args[1] === "put" && c.args[2] === "PUBLIC_URL");

/** Edits the scratch wrangler.jsonc the way an organiser would. */
function editConfig(a, path, value) {
  const text = readFileSync(a.configFile, "utf8");
  writeFileSync(a.configFile, setValues(text, [[path, value]]).text);
}

test("a deploy without PUBLIC_URL sets it to the Worker's workers.dev address right after wrangler deploy, value on stdin", () => {
  const a = account();
  ran(script(a, "bootstrap.mjs"));
  ran(script(a, "secrets.mjs", ["--yes"], SECRETS));
  const run = deploy(a);
  assert.equal(run.code, 0, run.err + run.out);
  assert.match(run.out, /PASS {2}PUBLIC_URL \(the address \/join and the kit advertise\): not set yet/);
  assert.equal(a.state().secrets["organized-gateway"].PUBLIC_URL, WORKERS_DEV);
  const calls = a.state().calls;
  const put = calls.findIndex((c) => c.args[0] === "secret" && c.args[2] === "PUBLIC_URL");
  assert.ok(put > calls.findIndex((c) => c.args[0] === "deploy"), "set after the deploy printed the address");
  assert.equal(calls[put].stdin, WORKERS_DEV);
  assert.ok(!calls[put].args.includes(WORKERS_DEV), "not on the command line");
  assert.match(run.out, new RegExp(`PUBLIC_URL set to ${WORKERS_DEV.replaceAll(".", "\\.")}`));

  const again = deploy(a);
  assert.equal(again.code, 0, again.err);
  assert.match(again.out, /PASS {2}PUBLIC_URL \(the address \/join and the kit advertise\): set on the Worker/);
  assert.equal(publicUrlPuts(a).length, 1, "a second deploy keeps it");
});

test("a PUBLIC_URL given to npm run secrets (a custom domain) is what the deployed Worker keeps", () => {
  const a = account();
  ran(script(a, "bootstrap.mjs"));
  ran(script(a, "secrets.mjs", ["--yes"], { ...SECRETS, PUBLIC_URL: "https://gateway.example.org" }));
  const run = deploy(a);
  assert.equal(run.code, 0, run.err + run.out);
  assert.equal(a.state().secrets["organized-gateway"].PUBLIC_URL, "https://gateway.example.org");
  assert.equal(publicUrlPuts(a).length, 1, "only the organiser's own");
});

test("a Worker without a workers.dev address (workers_dev false) and no PUBLIC_URL is not deployed, and is told how to set it", () => {
  const a = account();
  ran(script(a, "bootstrap.mjs"));
  ran(script(a, "secrets.mjs", ["--yes"], SECRETS));
  editConfig(a, ["workers_dev"], false);
  const run = deploy(a);
  assert.equal(run.code, 1, run.out);
  assert.match(run.out, /FAIL {2}PUBLIC_URL .*not set, and the Worker has no workers\.dev address/);
  assert.match(run.err, /PUBLIC_URL=https:\/\/<your gateway's address> npm run secrets -- --yes/);
  assert.equal(deployCalls(a).length, 0);
});

test("a PUBLIC_URL in wrangler.jsonc's vars that attendees can't reach stops the deploy", () => {
  const a = account();
  ran(script(a, "bootstrap.mjs"));
  ran(script(a, "secrets.mjs", ["--yes"], SECRETS));
  editConfig(a, ["vars", "PUBLIC_URL"], "http://127.0.0.1:8787");
  const run = deploy(a);
  assert.equal(run.code, 1, run.out);
  assert.match(run.out, /FAIL {2}PUBLIC_URL .*vars\.PUBLIC_URL in wrangler\.jsonc won't work: it must start with https:\/\//);
  assert.equal(deployCalls(a).length, 0);
});
