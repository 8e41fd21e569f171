/**
 * The attendee's credential as their Durable Object keeps it (`StoredCredential`: sealed
 * value, kind, fingerprint, dates, the last use's outcome). The object only stores; the
 * Worker seals and opens (seal.ts). A credential that does not open for the attendee's
 * current generation — the id has a new holder, or CREDENTIAL_KEY changed without the
 * previous one kept — counts as none: nobody spends a credential that is not theirs, and the
 * attendee is told to connect their account again.
 */
import { AttendeeGateClient } from "../objects/attendee-gate/client";
import type { StoredCredential } from "./stored";
import type { Config } from "../settings/config";
import { attendeeAgentId, credentialFingerprint } from "./names";
import { open, seal, type CredentialOwner } from "./seal";
import type { CredentialKind } from "./kinds";
import type { SpentCredential } from "./spend";

/** What the attendee and the organiser may see: never the sealed value. */
export interface CredentialView {
  kind: CredentialKind;
  stored_at: string;
  fingerprint: string;
  last_used_at: string | null;
  last_result: StoredCredential["last_result"];
}

export function viewOf(stored: StoredCredential): CredentialView {
  const { kind, stored_at, fingerprint, last_used_at, last_result } = stored;
  return { kind, stored_at, fingerprint, last_used_at, last_result };
}

export interface OwnCredential {
  owner: CredentialOwner;
  stored: StoredCredential;
  token: string;
  /** It opened only with CREDENTIAL_KEY_PREVIOUS: a re-encryption has not reached it yet. */
  underPreviousKey: boolean;
}

/** Opens a stored credential for its owner; null when it is not theirs to spend (see above). */
export async function openFor(config: Config, owner: CredentialOwner, stored: StoredCredential | null): Promise<OwnCredential | null> {
  if (!stored || config.credentials.keys.length === 0) return null;
  const opened = await open(config.credentials.keys, owner, stored.sealed);
  return opened ? { owner, stored, token: opened.token, underPreviousKey: opened.keyIndex > 0 } : null;
}

/** The attendee's generation and credential, read from their object together. */
export async function readOwn(env: Env, config: Config, userId: string): Promise<{ gate: AttendeeGateClient; generation: number; own: OwnCredential | null; stored: StoredCredential | null }> {
  const gate = AttendeeGateClient.of(env, userId);
  const [state, stored] = await Promise.all([gate.describe(), gate.getCredential()]);
  const owner = { userId, generation: state.generation };
  return { gate, generation: state.generation, stored, own: await openFor(config, owner, stored) };
}

/** A new stored credential for this owner, sealed under the current CREDENTIAL_KEY. */
export async function sealNew(config: Config, owner: CredentialOwner, kind: CredentialKind, token: string, now = new Date()): Promise<StoredCredential> {
  return {
    kind,
    sealed: await seal(config.credentials.keys[0], owner, token),
    fingerprint: await credentialFingerprint(config.hashSecret, token),
    stored_at: now.toISOString(),
    last_used_at: null,
    last_result: null,
  };
}

/** Notes how the provider took a credential, if it is still the one stored (AttendeeRecord.noteCredentialUse). */
export async function noteUse(gate: AttendeeGateClient, used: StoredCredential, result: "ok" | "rejected"): Promise<void> {
  await gate.noteCredentialUse({ sealed: used.sealed, result });
}

/** What the pipeline spends: the granted credential opened for its owner, or null when it does not open for them. */
export async function openSpent(config: Config, owner: CredentialOwner, granted: StoredCredential | null): Promise<SpentCredential | null> {
  const own = await openFor(config, owner, granted);
  if (!own) return null;
  return {
    kind: own.stored.kind,
    sealed: own.stored.sealed,
    token: own.token,
    agent: await attendeeAgentId(config.hashSecret, owner.userId, owner.generation),
  };
}
