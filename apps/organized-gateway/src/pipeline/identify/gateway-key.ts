/**
 * Gateway keys: `ocg_<user id>_<key id><secret>`. The key names its user, so the user's
 * own Durable Object can check it in the same call that admits the request — no KV or
 * D1 read on the way in. Only a SHA-256 digest of the whole key is stored.
 */
import { randomBase62, sha256Hex } from "../../shared/crypto";
import { canonicalUserId } from "./user-id";

const KEY_ID_LENGTH = 8;
const SECRET_LENGTH = 32;
const KEY_PATTERN = new RegExp(`^ocg_([A-Za-z0-9._-]{1,64})_([0-9A-Za-z]{${KEY_ID_LENGTH}})([0-9A-Za-z]{${SECRET_LENGTH}})$`);

export interface ParsedKey {
  userId: string;
  keyId: string;
}

export interface MintedKey extends ParsedKey {
  key: string;
  hash: string;
  hint: string;
}

export function isGatewayKey(token: string): boolean {
  return token.startsWith("ocg_");
}

/**
 * Splits a gateway key into its (canonical) user and key id, or null when it is not well
 * formed. Keys are minted with the canonical id; a key typed with capitals still names the
 * same attendee, and its hash check fails unless it is the very key that was issued.
 */
export function parseGatewayKey(token: string): ParsedKey | null {
  const match = KEY_PATTERN.exec(token);
  const userId = match ? canonicalUserId(match[1]) : null;
  return match && userId ? { userId, keyId: match[2] } : null;
}

export function hashGatewayKey(key: string): Promise<string> {
  return sha256Hex(key);
}

/** A recognisable but useless fragment for listings: `ocg_sam_ab12…wxyz`. */
export function keyHint(key: string): string {
  return `${key.slice(0, key.length - SECRET_LENGTH)}…${key.slice(-4)}`;
}

/** `userId` must be canonical (see user-id.ts). */
export async function mintGatewayKey(userId: string): Promise<MintedKey> {
  const keyId = randomBase62(KEY_ID_LENGTH);
  const key = `ocg_${userId}_${keyId}${randomBase62(SECRET_LENGTH)}`;
  return { userId, keyId, key, hash: await hashGatewayKey(key), hint: keyHint(key) };
}
