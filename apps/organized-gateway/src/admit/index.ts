/**
 * Admit: the Worker's side of admission. One call to the attendee's Durable Object decides
 * credential, rate limit and in-flight slot together; this turns its answer into the
 * `X-RateLimit-*` headers and, for a refusal, the error an attendee can act on.
 */
import type { Config } from "../config";
import type { Principal } from "../identify";
import { GatewayError } from "../shared/errors";
import type { AttendeeGate } from "./attendee-gate";
import type { AdmitResult, Allowance } from "./protocol";

export type Gate = DurableObjectStub<AttendeeGate>;

export function gateFor(namespace: DurableObjectNamespace<AttendeeGate>, name: string): Gate {
  return namespace.get(namespace.idFromName(name));
}

export function rateLimitHeaders(allowance: Allowance): Record<string, string> {
  return {
    "x-ratelimit-limit": String(allowance.limit),
    "x-ratelimit-remaining": String(allowance.remaining),
    "x-ratelimit-reset": String(Math.ceil(allowance.resetMs / 1000)),
  };
}

export interface Admission {
  leaseId: string;
  headers: Record<string, string>;
}

/** Admits the request or throws the refusal as a GatewayError carrying the rate headers. */
export async function admit(gate: Gate, principal: Principal, config: Config, now: number): Promise<Admission> {
  const result = (await gate.admit({
    now,
    credential: principal.credential,
    perMinute: config.limits.perMinute,
    maxInflight: config.limits.maxInflight,
    queueMs: config.limits.queueMs,
  })) as AdmitResult;
  const headers = rateLimitHeaders(result);
  if (result.ok) return { leaseId: result.leaseId, headers };
  throw refusalError(result, principal, config, headers);
}

function refusalError(
  result: Extract<AdmitResult, { ok: false }>,
  principal: Principal,
  config: Config,
  headers: Record<string, string>,
): GatewayError {
  const retryAfter = Math.max(1, Math.ceil(result.retryAfterMs / 1000));
  switch (result.refusal) {
    case "invalid_key":
      return new GatewayError(401, "authentication_error", "invalid_gateway_key",
        "This gateway key is not recognised. Copy OCG_KEY again, or delete it from .env and re-run setup.sh.", headers);
    case "revoked_key":
      return new GatewayError(401, "authentication_error", "revoked_gateway_key",
        "This gateway key was revoked by the organiser. Delete OCG_KEY from .env and run setup.sh again, or ask the organiser.", headers);
    case "user_id_taken":
      return new GatewayError(403, "permission_error", "user_id_taken",
        `USER_ID '${principal.userId}' is already used by another attendee. Pick another USER_ID in your .env (add your last name's initial, e.g. ${principal.userId}-k) and try again.`,
        headers);
    case "rate_limited":
      return new GatewayError(429, "rate_limit_error", "rate_limit_exceeded",
        `Rate limit reached: ${config.limits.perMinute} requests per minute per attendee. Try again in ${retryAfter} seconds.`,
        { ...headers, "retry-after": String(retryAfter) });
    case "too_many_inflight":
      return new GatewayError(429, "rate_limit_error", "too_many_requests_in_flight",
        `You already have ${config.limits.maxInflight} requests running. Wait for one to finish, then try again.`,
        { ...headers, "retry-after": String(retryAfter) });
  }
}
