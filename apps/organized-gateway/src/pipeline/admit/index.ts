/**
 * Admit: the Worker's side of admission. One call to the attendee's Durable Object decides
 * credential, rate limit and in-flight slot together; this turns its answer into the
 * `X-RateLimit-*` headers and, for a refusal, the error an attendee can act on.
 */
import type { Config } from "../../settings/config";
import type { Principal } from "../identify";
import { GatewayError, retryAfterHeaders } from "../../shared/errors";
import type { AttendeeGateClient } from "../../objects/attendee-gate/client";
import { nodeGateName } from "../../objects/node-gate";
import { routeTableFor, type Upstream } from "../route";
import { isCredentialRefusal, type AdmitRequest, type AdmitResult, type Allowance, type Grant, type NodeChoice } from "../../objects/attendee-gate/protocol";
import { MAX_MODEL_CALLS_PER_TURN } from "../../objects/attendee-gate/turns";
import { credentialRejected, noCredential } from "../../credentials/errors";
import { tierTableFor } from "./tiers";


/**
 * A lease lives this long unless renewed; the Worker renews it every LEASE_RENEW_MS while
 * its request runs (waiting for the upstream, streaming), so a lost settle frees the slot
 * within a minute instead of holding a quarter of an attendee's capacity.
 */
export const LEASE_MS = 60_000;
export const LEASE_RENEW_MS = 20_000;

export function rateLimitHeaders(allowance: Allowance): Record<string, string> {
  return {
    "x-ratelimit-limit": String(allowance.limit),
    "x-ratelimit-remaining": String(allowance.remaining),
    "x-ratelimit-reset": String(Math.ceil(allowance.resetMs / 1000)),
  };
}

/** A grant (protocol.ts) with the `X-RateLimit-*` headers it earns. */
export interface Admission extends Grant {
  headers: Record<string, string>;
}

/** A refusal of the caller's credential: logged under `unauthenticated`, never the claimed id. */
export class CredentialRefused extends GatewayError {}

const terms = new WeakMap<Config, Pick<AdmitRequest, "tiers" | "queueMs" | "leaseMs" | "nodeQueue" | "defaultTier" | "dedicatedNodes">>();

/** What admission needs from config besides the request: built once per config. */
function admissionTerms(config: Config) {
  let found = terms.get(config);
  if (!found) {
    const tiers = tierTableFor(config);
    const table = routeTableFor(config);
    const dedicatedNodes = Object.fromEntries(Object.values(tiers).flatMap((tier) => {
      const node = tier.node ? table.byName.get(tier.node) : undefined;
      return node ? [[node.name, nodeChoices([node])[0]]] : [];
    }));
    found = {
      tiers, queueMs: config.limits.queueMs, leaseMs: LEASE_MS, nodeQueue: config.nodeQueue,
      defaultTier: config.tiers.defaultTier, dedicatedNodes,
    };
    terms.set(config, found);
  }
  return found;
}

/** What this request adds to admission (protocol.ts's AdmitRequest says what each means). */
export interface AdmissionAsk extends Pick<AdmitRequest, "project" | "free" | "requestId" | "spend" | "turn" | "session"> {
  /** The billing page an attendee over quota is sent to. */
  billingUrl: string;
}

export function nodeChoices(nodes: readonly Upstream[]): NodeChoice[] {
  return nodes.map((node) => ({ name: node.name, key: nodeGateName(node), maxConcurrent: node.maxConcurrent }));
}

/**
 * Admits the request in one call to the attendee's object — credential, window, slot and a
 * slot on the first node of `nodes` that is up — or throws the refusal as a GatewayError
 * carrying the rate headers.
 */
export async function admit(
  gate: AttendeeGateClient, principal: Principal, config: Config, nodes: readonly Upstream[], ask: AdmissionAsk, now: number,
): Promise<Admission> {
  const { billingUrl: _billingUrl, ...asked } = ask;
  const result = await gate.admit({
    now, userId: principal.userId, credential: principal.credential, nodes: nodeChoices(nodes), ...asked, ...admissionTerms(config),
  });
  if (result.ok) return { ...result, headers: rateLimitHeaders(result) };
  // A caller who has not shown they are this attendee learns nothing of the attendee's window.
  const headers = isCredentialRefusal(result.refusal) ? {} : rateLimitHeaders(result);
  throw refusalError(result, principal, config, headers, ask);
}

/**
 * Moves an admitted request to the next node when its node could not be reached; throws
 * host_down / host_busy when none is left.
 */
export async function failover(gate: AttendeeGateClient, admission: Admission, remaining: readonly Upstream[], config: Config): Promise<string> {
  const result = await gate.failover(admission.leaseId, nodeChoices(remaining), admissionTerms(config));
  if (result.ok) return result.node;
  throw hostError(result.refusal, result.retryAfterMs, admission.headers);
}

function withHeaders(error: GatewayError, headers: Record<string, string>): GatewayError {
  return new GatewayError(error.status, error.type, error.code, error.message, { ...error.headers, ...headers });
}

function hostError(refusal: "host_busy" | "host_down", retryAfterMs: number, headers: Record<string, string>): GatewayError {
  const wait = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return refusal === "host_busy"
    ? new GatewayError(503, "server_error", "host_busy",
      `The agent server is busy with other attendees' requests right now. Try again in ${wait} seconds.`,
      { ...headers, ...retryAfterHeaders(retryAfterMs) })
    : new GatewayError(503, "server_error", "host_down",
      `The agent server is not reachable right now; the organiser can see it on the dashboard. Try again in ${wait} seconds.`,
      { ...headers, ...retryAfterHeaders(retryAfterMs) });
}

