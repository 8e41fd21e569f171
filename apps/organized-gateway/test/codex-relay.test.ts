// The relay for a ChatGPT (Codex) sign-in, in workerd, against the dev upstream's stand-in
// for the Codex backend (POST /backend-api/codex/responses), which refuses what the real
// backend refuses, in its words. The call sent here is the one OpenClaw 2026.9.6 makes for
// a custom provider with `api: "openai-chatgpt-responses"` (seen on the wire: the OpenAI
// SDK's headers, the system prompt as an input item, max_output_tokens). The real OpenClaw
// drives the same relay in test/e2e/codex-relay.test.ts.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { StoredCredential } from "../src/objects/attendee-gate/protocol";
import { codexResponsesBody } from "../src/credentials/kinds";
import { relayToken } from "../src/credentials/names";
import { UPSTREAM, gatewayWith, issueKey, openTurn, type SeenRequest } from "./helpers";

const SETTINGS = {
  CREDENTIAL_KEY: "test-credential-key-0123456789abcdef-C",
  CODEX_BASE_URL: `${UPSTREAM}/backend-api/codex`,
  AUTH_MODE: "codex",
};

type ErrorBody = { error: { message: string; type: string; code: string } };

function base64url(value: unknown): string {
  return btoa(JSON.stringify(value)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** A ChatGPT-sign-in-shaped access token (unsigned: only the provider checks signatures). */
function accessToken(account: string, signature = "c2lnbmF0dXJlLXBhcnQ"): string {
  const claims = { exp: Math.floor(Date.now() / 1000) + 3600, "https://api.openai.com/auth": { chatgpt_account_id: account }, n: crypto.randomUUID() };
  return `${base64url({ alg: "RS256", typ: "JWT" })}.${base64url(claims)}.${signature}`;
}

function gateOf(userId: string) {
  return env.ATTENDEE_GATE.get(env.ATTENDEE_GATE.idFromName(userId));
}

function stored(userId: string): Promise<StoredCredential | undefined> {
  return runInDurableObject(gateOf(userId), async (_instance, state) => state.storage.kv.get<StoredCredential>("credential"));
}

/**
 * An attendee with a Codex sign-in registered, and the relay token their agent's provider
 * holds; their agent is in a turn (the relay serves model calls only inside one).
 */
async function connected(userId: string, token: string): Promise<string> {
  const key = await issueKey(userId);
  const put = await gatewayWith(SETTINGS, "/me/credential", {
    method: "PUT",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ kind: "openai-codex", token }),
  });
  expect(put.status, await put.clone().text()).toBe(201);
  const { generation } = await gateOf(userId).describe();
  await openTurn(key);
  return relayToken(env.HASH_SECRET, userId, generation, (await stored(userId))!);
}

/** The call OpenClaw 2026.9.6 makes for the attendee's agent, as it arrives at the relay. */
function openClawCall(relay: string, text: string, model = "gpt-5.5") {
  return gatewayWith(SETTINGS, "/relay/openai-codex/responses", {
    method: "POST",
    headers: {
      authorization: `Bearer ${relay}`, accept: "application/json", "content-type": "application/json",
      "user-agent": "OpenAI/JS 7.15.0", "x-stainless-lang": "js", "x-stainless-retry-count": "0",
    },
    body: JSON.stringify({
      model, stream: true, max_output_tokens: 8192, store: false,
      input: [
        { type: "message", role: "system", content: [{ type: "input_text", text: "You are a personal assistant running inside OpenClaw." }] },
        { type: "message", role: "user", content: [{ type: "input_text", text }] },
      ],
    }),
  });
}

async function seenWith(marker: string): Promise<SeenRequest[]> {
  const { data } = (await (await fetch(`${UPSTREAM}/__dev/requests`)).json()) as { data: SeenRequest[] };
  return data.filter((r) => JSON.stringify(r.body ?? "").includes(marker));
}

