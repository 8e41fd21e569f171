// Attendees' own model credentials, in workerd with real Durable Objects and D1 and the dev
// upstream standing in for the model providers (OPENAI_BASE_URL etc. point at it, and it
// records what it receives). The OpenClaw route is proved end to end in
// test/e2e/credentials.test.ts; here: the /me/credential contract, who may touch a
// credential, what is stored, the relay, the header strategy and the codex-mode refusals.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { parseConfig } from "../src/settings/config";
import { attendeeAgentId, relayToken } from "../src/credentials/names";
import { sealNew } from "../src/credentials/store";
import { open } from "../src/credentials/seal";
import type { StoredCredential } from "../src/objects/attendee-gate/protocol";
import { TEST_ADMIN_TOKEN } from "./constants";
import { UPSTREAM, chatInit, gatewayWith, issueKey, openTurn, seenRequests, seenWith } from "./helpers";

const CREDENTIAL_KEY = "test-credential-key-0123456789abcdef-A";
const OTHER_KEY = "test-credential-key-0123456789abcdef-B";
const PROVIDERS = { OPENAI_BASE_URL: `${UPSTREAM}/v1`, ANTHROPIC_BASE_URL: UPSTREAM, CODEX_BASE_URL: `${UPSTREAM}/v1` };
const SETTINGS = { CREDENTIAL_KEY, ...PROVIDERS };
const CODEX = { ...SETTINGS, AUTH_MODE: "codex" };

type ErrorBody = { error: { message: string; type: string; code: string } };

let serial = 0;
/** A token nobody else in the run uses, so what the upstream saw can be told apart. */
function openaiToken(): string {
  serial += 1;
  return `sk-test${Date.now().toString(36)}${serial}x${crypto.randomUUID().replaceAll("-", "")}`;
}

