// An attendee's ChatGPT (Codex) sign-in pays for their turns through a real OpenClaw
// (openclaw@2026.9.6, headless on loopback): their agent's provider is the gateway's relay
// with `api: "openai-chatgpt-responses"`, and CODEX_BASE_URL points at the dev upstream's
// stand-in for the ChatGPT Codex backend (POST /backend-api/codex/responses), which records
// what it receives, refuses what the real backend refuses in its words (400 for a body it
// does not take, 401 for a dead token) and answers with the Responses API's event stream.
// So a turn that gets an answer here sent what the real backend takes; the assertions name
// the path, headers and body fields that the Codex CLI sends (docs/credentials.md).
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDevUpstream } from "@ocg/dev-upstream";
import { startLocalGateway } from "../../scripts/local-gateway.mjs";
import { startOpenClaw } from "../../scripts/openclaw-local.mjs";
import { HOST_CONFIG_FRAGMENT } from "../../src/credentials/host-setup";
import { attendeeAgentId } from "../../src/credentials/names";
import { callJson, startTogether, type CallOptions } from "./harness";

const ADMIN = "codex-relay-e2e-admin-token";
const EVENT_CODE = "CODEX-ROOM";
const OPERATOR_TOKEN = "codex-relay-openclaw-operator-token";
const HASH_SECRET = "codex-relay-e2e-hash-secret";
const PORTS = { gateway: 19510, openclaw: 19511, operatorProvider: 19512, codexBackend: 19513 };
const TURN_TIMEOUT_MS = 240_000;
const CODEX_PATH = "/backend-api/codex/responses";
/** What the backend answers 400 "Unsupported parameter" to (the stand-in refuses them too). */
const UNSUPPORTED = ["max_output_tokens", "max_completion_tokens", "metadata", "prompt_cache_retention", "temperature", "top_p", "service_tier"];

let operatorProvider: Awaited<ReturnType<typeof startDevUpstream>>;
let codexBackend: Awaited<ReturnType<typeof startDevUpstream>>;
let openclaw: Awaited<ReturnType<typeof startOpenClaw>> | undefined;
let gateway: Awaited<ReturnType<typeof startLocalGateway>> | undefined;
let stateDir: string;

beforeAll(async () => {
  [operatorProvider, codexBackend] = await Promise.all([
    startDevUpstream({ port: PORTS.operatorProvider, quiet: true }),
    startDevUpstream({ port: PORTS.codexBackend, quiet: true }),
  ]);
  stateDir = mkdtempSync(path.join(tmpdir(), "ocg-codex-relay-"));
  await startTogether([
    startOpenClaw({ port: PORTS.openclaw, token: OPERATOR_TOKEN, providerUrl: operatorProvider.url, config: HOST_CONFIG_FRAGMENT }),
    startLocalGateway({
      port: PORTS.gateway,
      persistTo: stateDir,
      settings: {
        OPENCLAW_URL: `http://127.0.0.1:${PORTS.openclaw}`, OPENCLAW_TOKEN: OPERATOR_TOKEN, HASH_SECRET, ADMIN_TOKEN: ADMIN, EVENT_CODE,
        UPSTREAM_TIMEOUT_MS: "120000", AUTH_MODE: "codex", CREDENTIAL_KEY: randomBytes(32).toString("hex"),
        CODEX_BASE_URL: `${codexBackend.url}/backend-api/codex`,
      },
    }),
  ] as const, ([claw, gw]) => { openclaw = claw; gateway = gw; });
}, 600_000);

