import { describe, expect, it } from "vitest";
import { WINDOW_MS, decideWindow, restoreWindow, saveWindow } from "../src/objects/limits/window";

describe("the rolling-minute window", () => {
  it("admits up to the limit and counts down what remains", () => {
    const hits: number[] = [];
    for (let i = 0; i < 50; i++) {
      const d = decideWindow(hits, 1_000 + i, 50);
      expect(d.admitted).toBe(true);
      expect(d.remaining).toBe(49 - i);

    }
  });

  it("refuses the 51st request in the same minute and says when a slot frees", () => {
    const hits = Array.from({ length: 50 }, (_, i) => 10_000 + i * 100);
    const d = decideWindow(hits, 20_000, 50);
    expect(d.admitted).toBe(false);
    expect(d.remaining).toBe(0);
    expect(d.retryAfterMs).toBe(10_000 + WINDOW_MS - 20_000);
  });

  it("admits again once the oldest request is more than 60 seconds old", () => {
    const hits = Array.from({ length: 50 }, (_, i) => 10_000 + i);
    expect(decideWindow(hits, 10_000 + WINDOW_MS, 50).admitted).toBe(true);
    expect(decideWindow(hits, 10_000 + WINDOW_MS - 1, 50).admitted).toBe(false);
  });

  it("waits for enough requests to expire when the limit was lowered", () => {
    const hits = [1_000, 2_000, 3_000, 4_000];
    const d = decideWindow(hits, 5_000, 2);
    expect(d.admitted).toBe(false);
    expect(d.retryAfterMs).toBe(3_000 + WINDOW_MS - 5_000);
  });
});

describe("the window under a high limit", () => {
  it("drops expired timestamps in place instead of copying the window", () => {
    const hits = Array.from({ length: 10_000 }, (_, i) => i);
    const d = decideWindow(hits, WINDOW_MS + 5_000, 100_000);
    expect(d.hits).toBe(hits);
    // Still in the window: 5001..9999 (4,999 of them) and the new one.
    expect(hits[0]).toBe(5_001);
    expect(hits).toHaveLength(5_000);
    expect(hits.at(-1)).toBe(WINDOW_MS + 5_000);
    expect(d.remaining).toBe(95_000);
  });
});

describe("the saved window", () => {
  it("is at most one entry per second, however many requests the window holds", () => {
    const hits = Array.from({ length: 30_000 }, (_, i) => 1_000_000 + i * 2);
    expect(saveWindow(hits).length).toBe(60);
  });

  it("restores the same count per second, each hit at the end of its second (never more lenient)", () => {
    const hits = [10_100, 10_900, 11_000, 12_500];
    const restored = restoreWindow(saveWindow(hits));
    expect(restored).toEqual([10_999, 10_999, 11_999, 12_999]);
    expect(restored.every((t, i) => t >= hits[i])).toBe(true);
    expect(restoreWindow(undefined)).toEqual([]);
  });
});
