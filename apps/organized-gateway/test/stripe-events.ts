/**
 * Stripe webhook events as Stripe sends them (API 2026-10-28: the billing period on each
 * subscription item, an invoice's subscription under `parent.subscription_details`), and
 * their `Stripe-Signature`, computed by the SDK's own test-header helper — the same HMAC
 * Stripe's servers compute, so the gateway verifies them exactly as it verifies Stripe's.
 */
import Stripe from "stripe";

const crypto = Stripe.createSubtleCryptoProvider();

export interface SubscriptionFields {
  id: string;
  userId?: string;
  price: string;
  status?: string;
  customer?: string;
  periodEnd?: number;
  cancelAtPeriodEnd?: boolean;
}

export function subscriptionObject({ id, userId, price, status = "active", customer = "cus_mock", periodEnd, cancelAtPeriodEnd = false }: SubscriptionFields) {
  const end = periodEnd ?? Math.floor(Date.now() / 1000) + 30 * 24 * 3600;
  return {
    id, object: "subscription", customer, status, livemode: false, created: end - 30 * 24 * 3600,
    metadata: userId ? { user_id: userId } : {}, cancel_at_period_end: cancelAtPeriodEnd, cancel_at: null, canceled_at: null,
    items: {
      object: "list", has_more: false,
      data: [{ id: `si_${id}`, object: "subscription_item", price: { id: price, object: "price" }, quantity: 1,
        current_period_start: end - 30 * 24 * 3600, current_period_end: end }],
    },
  };
}

export function checkoutSessionObject({ id, userId, subscription, customer = "cus_mock" }: { id: string; userId: string; subscription: string; customer?: string }) {
  return { id, object: "checkout.session", mode: "subscription", status: "complete", client_reference_id: userId, subscription, customer };
}

export function invoiceObject({ id, subscription, userId, customer = "cus_mock", paid }: { id: string; subscription: string; userId?: string; customer?: string; paid: boolean }) {
  return {
    id, object: "invoice", customer, status: paid ? "paid" : "open",
    parent: { type: "subscription_details", quote_details: null, subscription_details: { subscription, metadata: userId ? { user_id: userId } : {} } },
  };
}

export interface StripeEvent {
  id: string;
  type: string;
  created: number;
  object: unknown;
}

export function eventPayload({ id, type, created, object }: StripeEvent): string {
  return JSON.stringify({
    id, object: "event", api_version: "2026-10-28.endive", type, created, livemode: false, pending_webhooks: 1,
    request: { id: null, idempotency_key: null }, data: { object },
  });
}

/** The Stripe-Signature header for a payload, as Stripe would send it at `timestampSeconds`. */
export function signatureFor(payload: string, secret: string, timestampSeconds = Math.floor(Date.now() / 1000)): Promise<string> {
  return Stripe.webhooks.generateTestHeaderStringAsync({ payload, secret, timestamp: timestampSeconds, cryptoProvider: crypto });
}
