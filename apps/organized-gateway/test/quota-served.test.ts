// What the month counts: a request the upstream received counts, whatever happened after it
// (the gateway's timeout, the caller hanging up, a stream cut short); only one that never
// reached the upstream is given back. The dev upstream's `latency` knob holds its answer.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { chatInit, gatewayWith, issueKey, seenWith } from "./helpers";

/** A metered tier for everyone, and a 500 ms wait for the upstream's headers. */
const SETTINGS: Record<string, string> = {
  DEFAULT_TIER: "metered",
  TIERS: JSON.stringify({ metered: { requests_per_month: 100, projects: null, priority: 1, price_ids: [] } }),
  UPSTREAM_TIMEOUT_MS: "500",
};

let sequence = 0;
const unique = (prefix: string) => `${prefix}${Date.now().toString(36)}${++sequence}`;

async function monthTotal(user: string): Promise<number> {
  const period = new Date().toISOString().slice(0, 7);
  return (await env.ATTENDEE_GATE.get(env.ATTENDEE_GATE.idFromName(user)).monthlyUsage(period)).total;
}

describe("the month counts what the upstream received", () => {
  it("counts requests the upstream took but answered after UPSTREAM_TIMEOUT_MS (504 upstream_timeout)", async () => {
    const user = unique("slow-");
    const key = await issueKey(user);
    const marker = unique("timeout-marker-");
    for (let i = 0; i < 3; i++) {
      const response = await gatewayWith(SETTINGS, "/v1/chat/completions", chatInit({ key, model: "gpt-4o@latency=1500", content: marker }));
      expect(response.status).toBe(504);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe("upstream_timeout");
    }
    expect(await seenWith(marker)).toHaveLength(3);
    expect(await monthTotal(user)).toBe(3);
  });

  it("counts a request whose caller hung up after the upstream received it", async () => {
    const user = unique("gone-");
    const key = await issueKey(user);
    const marker = unique("abort-marker-");
    const caller = new AbortController();
    const answer = gatewayWith({ ...SETTINGS, UPSTREAM_TIMEOUT_MS: "20000" }, "/v1/chat/completions",
      { ...chatInit({ key, model: "gpt-4o@latency=5000", content: marker }), signal: caller.signal });
    while ((await seenWith(marker)).length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    caller.abort();
    await answer.catch(() => null);
    expect(await monthTotal(user)).toBe(1);
  });

  it("counts a stream cut short by its caller after the first event", async () => {
    const user = unique("cut-");
    const key = await issueKey(user);
    const caller = new AbortController();
    const response = await gatewayWith(SETTINGS, "/v1/chat/completions",
      { ...chatInit({ key, model: "gpt-4o@chunkdelay=200", stream: true, content: "tell me a long story" }), signal: caller.signal });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    await reader.read();
    caller.abort();
    await reader.cancel().catch(() => {});
    expect(await monthTotal(user)).toBe(1);
  });

  it("gives back a request no node could be reached for (502 upstream_unreachable)", async () => {
    const user = unique("unreached-");
    const key = await issueKey(user);
    const response = await gatewayWith({ ...SETTINGS, OPENCLAW_URL: "http://127.0.0.1:9" }, "/v1/chat/completions", chatInit({ key }));
    expect(response.status).toBe(502);
    expect(await monthTotal(user)).toBe(0);
  });
});
