// CI's guard that a broken bundle never lands: `npm run deploy -- --dry-run` runs the REAL
// `wrangler deploy --dry-run` on the gateway (bundling, config validation, bindings)
// without an account, and the bundle it writes holds the Worker and its Durable Object.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { REPO_BIN, REPO_ROOT } from "../lib/paths.mjs";

test("the gateway bundles with `wrangler deploy --dry-run` as a real deploy would", () => {
  const outdir = mkdtempSync(path.join(os.tmpdir(), "ocg-dry-run-"));
  try {
    // This repository's wrangler, whatever else is on PATH.
    const env = { ...process.env, PATH: `${REPO_BIN}${path.delimiter}${process.env.PATH}` };
    const run = spawnSync(process.execPath, [path.join(REPO_ROOT, "scripts", "deploy.mjs"), "--dry-run", "--skip-local-checks", "--outdir", outdir], {
      env, encoding: "utf8", input: "",
    });
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /Dry run passed/);
    const bundle = path.join(outdir, "index.js");
    assert.ok(existsSync(bundle), "wrangler wrote the bundle");
    const code = readFileSync(bundle, "utf8");
    assert.match(code, /var AttendeeGate = class extends DurableObject/);
    assert.match(code, /export \{[^}]*\bAttendeeGate\b[^}]*\bas default\b/, "the Worker exports its handler and the Durable Object class");
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
});
