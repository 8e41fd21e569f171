// Plain `bash setup.sh` on a gateway whose OpenClaw route is paid by the attendees' own
// OpenAI keys (AUTH_MODE=openai, PAID_BY=attendee), against a real gateway started like
// `npm start`: what can be checked without a real OpenClaw. The "OpenClaw" here is the dev
// upstream simulator demanding an operator token; it has no admin RPC, so the gateway cannot
// set up an attendee's own agent on it, which is exactly an organiser's host not set up yet.
// A second dev upstream is the attendees' provider (OPENAI_BASE_URL), which refuses a key
// containing "invalid" as OpenAI refuses a dead one. The whole way, through a real OpenClaw,
// with "Agent ready." and who paid for each model call: the gateway's
// test/e2e/paid-by-attendee.test.ts.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startDevUpstream } from "@ocg/dev-upstream";
import { startLocalGateway } from "organized-gateway/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { envText, makeKitDir, readEnv, runSetup } from "./kit-dir.mjs";
import { curlThatLogs, expectFailure, lines } from "./setup-checks.mjs";

const EVENT_CODE = "PAID-ROOM-9";
const ADMIN = "kit-paid-by-admin-token-01";
const OPERATOR_TOKEN = "kit-paid-by-operator-token";
// The ports this file may use: 19506-19509.
const PORTS = { gateway: 19506, unusedUpstream: 19507, provider: 19508, openclawLike: 19509 };

let gateway;
let provider;
let openclawLike;
const tempDirs = [];

function tempDir(prefix) {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

beforeAll(async () => {
  [provider, openclawLike] = await Promise.all([
    startDevUpstream({ port: PORTS.provider, quiet: true }),
    startDevUpstream({ port: PORTS.openclawLike, quiet: true, requireToken: OPERATOR_TOKEN }),
  ]);
  gateway = await startLocalGateway({
    port: PORTS.gateway, upstreamPort: PORTS.unusedUpstream, persistTo: tempDir("ocg-kit-paid-by-"),
    settings: {
      HASH_SECRET: "kit-paid-by-hash-secret", ADMIN_TOKEN: ADMIN, EVENT_CODE, LOG_FLUSH_MS: "100",
      AUTH_MODE: "openai", PAID_BY: "attendee", CREDENTIAL_KEY: "kit-paid-by-credential-key-0123456789abcdef",
      OPENCLAW_URL: openclawLike.url, OPENCLAW_TOKEN: OPERATOR_TOKEN, OPENAI_BASE_URL: `${provider.url}/v1`,
    },
  });
});

afterAll(async () => {
  await gateway?.stop();
  await provider?.close();
  await openclawLike?.close();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function kit(env) {
  const dir = makeKitDir({ env: envText({ OPENCLAW_GATEWAY_URL: gateway.url, EVENT_CODE, ...env }) });
  tempDirs.push(dir);
  return dir;
}

async function adminCredential(userId) {
  const response = await fetch(`${gateway.url}/admin/api/users/${userId}/credential`, { headers: { authorization: `Bearer ${ADMIN}` } });
  return response.json();
}

describe("plain `bash setup.sh` where attendees pay with their own OpenAI key (PAID_BY=attendee)", () => {
  it("asks for the key hidden, enrols, sends the key in a private file only, and says the organiser's host is not set up yet", async () => {
    const health = await (await fetch(`${gateway.url}/health`)).json();
    expect(health).toMatchObject({ auth_mode: "openai", paid_by: "attendee", gateway_key_required: true });
    const dir = kit({ USER_ID: "ada", OPENAI_API_KEY: "" });
    const key = "sk-proj-AdaPaysHerOwn0001";
    const log = path.join(tempDir("ocg-curl-log-"), "argv");
    const result = await runSetup(dir, `${key}\n`, { path: curlThatLogs(log, tempDirs) });
    expectFailure(result, 7, /the organiser has not finished setting up attendees' own accounts \(host_setup_required\)/,
      /Nothing to fix on your side: tell the organiser, then run: bash setup\.sh$/m);
    expect(result.stderr).toContain("Your OpenAI API key (starts with sk-; hidden while you paste): ");
    expect(result.stdout).toMatch(/^Enrolled as ada\./m);
    const env = readEnv(dir);
    expect(env.OPENAI_API_KEY).toBe(key);
    expect(env.OCG_KEY).toMatch(/^ocg_ada_[A-Za-z0-9]{40}$/);
    expect(result.output).not.toContain(key);
    const argv = readFileSync(log, "utf8");
    expect(argv).not.toContain(key);
    expect(argv).toMatch(/-X PUT .*--data-binary @\S+ \S+\/me\/credential$/m);
    // The provider was asked about exactly that key: it reached the gateway whole.
    expect(provider.stats.requests.some((r) => r.path === "/v1/models" && r.headers.authorization === `Bearer ${key}`)).toBe(true);
    expect((await adminCredential("ada")).credential).toBeNull();
  });

  it("says OpenAI refused the key, naming OPENAI_API_KEY in .env, and stores nothing", async () => {
    const dir = kit({ USER_ID: "rex", OPENAI_API_KEY: "sk-proj-invalid-Rex0000002" });
    const result = await runSetup(dir);
    expectFailure(result, 5, /OpenAI did not accept your key \(sk-pro\.\.\.0002\): mistyped, revoked, or out of credit\./,
      /Copy your key again \(or a new one\) from https:\/\/platform\.openai\.com\/api-keys into OPENAI_API_KEY in \.env \(check it has credit\), then run: bash setup\.sh$/m);
    expect(result.output).not.toContain("sk-proj-invalid-Rex0000002");
    expect((await adminCredential("rex")).credential).toBeNull();
  });

  it("checks the key's shape before enrolling, so a mistyped key costs no USER_ID", async () => {
    const dir = kit({ USER_ID: "kim", OPENAI_API_KEY: "sk proj with spaces" });
    expectFailure(await runSetup(dir), 2, /OPENAI_API_KEY does not look like an OpenAI key/, /into OPENAI_API_KEY in \.env, then run: bash setup\.sh/);
    expect(readEnv(dir).OCG_KEY ?? "").toBe("");
    const enrolled = await fetch(`${gateway.url}/enroll`, {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ event_code: EVENT_CODE, user_id: "kim" }),
    });
    expect(enrolled.status).toBe(201);
  });
});
