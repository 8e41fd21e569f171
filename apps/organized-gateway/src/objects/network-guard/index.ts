/**
 * NetworkGuard: one Durable Object per caller network (a keyed hash of the IP). It keeps
 * per-minute budgets for what a network may do wrong or do often — wrong event codes,
 * wrong admin tokens, refused requests, enrolments — each decided in one atomic call, so a
 * burst of slow requests cannot all pass a check that is charged later.
 *
 * Guessing guard (`judge`): the Worker has already compared the secret, and the guard
 * decides in one step whether to reveal the result.
 * - A right answer is never charged. A network that has given the right answer is
 *   *known* for TRUSTED_MS: from then on a right answer from it is never refused, however
 *   many wrong ones others there send — so nobody on the room's Wi-Fi can lock the room out.
 * - A wrong answer is charged; past the budget the network gets 429 for wrong answers.
 * - A network that has never given the right answer gets no verdict at all once past its
 *   budget (429, right or wrong): answering would make the guard an oracle that confirms
 *   a guessed code at any rate. In a room the first attendee's right code makes the
 *   network known, so this only holds back a stranger who is guessing.
 * State is in memory: an evicted guard forgets its minute, which only ever favours callers.
 */
import { DurableObject } from "cloudflare:workers";
import { WINDOW_MS, decideWindow } from "../limits/window";

/** How long a network that gave the right secret stays known: an event day. */
export const TRUSTED_MS = 12 * 60 * 60_000;

export type GuessVerdict =
  | { verdict: "right" }
  | { verdict: "wrong"; left: number }
  | { verdict: "refused"; retryAfterMs: number };

export type BudgetResult = { ok: true; at: number } | { ok: false; retryAfterMs: number };

export class NetworkGuard extends DurableObject<Env> {
  private readonly budgets = new Map<string, number[]>();
  private readonly knownUntil = new Map<string, number>();

  /** Decides what a caller who sent a right (or wrong) secret for `purpose` is told. */
  judge(purpose: string, now: number, limit: number, right: boolean): GuessVerdict {
    const known = (this.knownUntil.get(purpose) ?? 0) > now;
    if (right) {
      // Refused unknown networks learn nothing, and do not become known either.
      if (!known && this.liveCount(purpose, now) >= limit) {
        return { verdict: "refused", retryAfterMs: this.retryAfter(purpose, now, limit) };
      }
      this.knownUntil.set(purpose, now + TRUSTED_MS);
      return { verdict: "right" };
    }
    const charged = this.take(`wrong:${purpose}`, now, limit);
    if (!charged.ok) return { verdict: "refused", retryAfterMs: charged.retryAfterMs };
    return { verdict: "wrong", left: limit - this.liveCount(purpose, now) };
  }

  /** Charges one event against a per-minute budget, or says when there is room again. */
  take(budget: string, now: number, limit: number): BudgetResult {
    const window = decideWindow(this.hits(budget), now, limit);
    return window.admitted ? { ok: true, at: now } : { ok: false, retryAfterMs: window.retryAfterMs };
  }

  /** Milliseconds until the budget has room again (0: it has room now); charges nothing. */
  waitFor(budget: string, now: number, limit: number): number {
    const live = this.hits(budget).filter((t) => t > now - WINDOW_MS);
    return live.length >= limit ? live[live.length - limit] + WINDOW_MS - now : 0;
  }

  /** Gives back an event charged at `at` (it turned out not to count). */
  refund(budget: string, at: number): void {
    const hits = this.hits(budget);
    const index = hits.lastIndexOf(at);
    if (index >= 0) hits.splice(index, 1);
  }

  private hits(budget: string): number[] {
    let hits = this.budgets.get(budget);
    if (!hits) {
      hits = [];
      this.budgets.set(budget, hits);
    }
    return hits;
  }

  private liveCount(purpose: string, now: number): number {
    return this.hits(`wrong:${purpose}`).filter((t) => t > now - WINDOW_MS).length;
  }

  private retryAfter(purpose: string, now: number, limit: number): number {
    const live = this.hits(`wrong:${purpose}`).filter((t) => t > now - WINDOW_MS);
    return live.length >= limit ? live[live.length - limit] + WINDOW_MS - now : 0;
  }
}
