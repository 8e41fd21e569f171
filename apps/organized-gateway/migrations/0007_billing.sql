-- Billing: Stripe subscriptions as the gateway knows them, and the Stripe events it applied.
-- D1 is the source of truth for who has paid for what; the attendee's Durable Object holds
-- the tier admission reads, pushed from here after every change (src/billing/).

-- One row per Stripe subscription. Two orderings, each by Stripe's own event time (seconds),
-- so that events delivered late or out of order never overwrite a newer state:
-- the subscription's snapshot (status, price, period) by updated_from_event_created, and its
-- payment state (an unpaid invoice and its grace period) by payment_event_created.
CREATE TABLE IF NOT EXISTS subscriptions (
  subscription_id            TEXT PRIMARY KEY,           -- sub_...
  user_id                    TEXT,                       -- canonical; from metadata.user_id or client_reference_id
  customer_id                TEXT,                       -- cus_..., for the customer portal
  status                     TEXT NOT NULL DEFAULT 'unknown', -- Stripe's status; unknown: no snapshot yet
  status_rank                INTEGER NOT NULL DEFAULT -1, -- lifecycle stage, breaks ties within one second
  tier                       TEXT,                       -- the tier its price buys (TIERS price_ids); null: none
  price_id                   TEXT,
  current_period_end         INTEGER,                    -- unix seconds
  cancel_at_period_end       INTEGER NOT NULL DEFAULT 0,
  updated_from_event_created INTEGER NOT NULL DEFAULT 0, -- the event time of the snapshot held
  updated_from_event_id      TEXT,
  payment_failed_at          INTEGER,                    -- first failed invoice since the last paid one; null: paid
  payment_event_created      INTEGER NOT NULL DEFAULT 0, -- the event time of the payment state held
  created_at                 TEXT NOT NULL DEFAULT (datetime('now')),
  updated_at                 TEXT NOT NULL DEFAULT (datetime('now'))
);
CREATE INDEX IF NOT EXISTS idx_subscriptions_user ON subscriptions(user_id);
CREATE INDEX IF NOT EXISTS idx_subscriptions_payment_failed ON subscriptions(payment_failed_at) WHERE payment_failed_at IS NOT NULL;

-- Every Stripe event applied, written in the same batch (one transaction) as its change:
-- a redelivered event finds its id here and changes nothing.
CREATE TABLE IF NOT EXISTS stripe_events (
  id               TEXT PRIMARY KEY,                      -- evt_...
  type             TEXT NOT NULL,
  created          INTEGER NOT NULL,                      -- Stripe's event time, unix seconds
  subscription_id  TEXT,
  user_id          TEXT,
  received_at      TEXT NOT NULL DEFAULT (datetime('now'))
);
