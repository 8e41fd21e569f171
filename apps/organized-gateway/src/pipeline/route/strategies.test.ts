// The strategies' decisions, one by one: where an attendee's credential may go, whose refusal
// marks it rejected, when a node lacks the attendee's agent, and which nodes get OpenClaw's
// shaping. Callers ask these, never a strategy's name (scripts/check-layout.mjs holds that).
import { describe, expect, it } from "vitest";
import { KINDS } from "../../credentials/kinds";
import type { SpentCredential } from "../../credentials/spend";
import type { Principal } from "../identify";
import { type AuthStrategy, type StrategyContext, openclaw, passthrough, provider } from "./strategies";

const CREDENTIAL: SpentCredential = { kind: "openai", sealed: "sealed-value", token: "sk-attendee-own-key", agent: "ocg-agent-of-ada" };
const PRINCIPAL: Principal = { userId: "ada", credential: { kind: "anonymous" }, callerAuthorization: "Bearer sk-caller-byok-key" };
const HOW = { authMode: "openai" as const, kind: "openai" as const };

function context(credential: SpentCredential | null, overrides: Partial<StrategyContext> = {}): StrategyContext {
  return { principal: PRINCIPAL, endpoint: "chat", session: "ocg-session", credential, path: "/v1/chat/completions", ...overrides };
}

/** The headers a node receives from this strategy. */
function sent(strategy: AuthStrategy, credential: SpentCredential | null): Record<string, string> {
  const headers = new Headers();
  strategy.authorize(headers, context(credential));
  return Object.fromEntries(headers);
}

const refusedWith = (status: number, text = "") => new Response(text, { status });

describe("where an attendee's own credential goes", () => {
  it("a plain or free pass-through takes none: it sends the caller's own Authorization and the session, never a credential", () => {
    const plain = passthrough();
    expect(plain.takesCredential).toBeNull();
    expect(sent(plain, null)).toEqual({ authorization: "Bearer sk-caller-byok-key", "x-forwarded-user": "ocg-session" });
  });

  it("a pass-through made with a token header (AUTH_MODE=codex) takes it in that header instead of the caller's Authorization", () => {
    const header = passthrough("X-Codex-Token");
    expect(header.takesCredential).toBe("header");
    expect(sent(header, CREDENTIAL)).toEqual({ "x-codex-token": "sk-attendee-own-key", "x-forwarded-user": "ocg-session" });
  });

  it("OpenClaw sends its operator token only, and the credential's own agent in the body, never the token itself", () => {
    const claw = openclaw("operator-token", "main");
    expect(claw.takesCredential).toBe("agent");
    expect(sent(claw, CREDENTIAL)).toEqual({ authorization: "Bearer operator-token" });
    const body = { model: "gpt-4o", messages: [], user: "someone-else" };
    claw.rewrite(body, context(CREDENTIAL));
    expect(body).toEqual({ model: "openclaw/ocg-agent-of-ada", messages: [], user: "ocg-session" });
    expect(JSON.stringify(body)).not.toContain(CREDENTIAL.token);
    const shared = { model: "gpt-4o", messages: [] };
    claw.rewrite(shared, context(null));
    expect(shared.model).toBe("openclaw/main");
  });

  it("a provider takes the token as the provider wants it, and nothing without one", () => {
    const openai = provider(KINDS.openai);
    expect(openai.takesCredential).toBe("token");
    expect(sent(openai, CREDENTIAL).authorization).toBe("Bearer sk-attendee-own-key");
    expect(sent(openai, null).authorization).toBeUndefined();
  });
});

describe("whose refusal marks the credential rejected", () => {
  it("OpenClaw's 401 is the attendee's only when it carries the relay's words; a bare one (a wrong operator token) is not", async () => {
    const claw = openclaw("operator-token", "main");
    expect(await claw.isCredentialRefusal(refusedWith(401, '{"error":{"message":"Unauthorized"}}'), HOW)).toBeNull();
    const relayed = refusedWith(401, '{"error":{"message":"Your model provider refused your OpenAI key. Check OPENAI_API_KEY"}}');
    expect((await claw.isCredentialRefusal(relayed, HOW))?.code).toBe("credential_rejected");
    expect(await claw.isCredentialRefusal(refusedWith(500, "Your model provider refused your OpenAI key"), HOW)).toBeNull();
  });

  it("a provider's 401 is the credential's fault; its edge's 403 is not, and is a refusal of its own", async () => {
    const codex = provider(KINDS["openai-codex"]);
    expect((await codex.isCredentialRefusal(refusedWith(401), HOW))?.code).toBe("credential_rejected");
    expect(await codex.isCredentialRefusal(refusedWith(403), HOW)).toBeNull();
    expect(codex.blockedBy?.(refusedWith(403))?.code).toBe("provider_blocked");
    expect(codex.blockedBy?.(refusedWith(401))).toBeNull();
  });
});

describe("what else a strategy says about its node", () => {
  it("only OpenClaw lacks an agent, by its own words for it, keeps sessions and gets requests shaped for its agent", async () => {
    const claw = openclaw("operator-token", "main");
    expect(await claw.lacksAgent(refusedWith(400, "Unknown agent 'ocg-agent-of-ada'."), "ocg-agent-of-ada")).toBe(true);
    expect(await claw.lacksAgent(refusedWith(400, "Unknown agent 'someone-else'."), "ocg-agent-of-ada")).toBe(false);
    expect(await claw.lacksAgent(refusedWith(404, "Unknown agent 'ocg-agent-of-ada'."), "ocg-agent-of-ada")).toBe(false);
    for (const other of [passthrough(), passthrough("X-Codex-Token"), provider(KINDS.openai)]) {
      expect(await other.lacksAgent(refusedWith(400, "Unknown agent 'ocg-agent-of-ada'."), "ocg-agent-of-ada")).toBe(false);
      expect(other.keepsSessions).toBe(false);
      expect(other.shapesForAgent).toBe(false);
    }
    expect(claw.keepsSessions).toBe(true);
    expect(claw.shapesForAgent).toBe(true);
  });

  it("OpenClaw refuses the fields its shared operator token would scope for everyone, and embeddings paid by an attendee's own account", () => {
    const claw = openclaw("operator-token", "main");
    expect(() => claw.rewrite({ input: "hi", previous_response_id: "resp_1" }, context(null, { endpoint: "response" }))).toThrow(
      expect.objectContaining({ code: "unsupported_parameter" }),
    );
    expect(() => claw.rewrite({ input: "hi" }, context(CREDENTIAL, { endpoint: "embedding" }))).toThrow(expect.objectContaining({ code: "unsupported_endpoint" }));
    expect(() => claw.rewrite({ input: "hi" }, context(null, { endpoint: "embedding" }))).not.toThrow();
  });
});
