/**
 * Gateway key lifecycle: issue (by the organiser, or by an attendee through /enroll),
 * list and revoke. The attendee's Durable Object holds the hash that admission checks;
 * D1 holds listing metadata (id, user, hint, dates) for the organiser. No key is stored.
 */
import { gateFor } from "../admit";
import { mintGatewayKey } from "../identify/gateway-key";
import { GatewayError } from "../shared/errors";

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

async function recordKey(db: D1Database, issued: IssuedKey, source: Source, label: string | null): Promise<void> {
  await db
    .prepare("INSERT INTO gateway_keys (id, user_id, label, hint, source) VALUES (?, ?, ?, ?, ?)")
    .bind(issued.id, issued.user_id, label, issued.hint, source)
    .run();
}

/** Issues another key for a user, whatever keys they have (the organiser's call). */
export async function issueKey(env: Env, userId: string, label: string | null): Promise<IssuedKey> {
  const minted = await mintGatewayKey(userId);
  await gateFor(env.ATTENDEE_GATE, userId).addKey(minted.keyId, minted.hash);
  const issued = { id: minted.keyId, user_id: userId, key: minted.key, hint: minted.hint };
  await recordKey(env.DB, issued, "admin", label);
  return issued;
}

/** Issues the first key of a user id; refuses an id someone already holds. */
export async function enrollKey(env: Env, userId: string, byokHash: string | null): Promise<IssuedKey> {
  const minted = await mintGatewayKey(userId);
  const result = await gateFor(env.ATTENDEE_GATE, userId).enroll(minted.keyId, minted.hash, byokHash);
  if (!result.ok) {
    throw new GatewayError(409, "invalid_request_error", "user_id_taken",
      `USER_ID '${userId}' is already enrolled. If that is you, keep the OCG_KEY that setup.sh saved in your .env; otherwise pick another USER_ID (add your last name's initial, e.g. ${userId}-k) and run setup.sh again.`);
  }
  const issued = { id: minted.keyId, user_id: userId, key: minted.key, hint: minted.hint };
  await recordKey(env.DB, issued, "enroll", null);
  return issued;
}

export async function listKeys(db: D1Database, userId?: string): Promise<KeyRecord[]> {
  const query = userId
    ? db.prepare("SELECT id, user_id, label, hint, source, created_at, revoked_at FROM gateway_keys WHERE user_id = ? ORDER BY created_at, id").bind(userId)
    : db.prepare("SELECT id, user_id, label, hint, source, created_at, revoked_at FROM gateway_keys ORDER BY created_at, id");
  return (await query.all<KeyRecord>()).results;
}

/** Revokes a key by id; false when no active key has that id. */
export async function revokeKey(env: Env, keyId: string): Promise<boolean> {
  const record = await env.DB.prepare("SELECT user_id FROM gateway_keys WHERE id = ? AND revoked_at IS NULL")
    .bind(keyId).first<{ user_id: string }>();
  if (!record) return false;
  await gateFor(env.ATTENDEE_GATE, record.user_id).revokeKey(keyId);
  await env.DB.prepare("UPDATE gateway_keys SET revoked_at = datetime('now') WHERE id = ?").bind(keyId).run();
  return true;
}
