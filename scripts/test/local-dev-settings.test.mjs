// Why wrangler.jsonc has no `secrets` block (docs/deploying.md, "Why no secrets.required"):
// with one, `wrangler dev` loads ONLY the listed keys from the settings it is given (the
// settings file `npm start` writes from .dev.vars and the environment, or .dev.vars itself),
// so optional local settings (EVENT_CODE, ADMIN_TOKEN, OPENCLAW_TOKEN) silently vanish.
// These tests run the real `wrangler dev` on a scratch copy of the config (same src/ and
// migrations/), given its settings as scripts/local-gateway.mjs gives them, and check both
// halves: the repository's config passes them to the Worker, and a copy with
// `secrets.required` drops them. If wrangler ever stops dropping them, the second test
// fails and `secrets.required` can be adopted.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, test } from "node:test";
import { applyEdits, modify } from "jsonc-parser";
import { writeSettingsFile } from "organized-gateway/local";
import { GATEWAY_DIR, REPO_BIN } from "../lib/paths.mjs";

const PORT = 19340;
const ADMIN = "local-dev-admin-token-0123";
const WRANGLER = path.join(REPO_BIN, "wrangler");
const cleanups = [];
afterEach(async () => { while (cleanups.length) await cleanups.pop()(); });

/** A scratch gateway dir: the given config text and links to the real code. */
function scratchGateway(configText) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "ocg-local-dev-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(path.join(dir, "wrangler.jsonc"), configText);
  for (const name of ["src", "migrations", "node_modules", "tsconfig.json"]) symlinkSync(path.join(GATEWAY_DIR, name), path.join(dir, name));
  const env = { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" };
  const migrate = spawnSync(WRANGLER, ["d1", "migrations", "apply", "organized-gateway-db", "--local", "--persist-to", path.join(dir, "state")], { cwd: dir, env, encoding: "utf8" });
  assert.equal(migrate.status, 0, migrate.stderr);
  return { dir, env };
}

/** `wrangler dev` exactly as scripts/local-gateway.mjs runs it: every setting in its settings file. */
async function startDev({ dir, env }) {
  const settings = writeSettingsFile({
    HASH_SECRET: "local-dev-hash-secret-0123456789",
    EVENT_CODE: "room-19340",
    ADMIN_TOKEN: ADMIN,
    OPENCLAW_TOKEN: "local-openclaw-token",
    OPENCLAW_URL: "http://127.0.0.1:19341",
  });
  cleanups.push(settings.remove);
  const child = spawn(WRANGLER, ["dev", "--ip", "127.0.0.1", "--port", String(PORT), "--show-interactive-dev-session=false",
    "--env-file", settings.file, "--persist-to", path.join(dir, "state")], { cwd: dir, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  child.stdout.on("data", (d) => { log += d; });
  child.stderr.on("data", (d) => { log += d; });
  cleanups.push(async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    process.kill(-child.pid, "SIGTERM");
    await exited;
  });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited:\n${log}`);
    try {
      const response = await fetch(`http://127.0.0.1:${PORT}/health`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return response.json();
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`wrangler dev did not answer /health:\n${log}`);
}

const adminStatus = async () => (await fetch(`http://127.0.0.1:${PORT}/admin/api/keys`, { headers: { authorization: `Bearer ${ADMIN}` } })).status;
const REPO_CONFIG = () => readFileSync(path.join(GATEWAY_DIR, "wrangler.jsonc"), "utf8");

test("with the repository's wrangler.jsonc, the optional settings npm start gives reach the Worker", async () => {
  const health = await startDev(scratchGateway(REPO_CONFIG()));
  assert.equal(health.enrollment_open, true, "EVENT_CODE arrived");
  assert.equal(health.upstream.strategy, "openclaw", "OPENCLAW_TOKEN arrived");
  assert.equal(await adminStatus(), 200, "ADMIN_TOKEN arrived");
});

test("with a `secrets.required` block, wrangler dev drops the settings it does not list", async () => {
  const text = REPO_CONFIG();
  const withSecrets = applyEdits(text, modify(text, ["secrets"], { required: ["OPENCLAW_URL", "HASH_SECRET"] }, { formattingOptions: { insertSpaces: true, tabSize: 2 } }));
  const health = await startDev(scratchGateway(withSecrets));
  assert.equal(health.enrollment_open, false, "EVENT_CODE was dropped");
  assert.equal(health.upstream.strategy, "passthrough", "OPENCLAW_TOKEN was dropped");
  assert.equal(await adminStatus(), 403, "ADMIN_TOKEN was dropped: the admin API is off");
});
