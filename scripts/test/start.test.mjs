// `npm start` (scripts/start.mjs): the banner's curl and SDK snippets run as printed, in
// each mode (BYOK pass-through; the gateway pays, with a key from /enroll or from the admin
// API), the banner names the join page and the dashboard and warns when the upstream does
// not answer, wrangler prints no network stack traces; and it stops everything it started
// when whatever launched it goes away without passing a signal on — `kill <npm's pid>`,
// `timeout npm start`: npm and its shell die, and start.mjs must not keep the gateway and
// its ports running as orphans.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { startDevUpstream } from "@ocg/dev-upstream";
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
  // Its own local state: the test neither reads nor writes the developer's.
  const state = mkdtempSync(path.join(tmpdir(), "ocg-start-state-"));
  const env = { ...process.env, PATH: `${REPO_BIN}${path.delimiter}${process.env.PATH}`, PORT: String(PORT), DEV_UPSTREAM_PORT: String(UPSTREAM_PORT), LOCAL_STATE_DIR: state };
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
    rmSync(state, { recursive: true, force: true });
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

// Every setting the banner depends on, unset unless a test sets it: a developer's .dev.vars
// (which the environment overrides) must not change the mode under test.
const NO_SETTINGS = { OPENCLAW_URL: "", OPENCLAW_TOKEN: "", ADMIN_TOKEN: "", EVENT_CODE: "", KIT_INCLUDE_EVENT_CODE: "false", PUBLIC_URL: "" };

