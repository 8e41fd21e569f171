/**
 * Stripe Checkout and the customer portal, created through Stripe's API for one attendee.
 *
 * A Checkout Session names its attendee twice, so that every later event does without a
 * call back to Stripe: `client_reference_id` (on the session, for checkout.session.completed)
 * and `subscription_data.metadata.user_id` (copied onto the subscription, so every
 * customer.subscription.* and invoice event carries it). The price is the tier's first
 * `price_ids` entry in TIERS. A Checkout link is valid for 24 hours (Stripe's default).
 */
import type Stripe from "stripe";
import { tierLimits, tierTableFor } from "../../pipeline/admit/tiers";
import type { Config } from "../../settings/config";
import { refusal } from "../../errors";
import { stripeUnavailable } from "./stripe-client";

export interface CheckoutLink {
  user_id: string;
  tier: string;
  url: string;
  expires_at: string;
}

/** The paid tiers an attendee can buy: those with a Stripe price, in the table's order. */
export function tiersOnSale(config: Config): string[] {
  return Object.entries(tierTableFor(config)).filter(([, tier]) => tier.priceIds.length > 0).map(([id]) => id);
}

function priceOf(config: Config, tier: string): string {
  const row = tierLimits(tierTableFor(config), tier);
  if (!row) {
    throw refusal("unknown_tier", { tier, tiers: Object.keys(tierTableFor(config)) });
  }
  if (row.priceIds.length === 0) {
    throw refusal("tier_not_on_sale", { tier });
  }
  return row.priceIds[0];
}

export interface CheckoutAsk {
  userId: string;
  tier: string;
  /** The gateway's public address: Stripe sends the attendee back to `<base>/billing`. */
  baseUrl: string;
  /** The attendee's Stripe customer, if they had a subscription before (keeps one customer per attendee). */
  customerId?: string | null;
  /** Pre-fills Checkout for a new customer (the roster's email, given with consent). */
  email?: string | null;
}

export async function createCheckoutLink(stripe: Stripe, config: Config, ask: CheckoutAsk): Promise<CheckoutLink> {
  const price = priceOf(config, ask.tier);
  let session: Stripe.Checkout.Session;
  try {
    session = await stripe.checkout.sessions.create({
      mode: "subscription",
      line_items: [{ price, quantity: 1 }],
      client_reference_id: ask.userId,
      subscription_data: { metadata: { user_id: ask.userId } },
      metadata: { user_id: ask.userId, tier: ask.tier },
      ...(ask.customerId ? { customer: ask.customerId } : ask.email ? { customer_email: ask.email } : {}),
      success_url: `${ask.baseUrl}/billing?checkout=done`,
      cancel_url: `${ask.baseUrl}/billing`,
    });
  } catch {
    throw stripeUnavailable();
  }
  if (!session.url) throw stripeUnavailable();
  return {
    user_id: ask.userId,
    tier: ask.tier,
    url: session.url,
    expires_at: new Date(session.expires_at * 1000).toISOString(),
  };
}

/** A customer-portal session (change card, switch plan, cancel) returning to /billing. */
export async function createPortalLink(stripe: Stripe, customerId: string, baseUrl: string): Promise<string> {
  try {
    const session = await stripe.billingPortal.sessions.create({ customer: customerId, return_url: `${baseUrl}/billing` });
    return session.url;
  } catch {
    throw stripeUnavailable();
  }
}
