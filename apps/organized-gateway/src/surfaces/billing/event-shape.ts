/**
 * The shape of a Stripe event the webhook acts on, checked after its signature and before
 * anything reads it. A signed event is Stripe's, but not necessarily well formed for this
 * code (an API version change, a hand-made test event, `stripe trigger` with overrides): one
 * whose `items.data` is not a list, whose `data.object` is null or that has no `id` once
 * answered 500, so Stripe kept redelivering it. Such an event is refused with 400
 * `invalid_stripe_event` and logged; it changes nothing and blocks nothing after it.
 * Only the fields the gateway reads are checked; everything else passes as Stripe sent it.
 */
import { z } from "zod";

/** A reference Stripe sends as an id, or expanded into its object. */
const reference = z.union([z.string(), z.looseObject({ id: z.string() }), z.null()]).optional();
const metadata = z.record(z.string(), z.string()).nullable().optional();

/** A subscription as the gateway reads it (subscription-state.ts's snapshotOf). */
export const subscriptionShape = z.looseObject({
  id: z.string().min(1),
  status: z.string().min(1),
  customer: reference,
  metadata,
  cancel_at: z.number().nullable().optional(),
  cancel_at_period_end: z.boolean().nullable().optional(),
  items: z.looseObject({
    data: z.array(z.looseObject({
      price: z.looseObject({ id: z.string() }).nullable().optional(),
      current_period_end: z.number().nullable().optional(),
    })),
  }),
});

const checkoutShape = z.looseObject({
  mode: z.string().nullable().optional(),
  subscription: reference,
  client_reference_id: z.string().nullable().optional(),
  customer: reference,
});

const invoiceShape = z.looseObject({
  customer: reference,
  parent: z.looseObject({
    subscription_details: z.looseObject({ subscription: reference, metadata }).nullable().optional(),
  }).nullable().optional(),
});

const envelope = z.looseObject({
  id: z.string().min(1),
  type: z.string().min(1),
  created: z.number().int().nonnegative(),
  data: z.looseObject({ object: z.looseObject({}) }),
});

/** The object's shape for each event type the webhook acts on (others are recorded only). */
const OBJECT_SHAPES = new Map<string, z.ZodType>([
  ["checkout.session.completed", checkoutShape],
  ["customer.subscription.created", subscriptionShape],
  ["customer.subscription.updated", subscriptionShape],
  ["customer.subscription.deleted", subscriptionShape],
  ["customer.subscription.paused", subscriptionShape],
  ["customer.subscription.resumed", subscriptionShape],
  ["invoice.paid", invoiceShape],
  ["invoice.payment_failed", invoiceShape],
]);

/** Why a verified event cannot be acted on (the first field that is wrong), or null. */
export function malformedEventReason(event: unknown): string | null {
  const outer = envelope.safeParse(event);
  if (!outer.success) return describe(outer.error);
  const shape = OBJECT_SHAPES.get(outer.data.type);
  if (!shape) return null;
  const inner = shape.safeParse(outer.data.data.object);
  return inner.success ? null : describe(inner.error, "data.object.");
}

function describe(error: z.ZodError, prefix = ""): string {
  const issue = error.issues[0];
  const path = issue.path.map(String).join(".");
  return `${prefix}${path || "(the event)"}: ${issue.message}`;
}
