/**
 * What a Stripe subscription entitles its attendee to, as pure functions: the snapshot the
 * gateway keeps of a subscription (read from Stripe's own object), the tier it grants at an
 * instant, and the one tier an attendee gets from all their subscriptions.
 *
 * - Active or trialing: the tier its price buys (TIERS `price_ids`).
 * - Cancelled at period end: still active, so the tier stays until `current_period_end`
 *   (and no longer, even if Stripe's `deleted` event is late).
 * - An unpaid invoice: the tier stays for GRACE_PERIOD_DAYS after the first failed payment
 *   (Stripe keeps retrying the card meanwhile); then the attendee is suspended, i.e. their
 *   tier is cleared and DEFAULT_TIER applies. A paid invoice ends the grace.
 * - Ended (canceled, unpaid, incomplete, paused): no tier.
 */
import type Stripe from "stripe";
import { canonicalUserId } from "../../pipeline/identify/user-id";
import { tierForPrice, tierLimits, type TierTable } from "../../pipeline/admit/tiers";
import { ownValue } from "../../shared/own-key";

/** How long an attendee keeps their tier after a failed payment before being suspended. */
export const GRACE_PERIOD_DAYS = 7;
export const GRACE_PERIOD_SECONDS = GRACE_PERIOD_DAYS * 24 * 3600;

/** Statuses under which a subscription grants its tier (past_due only within the grace). */
const ENTITLING = new Set(["active", "trialing", "past_due"]);

/**
 * A subscription's stage in its lifecycle. Stripe's event times are whole seconds, so two
 * events of one subscription can carry the same `created`; the later stage wins such a tie
 * (a subscription moves forward: incomplete → active → past_due → canceled).
 */
const STATUS_RANK: Record<string, number> = {
  incomplete: 0, trialing: 1, active: 2, past_due: 3, paused: 4, unpaid: 4, canceled: 5, incomplete_expired: 5,
};

export function statusRank(status: string): number {
  return ownValue(STATUS_RANK, status) ?? 0;
}

/** A tier's priority; a name the table does not have ranks below every tier. */
function priorityOf(table: TierTable, tier: string): number {
  return tierLimits(table, tier)?.priority ?? -Infinity;
}

/** The gateway's copy of a subscription, as D1's `subscriptions` row holds it. */
export interface SubscriptionRow {
  subscription_id: string;
  user_id: string | null;
  customer_id: string | null;
  status: string;
  tier: string | null;
  price_id: string | null;
  current_period_end: number | null;
  cancel_at_period_end: number;
  updated_from_event_created: number;
  payment_failed_at: number | null;
}

/** A subscription object's state, reduced to what decides a tier. */
export interface SubscriptionSnapshot {
  subscriptionId: string;
  userId: string | null;
  customerId: string | null;
  status: string;
  tier: string | null;
  priceId: string | null;
  currentPeriodEnd: number | null;
  cancelAtPeriodEnd: boolean;
}

/** The user a Stripe object names (metadata.user_id, client_reference_id), canonical, or null. */
export function userIdOf(value: string | null | undefined): string | null {
  return typeof value === "string" ? canonicalUserId(value) : null;
}

/** The id of a Stripe reference, whether expanded or not. */
export function idOf(value: string | { id: string } | null | undefined): string | null {
  if (!value) return null;
  return typeof value === "string" ? value : value.id;
}

/**
 * Reads a Stripe subscription. Its tier comes from its items' prices
 * (`items.data[].price.id`); with several paid items, the highest-priority tier. Since API
 * version 2025-03-31 the billing period lives on each item: the subscription's period ends
 * when its last item's does.
 */
export function snapshotOf(subscription: Stripe.Subscription, table: TierTable): SubscriptionSnapshot {
  let tier: string | null = null;
  let priceId: string | null = null;
  let periodEnd: number | null = null;
  for (const item of subscription.items?.data ?? []) {
    const price = item.price?.id ?? null;
    const itemTier = price ? tierForPrice(table, price) : null;
    if (itemTier && (tier === null || priorityOf(table, itemTier) > priorityOf(table, tier))) {
      tier = itemTier;
      priceId = price;
    }
    priceId ??= price;
    if (typeof item.current_period_end === "number") periodEnd = Math.max(periodEnd ?? 0, item.current_period_end);
  }
  // A cancellation for a set date (`cancel_at`, as the customer portal may set it) ends the
  // tier then, like a cancellation at the period's end.
  const cancelAt = typeof subscription.cancel_at === "number" ? subscription.cancel_at : null;
  return {
    subscriptionId: subscription.id,
    userId: userIdOf(subscription.metadata?.user_id),
    customerId: idOf(subscription.customer as string | { id: string } | null),
    status: subscription.status,
    tier,
    priceId,
    currentPeriodEnd: cancelAt ?? periodEnd,
    cancelAtPeriodEnd: Boolean(subscription.cancel_at_period_end) || cancelAt !== null,
  };
}

export type Entitlement =
  | { tier: string; state: "active" | "cancelling" | "grace"; until: number | null }
  | { tier: null; state: "ended" | "suspended" | "no_tier" };

/** What one subscription grants at `nowSeconds`. */
export function entitlementOf(row: SubscriptionRow, nowSeconds: number): Entitlement {
  if (!ENTITLING.has(row.status)) return { tier: null, state: "ended" };
  if (row.cancel_at_period_end && row.current_period_end !== null && nowSeconds >= row.current_period_end) {
    return { tier: null, state: "ended" };
  }
  if (row.tier === null) return { tier: null, state: "no_tier" };
  if (row.payment_failed_at !== null) {
    const graceEnd = row.payment_failed_at + GRACE_PERIOD_SECONDS;
    if (nowSeconds >= graceEnd) return { tier: null, state: "suspended" };
    return { tier: row.tier, state: "grace", until: graceEnd };
  }
  if (row.cancel_at_period_end) return { tier: row.tier, state: "cancelling", until: row.current_period_end };
  return { tier: row.tier, state: "active", until: row.current_period_end };
}

/**
 * The tier an attendee's subscriptions give them at `nowSeconds`: the highest-priority one
 * any of them grants (someone who bought a second plan instead of switching keeps the
 * better one), or null (their tier is cleared: DEFAULT_TIER applies). A tier TIERS no
 * longer has grants nothing.
 */
export function tierOfSubscriptions(rows: readonly SubscriptionRow[], nowSeconds: number, table: TierTable): string | null {
  let best: string | null = null;
  for (const row of rows) {
    const { tier } = entitlementOf(row, nowSeconds);
    if (tier === null || tierLimits(table, tier) === null) continue;
    if (best === null || priorityOf(table, tier) > priorityOf(table, best)) best = tier;
  }
  return best;
}
