// Upgrade path C (docs/upgrade-paths.md): fork and deploy your own gateway. From a fresh
// clone of this repository's committed state (nothing ignored or uncommitted comes along:
// no .dev.vars, no .wrangler state), the documented commands work: the bootstrap and
// secrets against a MOCK Cloudflare account (mock-wrangler.mjs), the REAL
// `wrangler deploy --dry-run`, then the deploy against the mock account.
// node_modules is linked from this checkout instead of `npm install`ed again (same lockfile).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { REPO_ROOT } from "../lib/paths.mjs";
import { createMockAccount } from "./mock-account.mjs";

let clone;
let account;

before(() => {
  clone = path.join(mkdtempSync(path.join(os.tmpdir(), "ocg-path-c-")), "my-gateway");
  const cloned = spawnSync("git", ["clone", "--quiet", "--no-hardlinks", REPO_ROOT, clone], { encoding: "utf8" });
  assert.equal(cloned.status, 0, cloned.stderr);
  symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(clone, "node_modules"));
  account = createMockAccount();
});
after(() => {
  account?.remove();
  if (clone) rmSync(path.dirname(clone), { recursive: true, force: true });
});

const CONFIG = () => path.join(clone, "apps", "organized-gateway", "wrangler.jsonc");

function inClone(command, args, env = {}) {
  const result = spawnSync(command, args, { cwd: clone, env: { ...account.env, ...env }, encoding: "utf8", input: "" });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

test("in a fresh clone with its own Worker name, bootstrap, secrets, a real dry-run bundle and the deploy all work", () => {
  // Step 2 of path C: the fork's own Worker name.
  const config = readFileSync(CONFIG(), "utf8");
  writeFileSync(CONFIG(), config.replace('"name": "organized-gateway"', '"name": "my-exoclaw"'));

  const boot = inClone("bash", ["scripts/bootstrap.sh"]);
  assert.equal(boot.code, 0, boot.out + boot.err);
  assert.match(boot.out, /KV namespace my-exoclaw-kv\s+created/);
  const afterFirst = readFileSync(CONFIG());
  const again = inClone("bash", ["scripts/bootstrap.sh"]);
  assert.equal(again.code, 0, again.err);
  assert.ok(readFileSync(CONFIG()).equals(afterFirst), "the second bootstrap leaves the config byte-identical");

  const secrets = inClone(process.execPath, ["scripts/secrets.mjs", "--yes"], {
    OPENCLAW_URL: "https://my-openclaw.example.com", ADMIN_TOKEN: "my-own-admin-token-0123456789",
  });
  assert.equal(secrets.code, 0, secrets.err);
  assert.deepEqual(Object.keys(account.state().secrets), ["my-exoclaw"], "secrets go to the fork's Worker");

  // The real wrangler bundles the clone's code: this repository's bin first on PATH.
  const dry = spawnSync(process.execPath, ["scripts/deploy.mjs", "--dry-run", "--skip-local-checks"], {
    cwd: clone, encoding: "utf8", input: "",
    env: { ...process.env, PATH: `${path.join(clone, "node_modules", ".bin")}${path.delimiter}${process.env.PATH}` },
  });
  assert.equal(dry.status, 0, dry.stdout + dry.stderr);
  assert.match(dry.stdout, /Dry run passed/);

  const deploy = inClone(process.execPath, ["scripts/deploy.mjs", "--skip-local-checks"]);
  assert.equal(deploy.code, 0, deploy.out + deploy.err);
  assert.match(deploy.out, /https:\/\/my-exoclaw\.mock-account\.workers\.dev/);
});
