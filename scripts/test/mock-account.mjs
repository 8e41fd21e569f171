// Test helper: a pretend Cloudflare account served by the MOCK wrangler (mock-wrangler.mjs),
// put first on PATH as `wrangler`, and a scratch copy of the gateway's wrangler.jsonc and
// migrations for the scripts to edit. Nothing here talks to Cloudflare.
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { GATEWAY_DIR, REPO_ROOT } from "../lib/paths.mjs";

const MOCK = path.join(path.dirname(fileURLToPath(import.meta.url)), "mock-wrangler.mjs");

/**
 * For a node:test file: a factory of mock accounts that are removed after each test.
 * Pass the file's `afterEach` (node:test registers hooks per file).
 */
export function mockAccountsPerTest(afterEach) {
  const accounts = [];
  afterEach(() => { while (accounts.length) accounts.pop().remove(); });
  return (initial) => {
    const account = createMockAccount(initial);
    accounts.push(account);
    return account;
  };
}

export function createMockAccount(initial = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "ocg-mock-account-"));
  const bin = path.join(dir, "bin");
  const gateway = path.join(dir, "gateway");
  mkdirSync(bin);
  mkdirSync(gateway);
  const shim = path.join(bin, "wrangler");
  writeFileSync(shim, `#!/bin/sh\nexec "${process.execPath}" "${MOCK}" "$@"\n`);
  chmodSync(shim, 0o755);
  cpSync(path.join(GATEWAY_DIR, "wrangler.jsonc"), path.join(gateway, "wrangler.jsonc"));
  cpSync(path.join(GATEWAY_DIR, "migrations"), path.join(gateway, "migrations"), { recursive: true });
  const stateFile = path.join(dir, "account.json");
  writeFileSync(stateFile, JSON.stringify(initial));
  return {
    dir,
    configFile: path.join(gateway, "wrangler.jsonc"),
    env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}`, MOCK_WRANGLER_STATE: stateFile },
    state: () => JSON.parse(readFileSync(stateFile, "utf8")),
    setState: (next) => writeFileSync(stateFile, JSON.stringify(next)),
    remove: () => rmSync(dir, { recursive: true, force: true }),
    repoRoot: REPO_ROOT,
  };
}
