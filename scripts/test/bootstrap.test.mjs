// The bootstrap against a MOCK Cloudflare account (mock-wrangler.mjs on PATH): what it
// creates, what it writes into wrangler.jsonc (the two ids, nothing else), and that a
// second run changes nothing.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { afterEach, test } from "node:test";
import { REPO_ROOT } from "../lib/paths.mjs";
import { mockAccountsPerTest } from "./mock-account.mjs";

const account = mockAccountsPerTest(afterEach);

/** Runs the bootstrap the way the runbook does: `bash scripts/bootstrap.sh`. */
function bootstrap(a, ...args) {
  const result = spawnSync("bash", [path.join(REPO_ROOT, "scripts", "bootstrap.sh"), "--config", a.configFile, ...args], {
    env: a.env, encoding: "utf8",
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

const migrationFiles = (a) => readdirSync(path.join(path.dirname(a.configFile), "migrations")).filter((f) => f.endsWith(".sql")).sort();
const calls = (a) => a.state().calls.map((c) => c.args.filter((x) => x !== "--config" && x !== a.configFile).join(" "));

test("a first run creates the KV namespace and D1 database, writes only their two ids and applies the migrations", () => {
  const a = account();
  const before = readFileSync(a.configFile, "utf8");
  const run = bootstrap(a);
  assert.equal(run.code, 0, run.err);
  const { kv, d1 } = a.state();
  assert.deepEqual(kv.map((ns) => ns.title), ["organized-gateway-kv"]);
  assert.deepEqual(d1.map((db) => db.name), ["organized-gateway-db"]);
  assert.deepEqual(d1[0].applied, migrationFiles(a), "every migration applied once, in order");

  const after = readFileSync(a.configFile, "utf8");
  const beforeLines = before.split("\n");
  const afterLines = after.split("\n");
  assert.equal(afterLines.length, beforeLines.length, "no line added or removed");
  const changed = afterLines.map((line, i) => [beforeLines[i], line]).filter(([b, l]) => b !== l);
  assert.equal(changed.length, 2, `exactly two lines change:\n${JSON.stringify(changed, null, 1)}`);
  assert.ok(changed.some(([b, l]) => b.includes("database_id") && l === b.replace(/"[0-9a-f-]{36}"/, `"${d1[0].uuid}"`)));
  assert.ok(changed.some(([b, l]) => b.includes('"GATEWAY_KV"') && l === b.replace(/"[0-9a-f]{32}"/, `"${kv[0].id}"`)));
  assert.match(after, /^\/\/ organized-gateway: the only public door/m, "comments survive");

  assert.match(run.out, /KV namespace organized-gateway-kv\s+created/);
  assert.match(run.out, /D1 database organized-gateway-db\s+created/);
  assert.match(run.out, new RegExp(`D1 migrations \\(remote\\)\\s+applied\\s+${migrationFiles(a).join(", ").replace(/\./g, "\\.")}`));
});

test("a second run finds everything, creates nothing and leaves wrangler.jsonc byte-identical", () => {
  const a = account();
  assert.equal(bootstrap(a).code, 0);
  const bytes = readFileSync(a.configFile);
  const mtime = statSync(a.configFile).mtimeMs;
  const callsBefore = a.state().calls.length;

  const again = bootstrap(a);
  assert.equal(again.code, 0, again.err);
  assert.ok(readFileSync(a.configFile).equals(bytes), "the file is byte-identical");
  assert.equal(statSync(a.configFile).mtimeMs, mtime, "the file was not rewritten");
  const second = calls(a).slice(callsBefore);
  assert.deepEqual(second.filter((c) => /create|apply/.test(c)), [], "no create or apply on the second run");
  assert.equal(a.state().kv.length, 1);
  assert.equal(a.state().d1.length, 1);
  assert.match(again.out, /found/);
  assert.match(again.out, /ids in wrangler\.jsonc\s+unchanged/);
  assert.match(again.out, /up to date/);
});

test("resources that already exist on the account are adopted, and only unapplied migrations run", () => {
  const a = account({
    kv: [{ id: "1".repeat(32), title: "other-kv" }, { id: "a".repeat(32), title: "organized-gateway-kv" }],
    d1: [{ uuid: "11111111-2222-3333-4444-555555555555", name: "organized-gateway-db", applied: ["0001_init.sql"] }],
  });
  const run = bootstrap(a);
  assert.equal(run.code, 0, run.err);
  const text = readFileSync(a.configFile, "utf8");
  assert.match(text, /"id": "a{32}"/);
  assert.match(text, /"database_id": "11111111-2222-3333-4444-555555555555"/);
  assert.deepEqual(calls(a).filter((c) => c.includes("create")), []);
  assert.equal(a.state().kv.length, 2);
  assert.deepEqual(a.state().d1[0].applied, migrationFiles(a), "0001 not applied again, the rest applied once");
});

test("a dry run only reads the account and says what it would do", () => {
  const a = account();
  const bytes = readFileSync(a.configFile);
  const run = bootstrap(a, "--dry-run");
  assert.equal(run.code, 0, run.err);
  assert.ok(readFileSync(a.configFile).equals(bytes));
  assert.deepEqual(calls(a).filter((c) => /create|apply/.test(c)), []);
  assert.match(run.out, /would create/);
  assert.match(run.out, /would apply\s+0001_init\.sql/);
});

test("when wrangler is not logged in, the bootstrap stops and says how to log in", () => {
  const a = account({ loggedIn: false });
  const run = bootstrap(a);
  assert.equal(run.code, 1);
  assert.match(run.err, /Bootstrap stopped: `wrangler kv namespace list/);
  assert.match(run.err, /npx wrangler login|CLOUDFLARE_API_TOKEN/);
});
