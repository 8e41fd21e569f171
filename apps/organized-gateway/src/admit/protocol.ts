/** What the Worker and an attendee's Durable Object say to each other. */
import type { Credential } from "../identify";

export interface AdmitRequest {
  now: number;
  credential: Credential;
  perMinute: number;
  maxInflight: number;
  queueMs: number;
  /** A lease not renewed within this time is presumed lost (its Worker died) and freed. */
  leaseMs: number;
}

/** Refusals of the credential: the caller has not shown they are this attendee. */
export type CredentialRefusal =
  | "invalid_key"
  | "revoked_key"
  | "user_id_taken"
  | "user_id_revoked";

export type Refusal =
  | CredentialRefusal
  | "user_blocked"
  | "rate_limited"
  | "key_rate_limited"
  | "too_many_inflight";

const CREDENTIAL_REFUSALS: ReadonlySet<Refusal> = new Set<Refusal>(["invalid_key", "revoked_key", "user_id_taken", "user_id_revoked"]);

export function isCredentialRefusal(refusal: Refusal): refusal is CredentialRefusal {
  return CREDENTIAL_REFUSALS.has(refusal);
}

export interface Allowance {
  limit: number;
  remaining: number;
  resetMs: number;
}

export type AdmitResult =
  | ({
      ok: true;
      leaseId: string;
      /** The id's session generation: part of the upstream session value (route/session.ts). */
      generation: number;
      /** A BYOK id not yet bound: it binds to this key once the upstream accepts it (a 2xx). */
      provisional: boolean;
    } & Allowance)
  | ({ ok: false; refusal: Refusal; retryAfterMs: number } & Allowance);

export type EnrollResult =
  | { ok: true; generation: number }
  | { ok: false; reason: "already_enrolled" | "user_id_taken" | "user_id_revoked" };

/** What settle tells the object besides the log row: a BYOK key the upstream accepted. */
export interface SettleBinding {
  userId: string;
  keyHash: string;
}

export interface AttendeeState {
  status: "open" | "revoked";
  generation: number;
  /** Paused by the organiser: every request refused until unblocked; the session is kept. */
  blocked: boolean;
}