/** Keeps the lease alive until the returned function is called (at settle). */
export function keepLease(gate: AttendeeGateClient, leaseId: string): () => void {
  const timer = setInterval(() => {
    gate.renew(leaseId).catch(() => {});
  }, LEASE_RENEW_MS);
  return () => clearInterval(timer);
}

/** The refusal an attendee reads, from the object's answer (pure: specified in refusals.test.ts). */
export function refusalError(
  result: Extract<AdmitResult, { ok: false }>,
  principal: Principal,
  config: Config,
  headers: Record<string, string>,
  ask: Pick<AdmissionAsk, "billingUrl">,
): GatewayError {
  const retryAfter = Math.max(1, Math.ceil(result.retryAfterMs / 1000));
  const detail = result.detail ?? {};
  switch (result.refusal) {
    case "invalid_key":
      return new CredentialRefused(401, "authentication_error", "invalid_gateway_key",
        "This gateway key is not recognised. Copy OCG_KEY again, or delete it from .env and re-run setup.sh.", headers);
    case "revoked_key":
      return new CredentialRefused(401, "authentication_error", "revoked_gateway_key",
        "This gateway key was revoked by the organiser. Ask the organiser: they can give you a new key.", headers);
    case "user_id_taken":
      return new CredentialRefused(403, "permission_error", "user_id_taken",
        `USER_ID '${principal.userId}' is already used by another attendee. Pick another USER_ID in your .env (add your last name's initial, e.g. ${principal.userId}-k) and try again.`,
        headers);
    case "user_id_revoked":
      return new CredentialRefused(403, "permission_error", "user_id_revoked",
        `USER_ID '${principal.userId}' was revoked by the organiser. Ask the organiser to reinstate it, or pick another USER_ID in your .env.`,
        headers);
    case "user_blocked":
      return new GatewayError(403, "permission_error", "user_blocked",
        "The organiser has paused your access to the agent for now. Ask the organiser.", headers);
    case "rate_limited":
      return new GatewayError(429, "rate_limit_error", "rate_limit_exceeded",
        `Rate limit reached: ${result.limit} requests per minute per attendee. Try again in ${retryAfter} seconds.`,
        { ...headers, ...retryAfterHeaders(result.retryAfterMs) });
    case "key_rate_limited":
      return new GatewayError(429, "rate_limit_error", "rate_limit_exceeded",
        `Rate limit reached for this API key: ${result.limit} requests per minute, however many USER_IDs use it. Try again in ${retryAfter} seconds.`,
        { ...headers, ...retryAfterHeaders(result.retryAfterMs) });
    case "too_many_inflight":
      return new GatewayError(429, "rate_limit_error", "too_many_requests_in_flight",
        `You already have ${result.limits?.maxInflight ?? config.limits.maxInflight} requests running. Wait for one to finish, then try again.`,
        { ...headers, ...retryAfterHeaders(result.retryAfterMs) });
    case "quota_exceeded":
      return new GatewayError(402, "insufficient_quota", "quota_exceeded",
        `Your ${result.tier} plan's ${detail.limit} requests for this month are used up (${detail.used} used). It resets on ${detail.resetsAt?.slice(0, 10)} (UTC); to go on now, upgrade at ${ask.billingUrl}`,
        headers);
    case "project_limit":
      return new GatewayError(403, "permission_error", "project_limit",
        `Your ${result.tier} plan allows ${detail.limit} project${detail.limit === 1 ? "" : "s"} a month, already used by: ${(detail.projects ?? []).join(", ")}. Send one of those as X-Project-ID, or upgrade at ${ask.billingUrl}`,
        headers);
    case "subscription_required":
      return new GatewayError(402, "insufficient_quota", "subscription_required",
        `Your workshop access has ended. To keep using the agent, pick a plan at ${ask.billingUrl}`, headers);
    case "host_busy":
    case "host_down":
      return hostError(result.refusal, result.retryAfterMs, headers);
    case "invalid_relay_token":
      return new CredentialRefused(401, "authentication_error", "invalid_relay_token",
        "This relay token is not (or no longer) valid: the attendee rotated or revoked their account, or the agent server's set-up is stale.", headers);
    case "no_credential":
      return withHeaders(noCredential({ authMode: config.authMode }), headers);
    case "credential_rejected":
      return withHeaders(credentialRejected({ authMode: config.authMode, kind: result.kind }), headers);
    case "credential_kind_changed":
      return new GatewayError(409, "invalid_request_error", "credential_kind_changed",
        "The attendee's account is of another kind now; the agent server's set-up for it is being updated. Try again.", headers);
    case "no_active_turn":
      return new GatewayError(403, "permission_error", "no_active_turn",
        "The relay serves the model calls of your own agent's turns only, and no turn of yours is running now. Send your request to the gateway's /v1 API.", headers);
    case "too_many_model_calls":
      return new GatewayError(429, "rate_limit_error", "rate_limit_exceeded",
        `This turn has made ${MAX_MODEL_CALLS_PER_TURN} model calls, as many as one turn may. Start a new turn.`, headers);
    case "session_busy":
      return new GatewayError(429, "rate_limit_error", "too_many_requests_in_flight",
        "An earlier turn of this conversation is still running. Wait for it to finish, then try again.",
        { ...headers, ...retryAfterHeaders(result.retryAfterMs) });
  }
}
