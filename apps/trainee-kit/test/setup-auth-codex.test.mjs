// `bash setup.sh --auth codex`: the real script connects the attendee's own model account to
// real gateways started like `npm start` in AUTH_MODE=codex, on a plain upstream (the header
// strategy: the gateway sends the attendee's token in X-Codex-Token). The dev upstream stands
// in for the model provider and records what it receives. (Through a real OpenClaw, the
// same script is run in apps/organized-gateway/test/e2e/credentials.test.ts.)
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startDevUpstream } from "@ocg/dev-upstream";
import { startLocalGateway } from "organized-gateway/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { envText, kitToolsPath, linkAgentDependencies, makeKitDir, readEnv, runScript, runSetup } from "./kit-dir.mjs";
import { curlThatLogs, expectFailure, expectReady, lines } from "./setup-checks.mjs";

const EVENT_CODE = "CODEX-ROOM-3";
const ADMIN = "kit-codex-admin-token-01";
const CLOSED_PORT = 19489; // nothing listens here
const CREDENTIAL_KEY = "kit-codex-credential-key-0123456789abcdef";

const gateways = {};
let provider; // the model provider the gateway checks tokens with (OPENAI_BASE_URL) and calls
let refusing; // an upstream that refuses every call: a provider that revoked the token
const tempDirs = [];

function start(name, port, upstreamPort, settings) {
  const persistTo = mkdtempSync(path.join(tmpdir(), `ocg-kit-codex-${name}-`));
  tempDirs.push(persistTo);
  return startLocalGateway({
    port, upstreamPort, persistTo,
    settings: {
      HASH_SECRET: `kit-codex-hash-secret-${name}`, ADMIN_TOKEN: ADMIN, LOG_FLUSH_MS: "100", AUTH_MODE: "codex",
      CREDENTIAL_KEY, OPENAI_BASE_URL: `${provider.url}/v1`, ...settings,
    },
  }).then((gateway) => (gateways[name] = gateway));
}

beforeAll(async () => {
  provider = await startDevUpstream({ port: 19481, quiet: true });
  refusing = await startDevUpstream({ port: 19482, quiet: true, requireToken: "nobody-has-this-one" });
  await Promise.all([
    start("codex", 19483, 19484, { EVENT_CODE, OPENCLAW_URL: provider.url }),
    start("closed", 19485, 19486, { OPENCLAW_URL: provider.url }),
    start("revoked", 19487, 19488, { EVENT_CODE, OPENCLAW_URL: refusing.url }),
  ]);
});

