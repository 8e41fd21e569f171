/**
 * Admit: the Worker's side of admission. One call to the attendee's Durable Object decides
 * credential, rate limit and in-flight slot together; this turns its answer into the
 * `X-RateLimit-*` headers and, for a refusal, the error an attendee can act on.
 */
import type { Config } from "../../settings/config";
import type { Principal } from "../identify";
import { GatewayError, refusal, retryAfterHeaders } from "../../errors";
import type { AttendeeGateClient } from "../../objects/attendee-gate/client";
import { nodeGateName } from "../../objects/node-gate";
import { routeTableFor, type Upstream } from "../route";
import { isCredentialRefusal, type AdmitRequest, type AdmitResult, type Allowance, type Grant, type NodeChoice } from "../../objects/attendee-gate/protocol";
import { MAX_MODEL_CALLS_PER_TURN } from "../../objects/attendee-gate/turns";
import { credentialRejected, noCredential } from "../../credentials/errors";
import { tierTableFor } from "./tiers";
import type { RequestClock } from "../settle/request-clock";


/**
 * A lease lives this long unless renewed; the Worker renews it every LEASE_RENEW_MS while
 * its request runs (waiting for the upstream, streaming), so a lost settle frees the slot
 * within a minute instead of holding a quarter of an attendee's capacity.
 */
export const LEASE_MS = 60_000;
/**
 * Also what keeps the attendee's object in memory while its request runs: the runtime evicts
 * (workerd) or hibernates (Cloudflare) an object that has had no request for 10 s, and the
 * object's holdings — leases, the session's queue, the turn a relay call must find — are in
 * memory. A renewal every 5 s means an object with a request in flight is never idle that long.
 */
export const LEASE_RENEW_MS = 5_000;

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
export class CredentialRefused extends GatewayError {
  constructor(refused: GatewayError) {
    super(refused.status, refused.type, refused.code, refused.message, refused.headers);
  }
}

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
  const terms = admissionTerms(config);
  const result = await gate.admit({
    now, userId: principal.userId, credential: principal.credential, nodes: nodeChoices(nodes), ...asked, ...terms,
    // A customer with a cell is served there alone: their tier's node is for the others on the tier.
    dedicatedNodes: nodes.some((node) => node.customers) ? {} : terms.dedicatedNodes,
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

function hostError(code: "host_busy" | "host_down", retryAfterMs: number, headers: Record<string, string>): GatewayError {
  const retryAfter = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return refusal(code, { retryAfter }, { ...headers, ...retryAfterHeaders(retryAfterMs) });
}

/** Keeps the lease alive on the request's clock, until the clock stops (at settle). */
export function keepLease(gate: AttendeeGateClient, leaseId: string, clock: RequestClock): void {
  clock.every(LEASE_RENEW_MS, () => {
    gate.renew(leaseId).catch(() => {});
  });
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
  const waiting = { ...headers, ...retryAfterHeaders(result.retryAfterMs) };
  const detail = result.detail ?? {};
  const { userId } = principal;
  const billingUrl = ask.billingUrl;
  switch (result.refusal) {
    case "invalid_key":
      return new CredentialRefused(refusal("invalid_gateway_key", { why: "unknown" }, headers));
    case "revoked_key":
      return new CredentialRefused(refusal("revoked_gateway_key", undefined, headers));
    case "user_id_taken":
      return new CredentialRefused(refusal("user_id_taken", { why: "bound", userId }, headers));
    case "user_id_revoked":
      return new CredentialRefused(refusal("user_id_revoked", { why: "request", userId }, headers));
    case "invalid_relay_token":
      return new CredentialRefused(refusal("invalid_relay_token", undefined, headers));
    case "user_blocked":
      return refusal("user_blocked", undefined, headers);
    case "rate_limited":
      return refusal("rate_limit_exceeded", { limit: result.limit, retryAfter }, waiting);
    case "key_rate_limited":
      return refusal("rate_limit_exceeded", { limit: result.limit, retryAfter, per: "key" }, waiting);
    case "too_many_model_calls":
      return refusal("rate_limit_exceeded", { limit: MAX_MODEL_CALLS_PER_TURN, per: "turn" }, headers);
    case "key_too_many_inflight":
      return refusal("too_many_requests_in_flight", { maxInflight: result.limits?.maxInflight ?? config.limits.maxInflight, per: "key" }, waiting);
    case "too_many_inflight":
      return refusal("too_many_requests_in_flight", { maxInflight: result.limits?.maxInflight ?? config.limits.maxInflight }, waiting);
    case "session_busy":
      return refusal("too_many_requests_in_flight", { why: "session_busy" }, waiting);
    case "quota_exceeded":
      return refusal("quota_exceeded", {
        tier: result.tier ?? "", limit: detail.limit ?? 0, used: detail.used ?? 0, resetsOn: detail.resetsAt?.slice(0, 10) ?? "", billingUrl,
      }, headers);
    case "project_limit":
      return refusal("project_limit", { tier: result.tier ?? "", limit: detail.limit ?? 0, projects: detail.projects ?? [], billingUrl }, headers);
    case "subscription_required":
      return refusal("subscription_required", { billingUrl }, headers);
    case "host_busy":
    case "host_down":
      return hostError(result.refusal, result.retryAfterMs, headers);
    case "no_credential":
      return noCredential({ authMode: config.authMode }).withHeaders(headers);
    case "credential_rejected":
      return credentialRejected({ authMode: config.authMode, kind: result.kind }).withHeaders(headers);
    case "credential_kind_changed":
      return refusal("credential_kind_changed", undefined, headers);
    case "no_active_turn":
      return refusal("no_active_turn", undefined, headers);
  }
}
