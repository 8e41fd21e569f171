import { afterEach, describe, expect, it, vi } from "vitest";
import { RequestClock } from "./request-clock";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("a request's clock", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("keeps a renewal and a later deadline on one timer", () => {
    const armed = vi.spyOn(globalThis, "setTimeout");
    const clock = new RequestClock();
    clock.every(5_000, () => {});
    clock.at(60_000, () => {});
    clock.at(30_000, () => {})();
    expect(armed).toHaveBeenCalledTimes(1);
    clock.stop();
  });

  it("re-arms for a deadline earlier than the armed one, and runs each job when due, in order", async () => {
    const clock = new RequestClock();
    const ran: string[] = [];
    clock.every(5_000, () => ran.push("renew"));
    clock.at(15, () => ran.push("deadline"));
    await sleep(60);
    expect(ran).toEqual(["deadline"]);
    clock.stop();
  });

  it("runs a renewal every period until stopped, and nothing after", async () => {
    const clock = new RequestClock();
    let renewals = 0;
    clock.every(10, () => renewals++);
    await sleep(100);
    clock.stop();
    const seen = renewals;
    expect(seen).toBeGreaterThanOrEqual(2);
    await sleep(50);
    expect(renewals).toBe(seen);
  });

  it("never runs a job cancelled before it was due, and still runs the others", async () => {
    const clock = new RequestClock();
    const ran: string[] = [];
    const cancel = clock.at(10, () => ran.push("cancelled"));
    clock.at(30, () => ran.push("kept"));
    cancel();
    await sleep(80);
    expect(ran).toEqual(["kept"]);
  });

  it("takes no job once stopped", async () => {
    const clock = new RequestClock();
    clock.stop();
    const ran: string[] = [];
    clock.at(5, () => ran.push("late"));
    await sleep(40);
    expect(ran).toEqual([]);
  });
});