afterAll(async () => {
  await Promise.all(Object.values(gateways).map((gateway) => gateway.stop()));
  await provider?.close();
  await refusing?.close();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function kit(env) {
  const dir = makeKitDir({ env: envText(env) });
  tempDirs.push(dir);
  return dir;
}

function tempDir(prefix) {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

const token = (name) => `sk-proj-${name}${Math.random().toString(36).slice(2)}Codex0001`;

/** What the provider received whose headers or body mention `text`. */
const receivedWith = (text) => provider.stats.requests.filter((r) => JSON.stringify(r).includes(text));

/** setup.sh with a HOME of its own (no Codex sign-in there unless a test puts one). */
function setup(dir, input, options = {}) {
  return runSetup(dir, input, { ...options, env: { HOME: tempDir("ocg-home-"), ...options.env } });
}

describe("bash setup.sh --auth codex", () => {
  it("enrols, connects the attendee's token with hidden input, removes OPENAI_API_KEY with their yes, and ends 'Agent ready.' with the token going upstream only in X-Codex-Token", async () => {
    const dir = kit({ OPENCLAW_GATEWAY_URL: gateways.codex.url, OPENAI_API_KEY: "sk-proj-OldKeyOfAda000001", USER_ID: "", EVENT_CODE: "" });
    const mine = token("ada");
    const log = path.join(tempDir("ocg-curl-log-"), "argv");
    const result = await setup(dir, `ada\n${EVENT_CODE}\n${mine}\ny\n`, { args: ["--auth", "codex"], path: curlThatLogs(log, tempDirs) });
    expectReady(result);
    expect(result.stdout).toMatch(/Connected your openai account \(fp_[0-9a-f]{16}\)/);
    expect(result.stdout).toContain("Removed OPENAI_API_KEY from .env.");
    expect(result.stdout).toContain("claude setup-token");
    expect(result.stdout).toContain("codex login");
    const env = readEnv(dir);
    expect(env.OPENAI_API_KEY).toBe("");
    expect(env.OCG_KEY).toMatch(/^ocg_ada_[A-Za-z0-9]{40}$/);
    expect(readFileSync(path.join(dir, ".env"), "utf8")).not.toContain(mine);
    expect(result.output).not.toContain(mine);
    // Never on a command line another user could read with ps.
    expect(readFileSync(log, "utf8")).not.toContain(mine);
    // The test request went with the token in the header, and without the gateway key.
    const calls = receivedWith(mine).filter((r) => r.path === "/v1/chat/completions");
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) {
      expect(call.headers["x-codex-token"]).toBe(mine);
      expect(call.headers.authorization).toBeUndefined();
    }
    // The gateway has it: its own answer, with the attendee's key.
    const stored = await fetch(`${gateways.codex.url}/me/credential`, { headers: { authorization: `Bearer ${env.OCG_KEY}` } });
    expect(stored.status).toBe(200);
    expect(await stored.json()).toMatchObject({ kind: "openai" });
  });

  it("after 'Agent ready.' on a plain upstream, /health asks for the gateway key and `bash agent.sh` (no Node) and `node agent.mjs` answer, paid by the attendee's token", async () => {
    const health = await (await fetch(`${gateways.codex.url}/health`)).json();
    expect(health).toMatchObject({ auth_mode: "codex", gateway_key_required: true, upstream: { strategy: "passthrough" } });
    const dir = kit({ OPENCLAW_GATEWAY_URL: gateways.codex.url, USER_ID: "", EVENT_CODE: "" });
    const mine = token("ari");
    const noNode = kitToolsPath();
    tempDirs.push(noNode);
    expectReady(await setup(dir, `ari\n${EVENT_CODE}\n${mine}\n`, { args: ["--auth", "codex"], path: noNode }));
    const before = receivedWith(mine).length;

    const bashAgent = await runScript(dir, "agent.sh", "", { args: ["I run a small bakery"], path: noNode });
    expect(bashAgent.code, bashAgent.output).toBe(0);
    expect(bashAgent.stdout).toContain("Here is a 5-step workflow for");
    expect(bashAgent.output).not.toContain("OPENAI_API_KEY or USER_ID is empty");

    linkAgentDependencies(dir);
    const { stdout } = await promisify(execFile)(process.execPath, ["agent.mjs", "I run a flower shop"], { cwd: dir, env: { PATH: process.env.PATH, HOME: dir } });
    expect(stdout).toContain("Here is a 5-step workflow for");
    // Both answers went upstream with the attendee's own token.
    const paid = receivedWith(mine).slice(before).filter((r) => r.path === "/v1/chat/completions");
    expect(paid.length).toBe(2);
    for (const call of paid) expect(call.headers["x-codex-token"]).toBe(mine);
  });

  it("keeps OPENAI_API_KEY when the attendee says no", async () => {
    const dir = kit({ OPENCLAW_GATEWAY_URL: gateways.codex.url, OPENAI_API_KEY: "sk-proj-KeepMyKey000000002", USER_ID: "bea", EVENT_CODE });
    const result = await setup(dir, `${token("bea")}\nn\n`, { args: ["--auth=codex"] });
    expectReady(result);
    expect(result.stdout).toContain("Kept OPENAI_API_KEY in .env.");
    expect(readEnv(dir).OPENAI_API_KEY).toBe("sk-proj-KeepMyKey000000002");
  });

  it("offers the ChatGPT sign-in Codex saved, and sends only its access token, never the refresh token", async () => {
    const home = tempDir("ocg-home-");
    mkdirSync(path.join(home, ".codex"));
    const payload = Buffer.from(JSON.stringify({ exp: Math.floor(Date.now() / 1000) + 86_400, "https://api.openai.com/auth": { chatgpt_account_id: "acct-kit" } })).toString("base64url");
    const access = `eyJhbGciOiJSUzI1NiJ9.${payload}.c2lnbmF0dXJlLXBhcnQ`;
    const refresh = `rt_refresh-${Math.random().toString(36).slice(2)}`;
    writeFileSync(path.join(home, ".codex", "auth.json"), JSON.stringify({
      OPENAI_API_KEY: null, tokens: { id_token: "eyJpZA.eyJpZA.c2ln", access_token: access, refresh_token: refresh, account_id: "acct-kit" }, last_refresh: "2026-12-01T00:00:00Z",
    }, null, 2));
    const dir = kit({ OPENCLAW_GATEWAY_URL: gateways.codex.url, USER_ID: "cal", EVENT_CODE });
    const result = await setup(dir, "\n", { args: ["--auth", "codex"], env: { HOME: home } });
    expectReady(result);
    expect(result.stdout).toMatch(/Connected your openai-codex account/);
    expect(result.output).not.toContain(access);
    expect(receivedWith(access).some((r) => r.headers["x-codex-token"] === access)).toBe(true);
    expect(receivedWith(refresh)).toEqual([]);
  });

  it("on a gateway that needs own accounts, plain `bash setup.sh` connects one when there is none, and a re-run leaves it as it is", async () => {
    const dir = kit({ OPENCLAW_GATEWAY_URL: gateways.codex.url, USER_ID: "dov", EVENT_CODE });
    const first = await setup(dir, `${token("dov")}\n`);
    expectReady(first);
    expect(first.stdout).toContain("Connected your openai account");
    const again = await setup(dir, "");
    expectReady(again);
    expect(again.stdout).toContain("Your own model account is connected.");
    expect(again.output).not.toContain("Paste your token");
  });

  it("says the provider refused a token, and what to do", async () => {
    const dir = kit({ OPENCLAW_GATEWAY_URL: gateways.codex.url, USER_ID: "eli", EVENT_CODE });
    // The dev upstream refuses any key containing "invalid", as OpenAI refuses a dead key.
    expectFailure(await setup(dir, "sk-proj-invalid-0123456789\n", { args: ["--auth", "codex"] }), 5,
      /Your model provider did not accept that token/, /Get a fresh one as shown above, then run: bash setup\.sh --auth codex/);
  });

  it("says a token of no known shape is not one, showing only its first characters", async () => {
    const dir = kit({ OPENCLAW_GATEWAY_URL: gateways.codex.url, USER_ID: "fay", EVENT_CODE });
    const result = await setup(dir, "hello-this-is-my-password\n", { args: ["--auth", "codex"] });
    expectFailure(result, 2, /does not look like a model account's token \(hello-\.\.\.word\)/, /Copy it again as shown above/);
    expect(result.output).not.toContain("hello-this-is-my-password");
  });

  it("says there is no gateway key yet when the gateway hands out none", async () => {
    const dir = kit({ OPENCLAW_GATEWAY_URL: gateways.closed.url, USER_ID: "gus" });
    expectFailure(await setup(dir, "", { args: ["--auth", "codex"] }), 4,
      /You have no gateway key yet/, /Ask the organiser for your gateway key, put it after OCG_KEY= in \.env, then run: bash setup\.sh --auth codex/);
  });

  it("says the gateway is down when nothing answers", async () => {
    const dir = kit({ OPENCLAW_GATEWAY_URL: `http://127.0.0.1:${CLOSED_PORT}` });
    expectFailure(await setup(dir, "", { args: ["--auth", "codex"] }), 3, /Nothing answers at/, /tell the organiser the gateway is down/);
  });

  it("tells an attendee whose provider refuses their token later to reconnect", async () => {
    const dir = kit({ OPENCLAW_GATEWAY_URL: gateways.revoked.url, USER_ID: "hal", EVENT_CODE });
    // Registration passes (the provider's check accepts it); the call it pays for is refused.
    expectFailure(await setup(dir, `${token("hal")}\n`, { args: ["--auth", "codex"] }), 5,
      /Your model provider refused your account's token/, /Reconnect your account: bash setup\.sh --auth codex/);
  });

  it("refuses an option it does not know", async () => {
    const dir = kit({ OPENCLAW_GATEWAY_URL: gateways.codex.url });
    expectFailure(await setup(dir, "", { args: ["--auth", "gemini"] }), 2, /--auth takes one value: codex/, /bash setup\.sh --auth codex/);
    expectFailure(await setup(dir, "", { args: ["--verbose"] }), 2, /does not know the option '--verbose'/, /bash setup\.sh/);
  });
});
