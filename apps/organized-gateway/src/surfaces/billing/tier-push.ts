/**
 * Pushing a tier from D1 (the source of truth) to the attendee's Durable Object (what
 * admission reads): the tier is computed afresh from all of the attendee's subscriptions and
 * set as an absolute value, so pushing twice is harmless and a push that failed is simply
 * done again — by Stripe's redelivery of the same event (which changes nothing in D1 but
 * still pushes), by the next event, or by the sweep.
 */
import { setTier } from "../../keys";
import { tierTableFor } from "../../pipeline/admit/tiers";
import type { Config } from "../../settings/config";
import { pruneEvents, subscriptionsOf, usersToRecheck } from "./store";
import { GRACE_PERIOD_SECONDS, tierOfSubscriptions } from "./subscription-state";

/** Where a computed tier goes: the attendee's object; tests put a failing one in its place. */
export type TierSink = (env: Env, userId: string, tier: string | null) => Promise<void>;

/** Sets the attendee's tier in their object. `null` clears it: DEFAULT_TIER applies. */
export const setTierInObject: TierSink = async (env, userId, tier) => {
  await setTier(env, userId, tier);
};

/**
 * Computes the attendee's tier from D1 at `nowSeconds` and pushes it; returns it. Until one
 * of their subscriptions has a known state (a Checkout's link or an invoice can arrive
 * before the subscription's own event), nothing is pushed and `undefined` returned: the
 * tier they have (the workshop's, or one the organiser set) stays until there is a decision.
 */
export async function pushTier(
  env: Env, config: Config, userId: string, nowSeconds: number, sink: TierSink = setTierInObject,
): Promise<string | null | undefined> {
  const rows = (await subscriptionsOf(env.DB, userId)).filter((row) => row.status !== "unknown");
  if (rows.length === 0) return undefined;
  const tier = tierOfSubscriptions(rows, nowSeconds, tierTableFor(config));
  await sink(env, userId, tier);
  return tier;
}

/** Users one sweep re-checks at most (the rest wait for the next sweep). */
const SWEEP_LIMIT = 500;
/** Event ids kept for deduplication: ten times Stripe's 3 days of redelivery. */
export const EVENT_IDS_KEPT_SECONDS = 30 * 24 * 3600;

/**
 * Clears the tiers that lapsed with time alone — a grace period that ran out, a cancelled
 * subscription whose period ended — with no Stripe event to say so, and forgets old event
 * ids. Meant for the cron trigger (any interval; hourly suspends within the hour); returns
 * the users it re-pushed.
 */
export async function sweepLapsedTiers(env: Env, config: Config, nowSeconds: number, sink: TierSink = setTierInObject): Promise<string[]> {
  const users = await usersToRecheck(env.DB, nowSeconds, GRACE_PERIOD_SECONDS, SWEEP_LIMIT);
  for (const userId of users) await pushTier(env, config, userId, nowSeconds, sink);
  await pruneEvents(env.DB, nowSeconds, EVENT_IDS_KEPT_SECONDS);
  return users;
}
