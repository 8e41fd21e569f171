// The relay as a surface of the pipeline, in workerd with real Durable Objects and D1 and the
// dev upstream standing in for the model provider (it records every request it receives, so
// "nothing reached the provider" is read from it). A relay call is admitted against the
// attendee's state at that moment and only inside one of their turns; the real OpenClaw
// drives the same relay in test/e2e/paid-by-attendee.test.ts.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { relayToken } from "../src/credentials/names";
import type { StoredCredential } from "../src/objects/attendee-gate/protocol";
import { AttendeeGateClient } from "../src/objects/attendee-gate/client";
import { LEASE_RENEW_MS, keepLease } from "../src/pipeline/admit";
import { RequestClock } from "../src/pipeline/settle/request-clock";
import { TEST_ADMIN_TOKEN } from "./constants";
import { UPSTREAM, gatewayWith, issueKey, loggedRows, openTurn, seenWith } from "./helpers";

const SETTINGS = { CREDENTIAL_KEY: "test-credential-key-0123456789abcdef-R", OPENAI_BASE_URL: `${UPSTREAM}/v1` };

type ErrorBody = { error: { message: string; type: string; code: string } };

function gateOf(userId: string) {
  return env.ATTENDEE_GATE.get(env.ATTENDEE_GATE.idFromName(userId));
}

function openaiKey(): string {
  return `sk-relay${crypto.randomUUID().replaceAll("-", "")}`;
}

async function registered(userId: string): Promise<{ key: string; relay: () => Promise<string> }> {
  const key = await issueKey(userId);
  await register(key);
  return {
    key,
    relay: async () => {
      const stored = await runInDurableObject(gateOf(userId), async (_instance, state) => state.storage.kv.get<StoredCredential>("credential"));
      const { generation } = await gateOf(userId).describe();
      return relayToken(env.HASH_SECRET, userId, generation, stored!);
    },
  };
}

async function register(key: string): Promise<void> {
  const put = await gatewayWith(SETTINGS, "/me/credential", {
    method: "PUT", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ kind: "openai", token: openaiKey() }),
  });
  expect(put.status, await put.clone().text()).toBe(201);
}

function relayCall(token: string, content: string, headers: Record<string, string> = {}) {
  return gatewayWith(SETTINGS, "/relay/openai/chat/completions", {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...headers },
    body: JSON.stringify({ model: "gpt-5.4-mini", messages: [{ role: "user", content }] }),
  });
}

