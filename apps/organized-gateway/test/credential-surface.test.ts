// Bad input on the credentials surface: a blocked attendee registers nothing; one attendee
// cannot register in a loop (each registration may rewrite every OpenClaw host's config);
// the relay address written into a host's config comes from the settings, never from a
// request's Host header; /v1/models lists no other attendee's agent. The dev upstream stands
// in for the OpenClaw node (operator token) and the provider: it records every config write
// the gateway attempts, so "no write" is something the test sees.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { REGISTRATIONS_PER_WINDOW, REGISTRATION_WINDOW_MS, decideRegistration } from "../src/objects/attendee-gate/registrations";
import { mayList, onlyCallersModels } from "../src/pipeline/route/models";
import app from "../src/index";
import { TEST_ADMIN_TOKEN } from "./constants";
import { UPSTREAM, admin, issueKey, seenRequests, type SeenRequest } from "./helpers";

/**
 * The dev upstream as this test's own OpenClaw node: under a path of its own, so the host's
 * admin RPC calls this test causes are told apart from other files' (it records every request).
 */
function hostSettings(name: string) {
  return {
    OPENAI_BASE_URL: `${UPSTREAM}/v1`, CREDENTIAL_KEY: "surface-credential-key-0123456789abcdef",
    OPENCLAW_URL: `${UPSTREAM}/v1/${name}`, OPENCLAW_TOKEN: "operator-token-for-dev-upstream",
  };
}

type ErrorBody = { error: { message: string; type: string; code: string } };

let sequence = 0;
const unique = (prefix: string) => `${prefix}${Date.now().toString(36)}${++sequence}`;

/** The Worker at any address (the Host a caller chose), with some settings. */
async function at(origin: string, settings: Record<string, string>, path: string, init?: RequestInit): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await app.fetch(new Request(`${origin}${path}`, init), { ...env, ...settings }, ctx);
  const body = await response.arrayBuffer();
  await waitOnExecutionContext(ctx);
  return new Response(body, response);
}

function register(origin: string, settings: Record<string, string>, key: string): Promise<Response> {
  const token = `sk-surface${crypto.randomUUID().replaceAll("-", "")}`;
  return at(origin, settings, "/me/credential", {
    method: "PUT", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify({ kind: "openai", token }),
  });
}

/** The admin RPC calls (config reads and writes) the host `name` received after request number `after`. */
async function hostCalls(name: string, after = 0): Promise<{ seq: number }[]> {
  return ((await seenRequests()) as (SeenRequest & { seq: number })[])
    .filter((r) => r.path === `/v1/${name}/api/v1/admin/rpc` && r.seq > after);
}

