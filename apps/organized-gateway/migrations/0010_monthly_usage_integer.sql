-- The monthly ledger's counts are whole numbers, and the table now says so: SQLite's INTEGER
-- column took any value, and a caller's `X-Project-ID: constructor` once wrote the text
-- "function Object() { [native code] }1" into `requests` (the object counted on a plain
-- object's prototype; see src/shared/own-key.ts). Rows that are not a positive whole count
-- are dropped: the attendee's object holds the truth and the cron's reconciliation writes it back.
CREATE TABLE monthly_usage_checked (
  user_id     TEXT NOT NULL,
  period      TEXT NOT NULL,                 -- YYYY-MM, UTC
  project     TEXT NOT NULL,
  requests    INTEGER NOT NULL CHECK (typeof(requests) = 'integer' AND requests >= 0),
  updated_at  TEXT NOT NULL DEFAULT (datetime('now')),
  PRIMARY KEY (user_id, period, project)
);
INSERT INTO monthly_usage_checked (user_id, period, project, requests, updated_at)
  SELECT user_id, period, project, requests, updated_at FROM monthly_usage
  WHERE typeof(requests) = 'integer' AND requests >= 0;
DROP TABLE monthly_usage;
ALTER TABLE monthly_usage_checked RENAME TO monthly_usage;
