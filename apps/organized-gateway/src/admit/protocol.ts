/** What the Worker and an attendee's Durable Object say to each other. */
import type { Credential } from "../identify";

export interface AdmitRequest {
  now: number;
  credential: Credential;
  perMinute: number;
  maxInflight: number;
  queueMs: number;
}

export type Refusal =
  | "invalid_key"
  | "revoked_key"
  | "user_id_taken"
  | "rate_limited"
  | "too_many_inflight";

export interface Allowance {
  limit: number;
  remaining: number;
  resetMs: number;
}

export type AdmitResult =
  | ({ ok: true; leaseId: string } & Allowance)
  | ({ ok: false; refusal: Refusal; retryAfterMs: number } & Allowance);

export type EnrollResult = { ok: true } | { ok: false; reason: "already_enrolled" | "user_id_taken" };