describe("PUT /me/credential", () => {
  it("refuses a blocked attendee with 403 user_blocked, and writes nothing to the host", async () => {
    const user = unique("blocked-reg-");
    const key = await issueKey(user);
    expect((await admin(`/users/${user}/block`, { method: "POST" })).status).toBe(200);
    const host = unique("host-blocked-");
    const refused = await register("https://gateway.example", { ...hostSettings(host), PUBLIC_URL: "https://gateway.example" }, key);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as ErrorBody).error.code).toBe("user_blocked");
    expect(await hostCalls(host)).toEqual([]);
  });

  it(`takes ${REGISTRATIONS_PER_WINDOW} registrations per attendee in ${REGISTRATION_WINDOW_MS / 60_000} minutes; the next is 429 with Retry-After and writes nothing`, async () => {
    const user = unique("loop-reg-");
    const key = await issueKey(user);
    const host = unique("host-loop-");
    const settings = { ...hostSettings(host), PUBLIC_URL: "https://gateway.example" };
    for (let i = 0; i < REGISTRATIONS_PER_WINDOW; i++) {
      expect((await register("https://gateway.example", settings, key)).status).not.toBe(429);
    }
    const calls = await hostCalls(host);
    expect(calls.length).toBeGreaterThan(0);
    const refused = await register("https://gateway.example", settings, key);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(((await refused.json()) as ErrorBody).error.code).toBe("too_many_registrations");
    expect(await hostCalls(host, Math.max(...calls.map((call) => call.seq)))).toEqual([]);
    // Another attendee is not held back by it.
    const other = await register("https://gateway.example", settings, await issueKey(unique("other-reg-")));
    expect(other.status).not.toBe(429);
  });

  it("never takes the relay address from the Host header: without PUBLIC_URL or RELAY_URL a loopback-looking Host gets 503 and no write", async () => {
    const user = unique("host-reg-");
    const key = await issueKey(user);
    const host = unique("host-evil-");
    const refused = await register("http://evil.localhost:8787", hostSettings(host), key);
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as ErrorBody).error.code).toBe("public_url_required");
    expect(await hostCalls(host)).toEqual([]);
  });

  it("takes the relay address hosts are given from RELAY_URL, else PUBLIC_URL, whatever Host the request came with", async () => {
    const relayOf = async (settings: Record<string, string>) => {
      const answer = await at("http://evil.localhost:8787", { ...hostSettings("host-relay"), ...settings }, "/admin/api/credentials/host",
        { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
      return ((await answer.json()) as { relay_url: string | null }).relay_url;
    };
    expect(await relayOf({ RELAY_URL: "http://10.0.0.5:8787", PUBLIC_URL: "https://gateway.example" })).toBe("http://10.0.0.5:8787/relay");
    expect(await relayOf({ PUBLIC_URL: "https://gateway.example" })).toBe("https://gateway.example/relay");
    expect(await relayOf({})).toBeNull();
  });
});

describe("registrations, as pure rules", () => {
  it("allows five in ten minutes, then says when the oldest leaves the window", () => {
    let times: number[] = [];
    for (let i = 0; i < REGISTRATIONS_PER_WINDOW; i++) {
      const decision = decideRegistration(times, 1_000 + i);
      expect(decision.ok).toBe(true);
      times = decision.times;
    }
    expect(decideRegistration(times, 2_000)).toMatchObject({ ok: false, retryAfterMs: 1_000 + REGISTRATION_WINDOW_MS - 2_000 });
    expect(decideRegistration(times, 1_000 + REGISTRATION_WINDOW_MS).ok).toBe(true);
  });
});

describe("/v1/models", () => {
  const listing = {
    object: "list",
    data: ["openclaw", "openclaw/default", "openclaw/main", "openclaw/ocg-aaaa", "openclaw/ocg-bbbb", "agent:ocg-bbbb", "openclaw:ocg-bbbb", "gpt-4o"]
      .map((id) => ({ id, object: "model", owned_by: "openclaw" })),
  };

  it("lists no other attendee's agent, and the caller's own", async () => {
    const answer = await onlyCallersModels("/v1/models", Response.json(listing), "ocg-aaaa");
    expect(((await answer.json()) as typeof listing).data.map((m) => m.id))
      .toEqual(["openclaw", "openclaw/default", "openclaw/main", "openclaw/ocg-aaaa", "gpt-4o"]);
    const none = await onlyCallersModels("/v1/models", Response.json(listing), null);
    expect(((await none.json()) as typeof listing).data.map((m) => m.id)).toEqual(["openclaw", "openclaw/default", "openclaw/main", "gpt-4o"]);
  });

  it("answers a lookup of another attendee's agent as an unknown model (404)", async () => {
    const other = await onlyCallersModels("/v1/models/openclaw%2Focg-bbbb", Response.json({ id: "openclaw/ocg-bbbb" }), "ocg-aaaa");
    expect(other.status).toBe(404);
    expect(((await other.json()) as ErrorBody).error.code).toBe("model_not_found");
    expect((await onlyCallersModels("/v1/models/openclaw%2Focg-aaaa", Response.json({ id: "openclaw/ocg-aaaa" }), "ocg-aaaa")).status).toBe(200);
    expect(mayList("OPENCLAW/OCG-BBBB", "ocg-aaaa")).toBe(false);
  });
});
