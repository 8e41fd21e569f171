/**
 * The rolling-minute window, as pure math: the attendee's Durable Object keeps the
 * timestamps of the requests it admitted in the last 60 s and asks this function whether
 * one more fits. Exact: a request is either in the window or it is refused.
 */

export const WINDOW_MS = 60_000;

export interface WindowDecision {
  admitted: boolean;
  /** The timestamps still in the window, the new one included when admitted. Ascending. */
  hits: number[];
  limit: number;
  remaining: number;
  /** Milliseconds until the oldest counted request leaves the window (a slot frees). */
  resetMs: number;
  /** When refused: milliseconds until one more request would be admitted. */
  retryAfterMs: number;
}

export function decideWindow(previous: readonly number[], now: number, limit: number): WindowDecision {
  const hits = previous.filter((t) => t > now - WINDOW_MS);
  if (hits.length >= limit) {
    // With a limit lowered since these were admitted, more than one must expire first.
    const freeing = hits[hits.length - limit];
    return {
      admitted: false, hits, limit, remaining: 0,
      resetMs: hits[0] + WINDOW_MS - now,
      retryAfterMs: freeing + WINDOW_MS - now,
    };
  }
  hits.push(now);
  return {
    admitted: true, hits, limit,
    remaining: limit - hits.length,
    resetMs: hits[0] + WINDOW_MS - now,
    retryAfterMs: 0,
  };
}
