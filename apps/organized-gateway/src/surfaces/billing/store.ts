/**
 * D1's `subscriptions` and `stripe_events` (migration 0007): the statements that change them
 * and the reads that decide a tier. Every change is an upsert guarded in SQL by the event
 * time it comes from, so a late or out-of-order event loses to the newer state already held
 * even when two deliveries race (the guard is evaluated inside D1, not after a read here).
 * A change and its event id go in one `batch` (one transaction): a redelivered event's id
 * is found, and a race between two copies fails the second batch on the unique id.
 */
import { statusRank, type SubscriptionRow, type SubscriptionSnapshot } from "./subscription-state";

export interface EventRecord {
  id: string;
  type: string;
  created: number;
  subscriptionId: string | null;
  userId: string | null;
}

export async function eventSeen(db: D1Database, eventId: string): Promise<boolean> {
  return (await db.prepare("SELECT 1 FROM stripe_events WHERE id = ?").bind(eventId).first()) !== null;
}

export function recordEvent(db: D1Database, event: EventRecord): D1PreparedStatement {
  return db.prepare("INSERT INTO stripe_events (id, type, created, subscription_id, user_id) VALUES (?, ?, ?, ?, ?)")
    .bind(event.id, event.type, event.created, event.subscriptionId, event.userId);
}

/** True when a batch failed because its event id was already recorded (a concurrent copy won). */
export function isDuplicateEvent(error: unknown): boolean {
  return /UNIQUE constraint failed: stripe_events\.id/i.test(String((error as Error)?.message ?? error));
}

/**
 * Links a subscription to its user and customer (Checkout's client_reference_id, or any
 * event naming them) without touching its state: names fill in, never change.
 */
export function linkSubscription(db: D1Database, subscriptionId: string, userId: string | null, customerId: string | null): D1PreparedStatement {
  return db.prepare(`INSERT INTO subscriptions (subscription_id, user_id, customer_id) VALUES (?1, ?2, ?3)
    ON CONFLICT (subscription_id) DO UPDATE SET
      user_id = COALESCE(subscriptions.user_id, excluded.user_id),
      customer_id = COALESCE(subscriptions.customer_id, excluded.customer_id)`)
    .bind(subscriptionId, userId, customerId);
}

/**
 * The subscription's state as of `eventCreated`, kept only if newer than the state held
 * (or as new, with a later lifecycle stage, within the same second).
 */
export function applySnapshot(db: D1Database, snapshot: SubscriptionSnapshot, eventCreated: number, eventId: string): D1PreparedStatement {
  return db.prepare(`INSERT INTO subscriptions (subscription_id, user_id, customer_id, status, status_rank, tier, price_id,
      current_period_end, cancel_at_period_end, updated_from_event_created, updated_from_event_id)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
    ON CONFLICT (subscription_id) DO UPDATE SET
      status = excluded.status, status_rank = excluded.status_rank, tier = excluded.tier, price_id = excluded.price_id,
      current_period_end = excluded.current_period_end, cancel_at_period_end = excluded.cancel_at_period_end,
      updated_from_event_created = excluded.updated_from_event_created, updated_from_event_id = excluded.updated_from_event_id,
      updated_at = datetime('now')
    WHERE excluded.updated_from_event_created > subscriptions.updated_from_event_created
       OR (excluded.updated_from_event_created = subscriptions.updated_from_event_created
           AND excluded.status_rank > subscriptions.status_rank)`)
    .bind(snapshot.subscriptionId, snapshot.userId, snapshot.customerId, snapshot.status, statusRank(snapshot.status),
      snapshot.tier, snapshot.priceId, snapshot.currentPeriodEnd, snapshot.cancelAtPeriodEnd ? 1 : 0, eventCreated, eventId);
}

/**
 * An invoice's outcome, kept only if newer than the payment state held. A failure keeps the
 * time of the first failure since the last payment (the grace runs from there); a payment
 * clears it. Within one second, a payment wins.
 */
export function applyPayment(db: D1Database, subscriptionId: string, outcome: "paid" | "failed", eventCreated: number): D1PreparedStatement {
  return db.prepare(`INSERT INTO subscriptions (subscription_id, payment_failed_at, payment_event_created) VALUES (?1, ?2, ?3)
    ON CONFLICT (subscription_id) DO UPDATE SET
      payment_failed_at = CASE WHEN excluded.payment_failed_at IS NULL THEN NULL
        ELSE COALESCE(subscriptions.payment_failed_at, excluded.payment_failed_at) END,
      payment_event_created = excluded.payment_event_created,
      updated_at = datetime('now')
    WHERE excluded.payment_event_created > subscriptions.payment_event_created
       OR (excluded.payment_event_created = subscriptions.payment_event_created AND excluded.payment_failed_at IS NULL)`)
    .bind(subscriptionId, outcome === "failed" ? eventCreated : null, eventCreated);
}

const ROW_COLUMNS = `subscription_id, user_id, customer_id, status, tier, price_id, current_period_end, cancel_at_period_end,
  updated_from_event_created, payment_failed_at`;

/** Every subscription of a user (a handful at most), newest state first. */
export async function subscriptionsOf(db: D1Database, userId: string): Promise<SubscriptionRow[]> {
  const { results } = await db.prepare(`SELECT ${ROW_COLUMNS} FROM subscriptions WHERE user_id = ?
    ORDER BY updated_from_event_created DESC LIMIT 50`).bind(userId).all<SubscriptionRow>();
  return results;
}

export async function userOfSubscription(db: D1Database, subscriptionId: string): Promise<string | null> {
  const row = await db.prepare("SELECT user_id FROM subscriptions WHERE subscription_id = ?").bind(subscriptionId)
    .first<{ user_id: string | null }>();
  return row?.user_id ?? null;
}

/**
 * Users whose tier may have lapsed by `nowSeconds` without an event saying so: a grace
 * period that ran out, or a cancelled subscription whose period ended. At most `limit`.
 */
export async function usersToRecheck(db: D1Database, nowSeconds: number, graceSeconds: number, limit: number): Promise<string[]> {
  const { results } = await db.prepare(`SELECT DISTINCT user_id FROM subscriptions
    WHERE user_id IS NOT NULL AND status IN ('active', 'trialing', 'past_due')
      AND ((payment_failed_at IS NOT NULL AND payment_failed_at + ?2 <= ?1)
        OR (cancel_at_period_end = 1 AND current_period_end IS NOT NULL AND current_period_end <= ?1))
    LIMIT ?3`).bind(nowSeconds, graceSeconds, limit).all<{ user_id: string }>();
  return results.map((row) => row.user_id);
}

/**
 * Forgets event ids older than `keepSeconds` (Stripe stops redelivering after 3 days; an
 * event older than what is kept would still lose to the newer state by its time).
 */
export async function pruneEvents(db: D1Database, nowSeconds: number, keepSeconds: number): Promise<number> {
  const result = await db.prepare("DELETE FROM stripe_events WHERE created < ?").bind(nowSeconds - keepSeconds).run();
  return result.meta.changes ?? 0;
}
