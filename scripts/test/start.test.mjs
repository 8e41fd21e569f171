// `npm start` (scripts/start.mjs) stops everything it started when whatever launched it
// goes away without passing a signal on — `kill <npm's pid>`, `timeout npm start`: npm and
// its shell die, and start.mjs must not keep the gateway and its ports running as orphans.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import path from "node:path";
import { test } from "node:test";
import { REPO_BIN, REPO_ROOT } from "../lib/paths.mjs";

const PORT = 19310;
const UPSTREAM_PORT = 19311;

async function answers(url) {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(1_000) })).status;
  } catch {
    return null;
  }
}

async function waitFor(what, check, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  assert.fail(`${what} within ${timeoutMs / 1000} s`);
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test("start.mjs stops the gateway and the dev upstream when its parent dies without a signal", { timeout: 150_000 }, async () => {
  // A shell between us and start.mjs, as npm puts one: killing the shell orphans start.mjs.
  const env = { ...process.env, PATH: `${REPO_BIN}${path.delimiter}${process.env.PATH}`, PORT: String(PORT), DEV_UPSTREAM_PORT: String(UPSTREAM_PORT) };
  const shell = spawn("sh", ["-c", `"${process.execPath}" scripts/start.mjs; true`], { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  shell.stdout.on("data", (d) => (output += d));
  shell.stderr.on("data", (d) => (output += d));
  let starter = 0;
  try {
    await waitFor("the banner", () => output.includes("Ctrl-C stops"), 120_000);
    assert.equal(await answers(`http://127.0.0.1:${PORT}/health`), 200);
    assert.equal(await answers(`http://127.0.0.1:${UPSTREAM_PORT}/health`), 200);
    starter = Number(/^\s*(\d+)\s/m.exec(await psChildren(shell.pid))?.[1]);
    assert.ok(starter > 0, "start.mjs runs under the shell");

    shell.kill("SIGKILL");
    await waitFor("start.mjs to stop after its parent died", () => !alive(starter), 20_000);
    assert.equal(await answers(`http://127.0.0.1:${PORT}/health`), null, "the gateway's port is free");
    assert.equal(await answers(`http://127.0.0.1:${UPSTREAM_PORT}/health`), null, "the dev upstream's port is free");
  } finally {
    shell.kill("SIGKILL");
    // Should the test fail, the orphan still gets its stop signal, and its output pipes are let go.
    if (starter && alive(starter)) {
      process.kill(starter, "SIGTERM");
      await waitFor("start.mjs to stop on SIGTERM", () => !alive(starter), 15_000).catch(() => {});
    }
    shell.stdout.destroy();
    shell.stderr.destroy();
  }
});

/** `ps` lines (pid, then command) of the processes whose parent is `pid`. */
function psChildren(pid) {
  return new Promise((resolve, reject) => {
    const ps = spawn("ps", ["-o", "pid=,args=", "--ppid", String(pid)], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    ps.stdout.on("data", (d) => (out += d));
    ps.on("error", reject);
    ps.on("exit", () => resolve(out));
  });
}
