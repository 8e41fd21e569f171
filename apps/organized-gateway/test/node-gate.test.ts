// A node's health in its object, driven with the object's own clock: a host that comes back
// serves everyone within PROBE_MS of the probe, whatever the probe's own request does, and
// a probe whose settle was lost does not keep the node probing.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DOWN_MS, PROBE_MS, nodeGateName, type NodeSlotRequest } from "../src/objects/node-gate";
import { UPSTREAM, chatInit, gatewayWith } from "./helpers";

let sequence = 0;
const gate = () => env.NODE_GATE.get(env.NODE_GATE.idFromName(`node:probe-test-${Date.now().toString(36)}-${++sequence}`));
const ask = (now: number): NodeSlotRequest => ({ now, priority: 0, maxConcurrent: 8, queueMax: 0, queueMs: 0, leaseMs: 60_000 });

/** Marks the node down at `t0` (a request that could not reach it), returning when the probe may go. */
async function downAt(node: ReturnType<typeof gate>, t0: number): Promise<number> {
  const first = await node.acquire(ask(t0));
  if (!first.ok) throw new Error("the first request should have had a slot");
  await node.release(first.leaseId, "unreachable", t0);
  expect((await node.acquire(ask(t0 + 1))).ok).toBe(false);
  return t0 + DOWN_MS;
}

describe("a node coming back", () => {
  it("serves six other attendees within PROBE_MS while the probe's one long request still runs", async () => {
    const node = gate();
    const t0 = Date.now();
    const probeAt = await downAt(node, t0);
    const probe = await node.acquire(ask(probeAt));
    expect(probe.ok).toBe(true);
    // Meanwhile the others go elsewhere (or are told to come back within PROBE_MS).
    const meanwhile = await node.acquire(ask(probeAt + 100));
    expect(meanwhile).toMatchObject({ ok: false, reason: "down" });
    expect(meanwhile.ok === false && meanwhile.retryAfterMs).toBeLessThanOrEqual(PROBE_MS);
    // The probe's request is still running (a 20 s answer), yet the host took it: back up.
    const after = probeAt + PROBE_MS;
    const others = await Promise.all(Array.from({ length: 6 }, (_, i) => node.acquire(ask(after + i))));
    expect(others.map((slot) => slot.ok)).toEqual([true, true, true, true, true, true]);
    expect((await node.describe(after + 10)).state).toBe("up");
  });

  it("does not stay probing when the probe's settle is lost, however many others keep asking", async () => {
    const node = gate();
    const probeAt = await downAt(node, Date.now());
    expect((await node.acquire(ask(probeAt))).ok).toBe(true); // never released
    const answers: boolean[] = [];
    for (let at = probeAt + 250; at <= probeAt + 4 * PROBE_MS; at += 250) {
      const slot = await node.acquire(ask(at));
      answers.push(slot.ok);
      if (slot.ok) await node.release(slot.leaseId, "answered", at + 1);
    }
    expect(answers.indexOf(true)).toBeGreaterThan(-1);
    expect(answers.slice(answers.indexOf(true)).every(Boolean)).toBe(true);
    expect((await node.describe(probeAt + 4 * PROBE_MS)).state).toBe("up");
  });

  it("goes down again when the probe could not reach the host either", async () => {
    const node = gate();
    const probeAt = await downAt(node, Date.now());
    const probe = await node.acquire(ask(probeAt));
    if (!probe.ok) throw new Error("the probe should have had a slot");
    await node.release(probe.leaseId, "unreachable", probeAt + 5);
    expect(await node.acquire(ask(probeAt + 10))).toMatchObject({ ok: false, reason: "down" });
    expect((await node.describe(probeAt + 10)).state).toBe("down");
  });

  it("is up at once when the probe's request ends well before PROBE_MS", async () => {
    const node = gate();
    const probeAt = await downAt(node, Date.now());
    const probe = await node.acquire(ask(probeAt));
    if (!probe.ok) throw new Error("the probe should have had a slot");
    await node.release(probe.leaseId, "answered", probeAt + 50);
    expect((await node.acquire(ask(probeAt + 60))).ok).toBe(true);
  });
});

describe("node slots an attendee's object keeps between its requests", () => {
  it("come back to the node the moment another caller would be refused for want of one, and the cap stays exact", async () => {
    // A two-slot node: the attendee's answered request leaves its slot kept, idle, in their object.
    const answered = await gatewayWith({ OPENCLAW_MAX_CONCURRENT: "2" }, "/v1/chat/completions", chatInit({ user: "spare-keeper", key: "sk-spare-keeper" }));
    expect(answered.status).toBe(200);
    const node = env.NODE_GATE.get(env.NODE_GATE.idFromName(nodeGateName({ name: "openclaw", baseUrl: UPSTREAM })));
    const full = (now: number): NodeSlotRequest => ({ now, priority: 0, maxConcurrent: 2, queueMax: 0, queueMs: 0, leaseMs: 60_000 });
    // Two other callers that may not wait: both are served (the kept slot is given back for the second)...
    const first = await node.acquire(full(Date.now()));
    const second = await node.acquire(full(Date.now()));
    expect([first.ok, second.ok]).toEqual([true, true]);
    // ...and a third finds the node's two slots taken: nothing was counted twice or lost.
    expect(await node.acquire(full(Date.now()))).toMatchObject({ ok: false, reason: "busy" });
    expect((await node.describe()).inflight).toBe(2);
    for (const slot of [first, second]) if (slot.ok) await node.release(slot.leaseId, "answered");
  });
});
