-- The seed's request log, widened with what an organiser needs to explain a request:
-- which upstream and model, how a stream ended, where the token count came from.
CREATE TABLE IF NOT EXISTS requests (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id           TEXT    NOT NULL,
  endpoint          TEXT    NOT NULL,
  status            INTEGER NOT NULL,
  latency_ms        INTEGER NOT NULL,
  tokens_est        INTEGER DEFAULT 0,
  ip_hash           TEXT,
  created_at        TEXT    DEFAULT (datetime('now')),
  request_id        TEXT,
  method            TEXT,
  auth              TEXT,                -- key | byok | anonymous | none
  model             TEXT,
  upstream          TEXT,
  stream            INTEGER DEFAULT 0,
  ttfb_ms           INTEGER,
  prompt_tokens     INTEGER,
  completion_tokens INTEGER,
  usage_source      TEXT,                -- reported | estimated | none
  end_state         TEXT,                -- complete | client_abort | upstream_error | rejected | timeout
  error_code        TEXT
);

CREATE INDEX IF NOT EXISTS idx_user_id ON requests(user_id);
CREATE INDEX IF NOT EXISTS idx_created ON requests(created_at);
CREATE UNIQUE INDEX IF NOT EXISTS idx_request_id ON requests(request_id);

-- Live monitoring view, as the seed wrote it.
CREATE VIEW IF NOT EXISTS user_summary AS
SELECT
  user_id,
  COUNT(*)        AS total_requests,
  SUM(tokens_est) AS total_tokens,
  AVG(latency_ms) AS avg_latency,
  MAX(created_at) AS last_seen
FROM requests
GROUP BY user_id;

-- Gateway keys: listing metadata only. The key's hash lives in the attendee's Durable
-- Object, which is the one place a key is checked; the key itself is never stored.
CREATE TABLE IF NOT EXISTS gateway_keys (
  id          TEXT PRIMARY KEY,
  user_id     TEXT NOT NULL,
  label       TEXT,
  hint        TEXT NOT NULL,             -- "ocg_sam_…abcd": enough to recognise, useless to use
  source      TEXT NOT NULL,             -- admin | enroll
  created_at  TEXT NOT NULL DEFAULT (datetime('now')),
  revoked_at  TEXT
);
CREATE INDEX IF NOT EXISTS idx_keys_user ON gateway_keys(user_id);
