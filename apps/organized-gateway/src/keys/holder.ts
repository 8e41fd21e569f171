/**
 * Is this the attendee's gateway key? The billing page's sign-in asks the attendee's own
 * Durable Object, the one place a key's hash is held; checking costs the attendee nothing
 * (no window, no slot, no month).
 */
import { AttendeeGateClient } from "../objects/attendee-gate/client";
import { hashGatewayKey, parseGatewayKey } from "../pipeline/identify/gateway-key";

export interface KeyHolder {
  userId: string;
  keyId: string;
}

/** The holder of a right, active gateway key; null for a wrong, revoked or malformed one. */
export async function holderOfKey(env: Env, key: string): Promise<KeyHolder | null> {
  const parsed = parseGatewayKey(key);
  if (!parsed) return null;
  const refusal = await AttendeeGateClient.of(env, parsed.userId)
    .checkCredential({ kind: "key", keyId: parsed.keyId, keyHash: await hashGatewayKey(key) });
  return refusal === null ? parsed : null;
}
