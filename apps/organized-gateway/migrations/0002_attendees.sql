-- The roster: one row per attendee id (canonical, lower-case) the gateway has handed out or
-- bound. Derived from the attendees' Durable Objects, which decide (keys, revocation,
-- generation); kept here so the organiser can list and count attendees, and so the event's
-- enrolment cap (MAX_ATTENDEES) is one atomic conditional insert.
CREATE TABLE IF NOT EXISTS attendees (
  user_id     TEXT PRIMARY KEY,
  source      TEXT NOT NULL,                 -- enroll | admin | byok
  status      TEXT NOT NULL DEFAULT 'active', -- active | revoked
  generation  INTEGER NOT NULL DEFAULT 1,    -- changes when the id starts a new upstream session
  blocked     INTEGER NOT NULL DEFAULT 0,    -- 1: paused by the organiser
  email       TEXT,                          -- given at enrolment with consent, for the follow-up email only
  created_at  TEXT NOT NULL DEFAULT (datetime('now')),
  updated_at  TEXT NOT NULL DEFAULT (datetime('now'))
);
