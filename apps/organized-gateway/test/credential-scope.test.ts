// A credential goes only where it is meant to go: a node receives an attendee's own model
// credential only when its strategy takes it (the free route never does), and only the node
// that took it can mark it rejected. In workerd, with the dev upstream as every node (it
// records what it receives) and, where a node stands for OpenClaw, an operator token.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { attendeeAgentId } from "../src/credentials/names";
import { sealNew } from "../src/credentials/store";
import type { StoredCredential } from "../src/objects/attendee-gate/protocol";
import { parseConfig } from "../src/settings/config";
import { UPSTREAM, chatInit, gatewayWith, issueKey, seenWith } from "./helpers";

const CREDENTIALS = { CREDENTIAL_KEY: "test-credential-key-0123456789abcdef-S", OPENAI_BASE_URL: `${UPSTREAM}/v1` };
const FREE_NODE = { name: "free", url: UPSTREAM, models: ["noclaw/*"], free: true };

function gateOf(userId: string) {
  return env.ATTENDEE_GATE.get(env.ATTENDEE_GATE.idFromName(userId));
}

/** Stores a credential as PUT /me/credential stores it (the dev upstream has no admin RPC to set an agent up with). */
async function withCredential(userId: string, settings: Record<string, string>): Promise<{ key: string; token: string }> {
  const key = await issueKey(userId);
  const token = `sk-scope${crypto.randomUUID().replaceAll("-", "")}`;
  const { generation } = await gateOf(userId).describe();
  await gateOf(userId).setCredential(await sealNew(parseConfig({ ...env, ...settings }), { userId, generation }, "openai", token));
  return { key, token };
}

function lastResult(userId: string): Promise<StoredCredential["last_result"] | undefined> {
  return runInDurableObject(gateOf(userId), async (_instance, state) => state.storage.kv.get<StoredCredential>("credential")?.last_result);
}

describe("an attendee's own credential", () => {
  it("never reaches the free route in AUTH_MODE=codex, while the plain node it is meant for takes it in its header", async () => {
    const settings = { ...CREDENTIALS, AUTH_MODE: "codex", UPSTREAMS: JSON.stringify([{ name: "plain", url: UPSTREAM }, FREE_NODE]) };
    const { key, token } = await withCredential("scope-free", settings);
    const marker = `free-${crypto.randomUUID()}`;
    const free = await gatewayWith(settings, "/v1/chat/completions", chatInit({ key, model: "noclaw/gemma3:27b", content: `${marker}-free` }));
    expect(free.status).toBe(200);
    const [sawFree] = await seenWith(`${marker}-free`);
    expect(sawFree.body?.model).toBe("gemma3:27b");
    expect(JSON.stringify(sawFree)).not.toContain(token);
    expect(JSON.stringify(sawFree)).not.toContain(key);

    expect((await gatewayWith(settings, "/v1/chat/completions", chatInit({ key, content: `${marker}-plain` }))).status).toBe(200);
    const [sawPlain] = await seenWith(`${marker}-plain`);
    expect(sawPlain.headers["x-codex-token"]).toBe(token);
  });

  it("is not marked rejected by a node that did not take it: after a free route's or a plain node's 401 it still serves the OpenClaw route", async () => {
    const claw = { name: "claw", url: UPSTREAM, token: "operator-token-for-dev-upstream" };
    // A plain pass-through model route that is not free: in AUTH_MODE=openai it takes no attendee credential.
    const plain = { name: "plain", url: UPSTREAM, models: ["plain/*"] };
    const modes = [
      { label: "codex", models: ["noclaw/gemma3@status=401"], settings: { ...CREDENTIALS, AUTH_MODE: "codex", PUBLIC_URL: "https://gateway.example", UPSTREAMS: JSON.stringify([claw, FREE_NODE]) } },
      {
        label: "openai", models: ["noclaw/gemma3@status=401", "plain/gpt-4o@status=401"],
        settings: { ...CREDENTIALS, PAID_BY: "attendee", PUBLIC_URL: "https://gateway.example", UPSTREAMS: JSON.stringify([claw, FREE_NODE, plain]) },
      },
    ];
    for (const { label, models, settings } of modes) {
      const userId = `scope-401-${label}`;
      const { key, token } = await withCredential(userId, settings);
      for (const model of models) {
        const marker = `refused-${label}-${crypto.randomUUID()}`;
        const refused = await gatewayWith(settings, "/v1/chat/completions", chatInit({ key, model, content: marker }));
        expect(refused.status, `${label} ${model}`).toBe(401);
        expect(((await refused.json()) as { error: { code: string } }).error.code, `${label} ${model}`).not.toBe("credential_rejected");
        expect(await lastResult(userId), `${label} ${model}`).not.toBe("rejected");
        const [sawRefusing] = await seenWith(marker);
        expect(sawRefusing, `${label} ${model}: the 401 came from the node`).toBeDefined();
        expect(JSON.stringify(sawRefusing), `${label} ${model}`).not.toContain(token);
      }

      const marker = `claw-${label}-${crypto.randomUUID()}`;
      expect((await gatewayWith(settings, "/v1/chat/completions", chatInit({ key, content: marker }))).status, label).toBe(200);
      const [sawClaw] = await seenWith(marker);
      const { generation } = await gateOf(userId).describe();
      expect(sawClaw.body?.model, label).toBe(`openclaw/${await attendeeAgentId(env.HASH_SECRET, userId, generation)}`);
      expect(JSON.stringify(sawClaw), label).not.toContain(token);
    }
  });
});
