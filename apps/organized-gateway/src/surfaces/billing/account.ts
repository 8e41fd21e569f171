/**
 * What the billing page shows an attendee, gathered in one place: the tier their object
 * holds (or DEFAULT_TIER), its limits, their subscription's state (D1), and this calendar
 * month's usage as the attendee's object counts it (what their quota reads) with the date it
 * resets. Not D1's `monthly_usage` ledger: it follows the object with the log batches, and
 * a page that read it showed "0 requests" to an attendee who had just made 8.
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
  const gate = AttendeeGateClient.of(env, userId);
  const [state, rows, usage] = await Promise.all([gate.describe(), subscriptionsOf(env.DB, userId), gate.monthlyUsage(period)]);
  const projects = Object.entries(usage.projects).map(([project, requests]) => ({ project, requests }))
    .sort((a, b) => b.requests - a.requests || (a.project < b.project ? -1 : 1)).slice(0, PROJECTS_SHOWN);
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
    used: usage.total,
    projects,
    subscription: deciding ? { ...deciding, entitlement: entitlementOf(deciding, nowSeconds) } : null,
    customerId: rows.find((row) => row.customer_id)?.customer_id ?? null,
  };
}
