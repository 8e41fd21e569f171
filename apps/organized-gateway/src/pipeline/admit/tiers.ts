/**
 * Tiers as data: what an attendee may do, by the tier their object holds. One table — the
 * event tier every enrolled attendee has during the workshop (today's limits from
 * RATE_LIMIT_PER_MINUTE and MAX_INFLIGHT_PER_USER, no monthly quota) and the seed's paid
 * tiers — overridable row by row with `TIERS`. Admission reads limits, quota, projects,
 * priority and an optional dedicated node from here; Stripe's price ids map back to a tier.
 * An attendee with no tier of their own is on `DEFAULT_TIER` (`none`: no tier, 402).
 */
import type { Config, TierSettings } from "../../settings/config";
import { ownValue } from "../../shared/own-key";

export interface TierLimits {
  perMinute: number;
  maxInflight: number;
  /** Higher is served first in a node's queue. */
  priority: number;
  /** Requests per calendar month (UTC); null: unlimited. */
  requestsPerMonth: number | null;
  /** Distinct projects (X-Project-ID) per month; null: unlimited. */
  projects: number | null;
  priceIds: readonly string[];
  /** An UPSTREAMS node reserved for this tier (the seed's dedicated node). */
  node?: string;
}

export type TierTable = Readonly<Record<string, TierLimits>>;

export const EVENT_TIER = "event";
/** DEFAULT_TIER's value for "no tier": such an attendee is refused with 402 until they subscribe. */
export const NO_TIER = "none";

/** The seed's tiers: Tier 1 $99 (1 project, 10k/mo), Tier 2 $299 (3 projects, 50k/mo, priority), Tier 3 $699 (unlimited, dedicated node). */
const SEED_TIERS: Record<string, TierSettings> = {
  [EVENT_TIER]: { requests_per_month: null, projects: null, priority: 0, price_ids: [] },
  "tier-1": { requests_per_month: 10_000, projects: 1, priority: 1, price_ids: [] },
  "tier-2": { requests_per_month: 50_000, projects: 3, priority: 2, price_ids: [] },
  "tier-3": { requests_per_month: null, projects: null, priority: 3, price_ids: [] },
};

const tables = new WeakMap<Config, TierTable>();

/** The tier table for a config (defaults, then TIERS row by row), built once per config. */
export function tierTableFor(config: Config): TierTable {
  let table = tables.get(config);
  if (!table) {
    const rows = { ...SEED_TIERS, ...config.tiers.overrides };
    table = Object.fromEntries(Object.entries(rows).map(([id, row]) => [id, {
      perMinute: row.requests_per_minute ?? config.limits.perMinute,
      maxInflight: row.max_inflight ?? config.limits.maxInflight,
      priority: row.priority,
      requestsPerMonth: row.requests_per_month,
      projects: row.projects,
      priceIds: row.price_ids,
      node: row.node,
    } satisfies TierLimits]));
    tables.set(config, table);
  }
  return table;
}

/** The limits of a tier by name, or null for no tier (an unknown or `none` tier). */
export function tierLimits(table: TierTable, name: string): TierLimits | null {
  return ownValue(table, name) ?? null;
}

/** The tier a Stripe price id buys, if any. */
export function tierForPrice(table: TierTable, priceId: string): string | null {
  return Object.entries(table).find(([, tier]) => tier.priceIds.includes(priceId))?.[0] ?? null;
}
