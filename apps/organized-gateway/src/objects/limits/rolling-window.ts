/**
 * RollingWindow: an attendee's (or a BYOK key's) rolling minute, exact in memory (window.ts
 * does the math) and saved as a per-second summary at most once a second without holding
 * any answer (`allowUnconfirmed`): admission never waits for a storage commit, a burst costs
 * one save, and a restarted object still remembers its minute (only a crash within a second
 * of the latest admissions could forget them).
 */
import type { Allowance } from "../attendee-gate/protocol";
import { WINDOW_MS, decideWindow, firstLive, restoreWindow, saveWindow, type SavedWindow, type WindowDecision } from "./window";

const SAVE_MS = 1_000;
const KEY = "window";

export class RollingWindow {
  private readonly hits: number[];
  private saveTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly storage: DurableObjectStorage) {
    this.hits = restoreWindow(storage.kv.get<SavedWindow>(KEY));
  }

  /** Counts one request if it fits. */
  take(now: number, limit: number): WindowDecision {
    const decision = decideWindow(this.hits, now, limit);
    if (decision.admitted) this.scheduleSave();
    return decision;
  }

  /** Counts requests admitted elsewhere at these times (key-window's take-back), keeping the window in order. */
  record(times: readonly number[]): void {
    if (times.length === 0) return;
    this.hits.push(...times);
    this.hits.sort((a, b) => a - b);
    this.scheduleSave();
  }

  /** Gives back a request counted at `at` that never went upstream. */
  refund(at: number): void {
    const index = this.hits.lastIndexOf(at);
    if (index < 0) return;
    this.hits.splice(index, 1);
    this.scheduleSave();
  }

  /** The window's headers; counted without copying the window (it is asked on every request). */
  allowance(now: number, limit: number): Allowance {
    const first = firstLive(this.hits, now - WINDOW_MS);
    const live = this.hits.length - first;
    return { limit, remaining: Math.max(0, limit - live), resetMs: live ? this.hits[first] + WINDOW_MS - now : 0 };
  }

  inWindow(now: number): number {
    return this.hits.length - firstLive(this.hits, now - WINDOW_MS);
  }

  private scheduleSave(): void {
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null;
      void this.storage.put(KEY, saveWindow(this.hits), { allowUnconfirmed: true });
    }, SAVE_MS);
  }
}
