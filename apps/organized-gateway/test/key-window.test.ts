// One sk- key's limits when its attendee's object counts it (the key handed over, no call to
// the key's object per request) and when a second id asks with the same key (taken back):
// the key's minute and its requests in flight stay exact across the hand-over and back.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { newRequestRow } from "../src/pipeline/settle/request-row";

let sequence = 0;
const tiers = { event: { perMinute: 4, maxInflight: 2, priority: 0, requestsPerMonth: null, projects: null, priceIds: [] } };

/** Admits one BYOK request of `userId` with the key `keyHash` in the attendee's object, as the pipeline does. */
async function admit(userId: string, keyHash: string) {
  const gate = env.ATTENDEE_GATE.get(env.ATTENDEE_GATE.idFromName(userId));
  const requestId = `req_key_${++sequence}`;
  const now = Date.now();
  const result = await gate.admit({
    now, userId, credential: { kind: "byok", keyHash }, tiers, queueMs: 0, leaseMs: 60_000,
    nodes: [{ name: "key-node", key: `node:key-node-${keyHash}`, maxConcurrent: 100 }], nodeQueue: { max: 0, ms: 0 },
    defaultTier: "event", dedicatedNodes: {}, project: "default", free: false, requestId, spend: null, turn: false, session: null,
  });
  const settle = () => {
    if (!result.ok) throw new Error("nothing to settle");
    const row = { ...newRequestRow(requestId, "/v1/chat/completions", "POST", now), user_id: userId, auth: "byok" as const, status: 200 };
    return gate.settle({ leaseId: result.leaseId, reachedUpstream: true, binding: { userId, keyHash } }, row, 0);
  };
  return { result, settle };
}

describe("one sk- key used by one attendee, then by a second", () => {
  it("counts the key's requests in flight and in the minute exactly when the second id takes it back", async () => {
    const keyHash = `key-window-hash-${Date.now().toString(36)}`;
    // The first attendee's first request hands the key to their object; the second is counted there.
    const a1 = await admit("kw-alice", keyHash);
    const a2 = await admit("kw-alice", keyHash);
    expect([a1.result.ok, a2.result.ok]).toEqual([true, true]);
    // Another id with the same key: the key's two slots are both running (one of them counted only
    // in the first attendee's object until the take-back), so it is refused for the key's in-flight cap.
    const b1 = await admit("kw-bob", keyHash);
    expect(b1.result).toMatchObject({ ok: false, refusal: "key_too_many_inflight" });
    // One of the first attendee's requests ends: its slot is free at the key too.
    await a2.settle();
    const b2 = await admit("kw-bob", keyHash);
    expect(b2.result.ok).toBe(true);
    // Three requests are in the key's minute (the refused one was given back): one more fits, then none.
    await a1.settle();
    const b3 = await admit("kw-bob", keyHash);
    expect(b3.result.ok).toBe(true);
    await b3.settle();
    await b2.settle();
    expect((await admit("kw-bob", keyHash)).result).toMatchObject({ ok: false, refusal: "key_rate_limited" });
    expect((await admit("kw-alice", keyHash)).result).toMatchObject({ ok: false, refusal: "key_rate_limited" });
  });
});
