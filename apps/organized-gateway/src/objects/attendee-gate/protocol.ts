/** What the Worker, an attendee's Durable Object and a node's Durable Object say to each other. */
import type { Credential } from "../../pipeline/identify";
import type { NodeOutcome } from "../node-gate";
import type { TierLimits, TierTable } from "../../pipeline/admit/tiers";
import type { SpendAsk, SpendRefusal } from "../../credentials/spend";
import type { StoredCredential } from "../../credentials/stored";

export type { StoredCredential } from "../../credentials/stored";

/** A node the request may go to, in the attendee's sticky order (pipeline/route/pool.ts). */
export interface NodeChoice {
  name: string;
  /** Names the node's object: its name and address, so a node given a new address starts afresh. */
  key: string;
  maxConcurrent: number;
}

export interface AdmitRequest {
  now: number;
  /** The canonical id this object serves (the object's name). */
  userId: string;
  credential: Credential;
  tiers: TierTable;
  /** How long a request waits for one of the attendee's own in-flight slots. */
  queueMs: number;
  /** A lease not renewed within this time is presumed lost (its Worker died) and freed. */
  leaseMs: number;
  nodes: readonly NodeChoice[];
  nodeQueue: { max: number; ms: number };
  /** The tier of an attendee who has none of their own (DEFAULT_TIER). */
  defaultTier: string;
  /** Nodes reserved for a tier (a tier's `node`), by node name. */
  dedicatedNodes: Readonly<Record<string, NodeChoice>>;
  /** The project the request counts against (X-Project-ID, or `default`). */
  project: string;
  /** A free route: limited, but never counted against the month. */
  free: boolean;
  /** The request's id: a turn's model calls through the relay are linked to it. */
  requestId: string;
  /** What the route may spend of the attendee's own credential (credentials/spend.ts); null: nothing. */
  spend: SpendAsk | null;
  /** The route runs an own-agent turn: relay calls are admitted only while one is in flight. */
  turn: boolean;
  /**
   * The upstream session this call runs in, when its node runs one turn of a session at a
   * time (OpenClaw): turns of one session are queued here, never sent to collide there.
   */
  session: string | null;
}

/** Refusals of the credential: the caller has not shown they are this attendee. */
export type CredentialRefusal =
  | "invalid_key"
  | "revoked_key"
  | "user_id_taken"
  | "user_id_revoked"
  | "invalid_relay_token";

export type Refusal =
  | CredentialRefusal
  | "user_blocked"
  | "rate_limited"
  | "key_rate_limited"
  | "key_too_many_inflight"
  | "too_many_inflight"
  | "quota_exceeded"
  | "project_limit"
  | "subscription_required"
  | "host_busy"
  | "host_down"
  | SpendRefusal
  | "no_active_turn"
  | "too_many_model_calls"
  | "session_busy";

const CREDENTIAL_REFUSALS: ReadonlySet<Refusal> = new Set<Refusal>(["invalid_key", "revoked_key", "user_id_taken", "user_id_revoked", "invalid_relay_token"]);

export function isCredentialRefusal(refusal: Refusal): refusal is CredentialRefusal {
  return CREDENTIAL_REFUSALS.has(refusal);
}

export interface Allowance {
  limit: number;
  remaining: number;
  resetMs: number;
}

/**
 * The grant: everything admission decided for one request — who (tier, session
 * generation), the limits that applied, the attendee's slot, and the node chosen with a
 * slot on it. `route` builds the upstream call from it; `settle` releases what it holds.
 */
export interface Grant extends Allowance {
  ok: true;
  leaseId: string;
  node: string;
  nodeLeaseId: string;
  generation: number;
  /** A BYOK id not yet bound: it binds to this key once the upstream accepts it (a 2xx). */
  provisional: boolean;
  tier: string;
  limits: TierLimits;
  /** The attendee's sealed model credential this call spends (credentials/spend.ts); null: none. */
  credential: StoredCredential | null;
  /** A relay call: the request id of the turn it is part of. */
  turn: string | null;
}

/** What a quota refusal tells the caller: the tier, the month's usage and when it resets, or the projects used. */
export interface QuotaDetail {
  used?: number;
  limit?: number;
  resetsAt?: string;
  projects?: string[];
}

export type AdmitResult =
  | Grant
  | ({
    ok: false; refusal: Refusal; retryAfterMs: number; tier: string; limits: TierLimits | null; detail?: QuotaDetail;
    /** The kind of the attendee's stored credential, for a refusal's wording. */
    kind?: StoredCredential["kind"];
  } & Allowance);

export type EnrollResult =
  | { ok: true; generation: number }
  | { ok: false; reason: "already_enrolled" | "user_id_taken" | "user_id_revoked" };

/** What settle tells the attendee's object besides the log row. */
export interface SettleRequest {
  leaseId: string | null;
  /** How the request went on its node (an unreachable node is marked down). */
  nodeOutcome?: NodeOutcome;
  /** The request reached the upstream: its unit of the month stays spent (otherwise it is given back). */
  reachedUpstream?: boolean;
  /** How the provider took the attendee's credential, when the route spent it. */
  credentialUse?: CredentialUseNote;
  /** A BYOK key the upstream accepted for a provisional id. */
  binding?: SettleBinding;
}

/** How the provider took one stored credential (named by its sealed value: a rotation meanwhile is never overwritten). */
export interface CredentialUseNote {
  sealed: string;
  result: "ok" | "rejected";
  /**
   * When the request that learned it started (epoch ms): an "ok" from a request that began
   * before a refusal was noted says nothing about the credential now (a turn whose stream
   * answered 200 while one of its model calls was refused), so it never masks that refusal.
   */
  since?: number;
}

export interface SettleBinding {
  userId: string;
  keyHash: string;
}

export type FailoverResult =
  | { ok: true; node: string; nodeLeaseId: string }
  | { ok: false; refusal: "host_busy" | "host_down"; retryAfterMs: number };

export interface AttendeeState {
  status: "open" | "revoked";
  generation: number;
  /** Paused by the organiser: every request refused until unblocked; the session is kept. */
  blocked: boolean;
  /** Set by the organiser or a subscription; null: DEFAULT_TIER applies. */
  tier: string | null;
}
