/**
 * `POST /stripe/webhook`: Stripe's events, applied to D1 and pushed to the attendee's object.
 *
 * 1. The signature is checked on the raw body (stripe-client.ts): a bad one changes nothing.
 * 2. An event id already in `stripe_events` changes nothing in D1 (Stripe delivers at least
 *    once); otherwise the event's change and its id are written in one D1 batch.
 * 3. Either way, the attendee's tier is computed from D1 and pushed to their object, so a
 *    redelivery after a failed push still pushes. A failure answers 5xx, and Stripe retries.
 *
 * A signed event whose fields are not what the gateway reads (event-shape.ts) is answered
 * 400 `invalid_stripe_event` and logged, changing nothing; later events apply as usual.
 *
 * Order comes from Stripe's own state, never from arrival: a subscription event carries the
 * subscription as it was at the event's `created`, and D1 keeps the newest (store.ts).
 * Every subscription made through the gateway's Checkout names its user in
 * `metadata.user_id`, and the Checkout Session in `client_reference_id`.
 */
import type Stripe from "stripe";
import { tierTableFor } from "../../pipeline/admit/tiers";
import { configFor, type Config } from "../../settings/config";
import { readCappedText } from "../../pipeline/envelope/body";
import {
  applyPayment, applySnapshot, eventSeen, isDuplicateEvent, linkSubscription, recordEvent, userOfSubscription,
} from "./store";
import { stripeApi, stripeUnavailable, verifiedEvent, type StripeFetch } from "./stripe-client";
import { idOf, snapshotOf, userIdOf } from "./subscription-state";
import { pushTier, type TierSink } from "./tier-push";
import { malformedEventReason, subscriptionShape } from "./event-shape";
import { refusal } from "../../errors";

/** Stripe's event payloads are a few kilobytes; a subscription with many items stays far below this. */
export const WEBHOOK_MAX_BYTES = 512 * 1024;

/** What the billing routes reach outside the Worker: Stripe's API, the clock, the attendee's object. */
export interface BillingDeps {
  fetch: StripeFetch;
  now: () => number;
  tierSink: TierSink;
}

/** Which subscription and user an event is about, read from the event alone. */
interface EventRefs {
  subscriptionId: string | null;
  userId: string | null;
  customerId: string | null;
}

const SUBSCRIPTION_EVENTS = new Set([
  "customer.subscription.created", "customer.subscription.updated", "customer.subscription.deleted",
  "customer.subscription.paused", "customer.subscription.resumed",
]);

function refsOf(event: Stripe.Event): EventRefs {
  const none = { subscriptionId: null, userId: null, customerId: null };
  if (event.type === "checkout.session.completed") {
    const session = event.data.object;
    if (session.mode !== "subscription") return none;
    return {
      subscriptionId: idOf(session.subscription as string | { id: string } | null),
      userId: userIdOf(session.client_reference_id),
      customerId: idOf(session.customer as string | { id: string } | null),
    };
  }
  if (SUBSCRIPTION_EVENTS.has(event.type)) {
    const subscription = event.data.object as Stripe.Subscription;
    return {
      subscriptionId: subscription.id,
      userId: userIdOf(subscription.metadata?.user_id),
      customerId: idOf(subscription.customer as string | { id: string } | null),
    };
  }
  if (event.type === "invoice.paid" || event.type === "invoice.payment_failed") {
    const invoice = event.data.object;
    const details = invoice.parent?.subscription_details;
    return {
      subscriptionId: idOf(details?.subscription as string | { id: string } | null | undefined),
      userId: userIdOf(details?.metadata?.user_id),
      customerId: idOf(invoice.customer as string | { id: string } | null),
    };
  }
  return none;
}

/** The D1 statements an event's change needs (none for an event the gateway does not act on). */
async function changesOf(event: Stripe.Event, refs: EventRefs, env: Env, config: Config, deps: BillingDeps): Promise<D1PreparedStatement[]> {
  const db = env.DB;
  const { subscriptionId, userId, customerId } = refs;
  if (!subscriptionId) return [];
  const link = linkSubscription(db, subscriptionId, userId, customerId);
  const table = tierTableFor(config);
  if (event.type === "checkout.session.completed") {
    // The session does not carry the subscription's price: read the subscription itself.
    // Without STRIPE_SECRET_KEY the link is kept and the subscription's own events bring the tier.
    const stripe = await stripeApi(config, deps.fetch);
    if (!stripe) return [link];
    let subscription: Stripe.Subscription;
    try {
      subscription = await stripe.subscriptions.retrieve(subscriptionId);
    } catch {
      throw stripeUnavailable(); // nothing recorded: Stripe redelivers the event
    }
    if (!subscriptionShape.safeParse(subscription).success) throw stripeUnavailable();
    const snapshot = snapshotOf(subscription, table);
    // Held as of the event: any later event of this subscription is newer and wins.
    return [link, applySnapshot(db, { ...snapshot, userId: snapshot.userId ?? userId }, event.created, event.id)];
  }
  if (SUBSCRIPTION_EVENTS.has(event.type)) {
    return [link, applySnapshot(db, snapshotOf(event.data.object as Stripe.Subscription, table), event.created, event.id)];
  }
  if (event.type === "invoice.paid") return [link, applyPayment(db, subscriptionId, "paid", event.created)];
  if (event.type === "invoice.payment_failed") return [link, applyPayment(db, subscriptionId, "failed", event.created)];
  return [];
}

export async function receiveStripeWebhook(request: Request, env: Env, deps: BillingDeps): Promise<Response> {
  const config = configFor(env);
  const nowMs = deps.now();
  const body = await readCappedText(request, WEBHOOK_MAX_BYTES);
  const event = await verifiedEvent(config, body, request.headers.get("stripe-signature"), nowMs);
  const malformed = malformedEventReason(event);
  if (malformed !== null) {
    const { id, type } = event as Partial<Stripe.Event>;
    console.error(JSON.stringify({ event: "stripe_event_malformed", id: typeof id === "string" ? id : null, type: typeof type === "string" ? type : null, reason: malformed }));
    throw refusal("invalid_stripe_event", { reason: malformed });
  }
  const refs = refsOf(event);

  let duplicate = await eventSeen(env.DB, event.id);
  if (!duplicate) {
    const changes = await changesOf(event, refs, env, config, deps);
    const record = recordEvent(env.DB, { id: event.id, type: event.type, created: event.created, ...refs });
    try {
      await env.DB.batch([record, ...changes]);
    } catch (error) {
      if (!isDuplicateEvent(error)) throw error;
      duplicate = true; // a concurrent delivery of the same event won
    }
  }

  const userId = refs.userId ?? (refs.subscriptionId ? await userOfSubscription(env.DB, refs.subscriptionId) : null);
  const tier = userId ? await pushTier(env, config, userId, Math.floor(nowMs / 1000), deps.tierSink) : undefined;
  // `tier` (null: cleared) only when one was pushed; shown in Stripe's delivery log.
  return Response.json({ received: true, duplicate, user_id: userId, ...(tier !== undefined ? { tier } : {}) });
}
