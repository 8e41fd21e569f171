/**
 * Gateway key lifecycle: issue (by the organiser, or by an attendee through /enroll), list,
 * revoke and reinstate. The attendee's Durable Object is the source of truth (it holds the
 * hash that admission checks, and whether the id is revoked); D1 holds the listing
 * (`gateway_keys`: id, user, hint, dates) and the roster (`attendees`). No key is stored.
 *
 * Order, so that no key can ever work without being listed (and so revocable):
 * - issuing writes the listing first, then the key to the object; if the object fails, the
 *   listing is taken back (a listed key that never worked is harmless and revocable anyway);
 * - revoking revokes in the object first, then marks the listing; a failed second step
 *   leaves the listing "active", and revoking again is safe (the object answers as before).
 */
import { AttendeeGateClient } from "../objects/attendee-gate/client";
import type { AttendeeState } from "../objects/attendee-gate/protocol";
import { EVENT_TIER } from "../pipeline/admit/tiers";
import { mintGatewayKey } from "../pipeline/identify/gateway-key";
import { refusal } from "../errors";
import { recordAttendee, releaseSeat, reserveSeat } from "./roster";

export interface IssuedKey {
  id: string;
  user_id: string;
  key: string;
  hint: string;
}

export interface KeyRecord {
  id: string;
  user_id: string;
  label: string | null;
  hint: string;
  source: string;
  created_at: string;
  revoked_at: string | null;
}

type Source = "admin" | "enroll";

async function listKey(db: D1Database, issued: IssuedKey, source: Source, label: string | null): Promise<void> {
  await db
    .prepare("INSERT INTO gateway_keys (id, user_id, label, hint, source) VALUES (?, ?, ?, ?, ?)")
    .bind(issued.id, issued.user_id, label, issued.hint, source)
    .run();
}

async function unlistKey(db: D1Database, keyId: string): Promise<void> {
  await db.prepare("DELETE FROM gateway_keys WHERE id = ?").bind(keyId).run().catch(() => {});
}

/** The roster follows the object; a failed write is reported, never a reason to undo a key. */
async function followRoster(db: D1Database, userId: string, source: string, state: AttendeeState): Promise<void> {
  try {
    await recordAttendee(db, userId, source, state);
  } catch (error) {
    console.error(JSON.stringify({ event: "roster_write_failed", error: String(error) }));
  }
}

/**
 * Issues another key for a (canonical) user id, whatever keys they have: the organiser's
 * call. A revoked id is reinstated by it, as a new session.
 */
export async function issueKey(env: Env, userId: string, label: string | null): Promise<IssuedKey & { reinstated: boolean }> {
  const minted = await mintGatewayKey(userId);
  const issued = { id: minted.keyId, user_id: userId, key: minted.key, hint: minted.hint };
  await listKey(env.DB, issued, "admin", label);
  let state;
  try {
    state = await AttendeeGateClient.of(env, userId).issueKey(minted.keyId, minted.hash);
  } catch (error) {
    await unlistKey(env.DB, minted.keyId);
    throw error;
  }
  await followRoster(env.DB, userId, "admin", state);
  return { ...issued, reinstated: state.reinstated };
}

/** Issues the first key of a (canonical) user id; refuses an id someone holds or the organiser revoked. */
export async function enrollKey(
  env: Env, userId: string, byokHash: string | null, maxAttendees: number, email: string | null = null,
): Promise<IssuedKey> {
  const seat = await reserveSeat(env.DB, userId, maxAttendees);
  if (seat === "full") {
    throw refusal("event_full", { maxAttendees });
  }
  const minted = await mintGatewayKey(userId);
  const issued = { id: minted.keyId, user_id: userId, key: minted.key, hint: minted.hint };
  await listKey(env.DB, issued, "enroll", null);
  const undo = async () => {
    await unlistKey(env.DB, minted.keyId);
    if (seat === "new") await releaseSeat(env.DB, userId).catch(() => {});
  };
  let result;
  try {
    result = await AttendeeGateClient.of(env, userId).enroll(minted.keyId, minted.hash, byokHash);
  } catch (error) {
    await undo();
    throw error;
  }
  if (!result.ok) {
    await undo();
    if (result.reason === "user_id_revoked") {
      throw refusal("user_id_revoked", { why: "enrolment", userId });
    }
    throw refusal("user_id_taken", { why: "enrolled", userId });
  }
  await followRoster(env.DB, userId, "enroll", { status: "open", generation: result.generation, blocked: false, tier: EVENT_TIER });
  if (email) {
    await env.DB.prepare("UPDATE attendees SET email = ? WHERE user_id = ?").bind(email, userId).run()
      .catch((error) => console.error(JSON.stringify({ event: "roster_write_failed", error: String(error) })));
  }
  return issued;
}

