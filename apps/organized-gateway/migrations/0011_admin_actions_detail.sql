-- The audit trail says what changed, not only that something did: `detail` (JSON) holds a
-- tier change's {"from","to"} and a re-encryption page's tally. An action over the whole
-- roster (re-encrypting credentials) concerns no one attendee, so `user_id` may be NULL.
-- SQLite cannot drop a NOT NULL in place: the table is rebuilt, its ids kept.
CREATE TABLE admin_actions_detailed (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  created_at  TEXT    NOT NULL DEFAULT (datetime('now')),
  action      TEXT    NOT NULL,            -- issue_key | revoke_key | block | unblock | reset_binding | reinstate | set_tier | revoke_credential | reencrypt_credentials
  user_id     TEXT,                        -- NULL: an action over every attendee (reencrypt_credentials)
  key_id      TEXT,                        -- the key issued or revoked, when there is one
  actor       TEXT    NOT NULL CHECK (actor IN ('token', 'dashboard')),
  request_id  TEXT,
  detail      TEXT CHECK (detail IS NULL OR json_valid(detail))
);
INSERT INTO admin_actions_detailed (id, created_at, action, user_id, key_id, actor, request_id)
  SELECT id, created_at, action, user_id, key_id, actor, request_id FROM admin_actions;
DROP TABLE admin_actions;
ALTER TABLE admin_actions_detailed RENAME TO admin_actions;
CREATE INDEX IF NOT EXISTS idx_admin_actions_user ON admin_actions(user_id, id);
