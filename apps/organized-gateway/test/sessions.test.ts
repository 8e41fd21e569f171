// One upstream session runs one turn at a time: OpenClaw fails a second turn that starts in a
// busy session (SessionWorkStartChangedError, a 5xx that would be charged), so the attendee's
// object queues turns of one session in its admission, while turns of the attendee's other
// sessions (each tool conversation its own, pipeline/surface.ts) run side by side within their
// in-flight cap; a turn refused for a busy session is never charged. Driven against the
// attendee's real object, as the pipeline calls it.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { AdmitRequest, AdmitResult } from "../src/objects/attendee-gate/protocol";
import { newRequestRow } from "../src/pipeline/settle/request-row";

const tiers = { event: { perMinute: 1000, maxInflight: 4, priority: 0, requestsPerMonth: null, projects: null, priceIds: [] } };

function turn(userId: string, session: string | null, queueMs = 5_000): AdmitRequest {
  return {
    now: Date.now(), userId, credential: { kind: "anonymous" }, tiers, queueMs, leaseMs: 60_000,
    nodes: [{ name: "claw", key: `node:sessions-${userId}`, maxConcurrent: 100 }], nodeQueue: { max: 0, ms: 0 },
    defaultTier: "event", dedicatedNodes: {}, project: "default", free: true,
    requestId: `req_${crypto.randomUUID()}`, spend: null, turn: false, session,
  };
}

function settle(gate: ReturnType<typeof env.ATTENDEE_GATE.get>, result: AdmitResult) {
  if (!result.ok) throw new Error(result.refusal);
  return gate.settle({ leaseId: result.leaseId, reachedUpstream: true }, newRequestRow(`req_${crypto.randomUUID()}`, "/v1/chat/completions", "POST", Date.now()), 0);
}

describe("turns of one upstream session", () => {
  it("wait in admission for the turn before them, while another session of the same attendee goes at once", async () => {
    const gate = env.ATTENDEE_GATE.get(env.ATTENDEE_GATE.idFromName("sessions-queue"));
    const first = await gate.admit(turn("sessions-queue", ""));
    expect(first.ok).toBe(true);
    let secondDone = false;
    const second = gate.admit(turn("sessions-queue", "")).then((result) => {
      secondDone = true;
      return result;
    });
    const otherConversation = await gate.admit(turn("sessions-queue", "tool-conversation-2"));
    expect(otherConversation.ok).toBe(true);
    expect(secondDone).toBe(false);
    expect((await gate.describe()).inflight).toBe(2);

    await settle(gate, first);
    const admitted = await second;
    expect(admitted.ok).toBe(true);
    await settle(gate, admitted);
    await settle(gate, otherConversation);
  });

  it("are refused with session_busy, not sent upstream, when the turn before them outlasts the wait", async () => {
    const gate = env.ATTENDEE_GATE.get(env.ATTENDEE_GATE.idFromName("sessions-busy"));
    const first = await gate.admit(turn("sessions-busy", ""));
    const second = await gate.admit(turn("sessions-busy", "", 100));
    expect(second.ok).toBe(false);
    expect(!second.ok && second.refusal).toBe("session_busy");
    // The refused turn holds nothing: the attendee's slots and minute are as the first left them.
    expect((await gate.describe()).inflight).toBe(1);
    expect((await gate.describe()).inWindow).toBe(1);
    await settle(gate, first);
  });
});

describe("a turn refused because its session is busy", () => {
  it("is not counted in the month: only the turn that ran is", async () => {
    const user = `sessions-charge-${Date.now().toString(36)}`;
    const gate = env.ATTENDEE_GATE.get(env.ATTENDEE_GATE.idFromName(user));
    const metered = { metered: { ...tiers.event, requestsPerMonth: 100 } };
    const ask = (queueMs: number): AdmitRequest => ({ ...turn(user, "tool-conversation", queueMs), tiers: metered, defaultTier: "metered", free: false });
    const first = await gate.admit(ask(5_000));
    expect(first.ok).toBe(true);
    const second = await gate.admit(ask(100));
    expect(!second.ok && second.refusal).toBe("session_busy");
    await settle(gate, first);
    const period = new Date().toISOString().slice(0, 7);
    expect((await gate.monthlyUsage(period)).total).toBe(1);
  });
});