export async function listKeys(db: D1Database, userId?: string): Promise<KeyRecord[]> {
  const query = userId
    ? db.prepare("SELECT id, user_id, label, hint, source, created_at, revoked_at FROM gateway_keys WHERE user_id = ? ORDER BY created_at, id").bind(userId)
    : db.prepare("SELECT id, user_id, label, hint, source, created_at, revoked_at FROM gateway_keys ORDER BY created_at, id");
  return (await query.all<KeyRecord>()).results;
}

export interface Revocation {
  id: string;
  user_id: string;
  /** Revoking the id's last key revokes the id: it cannot be enrolled until reinstated. */
  user_status: AttendeeState["status"];
}

/** Revokes a key by id; null when no active key has that id. */
export async function revokeKey(env: Env, keyId: string): Promise<Revocation | null> {
  const record = await env.DB.prepare("SELECT user_id FROM gateway_keys WHERE id = ? AND revoked_at IS NULL")
    .bind(keyId).first<{ user_id: string }>();
  if (!record) return null;
  const state = await AttendeeGateClient.of(env, record.user_id).revokeKey(keyId);
  await env.DB.prepare("UPDATE gateway_keys SET revoked_at = datetime('now') WHERE id = ?").bind(keyId).run();
  await followRoster(env.DB, record.user_id, "admin", state);
  return { id: keyId, user_id: record.user_id, user_status: state.status };
}

/** Lets a revoked id be enrolled again; its next holder starts a new upstream session. */
export async function reinstateUser(env: Env, userId: string): Promise<AttendeeState & { reinstated: boolean }> {
  const state = await AttendeeGateClient.of(env, userId).reinstate();
  await followRoster(env.DB, userId, "admin", state);
  return state;
}

/**
 * Frees an id for whoever the organiser says holds it now, in either mode: its BYOK
 * binding is forgotten and its keys revoked, so setup.sh can bind or enrol it again — as a
 * new upstream session.
 */
export async function resetUser(env: Env, userId: string): Promise<{ reset: boolean; revoked_keys: number } & AttendeeState> {
  const { revokedKeyIds, ...state } = await AttendeeGateClient.of(env, userId).reset();
  if (revokedKeyIds.length > 0) {
    await env.DB.prepare(`UPDATE gateway_keys SET revoked_at = datetime('now')
      WHERE revoked_at IS NULL AND id IN (SELECT value FROM json_each(?))`).bind(JSON.stringify(revokedKeyIds)).run();
  }
  await followRoster(env.DB, userId, "admin", state);
  return { ...state, revoked_keys: revokedKeyIds.length };
}

/** Pauses or resumes an attendee, whatever their credential (key or BYOK). */
export async function setBlocked(env: Env, userId: string, blocked: boolean): Promise<AttendeeState> {
  const state = await AttendeeGateClient.of(env, userId).setBlocked(blocked);
  await followRoster(env.DB, userId, "admin", state);
  return state;
}

/** Puts an attendee on a tier (its limits and its priority in the node queues); null: DEFAULT_TIER applies. */
export async function setTier(env: Env, userId: string, tier: string | null): Promise<AttendeeState & { previousTier: string | null }> {
  return AttendeeGateClient.of(env, userId).setTier(tier);
}
