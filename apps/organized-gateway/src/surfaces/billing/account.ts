/**
 * What the billing page shows an attendee, gathered in one place: the tier their object
 * holds (or DEFAULT_TIER), its limits, their subscription's state (D1), and this calendar
 * month's usage from the `monthly_usage` ledger (which follows the object's counts with its
 * log batches, so it can trail the object by a few seconds) with the date it resets.
 */
import { AttendeeGateClient } from "../../objects/attendee-gate/client";
import { periodEnd, periodOf } from "../../objects/attendee-gate/monthly-quota";
import { NO_TIER, tierLimits, tierTableFor, type TierLimits } from "../../pipeline/admit/tiers";
import type { Config } from "../../settings/config";
import { subscriptionsOf } from "./store";
import { entitlementOf, type Entitlement, type SubscriptionRow } from "./subscription-state";

/** The busiest projects the page lists (the total counts them all). */
const PROJECTS_SHOWN = 20;

export interface BillingAccount {
  userId: string;
  /** The tier admission applies now; "none": no tier (402 until they subscribe). */
  tier: string;
  /** True when the attendee has no tier of their own and DEFAULT_TIER applies. */
  defaulted: boolean;
  limits: TierLimits | null;
  period: string;
  resetsAt: string;
  used: number;
  projects: { project: string; requests: number }[];
  /** The subscription that decides, if any: the one whose state is newest. */
  subscription: (SubscriptionRow & { entitlement: Entitlement }) | null;
  /** The Stripe customer for the portal, from any of their subscriptions. */
  customerId: string | null;
}

export async function billingAccount(env: Env, config: Config, userId: string, nowMs: number): Promise<BillingAccount> {
  const period = periodOf(nowMs);
  const [state, rows, total, projects] = await Promise.all([
    AttendeeGateClient.of(env, userId).describe(),
    subscriptionsOf(env.DB, userId),
    env.DB.prepare("SELECT COALESCE(SUM(requests), 0) AS used FROM monthly_usage WHERE user_id = ? AND period = ?")
      .bind(userId, period).first<{ used: number }>(),
    env.DB.prepare(`SELECT project, requests FROM monthly_usage WHERE user_id = ? AND period = ?
      ORDER BY requests DESC, project LIMIT ?`).bind(userId, period, PROJECTS_SHOWN).all<{ project: string; requests: number }>(),
  ]);
  const tier = state.tier ?? config.tiers.defaultTier;
  const nowSeconds = Math.floor(nowMs / 1000);
  const known = rows.filter((row) => row.status !== "unknown");
  const deciding = known.find((row) => entitlementOf(row, nowSeconds).tier !== null) ?? known[0] ?? null;
  return {
    userId,
    tier,
    defaulted: state.tier === null,
    limits: tier === NO_TIER ? null : tierLimits(tierTableFor(config), tier),
    period,
    resetsAt: periodEnd(period),
    used: total?.used ?? 0,
    projects: projects.results,
    subscription: deciding ? { ...deciding, entitlement: entitlementOf(deciding, nowSeconds) } : null,
    customerId: rows.find((row) => row.customer_id)?.customer_id ?? null,
  };
}
