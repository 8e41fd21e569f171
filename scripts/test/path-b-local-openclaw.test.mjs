// Upgrade path B (docs/upgrade-paths.md): an attendee's kit pointed straight at their own
// OpenClaw on this machine (what ClawBox runs at localhost:18789), no gateway in between.
// A REAL OpenClaw (the pinned npm package, headless on loopback, the dev upstream simulator
// as its model provider) and the kit's own setup.sh, run with bash as an attendee would.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { startDevUpstream } from "@ocg/dev-upstream";
import { startOpenClaw } from "../../apps/organized-gateway/scripts/openclaw-local.mjs";
import { REPO_ROOT } from "../lib/paths.mjs";

const KIT = path.join(REPO_ROOT, "apps", "trainee-kit", "kit");
const OPENCLAW_PORT = 19350;
const TOKEN = "path-b-openclaw-token-0123456789";
let upstream;
let openclaw;
let kitDir;

before(async () => {
  upstream = await startDevUpstream({ port: 19351 });
  openclaw = await startOpenClaw({ port: OPENCLAW_PORT, token: TOKEN, providerUrl: upstream.url });
  kitDir = mkdtempSync(path.join(os.tmpdir(), "ocg-path-b-kit-"));
  cpSync(KIT, kitDir, { recursive: true });
}, { timeout: 240_000 });

after(async () => {
  await openclaw?.stop();
  await upstream?.close();
  if (kitDir) rmSync(kitDir, { recursive: true, force: true });
});

/** Runs `bash setup.sh` without blocking this process: the dev upstream answers OpenClaw from here. */
function setup(env) {
  writeFileSync(path.join(kitDir, ".env"), Object.entries(env).map(([k, v]) => `${k}=${v}`).join("\n") + "\n");
  return new Promise((resolve) => {
    const child = spawn("bash", ["setup.sh"], { cwd: kitDir, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => { out += d; });
    child.stderr.on("data", (d) => { err += d; });
    child.on("close", (code) => resolve({ code, out, err }));
  });
}

test("the kit's setup.sh, pointed at a local OpenClaw with its gateway token, prints Agent ready.", { timeout: 200_000 }, async () => {
  const providerCallsBefore = upstream.stats.requestCount;
  const run = await setup({ OPENCLAW_GATEWAY_URL: `http://localhost:${OPENCLAW_PORT}`, OPENCLAW_TOKEN: TOKEN, USER_ID: "sam" });
  assert.equal(run.code, 0, `${run.out}\n${run.err}`);
  assert.match(run.out, /Found an OpenClaw at http:\/\/localhost:19350/);
  assert.match(run.out, /^Agent ready\.$/m);
  assert.doesNotMatch(run.out + run.err, new RegExp(TOKEN), "the token is never printed");
  // The chat really went through OpenClaw to its model provider.
  assert.ok(upstream.stats.requestCount > providerCallsBefore, "OpenClaw called its model provider for the test chat");
});

test("a wrong OpenClaw token stops setup.sh with exit 5 and says where to find the right one", { timeout: 200_000 }, async () => {
  const run = await setup({ OPENCLAW_GATEWAY_URL: `http://localhost:${OPENCLAW_PORT}`, OPENCLAW_TOKEN: "not-the-token-0123456789", USER_ID: "sam" });
  assert.equal(run.code, 5, `${run.out}\n${run.err}`);
  assert.match(run.err, /did not accept OPENCLAW_TOKEN/);
  assert.match(readFileSync(path.join(kitDir, ".env"), "utf8"), /OPENCLAW_TOKEN=not-the-token/, ".env left as the attendee wrote it");
});
