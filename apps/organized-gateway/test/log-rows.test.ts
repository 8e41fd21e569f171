// How an attendee's log rows reach D1: batched by their Durable Object, kept in its outbox
// when D1 fails, and written by the Worker itself when the object cannot take them.
import { env } from "cloudflare:workers";
import { evictDurableObject, runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { settle } from "../src/pipeline/settle";
import { newRequestRow, type RequestRow } from "../src/pipeline/settle/request-row";

function gate(user: string) {
  return env.ATTENDEE_GATE.get(env.ATTENDEE_GATE.idFromName(user));
}

function rowOf(user: string, n: number): RequestRow {
  return { ...newRequestRow(`req_${user}_${n}`, "/v1/chat/completions", "POST", Date.now()), user_id: user, status: 200 };
}

async function loggedIds(user: string): Promise<string[]> {
  const { results } = await env.DB.prepare("SELECT request_id FROM requests WHERE user_id = ? ORDER BY request_id")
    .bind(user).all<{ request_id: string }>();
  return results.map((r) => r.request_id);
}

describe("an attendee's log rows", () => {
  it("wait for the batch's delay, then reach D1 together, and settling answers only once they are there", async () => {
    const stub = gate("batched");
    const settling = Promise.all([0, 1, 2].map((n) => stub.settle({ leaseId: null }, rowOf("batched", n), 400)));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await stub.describe()).unflushedRows).toBe(3);
    expect(await loggedIds("batched")).toEqual([]);
    await settling;
    expect(await loggedIds("batched")).toEqual(["req_batched_0", "req_batched_1", "req_batched_2"]);
    expect((await stub.describe()).unflushedRows).toBe(0);
  });

  it("are kept in the object's outbox while D1 fails, survive an eviction, and are written by the retry", async () => {
    const stub = gate("d1-down");
    await env.DB.exec("ALTER TABLE requests RENAME TO requests_parked");
    try {
      // Settling still answers: the row is safe in the outbox, not lost with the failed write.
      await stub.settle({ leaseId: null }, rowOf("d1-down", 0), 0);
      expect((await stub.describe()).unflushedRows).toBe(1);
    } finally {
      await env.DB.exec("ALTER TABLE requests_parked RENAME TO requests");
    }
    expect(await loggedIds("d1-down")).toEqual([]);
    await evictDurableObject(stub);
    expect((await stub.describe()).unflushedRows).toBe(1);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await loggedIds("d1-down")).toEqual(["req_d1-down_0"]);
    expect((await stub.describe()).unflushedRows).toBe(0);
  });

  it("are written by the Worker itself when the object cannot take them", async () => {
    // A stand-in for an object reset mid-call (a deploy resets every Durable Object).
    const resetGate = { settle: () => Promise.reject(new Error("Durable Object reset because its code was updated.")) };
    await settle({ gate: resetGate as never, leaseId: null, db: env.DB, flushMs: 0 }, rowOf("reset", 0));
    expect(await loggedIds("reset")).toEqual(["req_reset_0"]);
  });
});
