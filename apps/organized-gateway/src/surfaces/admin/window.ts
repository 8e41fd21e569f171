/**
 * Time windows for the figures, as pure functions: D1 stores `created_at` as
 * 'YYYY-MM-DD HH:MM:SS' UTC text, so windows are compared as text of the same shape, and a
 * per-minute series is keyed by that text's first 16 characters ('YYYY-MM-DD HH:MM').
 */
import { sqliteTimestamp } from "../../pipeline/settle/request-row";

export const ALL_TIME = "0000-00-00 00:00:00";

/** The lower bound of a window: the last `minutes`, else `since`, else all time. */
export function windowStart(now: number, window: { minutes?: number; since?: string }): string {
  if (window.minutes !== undefined) return sqliteTimestamp(now - window.minutes * 60_000);
  return window.since ?? ALL_TIME;
}

export function minuteKey(epochMs: number): string {
  return sqliteTimestamp(epochMs).slice(0, 16);
}

/** The `count` minute keys ending with the current minute, oldest first. */
export function minuteKeys(now: number, count: number): string[] {
  const current = Math.floor(now / 60_000) * 60_000;
  return Array.from({ length: count }, (_, i) => minuteKey(current - (count - 1 - i) * 60_000));
}

export interface MinuteCounts {
  requests: number;
  rate_limited: number;
  errors: number;
  tokens: number;
}

const ZERO: MinuteCounts = { requests: 0, rate_limited: 0, errors: 0, tokens: 0 };

/** Lays grouped rows onto every minute of the window, minutes without traffic as zeros. */
export function fillMinutes<T extends { minute: string } & MinuteCounts>(keys: readonly string[], rows: readonly T[]): ({ minute: string } & MinuteCounts)[] {
  const byMinute = new Map(rows.map((row) => [row.minute, row]));
  return keys.map((minute) => {
    const row = byMinute.get(minute);
    return row
      ? { minute, requests: row.requests, rate_limited: row.rate_limited, errors: row.errors, tokens: row.tokens }
      : { minute, ...ZERO };
  });
}
