import { describe, expect, it } from "vitest";
import { SPARE_IDLE_MS, SpareNodeSlots, needsRenewal } from "./spare-node-slots";

describe("the node slots an attendee's object keeps between its requests", () => {
  it("gives a kept slot to the next request on that node only, once", () => {
    const spare = new SpareNodeSlots();
    spare.keep("node:a", { leaseId: "l1", renewedAt: 100 }, 200);
    expect(spare.take("node:b")).toBeNull();
    expect(spare.take("node:a")).toEqual({ leaseId: "l1", renewedAt: 100 });
    expect(spare.take("node:a")).toBeNull();
    expect(spare.size).toBe(0);
  });

  it("lets go of a slot idle SPARE_IDLE_MS, and not one kept since", () => {
    const spare = new SpareNodeSlots();
    spare.keep("node:a", { leaseId: "old", renewedAt: 0 }, 0);
    spare.keep("node:a", { leaseId: "new", renewedAt: 0 }, 600);
    expect(spare.nextLapse()).toBe(SPARE_IDLE_MS);
    expect(spare.lapsed(SPARE_IDLE_MS - 1)).toEqual([]);
    expect(spare.lapsed(SPARE_IDLE_MS)).toEqual([{ node: "node:a", slot: { leaseId: "old", renewedAt: 0 } }]);
    expect(spare.nextLapse()).toBe(600 + SPARE_IDLE_MS);
    expect(spare.size).toBe(1);
  });

  it("hands every idle slot of a node back when the node asks", () => {
    const spare = new SpareNodeSlots();
    spare.keep("node:a", { leaseId: "l1", renewedAt: 0 }, 0);
    spare.keep("node:a", { leaseId: "l2", renewedAt: 0 }, 0);
    spare.keep("node:b", { leaseId: "l3", renewedAt: 0 }, 0);
    expect(spare.drain("node:a").map((s) => s.leaseId)).toEqual(["l1", "l2"]);
    expect(spare.take("node:a")).toBeNull();
    expect(spare.size).toBe(1);
  });

  it("renews a slot at its node once a third of its lease is gone", () => {
    expect(needsRenewal({ leaseId: "l", renewedAt: 0 }, 19_999, 60_000)).toBe(false);
    expect(needsRenewal({ leaseId: "l", renewedAt: 0 }, 20_000, 60_000)).toBe(true);
  });
});
