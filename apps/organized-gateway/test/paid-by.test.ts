// Who pays for turns through OpenClaw (`PAID_BY`, docs/credentials.md "Who pays"), in workerd
// with real Durable Objects and the dev upstream standing in for the OpenClaw node (with an
// operator token it is driven as one) and for the model provider. The real OpenClaw and the
// real setup.sh are in test/e2e/paid-by-attendee.test.ts; here: the setting's rules, what
// /health tells the kit, the refusals' wording per mode, switching a running gateway, and the
// host-side pieces that make a room's registrations safe (the batched agent patch, the
// compare-and-set note of a credential's last use).
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { StoredCredential } from "../src/objects/attendee-gate/protocol";
import { parseConfig } from "../src/settings/config";
import { agentsPatch, alreadyInPlace, strayProviderIds, type AgentSpec } from "../src/credentials/openclaw-agent";
import { sealNew } from "../src/credentials/store";
import { UPSTREAM, chatInit, gatewayWith, issueKey, seenWith } from "./helpers";

const CREDENTIAL_KEY = "paid-by-credential-key-0123456789abcdef";
const PROVIDER = { OPENAI_BASE_URL: `${UPSTREAM}/v1` };
/** The dev upstream driven as an OpenClaw node (operator token), reachable for the relay at PUBLIC_URL. */
const OPENCLAW = { ...PROVIDER, CREDENTIAL_KEY, OPENCLAW_TOKEN: "operator-token-for-dev-upstream", PUBLIC_URL: "https://gateway.example" };
const ATTENDEE_PAYS = { ...OPENCLAW, PAID_BY: "attendee" };
const ORGANISER_PAYS = { ...OPENCLAW, PAID_BY: "organiser" };

type ErrorBody = { error: { message: string; type: string; code: string } };

function gateOf(userId: string) {
  return env.ATTENDEE_GATE.get(env.ATTENDEE_GATE.idFromName(userId));
}

/** Stores a credential the way PUT does (the dev upstream has no admin RPC to set an agent up with). */
async function storeCredential(userId: string, settings: Record<string, string>): Promise<StoredCredential> {
  const { generation } = await gateOf(userId).describe();
  const token = `sk-paid${crypto.randomUUID().replaceAll("-", "")}`;
  const stored = await sealNew(parseConfig({ ...env, ...settings }), { userId, generation }, "openai", token);
  await gateOf(userId).setCredential(stored);
  return stored;
}

async function health(settings: Record<string, string>) {
  return (await (await gatewayWith(settings, "/health")).json()) as { status: string; auth_mode?: string; paid_by?: string; message?: string };
}

describe("PAID_BY, the one setting that says who pays", () => {
  it("defaults to the organiser in AUTH_MODE=openai and to the attendee in AUTH_MODE=codex, and /health says which", async () => {
    expect(await health(OPENCLAW)).toMatchObject({ status: "ok", auth_mode: "openai", paid_by: "organiser" });
    expect(await health(ATTENDEE_PAYS)).toMatchObject({ status: "ok", auth_mode: "openai", paid_by: "attendee" });
    expect(await health({ ...OPENCLAW, AUTH_MODE: "codex" })).toMatchObject({ status: "ok", auth_mode: "codex", paid_by: "attendee" });
    expect(await health({ ...OPENCLAW, PAID_BY: "" })).toMatchObject({ status: "ok", paid_by: "organiser" });
  });

  it("refuses contradictions and a missing key as misconfigurations that name the setting", async () => {
    const cases: [Record<string, string>, string][] = [
      [{ ...OPENCLAW, AUTH_MODE: "codex", PAID_BY: "organiser" }, "PAID_BY"],
      [{ ...OPENCLAW, PAID_BY: "everyone" }, "PAID_BY"],
      [{ ...PROVIDER, OPENCLAW_TOKEN: "operator-token-for-dev-upstream", PAID_BY: "attendee" }, "CREDENTIAL_KEY"],
    ];
    for (const [settings, named] of cases) {
      const answer = await health(settings);
      expect(answer.status, JSON.stringify(settings)).toBe("misconfigured");
      expect(answer.message).toContain(named);
      const key = await issueKey(`paid-misconf-${named.toLowerCase().replaceAll("_", "-")}-${crypto.randomUUID().slice(0, 6)}`);
      const refused = await gatewayWith(settings, "/v1/chat/completions", chatInit({ key }));
      expect(refused.status).toBe(503);
      const body = (await refused.json()) as ErrorBody;
      expect(body.error.code).toBe("gateway_misconfigured");
      expect(body.error.message).toContain(named);
      expect(body.error.message).not.toContain(CREDENTIAL_KEY);
    }
  });
});

