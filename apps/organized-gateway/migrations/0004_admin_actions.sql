-- The organiser's audit trail: one row for every change made through the admin API (a key
-- issued or revoked, an attendee blocked, unblocked, reset, reinstated or given a tier), whoever made it:
-- `actor` says whether it came from the dashboard's session or from the admin token (the
-- CLI, scripts). `request_id` ties the row to the admin request that made the change.
-- Written after the change has taken effect, so a row means it happened.
CREATE TABLE IF NOT EXISTS admin_actions (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  created_at  TEXT    NOT NULL DEFAULT (datetime('now')),
  action      TEXT    NOT NULL,            -- issue_key | revoke_key | block | unblock | reset_binding | reinstate | set_tier
  user_id     TEXT    NOT NULL,
  key_id      TEXT,                        -- the key issued or revoked, when there is one
  actor       TEXT    NOT NULL CHECK (actor IN ('token', 'dashboard')),
  request_id  TEXT
);
CREATE INDEX IF NOT EXISTS idx_admin_actions_user ON admin_actions(user_id, id);
