/**
 * Tiers as data: what an attendee may do, by the tier their object holds. Every enrolled
 * attendee is on the event tier during the workshop (today's limits from
 * RATE_LIMIT_PER_MINUTE and MAX_INFLIGHT_PER_USER); the seed's paid tiers differ in
 * priority — their requests are served first when a node's slots are all taken. Phase 3
 * adds prices and monthly quotas to these rows, not branches to admission.
 */
import type { Config } from "../config";

export interface TierLimits {
  perMinute: number;
  maxInflight: number;
  /** Higher is served first in a node's queue. */
  priority: number;
}

export type TierTable = Readonly<Record<string, TierLimits>>;

export const EVENT_TIER = "event";
export const TIER_NAMES = [EVENT_TIER, "tier-1", "tier-2", "tier-3"] as const;

const tables = new WeakMap<Config, TierTable>();

/** The tier table for a config, built once per config. */
export function tierTableFor(config: Config): TierTable {
  let table = tables.get(config);
  if (!table) {
    const base = { perMinute: config.limits.perMinute, maxInflight: config.limits.maxInflight };
    table = {
      [EVENT_TIER]: { ...base, priority: 0 },
      "tier-1": { ...base, priority: 1 },
      "tier-2": { ...base, priority: 2 },
      "tier-3": { ...base, priority: 3 },
    };
    tables.set(config, table);
  }
  return table;
}

/** The limits of a tier by name; an unknown name (a tier since removed) is the event tier. */
export function tierLimits(table: TierTable, name: string): TierLimits {
  return table[name] ?? table[EVENT_TIER];
}
