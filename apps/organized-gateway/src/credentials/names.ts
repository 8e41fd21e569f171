/**
 * The names a credential goes by, all keyed hashes with HASH_SECRET (no state to keep):
 *
 * - its **fingerprint**, what the attendee, the admin API and the dashboard see: the same
 *   token always has the same fingerprint, and it reveals nothing of the token;
 * - the attendee's **OpenClaw agent**: opaque, stable for one attendee id and generation, so
 *   a rotation keeps the agent and its sessions while the id's next holder (a new
 *   generation) gets an agent of their own;
 * - the agent's **provider entry**, new with every registration: OpenClaw puts a provider
 *   that answered 401 on a cool-down of about a minute, keyed by the provider's id (not its
 *   key), so a reconnected account must come under a new id to work at once;
 * - the **relay token** that only OpenClaw's config holds: `ocgr_<user id>_<digest>`, where
 *   the digest covers the generation and the stored credential's fingerprint and time. It
 *   names its attendee (the relay finds their object without a lookup), and it dies the
 *   moment the attendee rotates or revokes: nothing else has to be revoked on the host.
 */
import { digestsEqual, keyedHash } from "../shared/crypto";
import { canonicalUserId } from "../pipeline/identify/user-id";
import type { StoredCredential } from "./stored";

export async function credentialFingerprint(hashSecret: string, token: string): Promise<string> {
  return `fp_${(await keyedHash(hashSecret, "credential-fingerprint", token)).slice(0, 16)}`;
}

/** OpenClaw agent ids are `[a-z0-9][a-z0-9_-]{0,63}`; this is 28 characters. */
export async function attendeeAgentId(hashSecret: string, userId: string, generation: number): Promise<string> {
  return `ocg-${(await keyedHash(hashSecret, "openclaw-agent", `${userId}\0${generation}`)).slice(0, 24)}`;
}

/** The provider entry for one registration: the agent's id and a piece of its relay token's digest. */
export function relayProviderId(agentId: string, relayToken: string): string {
  return `${agentId}-${relayToken.slice(-8)}`;
}

const RELAY_TOKEN = /^ocgr_([a-z0-9._-]{1,64})_([0-9]{1,9})_([0-9a-f]{64})$/;

function relayDigest(hashSecret: string, userId: string, generation: number, stored: Pick<StoredCredential, "fingerprint" | "stored_at">) {
  return keyedHash(hashSecret, "relay-token", `${userId}\0${generation}\0${stored.fingerprint}\0${stored.stored_at}`);
}

export async function relayToken(
  hashSecret: string, userId: string, generation: number, stored: Pick<StoredCredential, "fingerprint" | "stored_at">,
): Promise<string> {
  return `ocgr_${userId}_${generation}_${await relayDigest(hashSecret, userId, generation, stored)}`;
}

export interface RelayClaim {
  userId: string;
  generation: number;
  digest: string;
}

/** What a relay token claims (not yet checked against the attendee's credential); null when malformed. */
export function parseRelayToken(token: string): RelayClaim | null {
  const match = RELAY_TOKEN.exec(token);
  if (!match || canonicalUserId(match[1]) !== match[1]) return null;
  return { userId: match[1], generation: Number(match[2]), digest: match[3] };
}

/**
 * Why a relay token is refused now, or null: it must be minted for exactly the credential the
 * attendee has stored now, in their current generation (a reinstated or reset id is a new
 * holder). No credential, another one, an old generation and a wrong digest are one answer,
 * so a stranger learns nothing of who has a credential; a right token of a revoked id is told so.
 */
export async function relayTokenRefusal(
  hashSecret: string, claim: RelayClaim, stored: StoredCredential | null, state: { generation: number; status: "open" | "revoked" },
): Promise<"invalid_relay_token" | "user_id_revoked" | null> {
  const matches = stored !== null && claim.generation === state.generation && await relayTokenMatches(hashSecret, claim, stored);
  if (!matches) return "invalid_relay_token";
  return state.status === "revoked" ? "user_id_revoked" : null;
}

/** True when the claim was minted for exactly this stored credential. */
export async function relayTokenMatches(hashSecret: string, claim: RelayClaim, stored: StoredCredential): Promise<boolean> {
  return digestsEqual(await relayDigest(hashSecret, claim.userId, claim.generation, stored), claim.digest);
}
