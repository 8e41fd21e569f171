-- The dashboard's sign-in sessions. The browser's cookie holds a random session id (signed
-- with the admin token, so changing ADMIN_TOKEN still ends every session); this table holds
-- only the id's SHA-256, so a leaked table opens nothing. Signing out deletes the row, which
-- ends the session at once even for a copy of the cookie.
CREATE TABLE IF NOT EXISTS admin_sessions (
  id_hash     TEXT    PRIMARY KEY,         -- SHA-256 hex of the cookie's session id
  expires_at  INTEGER NOT NULL,            -- Unix seconds
  created_at  TEXT    NOT NULL DEFAULT (datetime('now'))
);
CREATE INDEX IF NOT EXISTS idx_admin_sessions_expiry ON admin_sessions(expires_at);
