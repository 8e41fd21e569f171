-- The monthly ledger: requests per attendee, project and calendar month (UTC), as the
-- attendees' Durable Objects count them (they decide; this follows with their log batches).
-- A new month is a new row, so nothing ever resets it; old months can be pruned.
CREATE TABLE IF NOT EXISTS monthly_usage (
  user_id     TEXT NOT NULL,
  period      TEXT NOT NULL,                 -- YYYY-MM, UTC
  project     TEXT NOT NULL,
  requests    INTEGER NOT NULL,
  updated_at  TEXT NOT NULL DEFAULT (datetime('now')),
  PRIMARY KEY (user_id, period, project)
);