afterAll(async () => {
  await gateway?.stop();
  await openclaw?.stop();
  await operatorProvider?.close();
  await codexBackend?.close();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** A ChatGPT-sign-in-shaped access token: its account in the auth claim, an hour to live. */
function accessToken(account: string, signature = randomBytes(24).toString("base64url")): string {
  const claims = { exp: Math.floor(Date.now() / 1000) + 3600, "https://api.openai.com/auth": { chatgpt_account_id: account }, sub: `user-${account}` };
  return `${b64({ alg: "RS256", typ: "JWT" })}.${b64(claims)}.${signature}`;
}

interface Recorded {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

interface Answer {
  status: number;
  body: any;
  text: string;
  /** What reached the Codex backend while this request ran. */
  backendCalls: Recorded[];
  /** How many model calls reached the operator's provider meanwhile. */
  operatorCalls: number;
}

async function call(method: string, route: string, options: CallOptions = {}): Promise<Answer> {
  const backendBefore = codexBackend.stats.requestCount;
  const operatorBefore = operatorProvider.stats.requestCount;
  const { status, body, text } = await callJson(gateway!.url, method, route, options);
  const backendCalls = codexBackend.stats.requests.filter((r) => r.seq > backendBefore);
  const operatorCalls = operatorProvider.stats.requests.filter((r) => r.seq > operatorBefore && r.method === "POST").length;
  return { status, body, text, backendCalls, operatorCalls };
}

async function enroll(userId: string): Promise<string> {
  const answer = await call("POST", "/enroll", { body: { event_code: EVENT_CODE, user_id: userId } });
  expect(answer.status, answer.text).toBe(201);
  return answer.body.key;
}

async function connect(key: string, token: string) {
  const answer = await call("PUT", "/me/credential", { bearer: key, body: { kind: "openai-codex", token } });
  expect(answer.status, answer.text).toBe(201);
  expect(answer.text).not.toContain(token);
}

function chat(key: string, content: string, stream = false): Promise<Answer> {
  return call("POST", "/v1/chat/completions", { bearer: key, body: { model: "gpt-4o", stream, messages: [{ role: "user", content }] } });
}

/** Every call is the Codex CLI's call, made with exactly this sign-in and nothing of OpenClaw's or the relay's. */
function expectCodexCalls(calls: Recorded[], token: string, account: string) {
  expect(calls.length).toBeGreaterThan(0);
  for (const seen of calls) {
    expect(seen.path).toBe(CODEX_PATH);
    expect(seen.headers).toMatchObject({
      authorization: `Bearer ${token}`, "chatgpt-account-id": account, "openai-beta": "responses=experimental",
      originator: "openclaw", accept: "text/event-stream", "content-type": "application/json",
    });
    expect(String(seen.headers["user-agent"])).toMatch(/^openclaw /);
    const wire = JSON.stringify(seen);
    expect(wire).not.toContain(OPERATOR_TOKEN);
    expect(wire).not.toContain("ocgr_");
    expect(wire).not.toContain("sk-local-dev");
    expect(seen.body).toMatchObject({ model: "gpt-5.5", stream: true, store: false });
    expect(typeof seen.body.instructions).toBe("string");
    expect(seen.body.instructions).toContain("OpenClaw");
    expect(seen.body.include).toContain("reasoning.encrypted_content");
    for (const name of UNSUPPORTED) expect(seen.body[name], name).toBeUndefined();
    expect(seen.body.input.filter((item: { role?: string }) => item.role === "system")).toEqual([]);
  }
}

describe("an attendee's ChatGPT (Codex) sign-in through a real OpenClaw and the relay (AUTH_MODE=codex)", () => {
  it("sets up their agent on the relay with the Codex adapter, and pays their turns with the call the Codex backend takes", async () => {
    const key = await enroll("cora");
    const token = accessToken("acct-e2e-cora");
    await connect(key, token);

    const agent = await attendeeAgentId(HASH_SECRET, "cora", 1);
    const rpc = await (await fetch(`${openclaw!.url}/api/v1/admin/rpc`, {
      method: "POST", headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ method: "config.get", params: {} }),
    })).json();
    const providers = Object.entries(rpc.payload.config.models.providers as Record<string, any>).filter(([id]) => id.startsWith(agent));
    expect(providers).toHaveLength(1);
    expect(providers[0][1]).toMatchObject({ baseUrl: `${gateway!.url}/relay/openai-codex`, api: "openai-chatgpt-responses", models: [{ id: "gpt-5.5" }] });
    expect(JSON.stringify(rpc)).not.toContain(token);

    const marker = `word${randomBytes(6).toString("hex")}`;
    const turn = await chat(key, `my secret word is ${marker}`);
    expect(turn.status, turn.text).toBe(200);
    expect(turn.body.choices[0].message.content).toContain(marker);
    expect(turn.operatorCalls).toBe(0);
    expectCodexCalls(turn.backendCalls, token, "acct-e2e-cora");
    expect(turn.backendCalls.some((c) => JSON.stringify(c.body.input).includes(marker))).toBe(true);

    // Streams too, and the next turn carries the conversation so far.
    const streamed = await chat(key, "what did I tell you?", true);
    expect(streamed.status).toBe(200);
    expect(streamed.text).toContain("data: [DONE]");
    expect(streamed.operatorCalls).toBe(0);
    expectCodexCalls(streamed.backendCalls, token, "acct-e2e-cora");
    expect(streamed.backendCalls.some((c) => JSON.stringify(c.body.input).includes(marker))).toBe(true);

    const shown = await call("GET", "/admin/api/users/cora/credential", { bearer: ADMIN });
    expect(shown.body).toMatchObject({ credential: { kind: "openai-codex", last_result: "ok" } });
  }, TURN_TIMEOUT_MS);

  it("turns the backend's 401 for an invalidated sign-in into 401 credential_rejected, and refuses at once until the attendee reconnects", async () => {
    const key = await enroll("dax");
    // The stand-in answers 401 token_invalidated to a token containing "revoked", as the
    // backend answers a sign-in that was invalidated; its exp is still an hour away.
    const dead = accessToken("acct-e2e-dax", `${randomBytes(12).toString("base64url")}revoked`);
    await connect(key, dead);

    const refused = await chat(key, "after ChatGPT invalidated my sign-in");
    expect(refused.status, refused.text).toBe(401);
    expect(refused.body.error).toMatchObject({ code: "credential_rejected", type: "authentication_error" });
    expect(refused.body.error.message).toContain("reconnect your account: bash setup.sh --auth codex");
    expect(refused.text).not.toContain("token_invalidated");
    expect(refused.operatorCalls).toBe(0);
    expect(refused.backendCalls.length).toBeGreaterThan(0);
    expect(refused.backendCalls.every((c) => c.headers.authorization === `Bearer ${dead}`)).toBe(true);

    const shown = await call("GET", "/admin/api/users/dax/credential", { bearer: ADMIN });
    expect(shown.body).toMatchObject({ credential: { kind: "openai-codex", last_result: "rejected" } });
    expect(shown.text).not.toContain(dead);

    const again = await chat(key, "and again");
    expect(again.status).toBe(401);
    expect(again.body.error.code).toBe("credential_rejected");
    expect(again.backendCalls).toEqual([]);

    const fresh = accessToken("acct-e2e-dax");
    await connect(key, fresh);
    const back = await chat(key, "signed in again");
    expect(back.status, back.text).toBe(200);
    expectCodexCalls(back.backendCalls, fresh, "acct-e2e-dax");
  }, TURN_TIMEOUT_MS);
});