function base64url(value: unknown): string {
  return btoa(JSON.stringify(value)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** A ChatGPT-sign-in-shaped access token (unsigned: only the provider checks signatures). */
function codexToken(expiresInSeconds: number, account = "acct-1234"): string {
  const payload = { exp: Math.floor(Date.now() / 1000) + expiresInSeconds, "https://api.openai.com/auth": { chatgpt_account_id: account }, n: crypto.randomUUID() };
  return `${base64url({ alg: "RS256", typ: "JWT" })}.${base64url(payload)}.${base64url("signature-part")}`;
}

function me(method: string, key: string | null, options: { body?: unknown; settings?: Record<string, string>; headers?: Record<string, string> } = {}) {
  return gatewayWith(options.settings ?? SETTINGS, "/me/credential", {
    method,
    headers: {
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...(options.body === undefined ? {} : { "content-type": "application/json" }),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
}

function adminCall(method: string, path: string, settings: Record<string, string> = SETTINGS) {
  return gatewayWith(settings, `/admin/api${path}`, { method, headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
}

function gateOf(userId: string) {
  return env.ATTENDEE_GATE.get(env.ATTENDEE_GATE.idFromName(userId));
}

/** The value exactly as the attendee's object holds it in storage. */
function rawStored(userId: string): Promise<StoredCredential | undefined> {
  return runInDurableObject(gateOf(userId), async (_instance, state) => state.storage.kv.get<StoredCredential>("credential"));
}

async function enrolled(userId: string) {
  return { userId, key: await issueKey(userId) };
}

async function register(key: string, body: unknown = { kind: "openai", token: openaiToken() }, settings = SETTINGS) {
  const response = await me("PUT", key, { body, settings });
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as { kind: string; stored_at: string; fingerprint: string };
}

function relay(path: string, token: string, body: unknown, settings: Record<string, string> = SETTINGS, headers: Record<string, string> = {}) {
  return gatewayWith(settings, `/relay${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

async function currentRelayToken(userId: string): Promise<string> {
  const stored = (await rawStored(userId))!;
  const { generation } = await gateOf(userId).describe();
  return relayToken(env.HASH_SECRET, userId, generation, stored);
}

describe("PUT, GET and DELETE /me/credential with the attendee's gateway key", () => {
  it("stores a credential (201 with kind, stored_at and fingerprint, never the token), shows it, and revokes it (204, then 404)", async () => {
    const { key } = await enrolled("cred-life");
    const token = openaiToken();
    const put = await me("PUT", key, { body: { kind: "openai", token } });
    expect(put.status).toBe(201);
    const text = await put.text();
    expect(text).not.toContain(token);
    const stored = JSON.parse(text);
    expect(Object.keys(stored).sort()).toEqual(["fingerprint", "kind", "stored_at"]);
    expect(stored.kind).toBe("openai");
    expect(stored.fingerprint).toMatch(/^fp_[0-9a-f]{16}$/);
    expect(Date.parse(stored.stored_at)).toBeGreaterThan(Date.now() - 60_000);

    const got = await me("GET", key);
    expect(got.status).toBe(200);
    const gotText = await got.text();
    expect(gotText).not.toContain(token);
    expect(JSON.parse(gotText)).toEqual({ ...stored, last_used_at: null, last_result: null });

    expect((await me("DELETE", key)).status).toBe(204);
    const gone = await me("GET", key);
    expect(gone.status).toBe(404);
    expect(((await gone.json()) as ErrorBody).error.code).toBe("no_credential");
    expect(await rawStored("cred-life")).toBeUndefined();
  });

  it("gives the same token the same fingerprint and another token another", async () => {
    const { key } = await enrolled("cred-fp");
    const token = openaiToken();
    const first = await register(key, { kind: "openai", token });
    const again = await register(key, { kind: "openai", token });
    const other = await register(key, { kind: "openai", token: openaiToken() });
    expect(again.fingerprint).toBe(first.fingerprint);
    expect(other.fingerprint).not.toBe(first.fingerprint);
  });

  it("refuses a token of the wrong shape with 400 invalid_credential without echoing it, and stores nothing", async () => {
    const { key } = await enrolled("cred-shape");
    for (const body of [
      { kind: "openai", token: "not-a-key-at-all" },
      { kind: "anthropic", token: "sk-proj-0123456789abcdef" },
      { kind: "openai-codex", token: "sk-0123456789abcdef" },
      { kind: "gemini", token: "sk-0123456789abcdef" },
      { token: "sk-0123456789abcdef" },
    ]) {
      const response = await me("PUT", key, { body });
      const text = await response.text();
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(JSON.parse(text).error.code).toBe("invalid_credential");
      expect(text).not.toContain(body.token);
    }
    expect(await rawStored("cred-shape")).toBeUndefined();
  });

  it("refuses a token the provider does not accept with 401 credential_rejected, and stores nothing", async () => {
    const { key } = await enrolled("cred-refused");
    // The dev upstream refuses any bearer containing "invalid", as OpenAI refuses a dead key.
    const response = await me("PUT", key, { body: { kind: "openai", token: "sk-invalid-0123456789abcdef" } });
    expect(response.status).toBe(401);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.code).toBe("credential_rejected");
    // AUTH_MODE=openai: an OpenAI key is fixed in .env and plain setup.sh re-registers it.
    expect(body.error.message).toContain("put a working key in OPENAI_API_KEY in .env, then run: bash setup.sh");
    expect(await rawStored("cred-refused")).toBeUndefined();
    // AUTH_MODE=codex, or a subscription account: the attendee reconnects with --auth codex.
    for (const [settings, token] of [[CODEX, "sk-invalid-0123456789abcdef"], [SETTINGS, "sk-ant-oat01-invalid-0123456789abcdef"]] as const) {
      const other = (await (await me("PUT", key, { body: { kind: token.startsWith("sk-ant-") ? "anthropic" : "openai", token }, settings })).json()) as ErrorBody;
      expect(other.error.code).toBe("credential_rejected");
      expect(other.error.message).toContain("reconnect your account: bash setup.sh --auth codex");
    }
  });

  it("refuses an expired ChatGPT access token and stores a live one", async () => {
    const { key } = await enrolled("cred-codex");
    const expired = await me("PUT", key, { body: { kind: "openai-codex", token: codexToken(-60) } });
    expect(expired.status).toBe(401);
    expect(((await expired.json()) as ErrorBody).error.code).toBe("credential_rejected");
    const live = await register(key, { kind: "openai-codex", token: codexToken(3600) });
    expect(live.kind).toBe("openai-codex");
  });

  it("answers 503 credentials_disabled when the gateway has no CREDENTIAL_KEY", async () => {
    const { key } = await enrolled("cred-nokey");
    const response = await me("PUT", key, { body: { kind: "openai", token: openaiToken() }, settings: PROVIDERS });
    expect(response.status).toBe(503);
    expect(((await response.json()) as ErrorBody).error.code).toBe("credentials_disabled");
  });

  it("refuses AUTH_MODE=codex without CREDENTIAL_KEY as a misconfiguration naming the setting", async () => {
    const response = await gatewayWith({ ...PROVIDERS, AUTH_MODE: "codex" }, "/v1/chat/completions", chatInit({ key: "ocg_x_0123456789abcdef0123456789abcdef01234567" }));
    expect(response.status).toBe(503);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.code).toBe("gateway_misconfigured");
    expect(body.error.message).toContain("CREDENTIAL_KEY");
  });
});

describe("someone who knows the attendee's USER_ID but not their gateway key", () => {
  it("can neither read, overwrite nor delete the credential, nor spend it", async () => {
    const victim = await enrolled("cred-victim");
    const token = openaiToken();
    const stored = await register(victim.key, { kind: "openai", token });
    const before = await rawStored("cred-victim");
    const forged = `ocg_cred-victim_${"A".repeat(8)}${"b".repeat(32)}`;
    const attacker = await enrolled("cred-attacker");
    const attempts: [string, Record<string, string>][] = [
      ["no key, X-User-ID", { "x-user-id": "cred-victim" }],
      ["an OpenAI key with X-User-ID", { "x-user-id": "cred-victim", authorization: "Bearer sk-attacker-0123456789" }],
      ["a forged key naming the victim", { authorization: `Bearer ${forged}` }],
      ["the attacker's own key with X-User-ID", { authorization: `Bearer ${attacker.key}`, "x-user-id": "cred-victim" }],
    ];
    for (const [label, headers] of attempts) {
      const read = await me("GET", null, { headers });
      const readText = await read.text();
      const overwrite = await me("PUT", null, { headers, body: { kind: "openai", token: openaiToken() } });
      const removed = await me("DELETE", null, { headers });
      if (label.startsWith("the attacker's own")) {
        // It names the attacker, not the victim: the attacker's own (empty) credential.
        expect(read.status, label).toBe(404);
        expect(overwrite.status, label).toBe(201);
      } else {
        expect(read.status, label).toBe(401);
        expect(overwrite.status, label).toBe(401);
        expect(removed.status, label).toBe(401);
      }
      expect(readText, label).not.toContain(stored.fingerprint);
    }
    expect(await rawStored("cred-victim")).toEqual(before);

    // Spending it: in codex mode the victim's token goes upstream only for the victim's key.
    const marker = `spend-${crypto.randomUUID()}`;
    const byId = await gatewayWith(CODEX, "/v1/chat/completions", chatInit({ user: "cred-victim", key: "sk-attacker-0123456789", content: marker }));
    expect([401, 403]).toContain(byId.status);
    const byForged = await gatewayWith(CODEX, "/v1/chat/completions", chatInit({ key: forged, content: marker }));
    expect(byForged.status).toBe(401);
    const bare = await gatewayWith(CODEX, "/v1/chat/completions", chatInit({ user: "cred-victim", content: marker }));
    expect(bare.status).toBe(401);
    expect(await seenWith(marker)).toEqual([]);
    // Only the victim's own registration asked the provider about it (its model list).
    expect(JSON.stringify((await seenRequests()).filter((r) => r.path !== "/v1/models"))).not.toContain(token);
  });
});

describe("the credential at rest", () => {
  it("is stored sealed: the raw value in the attendee's object is not the token and does not open under another user id or key", async () => {
    const { key } = await enrolled("cred-raw");
    const token = openaiToken();
    await register(key, { kind: "openai", token });
    const raw = (await rawStored("cred-raw"))!;
    expect(JSON.stringify(raw)).not.toContain(token);
    expect(JSON.stringify(raw)).not.toContain(token.slice(3, 20));
    expect(raw.kind).toBe("openai");
    const { generation } = await gateOf("cred-raw").describe();
    // The positive control: the right key and owner open it.
    expect((await open([CREDENTIAL_KEY], { userId: "cred-raw", generation }, raw.sealed))?.token).toBe(token);
    expect(await open([CREDENTIAL_KEY], { userId: "cred-mallory", generation }, raw.sealed)).toBeNull();
    expect(await open([CREDENTIAL_KEY], { userId: "cred-raw", generation: generation + 1 }, raw.sealed)).toBeNull();
    expect(await open([OTHER_KEY], { userId: "cred-raw", generation }, raw.sealed)).toBeNull();
    // Two seals of one token differ (a fresh IV each time)...
    const again = await sealNew(parseConfig({ ...env, ...SETTINGS }), { userId: "cred-raw", generation }, "openai", token);
    expect(again.sealed).not.toBe(raw.sealed);
    expect(again.fingerprint).toBe(raw.fingerprint);
    // ...but registering the stored token again (setup.sh run twice) keeps what is stored: no rotation.
    await register(key, { kind: "openai", token });
    expect(await rawStored("cred-raw")).toEqual(raw);
  });

  it("is not spent for the id's next holder: after a reset the old credential counts as none", async () => {
    const first = await enrolled("cred-next");
    await register(first.key);
    expect((await adminCall("POST", "/users/cred-next/reset-binding")).status).toBe(200);
    const next = await issueKey("cred-next");
    expect((await me("GET", next)).status).toBe(404);
    const answer = await gatewayWith(CODEX, "/v1/chat/completions", chatInit({ key: next }));
    expect(answer.status).toBe(401);
    expect(((await answer.json()) as ErrorBody).error.code).toBe("no_credential");
  });

  it("never appears in D1, the logs or an admin answer", async () => {
    const logged: string[] = [];
    for (const level of ["log", "error", "warn", "info", "debug"] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => { logged.push(args.map(String).join(" ")); });
    }
    try {
      const { key } = await enrolled("cred-leak");
      const token = openaiToken();
      await register(key, { kind: "openai", token });
      await gatewayWith(CODEX, "/v1/chat/completions", chatInit({ key, content: "spend it" }));
      await gatewayWith(CODEX, "/v1/chat/completions", chatInit({ key, model: "gpt-4o@status=401" }));
      const adminView = await adminCall("GET", "/users/cred-leak/credential");
      expect(adminView.status).toBe(200);
      const adminText = await adminView.text();
      const raw = (await rawStored("cred-leak"))!;
      expect(adminText).not.toContain(raw.sealed);
      expect(JSON.parse(adminText)).toMatchObject({ user_id: "cred-leak", credential: { kind: "openai", fingerprint: raw.fingerprint, opens: true } });
      const userView = await adminCall("GET", "/users/cred-leak");
      const answers = [adminText, await userView.text()];
      const tables = await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf%' ESCAPE '\\' AND name NOT LIKE 'sqlite%'").all<{ name: string }>();
      for (const { name } of tables.results) {
        const rows = await env.DB.prepare(`SELECT * FROM "${name}"`).all();
        answers.push(JSON.stringify(rows.results));
      }
      for (const text of [...answers, ...logged]) expect(text).not.toContain(token);
      expect(answers.join("\n")).toContain("cred-leak"); // the scan did read the rows
    } finally {
      vi.restoreAllMocks();
    }
  });
});

describe("AUTH_MODE=codex on a plain upstream (the header strategy)", () => {
  it("answers 401 no_credential with the kit's command when the attendee has none, and calls nothing upstream", async () => {
    const { key } = await enrolled("codex-none");
    const marker = `none-${crypto.randomUUID()}`;
    const response = await gatewayWith(CODEX, "/v1/chat/completions", chatInit({ key, content: marker }));
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      error: { message: "No Codex session. Run: bash setup.sh --auth codex", type: "authentication_error", code: "no_credential", param: null },
    });
    expect(await seenWith(marker)).toEqual([]);
  });

  it("still lists models for an attendee with none (listing spends nobody's credential)", async () => {
    const { key } = await enrolled("codex-models");
    const response = await gatewayWith(CODEX, "/v1/models", { headers: { authorization: `Bearer ${key}` } });
    expect(response.status).toBe(200);
  });

  it("sends the attendee's token in X-Codex-Token and never the caller's Authorization", async () => {
    const { key } = await enrolled("codex-header");
    const token = openaiToken();
    await register(key, { kind: "openai", token });
    const marker = `header-${crypto.randomUUID()}`;
    const response = await gatewayWith(CODEX, "/v1/chat/completions", chatInit({ key, content: marker }));
    expect(response.status).toBe(200);
    const [seen] = await seenWith(marker);
    expect(seen.headers["x-codex-token"]).toBe(token);
    expect(seen.headers.authorization).toBeUndefined();
    expect(JSON.stringify(seen.headers)).not.toContain(key);
    expect(seen.headers["x-forwarded-user"]).toMatch(/^ocg-[0-9a-f]{32}$/);
    // A working use is noted.
    expect((await rawStored("codex-header"))!.last_result).toBe("ok");
  });

  it("uses the header CODEX_TOKEN_HEADER names", async () => {
    const { key } = await enrolled("codex-named");
    const token = openaiToken();
    await register(key, { kind: "openai", token });
    const marker = `named-${crypto.randomUUID()}`;
    await gatewayWith({ ...CODEX, CODEX_TOKEN_HEADER: "X-Provider-Token" }, "/v1/chat/completions", chatInit({ key, content: marker }));
    const [seen] = await seenWith(marker);
    expect(seen.headers["x-provider-token"]).toBe(token);
    expect(seen.headers["x-codex-token"]).toBeUndefined();
  });

  it("answers a provider's refusal with 401 credential_rejected, notes it, refuses at once until the attendee reconnects, then works again", async () => {
    const { key } = await enrolled("codex-refused");
    await register(key);
    const refused = await gatewayWith(CODEX, "/v1/chat/completions", chatInit({ key, model: "gpt-4o@status=401" }));
    expect(refused.status).toBe(401);
    const body = (await refused.json()) as ErrorBody;
    expect(body.error.code).toBe("credential_rejected");
    expect(body.error.message).toContain("reconnect your account: bash setup.sh --auth codex");
    // Settle noted it (credentialResult "rejected"): the attendee's object says so.
    expect((await rawStored("codex-refused"))!.last_result).toBe("rejected");
    expect(((await (await me("GET", key)).json()) as { last_result: string }).last_result).toBe("rejected");

    const marker = `after-${crypto.randomUUID()}`;
    const next = await gatewayWith(CODEX, "/v1/chat/completions", chatInit({ key, content: marker }));
    expect(next.status).toBe(401);
    expect(((await next.json()) as ErrorBody).error.code).toBe("credential_rejected");
    expect(await seenWith(marker)).toEqual([]);

    await register(key);
    const again = await gatewayWith(CODEX, "/v1/chat/completions", chatInit({ key, content: marker }));
    expect(again.status).toBe(200);
  });

  it("switches a running gateway between modes with no migration: the same stored credential serves codex mode, and openai mode stays BYOK", async () => {
    const { key } = await enrolled("codex-switch");
    const token = openaiToken();
    await register(key, { kind: "openai", token });
    const marker = `switch-${crypto.randomUUID()}`;
    expect((await gatewayWith(CODEX, "/v1/chat/completions", chatInit({ key, content: marker }))).status).toBe(200);
    expect((await gatewayWith(SETTINGS, "/v1/chat/completions", chatInit({ key, content: `${marker}-openai` }))).status).toBe(200);
    const [openaiMode] = await seenWith(`${marker}-openai`);
    expect(openaiMode.headers["x-codex-token"]).toBeUndefined();
    expect(JSON.stringify(openaiMode.headers)).not.toContain(token);
  });
});

describe("the relay (the provider of each attendee's own OpenClaw agent)", () => {
  it("calls the provider with the attendee's credential for a call made with their relay token, streaming through", async () => {
    const { key } = await enrolled("relay-a");
    const token = openaiToken();
    await register(key, { kind: "openai", token });
    const turn = await openTurn(key);
    const relayTokenA = await currentRelayToken("relay-a");
    expect(relayTokenA).not.toContain(token);
    const marker = `relay-${crypto.randomUUID()}`;
    const response = await relay("/openai/chat/completions", relayTokenA, {
      model: "gpt-5.4-mini", stream: true, messages: [{ role: "user", content: marker }],
    }, SETTINGS, { "x-openclaw-session-key": "leak", "x-stainless-os": "Linux" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const streamed = await response.text();
    expect(streamed).toContain('"content":"Echo:');
    expect(streamed.trimEnd().endsWith("data: [DONE]")).toBe(true);
    const [seen] = await seenWith(marker);
    expect(seen.path).toBe("/v1/chat/completions");
    expect(seen.headers.authorization).toBe(`Bearer ${token}`);
    expect(seen.headers["x-openclaw-session-key"]).toBeUndefined();
    expect(JSON.stringify(seen.headers)).not.toContain(relayTokenA);
    await turn.end();
  });

  it("refuses a wrong token, another attendee's token for this attendee, and paths that are not model calls", async () => {
    const a = await enrolled("relay-b1");
    const b = await enrolled("relay-b2");
    await register(a.key);
    await register(b.key);
    await openTurn(a.key);
    await openTurn(b.key);
    const tokenA = await currentRelayToken("relay-b1");
    const tokenB = await currentRelayToken("relay-b2");
    const marker = `wrong-${crypto.randomUUID()}`;
    const chatBody = { model: "m", messages: [{ role: "user", content: marker }] };
    const spliced = tokenB.replace("relay-b2", "relay-b1");
    const answers = [];
    for (const token of ["sk-whatever-0123456789", `ocgr_relay-b1_1_${"0".repeat(64)}`, spliced, a.key, `ocgr_relay-nobody_1_${"0".repeat(64)}`]) {
      const refused = await relay("/openai/chat/completions", token, chatBody);
      expect(refused.status, token.slice(0, 20)).toBe(401);
      answers.push(await refused.json());
    }
    // An unknown id, a malformed token and a wrong one get the same answer: it tells a stranger nothing.
    expect(new Set(answers.map((answer) => JSON.stringify(answer))).size).toBe(1);
    expect((answers[0] as ErrorBody).error.code).toBe("invalid_relay_token");
    expect((await relay("/openai/files", tokenA, chatBody)).status).toBe(404);
    expect((await relay("/anthropic/v1/messages", tokenA, chatBody)).status).toBe(409);
    expect((await relay("/nosuch/chat/completions", tokenA, chatBody)).status).toBe(404);
    expect(await seenWith(marker)).toEqual([]);
  });

  it("stops the old relay token the moment the attendee rotates, and every token once they revoke", async () => {
    const { key } = await enrolled("relay-rot");
    const oldToken = openaiToken();
    await register(key, { kind: "openai", token: oldToken });
    await openTurn(key);
    const before = await currentRelayToken("relay-rot");
    const newToken = openaiToken();
    await register(key, { kind: "openai", token: newToken });
    const after = await currentRelayToken("relay-rot");
    expect(after).not.toBe(before);
    const marker = `rot-${crypto.randomUUID()}`;
    const body = (n: string) => ({ model: "m", messages: [{ role: "user", content: `${marker}-${n}` }] });
    expect((await relay("/openai/chat/completions", before, body("old"))).status).toBe(401);
    expect((await relay("/openai/chat/completions", after, body("new"))).status).toBe(200);
    const seen = await seenWith(marker);
    expect(seen.map((r) => r.headers.authorization)).toEqual([`Bearer ${newToken}`]);

    expect((await me("DELETE", key)).status).toBe(204);
    const revoked = await relay("/openai/chat/completions", after, body("revoked"));
    expect(revoked.status).toBe(401);
    expect(((await revoked.json()) as ErrorBody).error.code).toBe("invalid_relay_token");
    expect(await seenWith(`${marker}-revoked`)).toEqual([]);
    // Only registering asked the provider about the old token (its model list); no model call carried it.
    const modelCalls = (await seenRequests()).filter((r) => r.path !== "/v1/models");
    expect(JSON.stringify(modelCalls)).not.toContain(oldToken);
  });

  it("answers a provider's refusal with the attendee's sentence and notes it on their object", async () => {
    const { key } = await enrolled("relay-refused");
    await register(key);
    await openTurn(key);
    const refused = await relay("/openai/chat/completions", await currentRelayToken("relay-refused"), {
      model: "gpt-4o@status=401", messages: [{ role: "user", content: "hi" }],
    });
    expect(refused.status).toBe(401);
    const body = (await refused.json()) as ErrorBody;
    expect(body.error.code).toBe("credential_rejected");
    expect(body.error.message).toContain("put a working key in OPENAI_API_KEY in .env, then run: bash setup.sh");
    expect((await rawStored("relay-refused"))!.last_result).toBe("rejected");
    // The same refusal on a gateway in AUTH_MODE=codex names the codex reconnection.
    const inCodex = await relay("/openai/chat/completions", await currentRelayToken("relay-refused"), {
      model: "gpt-4o@status=401", messages: [{ role: "user", content: "hi" }],
    }, CODEX);
    expect(((await inCodex.json()) as ErrorBody).error.message).toContain("reconnect your account: bash setup.sh --auth codex");
  });

  it("presents each kind as its provider expects: x-api-key or a bearer with the OAuth beta for Anthropic, the account header for ChatGPT", async () => {
    const ant = await enrolled("relay-ant");
    // The dev upstream has no /v1/messages: the relay still forwards, and it records what it got.
    const apiKey = `sk-ant-api03-${crypto.randomUUID()}`;
    // An Anthropic key is checked against GET /v1/models, which the dev upstream serves.
    await register(ant.key, { kind: "anthropic", token: apiKey });
    await openTurn(ant.key);
    await relay("/anthropic/v1/messages", await currentRelayToken("relay-ant"), { model: "claude", max_tokens: 8, messages: [] }, SETTINGS,
      { "anthropic-version": "2023-06-01", "x-api-key": "ignored-because-bearer-wins" });
    const [sawKey] = (await seenRequests()).filter((r) => r.path === "/v1/messages" && r.headers["x-api-key"] === apiKey);
    expect(sawKey.path).toBe("/v1/messages");
    expect(sawKey.headers["anthropic-version"]).toBe("2023-06-01");
    expect(sawKey.headers.authorization).toBeUndefined();

    const oat = `sk-ant-oat01-${crypto.randomUUID()}`;
    await register(ant.key, { kind: "anthropic", token: oat });
    await relay("/anthropic/v1/messages", await currentRelayToken("relay-ant"), { model: "claude", messages: [] }, SETTINGS, { "anthropic-beta": "tools-2024" });
    const [sawOat] = (await seenRequests()).filter((r) => r.path === "/v1/messages" && r.headers.authorization === `Bearer ${oat}`);
    expect(sawOat.headers["anthropic-beta"]).toBe("tools-2024,oauth-2025-04-20");
    expect(sawOat.headers["x-api-key"]).toBeUndefined();

    const gpt = await enrolled("relay-codex");
    const access = codexToken(3600, "acct-relay-77");
    await register(gpt.key, { kind: "openai-codex", token: access });
    await openTurn(gpt.key);
    const marker = `codex-${crypto.randomUUID()}`;
    await relay("/openai-codex/responses", await currentRelayToken("relay-codex"), { model: "gpt-5.5", input: marker });
    const [sawCodex] = await seenWith(marker);
    expect(sawCodex.path).toBe("/v1/responses");
    expect(sawCodex.headers.authorization).toBe(`Bearer ${access}`);
    expect(sawCodex.headers["chatgpt-account-id"]).toBe("acct-relay-77");
  });
});

describe("the organiser", () => {
  it("revokes an attendee's credential (DELETE /admin/api/users/{id}/credential) and sees only its metadata", async () => {
    const { key } = await enrolled("org-revoke");
    const stored = await register(key);
    const view = await adminCall("GET", "/users/org-revoke/credential");
    expect(await view.json()).toEqual({ user_id: "org-revoke", credential: { ...stored, last_used_at: null, last_result: null, opens: true } });
    const unauthorised = await gatewayWith(SETTINGS, "/admin/api/users/org-revoke/credential", { method: "DELETE", headers: { authorization: "Bearer wrong-admin-token-000" } });
    expect(unauthorised.status).toBe(401);
    expect((await rawStored("org-revoke"))).toBeDefined();
    const revoked = await adminCall("DELETE", "/users/org-revoke/credential");
    expect(revoked.status).toBe(200);
    expect(await revoked.json()).toEqual({ user_id: "org-revoke", revoked: true });
    expect(await rawStored("org-revoke")).toBeUndefined();
    expect((await me("GET", key)).status).toBe(404);
    expect(await (await adminCall("GET", "/users/org-revoke/credential")).json()).toEqual({ user_id: "org-revoke", credential: null });
    expect(await (await adminCall("DELETE", "/users/org-revoke/credential")).json()).toEqual({ user_id: "org-revoke", revoked: false });
    const actions = await env.DB.prepare("SELECT action FROM admin_actions WHERE user_id = ?").bind("org-revoke").all<{ action: string }>();
    expect(actions.results.map((r) => r.action)).toContain("revoke_credential");
  });

  it("re-encrypts every credential under a new CREDENTIAL_KEY, keeping its relay token, so the old key can go", async () => {
    const { key } = await enrolled("org-rotate");
    const token = openaiToken();
    await register(key, { kind: "openai", token });
    const before = (await rawStored("org-rotate"))!;
    const relayBefore = await currentRelayToken("org-rotate");
    const rotating = { ...PROVIDERS, CREDENTIAL_KEY: OTHER_KEY, CREDENTIAL_KEY_PREVIOUS: CREDENTIAL_KEY };
    // While both keys are set, the credential still works before it is re-encrypted.
    expect((await gatewayWith(rotating, "/me/credential", { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
    let cursor: string | null = null;
    let reencrypted = 0;
    do {
      const page = await adminCall("POST", `/credentials/reencrypt?limit=50${cursor ? `&after=${cursor}` : ""}`, rotating);
      expect(page.status).toBe(200);
      const body = (await page.json()) as { reencrypted: number; next_cursor: string | null };
      reencrypted += body.reencrypted;
      cursor = body.next_cursor;
    } while (cursor);
    expect(reencrypted).toBeGreaterThanOrEqual(1);
    const after = (await rawStored("org-rotate"))!;
    expect(after.sealed).not.toBe(before.sealed);
    expect({ ...after, sealed: "" }).toEqual({ ...before, sealed: "" });
    const { generation } = await gateOf("org-rotate").describe();
    expect((await open([OTHER_KEY], { userId: "org-rotate", generation }, after.sealed))?.token).toBe(token);
    expect(await open([CREDENTIAL_KEY], { userId: "org-rotate", generation }, after.sealed)).toBeNull();
    expect(await currentRelayToken("org-rotate")).toBe(relayBefore);
    // With the new key alone, the attendee's credential still serves them.
    const alone = { ...PROVIDERS, CREDENTIAL_KEY: OTHER_KEY };
    expect((await gatewayWith(alone, "/me/credential", { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
    const second = await adminCall("POST", "/credentials/reencrypt?limit=500", alone);
    expect(((await second.json()) as { reencrypted: number }).reencrypted).toBe(0);
  });
});

describe("a pool with an OpenClaw node", () => {
  beforeEach(() => { vi.spyOn(console, "error").mockImplementation(() => {}); });
  afterEach(() => { vi.restoreAllMocks(); });
  const OPENCLAW = { ...SETTINGS, OPENCLAW_TOKEN: "operator-token-for-dev-upstream", PUBLIC_URL: "https://gateway.example" };

  it("in AUTH_MODE=openai sends an attendee with a credential of their own to their own agent, and everyone else to the gateway's", async () => {
    const own = await enrolled("pool-own");
    const other = await enrolled("pool-other");
    // Stored as PUT stores it (the dev upstream has no admin RPC to set the agent up with).
    const { generation } = await gateOf("pool-own").describe();
    await gateOf("pool-own").setCredential(await sealNew(parseConfig({ ...env, ...OPENCLAW }), { userId: "pool-own", generation }, "openai", openaiToken()));
    const marker = `agent-${crypto.randomUUID()}`;
    expect((await gatewayWith(OPENCLAW, "/v1/chat/completions", chatInit({ key: own.key, content: `${marker}-own` }))).status).toBe(200);
    expect((await gatewayWith(OPENCLAW, "/v1/chat/completions", chatInit({ key: other.key, content: `${marker}-other` }))).status).toBe(200);
    const [sawOwn] = await seenWith(`${marker}-own`);
    const [sawOther] = await seenWith(`${marker}-other`);
    expect(sawOwn.body?.model).toBe(`openclaw/${await attendeeAgentId(env.HASH_SECRET, "pool-own", generation)}`);
    expect(sawOther.body?.model).toBe("openclaw/main");
    // The operator's token still authenticates the gateway to OpenClaw, for both.
    expect(sawOwn.headers.authorization).toBe("Bearer operator-token-for-dev-upstream");
    // Embeddings would follow the operator's memory-search provider: refused for the own agent.
    const embedding = await gatewayWith(OPENCLAW, "/v1/embeddings", {
      method: "POST", headers: { authorization: `Bearer ${own.key}`, "content-type": "application/json" }, body: JSON.stringify({ model: "m", input: "x" }),
    });
    expect(embedding.status).toBe(404);
  });

  it("refuses to store a credential when the node has no admin RPC (the host's set-up is missing): 503 host_setup_required", async () => {
    const { key } = await enrolled("pool-unset");
    const response = await me("PUT", key, {
      body: { kind: "openai", token: openaiToken() },
      settings: OPENCLAW,
    });
    expect(response.status).toBe(503);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.code).toBe("host_setup_required");
    expect(body.error.message).toContain("npx ocg host");
    expect(await rawStored("pool-unset")).toBeUndefined();
  });
});
