/**
 * The roster in D1 (`attendees`): one row per attendee id, derived from the attendees'
 * Durable Objects (which decide) so the organiser can count and list attendees. The
 * event's enrolment cap is one conditional insert: D1 runs statements one at a time, so
 * two enrolments racing for the last seat cannot both get it.
 */
import type { AttendeeState } from "../objects/attendee-gate/protocol";

export type Seat = "new" | "existing" | "full";

/** Takes a seat for an id that /enroll is about to give out, unless the event is full. */
export async function reserveSeat(db: D1Database, userId: string, maxAttendees: number): Promise<Seat> {
  const inserted = await db.prepare(`
    INSERT INTO attendees (user_id, source) SELECT ?1, 'enroll'
    WHERE (SELECT COUNT(*) FROM attendees) < ?2
    ON CONFLICT (user_id) DO NOTHING`).bind(userId, maxAttendees).run();
  if (inserted.meta.changes > 0) return "new";
  const existing = await db.prepare("SELECT 1 AS found FROM attendees WHERE user_id = ?").bind(userId).first();
  return existing ? "existing" : "full";
}

/** Gives back a seat taken by an enrolment that did not go through. */
export async function releaseSeat(db: D1Database, userId: string): Promise<void> {
  await db.prepare("DELETE FROM attendees WHERE user_id = ?").bind(userId).run();
}

/** Writes what the attendee's object now says about the id. */
export async function recordAttendee(db: D1Database, userId: string, source: string, state: AttendeeState): Promise<void> {
  await db.prepare(`
    INSERT INTO attendees (user_id, source, status, generation, blocked) VALUES (?1, ?2, ?3, ?4, ?5)
    ON CONFLICT (user_id) DO UPDATE SET status = ?3, generation = ?4, blocked = ?5, updated_at = datetime('now')`)
    .bind(userId, source, state.status === "revoked" ? "revoked" : "active", state.generation, state.blocked ? 1 : 0).run();
}

export async function countAttendees(db: D1Database): Promise<number> {
  return (await db.prepare("SELECT COUNT(*) AS n FROM attendees").first<{ n: number }>())?.n ?? 0;
}