describe("PAID_BY=attendee on an OpenClaw route (AUTH_MODE=openai)", () => {
  it("answers 401 no_credential naming plain setup.sh to an attendee who registered no key, and calls nothing upstream", async () => {
    const key = await issueKey("paid-none");
    const marker = `paid-none-${crypto.randomUUID()}`;
    const refused = await gatewayWith(ATTENDEE_PAYS, "/v1/chat/completions", chatInit({ key, content: marker }));
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({
      error: { message: "No OpenAI key registered for you. Run: bash setup.sh", type: "authentication_error", code: "no_credential", param: null },
    });
    expect(await seenWith(marker)).toEqual([]);
    // Streams are refused the same way, before anything goes upstream.
    const streamed = await gatewayWith(ATTENDEE_PAYS, "/v1/chat/completions", chatInit({ key, content: `${marker}-s`, stream: true }));
    expect(streamed.status).toBe(401);
    expect(await seenWith(`${marker}-s`)).toEqual([]);
    // Listing models spends nobody's key.
    expect((await gatewayWith(ATTENDEE_PAYS, "/v1/models", { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
  });

  it("sends an attendee who registered a key to their own agent, never to the gateway's", async () => {
    const key = await issueKey("paid-own");
    await storeCredential("paid-own", ATTENDEE_PAYS);
    const marker = `paid-own-${crypto.randomUUID()}`;
    expect((await gatewayWith(ATTENDEE_PAYS, "/v1/chat/completions", chatInit({ key, content: marker }))).status).toBe(200);
    const [seen] = await seenWith(marker);
    expect(String(seen.body?.model)).toMatch(/^openclaw\/ocg-[0-9a-f]{24}$/);
  });

  it("keeps a pass-through route BYOK: the caller's own key pays, with nothing registered", async () => {
    const marker = `paid-byok-${crypto.randomUUID()}`;
    const byokKey = `sk-paidbyok${crypto.randomUUID().replaceAll("-", "")}`;
    const response = await gatewayWith({ ...PROVIDER, CREDENTIAL_KEY, PAID_BY: "attendee" }, "/v1/chat/completions",
      chatInit({ user: "paid-byok", content: marker, headers: { authorization: `Bearer ${byokKey}` } }));
    expect(response.status).toBe(200);
    const [seen] = await seenWith(marker);
    expect(seen.headers.authorization).toBe(`Bearer ${byokKey}`);
  });

  it("words GET /me/credential's 404 for how this gateway is paid", async () => {
    const key = await issueKey("paid-get");
    const message = async (settings: Record<string, string>) => {
      const response = await gatewayWith(settings, "/me/credential", { headers: { authorization: `Bearer ${key}` } });
      expect(response.status).toBe(404);
      const body = (await response.json()) as ErrorBody;
      expect(body.error.code).toBe("no_credential");
      return body.error.message;
    };
    expect(await message(ATTENDEE_PAYS)).toContain("Run: bash setup.sh (it registers the OPENAI_API_KEY in your .env)");
    expect(await message(ORGANISER_PAYS)).toContain("The organiser's account pays for your turns");
    expect(await message({ ...OPENCLAW, AUTH_MODE: "codex" })).toContain("Run: bash setup.sh --auth codex");
  });

  it("switches a running gateway between who pays with no migration: the same attendees, the same stored keys", async () => {
    const without = await issueKey("paid-switch-none");
    const withKey = await issueKey("paid-switch-own");
    await storeCredential("paid-switch-own", ORGANISER_PAYS);
    const turn = async (settings: Record<string, string>, key: string) => {
      const marker = `paid-switch-${crypto.randomUUID()}`;
      const response = await gatewayWith(settings, "/v1/chat/completions", chatInit({ key, content: marker }));
      const [seen] = await seenWith(marker);
      return { status: response.status, model: seen ? String(seen.body?.model) : null };
    };
    expect(await turn(ORGANISER_PAYS, without)).toEqual({ status: 200, model: "openclaw/main" });
    expect((await turn(ORGANISER_PAYS, withKey)).model).toMatch(/^openclaw\/ocg-/);
    expect(await turn(ATTENDEE_PAYS, without)).toEqual({ status: 401, model: null });
    expect((await turn(ATTENDEE_PAYS, withKey)).model).toMatch(/^openclaw\/ocg-/);
    expect(await turn({ ...OPENCLAW, AUTH_MODE: "codex" }, without)).toEqual({ status: 401, model: null });
    expect(await turn(ORGANISER_PAYS, without)).toEqual({ status: 200, model: "openclaw/main" });
  });
});

describe("a credential's last use is noted against the credential it was, in one step", () => {
  it("never lets a late note about a replaced credential overwrite the new one", async () => {
    await issueKey("paid-note");
    const old = await storeCredential("paid-note", ATTENDEE_PAYS);
    const current = await storeCredential("paid-note", ATTENDEE_PAYS);
    await gateOf("paid-note").noteCredentialUse({ sealed: old.sealed, result: "rejected" });
    expect(await gateOf("paid-note").getCredential()).toEqual(current);
    await gateOf("paid-note").noteCredentialUse({ sealed: current.sealed, result: "rejected" });
    expect(await gateOf("paid-note").getCredential()).toMatchObject({ sealed: current.sealed, last_result: "rejected" });
  });
});

describe("the agent patch a host's roster writes for many attendees at once", () => {
  const spec = (agent: string, provider: string, previous: string | null = null): AgentSpec => ({
    agentId: agent, providerId: provider, previousProviderId: previous, kind: "openai",
    relayBaseUrl: "https://gateway.example/relay/openai", relayToken: `ocgr_${agent}_1_${provider.padEnd(64, "0")}`,
  });

  it("gives every attendee of the batch their agent and provider in one patch, removing replaced providers", () => {
    const { patch, replacePaths } = agentsPatch([spec("ocg-a", "ocg-a-1"), spec("ocg-b", "ocg-b-2", "ocg-b-1")]);
    const providers = (patch.models as { providers: Record<string, unknown> }).providers;
    const agents = (patch.agents as { entries: Record<string, { model: string; utilityModel: string }> }).entries;
    expect(Object.keys(providers).sort()).toEqual(["ocg-a-1", "ocg-b-1", "ocg-b-2"]);
    expect(providers["ocg-b-1"]).toBeNull();
    expect(replacePaths).toEqual(["models.providers.ocg-b-1.models"]);
    expect(agents).toEqual({
      "ocg-a": { model: "ocg-a-1/gpt-5.4-mini", utilityModel: "" },
      "ocg-b": { model: "ocg-b-2/gpt-5.4-mini", utilityModel: "" },
    });
  });

  it("never sends the host a provider written and replaced within the same batch (two rotations in a row)", () => {
    const { patch, replacePaths } = agentsPatch([spec("ocg-c", "ocg-c-2", "ocg-c-1"), spec("ocg-c", "ocg-c-3", "ocg-c-2")]);
    const providers = (patch.models as { providers: Record<string, unknown> }).providers;
    expect(Object.keys(providers).sort()).toEqual(["ocg-c-1", "ocg-c-3"]);
    expect(providers["ocg-c-1"]).toBeNull();
    expect(replacePaths).toEqual(["models.providers.ocg-c-1.models"]);
    expect((patch.agents as { entries: Record<string, { model: string }> }).entries["ocg-c"].model).toBe("ocg-c-3/gpt-5.4-mini");
  });

  it("removes every earlier provider of the agent the host still holds, with no previous to name (a credential deleted, then registered again)", () => {
    const agent = "ocg-0123456789abcdef01234567";
    const host = { models: { providers: {
      [`${agent}-aaaaaaaa`]: { baseUrl: "https://gateway.example/relay/openai" },
      [`${agent}-bbbbbbbb`]: { baseUrl: "https://gateway.example/relay/openai" },
      [`${agent}x-cccccccc`]: { baseUrl: "another agent's" },
      "ocg-ffffffffffffffffffffffff-dddddddd": { baseUrl: "another agent's" },
    } } };
    const registered = { ...spec(agent, `${agent}-bbbbbbbb`), strayProviderIds: strayProviderIds({ agentId: agent, providerId: `${agent}-bbbbbbbb` }, host) };
    expect(registered.strayProviderIds).toEqual([`${agent}-aaaaaaaa`]);
    expect(alreadyInPlace(registered, host)).toBe(false);
    const { patch, replacePaths } = agentsPatch([registered]);
    const providers = (patch.models as { providers: Record<string, unknown> }).providers;
    expect(Object.keys(providers).sort()).toEqual([`${agent}-aaaaaaaa`, `${agent}-bbbbbbbb`]);
    expect(providers[`${agent}-aaaaaaaa`]).toBeNull();
    expect(replacePaths).toEqual([`models.providers.${agent}-aaaaaaaa.models`]);
  });

  it("knows when the host already has an attendee's agent exactly, and when it does not", () => {
    const wanted = spec("ocg-d", "ocg-d-2", "ocg-d-1");
    const host = (overrides: { agent?: unknown; previous?: unknown; baseUrl?: string } = {}) => ({
      models: { providers: {
        "ocg-d-2": { baseUrl: overrides.baseUrl ?? wanted.relayBaseUrl, api: "openai-completions", apiKey: "__REDACTED__" },
        ...(overrides.previous ? { "ocg-d-1": overrides.previous } : {}),
      } },
      agents: { entries: { "ocg-d": overrides.agent ?? { model: "ocg-d-2/gpt-5.4-mini", utilityModel: "" } } },
    });
    expect(alreadyInPlace(wanted, host())).toBe(true);
    expect(alreadyInPlace(wanted, undefined)).toBe(false);
    expect(alreadyInPlace(wanted, host({ agent: { model: "ocg-d-1/gpt-5.4-mini", utilityModel: "" } }))).toBe(false);
    expect(alreadyInPlace(wanted, host({ previous: { baseUrl: "x" } }))).toBe(false);
    expect(alreadyInPlace(wanted, host({ baseUrl: "https://elsewhere.example/relay/openai" }))).toBe(false);
    expect(alreadyInPlace(wanted, host({ agent: { model: "ocg-d-2/gpt-5.4-mini" } }))).toBe(false);
  });
});