describe("the relay makes OpenClaw's call the one the ChatGPT Codex backend takes", () => {
  it("sends the Codex client's path, headers and body, with the attendee's token only, and streams the backend's events back", async () => {
    const token = accessToken("acct-relay-1");
    const relay = await connected("codex-relay-wire", token);
    const marker = `hello-${crypto.randomUUID()}`;
    const response = await openClawCall(relay, marker);
    const text = await response.text();
    expect(response.status, text).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/text\/event-stream/);
    // Typed events: an `event:` line, then `data: {"type": ...}`.
    const types = text.split("\n").filter((line) => line.startsWith("data: ")).map((line) => (JSON.parse(line.slice(6)) as { type: string }).type);
    expect(types[0]).toBe("response.created");
    expect(types.at(-1)).toBe("response.completed");
    expect(text).toContain(`Echo: ${marker}`);

    const [seen] = await seenWith(marker);
    expect(seen.path).toBe("/backend-api/codex/responses");
    expect(seen.headers).toMatchObject({
      authorization: `Bearer ${token}`, "chatgpt-account-id": "acct-relay-1", "openai-beta": "responses=experimental",
      originator: "openclaw", accept: "text/event-stream", "content-type": "application/json",
    });
    expect(seen.headers["user-agent"]).toMatch(/^openclaw /);
    expect(Object.keys(seen.headers).filter((name) => name.startsWith("x-stainless"))).toEqual([]);
    expect(JSON.stringify(seen)).not.toContain(relay);
    const body = seen.body as Record<string, unknown>;
    expect(body).toMatchObject({ model: "gpt-5.5", stream: true, store: false, instructions: "You are a personal assistant running inside OpenClaw." });
    expect(body.max_output_tokens).toBeUndefined();
    expect(body.include).toEqual(["reasoning.encrypted_content"]);
    expect(body.input).toEqual([{ type: "message", role: "user", content: [{ type: "input_text", text: marker }] }]);
    expect((await stored("codex-relay-wire"))!.last_result).toBe("ok");
  });

  it("turns the backend's 401 for an invalidated token into 401 credential_rejected, noted on the attendee's object, without its words", async () => {
    // The stand-in answers 401 token_invalidated to a token containing "revoked", as the
    // backend does once a sign-in is invalidated (its exp is still in the future here).
    const token = accessToken("acct-relay-2", "c2lnrevokedX");
    const relay = await connected("codex-relay-401", token);
    const marker = `refused-${crypto.randomUUID()}`;
    const response = await openClawCall(relay, marker);
    const text = await response.text();
    expect(response.status, text).toBe(401);
    expect((JSON.parse(text) as ErrorBody).error).toMatchObject({ code: "credential_rejected", type: "authentication_error" });
    expect(text).toContain("bash setup.sh --auth codex");
    expect(text).not.toMatch(/invalidated|token_invalidated/);
    expect(await seenWith(marker)).toHaveLength(1);
    expect((await stored("codex-relay-401"))!.last_result).toBe("rejected");
  });

  it("answers a 403 from the backend's edge with 502 provider_blocked, and leaves the attendee's account alone", async () => {
    const relay = await connected("codex-relay-403", accessToken("acct-relay-3"));
    // The dev upstream's status knob, in the model name: what a Cloudflare block looks like from here.
    const response = await openClawCall(relay, `blocked-${crypto.randomUUID()}`, "gpt-5.5@status=403");
    const text = await response.text();
    expect(response.status, text).toBe(502);
    expect((JSON.parse(text) as ErrorBody).error).toMatchObject({ code: "provider_blocked", type: "upstream_error" });
    expect((await stored("codex-relay-403"))!.last_result).not.toBe("rejected");
  });

  it("refuses a body that is not JSON itself rather than sending the backend something it cannot take", async () => {
    const relay = await connected("codex-relay-json", accessToken("acct-relay-4"));
    const response = await gatewayWith(SETTINGS, "/relay/openai-codex/responses", {
      method: "POST", headers: { authorization: `Bearer ${relay}`, "content-type": "application/json" }, body: "{not json",
    });
    expect(response.status).toBe(400);
    // The gateway's own refusal (the backend's would be another sentence).
    expect(((await response.json()) as ErrorBody).error).toMatchObject({ code: "invalid_json", message: expect.stringContaining("Check for a missing quote") });
  });
});

describe("codexResponsesBody", () => {
  it("moves the head's system items into instructions after any given, makes a later one a developer message, and keeps the rest", () => {
    const summary = { type: "message", role: "system", content: "Summary of earlier turns." };
    const user = { type: "message", role: "user", content: [{ type: "input_text", text: "hi" }] };
    const image = { type: "input_image", image_url: "data:image/png;base64,AAAA" };
    const out = codexResponsesBody({
      model: "gpt-5.5", instructions: "Given.", temperature: 0.3, top_p: 1, metadata: { a: "b" }, prompt_cache_retention: "24h",
      include: ["file_search_call.results"], tools: [{ type: "function", name: "t" }],
      input: [
        { type: "message", role: "system", content: [{ type: "input_text", text: "First." }, image] },
        { role: "system", content: "Second." },
        user, summary,
      ],
    });
    expect(out).toEqual({
      model: "gpt-5.5", stream: true, store: false, instructions: "Given.\n\nFirst.\n\nSecond.",
      include: ["file_search_call.results", "reasoning.encrypted_content"], tools: [{ type: "function", name: "t" }],
      input: [user, { ...summary, role: "developer" }],
    });
  });

  it("gives a call without a system prompt OpenClaw's default instructions, and leaves a string input as it is", () => {
    expect(codexResponsesBody({ model: "gpt-5.5", input: "hello", stream: false, store: true, max_output_tokens: 10 })).toEqual({
      model: "gpt-5.5", input: "hello", stream: true, store: false, instructions: "You are a helpful assistant.", include: ["reasoning.encrypted_content"],
    });
    expect(codexResponsesBody({ input: [{ role: "system", content: "  " }], instructions: "" }).instructions).toBe("You are a helpful assistant.");
  });
});