function admin(method: string, path: string) {
  return gatewayWith(SETTINGS, `/admin/api${path}`, { method, headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
}

async function codeOf(response: Response): Promise<string> {
  return ((await response.json()) as ErrorBody).error.code;
}

describe("a relay call is admitted against the attendee's state now", () => {
  it("is refused with 403 no_active_turn when the attendee has no turn in flight, and reaches the provider inside one", async () => {
    const { key, relay } = await registered("relay-turnless");
    const marker = `turnless-${crypto.randomUUID()}`;
    const outside = await relayCall(await relay(), marker);
    expect(outside.status).toBe(403);
    expect(await codeOf(outside)).toBe("no_active_turn");
    expect(await seenWith(marker)).toEqual([]);

    const turn = await openTurn(key);
    expect((await relayCall(await relay(), `${marker}-inside`)).status).toBe(200);
    await turn.end();
    const after = await relayCall(await relay(), `${marker}-after`);
    expect(await codeOf(after)).toBe("no_active_turn");
    expect((await seenWith(marker)).length).toBe(1);
  });

  it("is admitted in a turn that runs longer than the runtime keeps an idle object, while the turn's request renews its lease", async () => {
    // workerd evicts (Cloudflare hibernates) a Durable Object that has had no request for 10 s,
    // and its turns are in memory: a request that waits on OpenClaw renews its lease often
    // enough (LEASE_RENEW_MS) that its attendee's object is never idle that long.
    expect(LEASE_RENEW_MS).toBeLessThan(10_000);
    const { key, relay } = await registered("relay-long-turn");
    const turn = await openTurn(key);
    const clock = new RequestClock();
    keepLease(AttendeeGateClient.of(env, "relay-long-turn"), turn.leaseId, clock);
    try {
      await new Promise((resolve) => setTimeout(resolve, 12_000));
      const inside = await relayCall(await relay(), `long-turn-${crypto.randomUUID()}`);
      expect(inside.status, await inside.clone().text()).toBe(200);
    } finally {
      clock.stop();
      await turn.end();
    }
  }, 30_000);

  it("is refused after the organiser blocks the attendee, revokes their last key and reinstates them, and nothing reaches the provider", async () => {
    const { key, relay } = await registered("relay-organiser");
    await openTurn(key);
    const marker = `organiser-${crypto.randomUUID()}`;
    const token = await relay();

    expect((await admin("POST", "/users/relay-organiser/block")).status).toBe(200);
    const blocked = await relayCall(token, `${marker}-blocked`);
    expect(blocked.status).toBe(403);
    expect(await codeOf(blocked)).toBe("user_blocked");
    expect((await admin("POST", "/users/relay-organiser/unblock")).status).toBe(200);
    expect((await relayCall(token, `${marker}-unblocked`)).status).toBe(200);

    const keyId = key.slice("ocg_relay-organiser_".length, "ocg_relay-organiser_".length + 8);
    expect((await admin("DELETE", `/keys/${keyId}`)).status).toBe(200);
    const revoked = await relayCall(token, `${marker}-revoked`);
    expect(revoked.status).toBe(403);
    expect(await codeOf(revoked)).toBe("user_id_revoked");

    expect((await admin("POST", "/users/relay-organiser/reinstate")).status).toBe(200);
    const reinstated = await relayCall(token, `${marker}-reinstated`);
    expect(reinstated.status).toBe(401);
    expect(await codeOf(reinstated)).toBe("invalid_relay_token");

    expect((await seenWith(marker)).map((seen) => JSON.stringify(seen.body))).toEqual([expect.stringContaining(`${marker}-unblocked`)]);
  });

  it("is refused once the attendee rotates or deletes their key, and nothing reaches the provider", async () => {
    const { key, relay } = await registered("relay-owner");
    await openTurn(key);
    const marker = `owner-${crypto.randomUUID()}`;
    const before = await relay();
    await register(key);
    const rotated = await relayCall(before, `${marker}-rotated`);
    expect(rotated.status).toBe(401);
    expect(await codeOf(rotated)).toBe("invalid_relay_token");
    const current = await relay();
    expect((await gatewayWith(SETTINGS, "/me/credential", { method: "DELETE", headers: { authorization: `Bearer ${key}` } })).status).toBe(204);
    const deleted = await relayCall(current, `${marker}-deleted`);
    expect(deleted.status).toBe(401);
    expect(await codeOf(deleted)).toBe("invalid_relay_token");
    expect(await seenWith(marker)).toEqual([]);
  });

  it("answers an unknown id, a known id without a credential and a wrong token alike, and charges them to the caller's network like every refusal", async () => {
    const { key } = await registered("relay-guessed");
    await openTurn(key);
    await issueKey("relay-keyless");
    const marker = `guessed-${crypto.randomUUID()}`;
    const from = { "cf-connecting-ip": `198.51.100.${Math.floor(Math.random() * 250)}` };
    const guesses = [
      (i: number) => `ocgr_relay-ghost-${i}_1_${"0".repeat(64)}`,
      () => `ocgr_relay-keyless_1_${"0".repeat(64)}`,
      (i: number) => `ocgr_relay-guessed_1_${i.toString(16).padStart(64, "0")}`,
    ];
    const statuses: number[] = [];
    const bodies = new Set<string>();
    for (let i = 0; i < 121; i++) {
      const answer = await relayCall(guesses[i % guesses.length](i), `${marker}-${i}`, from);
      statuses.push(answer.status);
      if (answer.status === 401) bodies.add(await answer.text());
    }
    expect(statuses.filter((status) => status === 401)).toHaveLength(120);
    expect(statuses.at(-1)).toBe(429);
    expect([...bodies].map((body) => (JSON.parse(body) as ErrorBody).error.code)).toEqual(["invalid_relay_token"]);
    expect(await seenWith(marker)).toEqual([]);
  });
});

describe("the relay's rows", () => {
  it("leave one row per model call, linked to its turn, and the turn's row counts its model calls and their tokens", async () => {
    const { key, relay } = await registered("relay-rows");
    const turn = await openTurn(key);
    const marker = `loop-${crypto.randomUUID()}`;
    const calls = [await relayCall(await relay(), `${marker} first call of the tool loop`), await relayCall(await relay(), `${marker} second call of the tool loop`)];
    for (const call of calls) expect(call.status).toBe(200);
    await turn.end();

    const relayRows = await loggedRows("turn_id = ?", [turn.requestId], 2);
    expect(relayRows).toHaveLength(2);
    // Every call that reached the provider is one of these rows.
    expect(await seenWith(marker)).toHaveLength(relayRows.length);
    for (const row of relayRows) {
      expect(row).toMatchObject({ user_id: "relay-rows", auth: "relay", endpoint: "/relay/openai/chat/completions", status: 200, usage_source: "reported" });
      expect(row.tokens_est).toBeGreaterThan(0);
    }
    expect(relayRows.map((row) => row.request_id).sort()).toEqual(calls.map((call) => call.headers.get("x-request-id")).sort());
    const [turnRow] = await loggedRows("request_id = ?", [turn.requestId], 1);
    expect(turnRow.model_calls).toBe(2);
    expect(turnRow.model_tokens).toBe(relayRows.reduce((sum, row) => sum + row.tokens_est, 0));
  });
});
