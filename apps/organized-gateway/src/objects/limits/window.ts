/**
 * The rolling-minute window, as pure math: the attendee's Durable Object keeps the
 * timestamps of the requests it admitted in the last 60 s and asks this function whether
 * one more fits. Exact: a request is either in the window or it is refused.
 */

export const WINDOW_MS = 60_000;

export interface WindowDecision {
  admitted: boolean;
  /** The same array that was passed in: the timestamps still in the window, ascending. */
  hits: number[];
  limit: number;
  remaining: number;
  /** Milliseconds until the oldest counted request leaves the window (a slot frees). */
  resetMs: number;
  /** When refused: milliseconds until one more request would be admitted. */
  retryAfterMs: number;
}

/** Index of the first timestamp still inside the window (hits are ascending). */
export function firstLive(hits: readonly number[], cutoff: number): number {
  let low = 0;
  let high = hits.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (hits[mid] > cutoff) high = mid;
    else low = mid + 1;
  }
  return low;
}

/**
 * Decides one request against the window. `hits` is updated in place (expired timestamps
 * dropped, the new one appended when admitted) so a busy window costs no copying.
 */
export function decideWindow(hits: number[], now: number, limit: number): WindowDecision {
  const expired = firstLive(hits, now - WINDOW_MS);
  if (expired > 0) hits.splice(0, expired);
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

/** A window saved compactly: [second, hits in that second] pairs, at most 60 of them. */
export type SavedWindow = [second: number, count: number][];

/**
 * Summarises the window per second, so saving it costs the same at a limit of 50 or
 * 100,000. Exactness stays in memory; the summary is only for a restarted object.
 */
export function saveWindow(hits: readonly number[]): SavedWindow {
  const saved: SavedWindow = [];
  for (const t of hits) {
    const second = Math.floor(t / 1000);
    const last = saved[saved.length - 1];
    if (last && last[0] === second) last[1]++;
    else saved.push([second, 1]);
  }
  return saved;
}

/**
 * Rebuilds a window from its summary. Each hit is placed at the end of its second, so a
 * restarted object is, if anything, stricter than the one it replaces — never more lenient.
 */
export function restoreWindow(saved: SavedWindow | undefined): number[] {
  const hits: number[] = [];
  for (const [second, count] of saved ?? []) {
    for (let i = 0; i < count; i++) hits.push(second * 1000 + 999);
  }
  return hits;
}