/** Runs start.mjs until its banner is out; `stop()` sends it Ctrl-C's signal and waits. */
async function startWith(settings, port) {
  const state = mkdtempSync(path.join(tmpdir(), "ocg-start-state-"));
  const env = {
    ...process.env, ...NO_SETTINGS, ...settings, LOCAL_STATE_DIR: state,
    PATH: `${REPO_BIN}${path.delimiter}${process.env.PATH}`, PORT: String(port), DEV_UPSTREAM_PORT: String(port + 1),
  };
  const child = spawn(process.execPath, ["scripts/start.mjs"], { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGINT");
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
    if (child.exitCode === null) child.kill("SIGKILL");
    rmSync(state, { recursive: true, force: true });
  };
  try {
    await waitFor("the banner", () => output.includes("Ctrl-C stops") || child.exitCode !== null, 120_000);
    assert.equal(child.exitCode, null, output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { output: () => output, banner: output.slice(output.lastIndexOf("────", output.indexOf("organized-gateway is running"))), stop };
}

/** The indented lines under the banner line that starts with `heading`, as typed (notes in brackets left out). */
function block(banner, heading) {
  const lines = banner.split("\n");
  const start = lines.findIndex((line) => line.startsWith(` ${heading}`));
  assert.ok(start >= 0, `the banner has a "${heading}" section:\n${banner}`);
  const body = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === "") break;
    if (line.startsWith("   (") || !line.startsWith("   ")) continue;
    body.push(line.slice(3));
  }
  return body.join("\n");
}

/** Runs shell in bash the way a developer pastes it; resolves with its exit code and output. */
function bash(script, env = {}) {
  return new Promise((resolve) => {
    const child = spawn("bash", ["-c", script], { cwd: REPO_ROOT, env: { ...process.env, PATH: `${REPO_BIN}${path.delimiter}${process.env.PATH}`, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * The banner's curl lines, then its SDK snippet as a file (in a directory whose
 * node_modules is this repository's, so `import "openai"` resolves), run in one shell, as
 * "in the same shell" says. Resolves with the curl's answer and the SDK's output.
 */
async function runSnippets(banner, env = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), "ocg-banner-"));
  try {
    symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(dir, "node_modules"));
    writeFileSync(path.join(dir, "sdk.mjs"), `${block(banner, "With the openai SDK")}\n`);
    const curl = block(banner, "Try it");
    const result = await bash(`${curl}\necho\necho "--- sdk"\n"${process.execPath}" "${path.join(dir, "sdk.mjs")}"`, env);
    const [curlOut, sdkOut = ""] = result.stdout.split("--- sdk\n");
    return { ...result, curl, answer: JSON.parse(curlOut.trim().split("\n").at(-1)), sdk: sdkOut.trim() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What the banner must say whatever the mode, and what wrangler must not print. */
function assertCommonBanner(started, port) {
  const url = `http://127.0.0.1:${port}`;
  assert.match(started.banner, new RegExp(` join page: ${url}/join `));
  assert.match(started.banner, new RegExp(` dashboard: ${url}/admin `));
  assert.match(started.banner, /Full local workshop: ADMIN_TOKEN=<12\+ chars> EVENT_CODE=<the room's code> npm start/);
  assert.doesNotMatch(started.output(), /ENOTFOUND|Unable to fetch the `Request\.cf` object/);
  // Every line that ends in a continuation backslash carries no comment that would eat it.
  for (const line of started.banner.split("\n")) if (line.endsWith("\\")) assert.doesNotMatch(line, /#/, line);
}

test("in BYOK pass-through mode the banner's curl and SDK snippets get an answer, as printed", { timeout: 180_000 }, async () => {
  const port = 19312;
  const started = await startWith({ ADMIN_TOKEN: "start-test-admin-token-01", EVENT_CODE: "START-ROOM" }, port);
  try {
    assertCommonBanner(started, port);
    assert.match(started.banner, /strategy: {2}passthrough \(BYOK pass-through\)/);
    assert.doesNotMatch(started.banner, /upstream does not answer/);
    const run = await runSnippets(started.banner);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.curl, /-H "X-User-ID: trainee-[0-9a-f]{4}" -H "Authorization: Bearer sk-your-openai-key"/);
    assert.match(run.answer.choices[0].message.content, /^Echo: Hello/);
    assert.match(run.sdk, /^Echo: Hello/);
  } finally {
    await started.stop();
  }
});

test("when the gateway pays (OPENCLAW_TOKEN) the banner enrols first with EVENT_CODE, then its curl and SDK snippets get an answer", { timeout: 180_000 }, async () => {
  const port = 19314;
  // An upstream that, like OpenClaw, accepts only the operator token; an event code a shell would mangle unquoted.
  const upstream = await startDevUpstream({ port: port + 1, requireToken: "start-test-operator-token" });
  const started = await startWith({
    OPENCLAW_URL: upstream.url, OPENCLAW_TOKEN: "start-test-operator-token", EVENT_CODE: "it's-$ROOM \\ \"1\"",
  }, port).catch(async (error) => {
    await upstream.close();
    throw error;
  });
  try {
    assertCommonBanner(started, port);
    assert.match(started.banner, /the gateway pays: gateway keys required/);
    assert.match(started.banner, /dashboard: .*\/admin {2}is off — start with ADMIN_TOKEN=/);
    const run = await runSnippets(started.banner);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.curl, /^export OCG_KEY=\$\(curl -s http:\/\/127\.0\.0\.1:19314\/enroll /);
    assert.match(run.answer.choices[0].message.content, /^Echo: Hello/);
    assert.match(run.sdk, /^Echo: Hello/);
    // The answers came through the operator-token route, as attendee trainee-xxxx's session.
    const seen = upstream.stats.lastRequest();
    assert.equal(seen.headers.authorization, "Bearer start-test-operator-token");
    assert.equal(seen.body.model, "openclaw/main");
    assert.match(seen.body.user, /^ocg-[0-9a-f]{32}$/);
  } finally {
    await started.stop();
    await upstream.close();
  }
});

test("when the gateway pays, enrolment is closed and the upstream is down, the banner warns and its admin-API key flow is let through (502, not 401)", { timeout: 180_000 }, async () => {
  const port = 19316;
  const adminToken = "start-test-admin-token-02";
  // Nothing listens on port + 1.
  const started = await startWith({ OPENCLAW_URL: `http://127.0.0.1:${port + 1}`, OPENCLAW_TOKEN: "start-test-operator-token", ADMIN_TOKEN: adminToken }, port);
  try {
    assertCommonBanner(started, port);
    assert.match(started.banner, / !! The upstream does not answer \(openclaw\): every \/v1 request gets an error until it does\./);
    assert.match(started.banner, /First, in this shell: export ADMIN_TOKEN=/);
    assert.doesNotMatch(started.banner, new RegExp(adminToken), "the banner never prints the admin token");
    const curl = block(started.banner, "Try it");
    assert.match(curl, /\/admin\/api\/users\/trainee-[0-9a-f]{4}\/keys/);
    const run = await bash(`${curl}\necho\necho "key:\${OCG_KEY:0:4}"`, { ADMIN_TOKEN: adminToken });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^key:ocg_$/m, "the admin API issued a key");
    const answer = JSON.parse(run.stdout.trim().split("\n").at(-2));
    assert.equal(answer.error.type, "upstream_error", JSON.stringify(answer));
    assert.notEqual(answer.error.code, "gateway_key_required");
  } finally {
    await started.stop();
  }
});

test("in AUTH_MODE=codex on a plain upstream the banner says own accounts pay, its snippets enrol, connect an account and get an answer, and its D1 command reads this start's LOCAL_STATE_DIR", { timeout: 240_000 }, async () => {
  const port = 19318;
  const started = await startWith({
    AUTH_MODE: "codex", CREDENTIAL_KEY: "start-test-credential-key-0123456789abcdef", EVENT_CODE: "START-CODEX", LOG_FLUSH_MS: "100",
  }, port);
  try {
    assertCommonBanner(started, port);
    assert.match(started.banner, /strategy: {2}passthrough \(AUTH_MODE=codex: each attendee's own account pays; gateway keys required\)/);
    assert.doesNotMatch(started.banner, /BYOK pass-through/);
    const health = await (await fetch(`http://127.0.0.1:${port}/health`)).json();
    assert.equal(health.gateway_key_required, true, "codex mode answers /v1 only with a gateway key, and /health says so");
    const run = await runSnippets(started.banner);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.curl, /-X PUT http:\/\/127\.0\.0\.1:19318\/me\/credential/);
    assert.match(run.stdout, /"fingerprint":"fp_[0-9a-f]{16}"/, "the account was connected");
    assert.match(run.answer.choices[0].message.content, /^Echo: Hello/);
    assert.match(run.sdk, /^Echo: Hello/);
    // The banner's D1 command, as printed, finds those requests (LOCAL_STATE_DIR's database, not the default one).
    const logs = started.banner.split("\n").findIndex((line) => line.startsWith(" Logs (D1): "));
    assert.ok(logs > 0, started.banner);
    const command = [started.banner.split("\n")[logs].replace(" Logs (D1): ", ""), started.banner.split("\n")[logs + 1].trim()].join("\n");
    assert.match(command, /--persist-to '\/.*ocg-start-state-/);
    // Log rows are written in batches (LOG_FLUSH_MS): ask until they are there.
    let query;
    for (let tries = 0; tries < 10; tries++) {
      query = await bash(command);
      if (query.code !== 0 || /trainee-[0-9a-f]{4}/.test(query.stdout)) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    assert.equal(query.code, 0, query.stderr);
    assert.match(query.stdout, /trainee-[0-9a-f]{4}/, query.stdout);
  } finally {
    await started.stop();
  }
});
