/**
 * AttendeeGate: one Durable Object per attendee (canonical user id), the single place that
 * decides whether a request may go upstream, in one call from the Worker. It strings its
 * parts together in the order decision.ts fixes — credential (AttendeeRecord), blocked,
 * the rolling minute (RollingWindow, and the BYOK key's own minute in the key's object),
 * the attendee's in-flight slot (SlotPool), a slot on the chosen upstream node (NodeGate,
 * Durable Object to Durable Object, failing over along the attendee's sticky order while a
 * node is down) — and answers with one grant. `settle` releases what the grant holds and
 * hands the log row to the RowBatcher.
 *
 * Being single-threaded, the object is exact under concurrency: 120 simultaneous calls
 * admit exactly the limit. Slots are leases the Worker renews while its request runs (this
 * object forwards renewals to the node), so a lost settle frees both within a lease.
 * Log rows are never only in memory once `settle` has answered: see pipeline/settle/row-batcher.ts.
 * A node slot may outlive its request here, idle, for the attendee's next request
 * (spare-node-slots.ts): no round trip to the node's object before that one's upstream call.
 */
import { DurableObject } from "cloudflare:workers";
import { configFor } from "../../settings/config";
import { relayTokenRefusal } from "../../credentials/names";
import { decideSpend } from "../../credentials/spend";
import type { Credential } from "../../pipeline/identify";
import type { RequestRow } from "../../pipeline/settle/request-row";
import { RowBatcher } from "../../pipeline/settle/row-batcher";
import { AttendeeRecord } from "./record";
import { decideInOrder, type Step } from "../limits/decision";
import type { NodeOutcome } from "../node-gate";
import { NodeGateClient } from "../node-gate/client";
import type {
  AdmitRequest, AdmitResult, AttendeeState, CredentialRefusal, CredentialUseNote, EnrollResult, FailoverResult, NodeChoice, QuotaDetail, SettleRequest, StoredCredential,
} from "./protocol";
import { RollingWindow } from "../limits/rolling-window";
import { SlotPool } from "../limits/slot-pool";
import { MonthlyQuota, periodOf, type PeriodUsage } from "./monthly-quota";
import { EVENT_TIER, tierLimits } from "../../pipeline/admit/tiers";
import { ownValue } from "../../shared/own-key";
import { TurnBook } from "./turns";
import { KeyWindowClient, type KeySurrender } from "../key-window";
import { WINDOW_MS } from "../limits/window";
import { decideRegistration } from "./registrations";
import { SpareNodeSlots, needsRenewal, type SpareSlot } from "./spare-node-slots";

const REGISTRATIONS_KEY = "registrations";

type NodeReservation =
  | { ok: true; node: string; key: string; nodeLeaseId: string; reusable: boolean; renewedAt: number }
  | Extract<FailoverResult, { ok: false }>;

/**
 * What a granted request holds besides its own slot, by that slot's lease: its node slot
 * (node = the node object's key; "" once given up, or none), the month's unit it reserved, its
 * session's turn, and for a relay call the turn it belongs to.
 */
interface Held {
  node: string;
  leaseId: string;
  /** The node said this slot may be kept for the attendee's next request (spare-node-slots.ts). */
  reusable: boolean;
  /** When the node last renewed the node slot's lease. */
  renewedAt: number;
  leaseMs: number;
  quota: { period: string; project: string } | null;
  claim: string | null;
  session: { key: string; leaseId: string } | null;
  turnOf: string | null;
  /** A BYOK request's slot in its key's window. */
  key: { window: KeyWindowClient; leaseId: string } | null;
  /** Admitted while the key was handed to this object (key-window): counted here, not there. */
  keyHeld: boolean;
}

export class AttendeeGate extends DurableObject<Env> {
  private readonly record: AttendeeRecord;
  private readonly window: RollingWindow;
  private readonly slots = new SlotPool();
  private readonly rows: RowBatcher;
  private readonly quota: MonthlyQuota;
  /** This object's attendee, as the latest admission named it (for the ledger's rows). */
  private userId: string | null = null;
  /**
   * What each granted request holds besides its own slot, by that slot's lease: its node
   * slot (node = the node object's key; "" once given up) and the month's unit it reserved.
   */
  private readonly held = new Map<string, Held>();
  /** The attendee's own-agent turns in flight, and the relay calls made inside them. */
  private readonly turns = new TurnBook();
  /** One turn at a time per upstream session (OpenClaw serialises them, and fails a second one that starts). */
  private readonly sessions = new Map<string, SlotPool>();
  /** Node slots kept idle between this attendee's requests, and the timer that returns the lapsed ones. */
  private readonly spare = new SpareNodeSlots();
  private spareTimer: ReturnType<typeof setTimeout> | null = null;
  /**
   * The BYOK key handed to this object by its KeyWindow (everything there was this attendee's):
   * its requests with it are counted here, their times kept for the take-back. `surrenders`
   * counts take-backs, so a hand-over answered across one is not taken up.
   */
  private key: { keyHash: string; window: KeyWindowClient; times: number[] } | null = null;
  private surrenders = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.record = new AttendeeRecord(ctx.storage);
    this.window = new RollingWindow(ctx.storage);
    this.quota = new MonthlyQuota(ctx.storage);
    this.rows = new RowBatcher(ctx.storage, env.DB, () => this.quota.ledger(env.DB, this.userId));
  }

  async admit(request: AdmitRequest): Promise<AdmitResult> {
    const { now, credential } = request;
    this.userId = request.userId;
    if (credential.kind === "relay") return this.admitModelCall(request, credential);
    const tier = this.record.state.tier ?? request.defaultTier;
    const tierRow = tierLimits(request.tiers, tier);
    // Without a tier the checks still run in order (a wrong key is told so first), with the
    // event tier's pace, and the quota step refuses.
    const limits = tierRow ?? tierLimits(request.tiers, EVENT_TIER)!;
    const verdict = this.record.check(credential);
    // Claimed before anything is awaited: a second key checked while this admission waits sees it.
    const claim = verdict.provisional && credential.kind === "byok" ? this.record.claim(credential.keyHash, now) : null;
    // One BYOK key is limited as one attendee is, however many ids it is used with (key-window).
    const keyWindow = credential.kind === "byok" ? KeyWindowClient.of(this.env, credential.keyHash) : null;
    let keyLease: string | null = null;
    /** This request was counted here under the handed-over key (and the take-backs seen then). */
    let keyHeld: { surrenders: number } | null = null;
    const period = periodOf(now);
    const counted = !request.free && tierRow !== null && (tierRow.requestsPerMonth !== null || tierRow.projects !== null);
    let leaseId = "";
    let node: Pick<Held, "node" | "leaseId" | "reusable" | "renewedAt" | "leaseMs"> | null = null;
    let spent: StoredCredential | null = null;
    let session: { key: string; leaseId: string } | null = null;
    let detail: QuotaDetail | undefined;
    // A tier with a dedicated node goes there, and only there.
    const dedicated = limits.node ? ownValue(request.dedicatedNodes, limits.node) : undefined;
    const nodes = dedicated ? [dedicated] : request.nodes;

    const steps: Step[] = [
      { name: "credential", run: () => (verdict.refusal ? { ok: false, refusal: verdict.refusal, retryAfterMs: 0 } : { ok: true }) },
      { name: "blocked", run: () => (this.record.state.blocked ? { ok: false, refusal: "user_blocked", retryAfterMs: 0 } : { ok: true }) },
      {
        name: "account",
        run: () => {
          const decision = decideSpend(this.record.credential(), request.spend);
          if (!decision.ok) return { ok: false, refusal: decision.refusal, retryAfterMs: 0 };
          spent = decision.credential;
          return { ok: true };
        },
      },
      {
        name: "window",
        run: async () => {
          const own = this.window.take(now, limits.perMinute);
          return own.admitted ? { ok: true } : { ok: false, refusal: "rate_limited", retryAfterMs: own.retryAfterMs };
        },
        undo: () => this.window.refund(now),
      },
      {
        name: "quota",
        run: () => {
          if (tierRow === null) return { ok: false, refusal: "subscription_required", retryAfterMs: 0 };
          if (!counted) return { ok: true };
          const answer = this.quota.reserve(period, request.project, tierRow);
          if (answer.ok) return { ok: true };
          const { reason, ...rest } = answer;
          detail = rest;
          return { ok: false, refusal: reason, retryAfterMs: 0 };
        },
        undo: () => {
          if (counted) this.quota.refund(period, request.project);
        },
      },
      {
        name: "session",
        run: async () => {
          if (request.session === null) return { ok: true };
          const key = `${this.record.state.generation}\0${request.session}`;
          let pool = this.sessions.get(key);
          if (!pool) this.sessions.set(key, (pool = new SlotPool()));
          const answer = await pool.acquire({ now, cap: 1, leaseMs: request.leaseMs, queueMs: request.queueMs, queueMax: Infinity, priority: 0 });
          if (!("leaseId" in answer)) return { ok: false, refusal: "session_busy", retryAfterMs: 1_000 };
          session = { key, leaseId: answer.leaseId };
          return { ok: true };
        },
        undo: () => this.releaseSession(session),
      },
      {
        name: "slot",
        run: async () => {
          const answer = await this.slots.acquire({
            now, cap: limits.maxInflight, leaseMs: request.leaseMs, queueMs: request.queueMs, queueMax: Infinity, priority: 0,
          });
          if (!("leaseId" in answer)) return { ok: false, refusal: "too_many_inflight", retryAfterMs: 1_000 };
          leaseId = answer.leaseId;
          if (!keyWindow) return { ok: true };
          // The key is this object's to count: the attendee's own minute and slot (the same limits) were just taken.
          if (this.key !== null && credential.kind === "byok" && this.key.keyHash === credential.keyHash) {
            this.key.times.push(now);
            keyHeld = { surrenders: this.surrenders };
            return { ok: true };
          }
          const asked = this.surrenders;
          const perKey = await keyWindow.admit({
            now, perMinute: limits.perMinute, maxInflight: limits.maxInflight, leaseMs: request.leaseMs, queueMs: request.queueMs, holder: request.userId,
          });
          if (perKey.ok) {
            keyLease = perKey.leaseId;
            // Handed over, unless taken back while the answer was on its way.
            if (perKey.exclusive && asked === this.surrenders && credential.kind === "byok") this.key = { keyHash: credential.keyHash, window: keyWindow, times: [] };
            return { ok: true };
          }
          this.slots.release(leaseId);
          leaseId = "";
          return { ok: false, refusal: perKey.refusal, retryAfterMs: perKey.retryAfterMs };
        },
        undo: async () => {
          this.slots.release(leaseId);
          // It never went upstream: the key's minute is given back with its slot.
          if (keyLease) await keyWindow?.release(keyLease, now).catch(() => {});
          // Counted here: given back here, unless the key went back meanwhile (then it stays counted there).
          if (keyHeld && keyHeld.surrenders === this.surrenders && this.key) {
            const at = this.key.times.lastIndexOf(now);
            if (at >= 0) this.key.times.splice(at, 1);
          }
        },
      },
      {
        name: "node",
        run: async () => {
          const result = await this.reserveNode(nodes, limits.priority, request, Date.now());
          if (!result.ok) return result;
          node = { node: result.key, leaseId: result.nodeLeaseId, reusable: result.reusable, renewedAt: result.renewedAt, leaseMs: request.leaseMs };
          return { ok: true };
        },
      },
    ];
    const decision = await decideInOrder(steps);
    const allowance = this.window.allowance(Date.now(), limits.perMinute);
    if (!decision.ok) {
      if (claim) this.record.release(claim);
      return { ok: false, refusal: decision.refusal, retryAfterMs: decision.retryAfterMs, tier, limits: tierRow, detail, ...allowance, kind: this.record.credential()?.kind };
    }
    const granted = node as unknown as Pick<Held, "node" | "leaseId" | "reusable" | "renewedAt" | "leaseMs">;
    let key: Held["key"] = keyWindow && keyLease ? { window: keyWindow, leaseId: keyLease as string } : null;
    // Counted here, but the key was taken back while this admission waited for its node: it
    // did not go back as running, so it is counted there now, under its own lease id.
    const heldHere = keyHeld !== null && (keyHeld as { surrenders: number }).surrenders === this.surrenders;
    if (keyHeld !== null && !heldHere && keyWindow) {
      await keyWindow.adopt(leaseId, request.leaseMs).catch(() => {});
      key = { window: keyWindow, leaseId };
    }
    this.held.set(leaseId, {
      ...granted, quota: counted ? { period, project: request.project } : null, claim, session, turnOf: null, key, keyHeld: heldHere,
    });
    if (request.turn && spent) this.turns.start(leaseId, request.requestId, now, request.leaseMs);
    return {
      ok: true, leaseId, node: nodes.find((n) => n.key === granted.node)!.name, nodeLeaseId: granted.leaseId,
      generation: this.record.state.generation, provisional: verdict.provisional, tier, limits,
      credential: spent, turn: null, ...allowance,
    };
  }

  /**
   * A model call of the attendee's own agent, through the relay: its token must be minted for
   * the credential stored now, the attendee must not be blocked, the credential must be of the
   * kind the call asks for, and the attendee must be running a turn (turns.ts). It takes no
   * minute and no slot of its own: its turn already did.
   */
  private async admitModelCall(request: AdmitRequest, claim: Extract<Credential, { kind: "relay" }>): Promise<AdmitResult> {
    const { now } = request;
    const tier = this.record.state.tier ?? request.defaultTier;
    const limits = tierLimits(request.tiers, tier) ?? tierLimits(request.tiers, EVENT_TIER)!;
    const stored = this.record.credential();
    let call: { turnLease: string; requestId: string } | null = null;
    const steps: Step[] = [
      {
        name: "credential",
        run: async () => {
          const refusal = await relayTokenRefusal(configFor(this.env).hashSecret, { userId: request.userId, ...claim }, stored, this.record.state);
          return refusal ? { ok: false, refusal, retryAfterMs: 0 } : { ok: true };
        },
      },
      { name: "blocked", run: () => (this.record.state.blocked ? { ok: false, refusal: "user_blocked", retryAfterMs: 0 } : { ok: true }) },
      {
        name: "account",
        run: () => {
          const decision = decideSpend(stored, request.spend);
          return decision.ok ? { ok: true } : { ok: false, refusal: decision.refusal, retryAfterMs: 0 };
        },
      },
      {
        name: "turn",
        run: () => {
          const admitted = this.turns.admitCall(now);
          if (!admitted.ok) return { ok: false, refusal: admitted.refusal, retryAfterMs: admitted.refusal === "no_active_turn" ? 0 : 60_000 };
          call = admitted;
          return { ok: true };
        },
      },
    ];
    const decision = await decideInOrder(steps);
    const allowance = this.window.allowance(now, limits.perMinute);
    if (!decision.ok) return { ok: false, refusal: decision.refusal, retryAfterMs: decision.retryAfterMs, tier, limits, ...allowance, kind: stored?.kind };
    const inTurn = call as unknown as { turnLease: string; requestId: string };
    const leaseId = crypto.randomUUID();
    this.held.set(leaseId, {
      node: "", leaseId: "", reusable: false, renewedAt: 0, leaseMs: request.leaseMs, quota: null, claim: null, session: null, turnOf: inTurn.turnLease, key: null, keyHeld: false,
    });
    return {
      ok: true, leaseId, node: "", nodeLeaseId: "", generation: this.record.state.generation, provisional: false, tier, limits,
      credential: stored, turn: inTurn.requestId, ...allowance,
    };
  }

  private releaseSession(session: { key: string; leaseId: string } | null): void {
    if (!session) return;
    const pool = this.sessions.get(session.key);
    if (!pool) return;
    pool.release(session.leaseId);
    if (pool.inUse === 0 && pool.queued === 0) this.sessions.delete(session.key);
  }

  /**
   * The granted node could not be reached: it is marked down, and the request moves to the
   * next node in the attendee's order (the upstream never saw it, so nothing is done twice).
   */
  async failover(leaseId: string, remaining: readonly NodeChoice[], request: Pick<AdmitRequest, "tiers" | "leaseMs" | "nodeQueue" | "defaultTier">): Promise<FailoverResult> {
    const held = this.held.get(leaseId);
    if (!held) return { ok: false, refusal: "host_down", retryAfterMs: 1_000 };
    await this.nodeGate(held.node).release(held.leaseId, "unreachable").catch(() => {});
    // Slots kept on a node that cannot be reached would only send the next requests there.
    await this.returnSpare(held.node, this.spare.drain(held.node));
    const limits = tierLimits(request.tiers, this.record.state.tier ?? request.defaultTier) ?? tierLimits(request.tiers, EVENT_TIER)!;
    const result = await this.reserveNode(remaining, limits.priority, request, Date.now());
    if (!result.ok) {
      held.node = "";
      return result;
    }
    Object.assign(held, { node: result.key, leaseId: result.nodeLeaseId, reusable: result.reusable, renewedAt: result.renewedAt });
    return { ok: true, node: result.node, nodeLeaseId: result.nodeLeaseId };
  }

  /** Keeps a lease (and its node slot) alive while its request runs; false when already freed. */
  async renew(leaseId: string): Promise<boolean> {
    const held = this.held.get(leaseId);
    if (held?.node && await this.nodeGate(held.node).renew(held.leaseId).catch(() => false)) held.renewedAt = Date.now();
    if (held?.session) this.sessions.get(held.session.key)?.renew(held.session.leaseId);
    if (held?.key) await held.key.window.renew(held.key.leaseId).catch(() => false);
    this.turns.renew(leaseId, Date.now());
    return this.slots.renew(leaseId);
  }

  /**
   * Returns the slots at once, binds a BYOK key the upstream accepted, then answers when the
   * request's log row is safe (in D1, or in the outbox for a retry).
   */
  async settle(request: SettleRequest, row: RequestRow, flushMs: number): Promise<void> {
    const held = request.leaseId ? this.held.get(request.leaseId) : undefined;
    // Everything decided here is decided before the first await, so the attendee's next
    // request (often already on its way) finds its slots back and a BYOK key bound.
    if (request.credentialUse) this.record.noteCredentialUse(request.credentialUse, new Date().toISOString());
    const bound = request.binding !== undefined && this.record.bindAccepted(request.binding.keyHash);
    const returned: Promise<unknown>[] = [];
    if (request.leaseId) {
      this.slots.release(request.leaseId);
      this.held.delete(request.leaseId);
      // A request that never reached the upstream does not use up the month.
      if (held?.quota && !request.reachedUpstream) this.quota.refund(held.quota.period, held.quota.project);
      const outcome: NodeOutcome = request.nodeOutcome ?? "answered";
      this.releaseSession(held?.session ?? null);
      if (held?.node) {
        returned.push(held.reusable && outcome === "answered"
          ? this.keepSpare(held.node, held)
          : this.nodeGate(held.node).release(held.leaseId, outcome).catch(() => {}));
      }
      if (held?.key) returned.push(held.key.window.release(held.key.leaseId).catch(() => {}));
      // A relay call's tokens count for its turn; a turn's row says what all its calls cost.
      if (held?.turnOf) {
        this.turns.endCall(held.turnOf, row.tokens_est);
      } else {
        const tally = await this.turns.finish(request.leaseId);
        if (tally) Object.assign(row, { model_calls: tally.calls, model_tokens: tally.tokens });
      }
    }
    if (bound) returned.push(this.rosterBinding(request.binding!.userId));
    await Promise.all(returned);
    // Only now, with the key bound if the upstream took it, may another key try the id.
    if (held?.claim) this.record.release(held.claim);
    await this.rows.add(row, flushMs);
  }

  enroll(keyId: string, keyHash: string, byokHash: string | null): EnrollResult {
    return this.record.enroll(keyId, keyHash, byokHash);
  }

  issueKey(keyId: string, keyHash: string): AttendeeState & { reinstated: boolean } {
    return this.record.issueKey(keyId, keyHash);
  }

  withdrawKey(keyId: string): void {
    this.record.withdrawKey(keyId);
  }

  revokeKey(keyId: string): { revoked: boolean } & AttendeeState {
    return this.record.revokeKey(keyId);
  }

  reinstate(): AttendeeState & { reinstated: boolean } {
    return this.record.reinstate();
  }

  reset(): { reset: boolean; revokedKeyIds: string[] } & AttendeeState {
    return this.record.reset();
  }

  setBlocked(blocked: boolean): AttendeeState {
    return this.record.setBlocked(blocked);
  }

  /** This attendee's requests in a month, by project (the ledger's truth). */
  monthlyUsage(period: string): PeriodUsage {
    return this.quota.usage(period);
  }

  /** Is this the attendee's credential? Checks it and nothing else (the billing page's sign-in). */
  checkCredential(credential: Credential): CredentialRefusal | null {
    return this.record.check(credential).refusal;
  }

  /** The attendee's sealed model credential (the Worker seals and opens it; see credentials/). */
  getCredential(): StoredCredential | null {
    return this.record.credential();
  }

  setCredential(credential: StoredCredential | null): void {
    this.record.setCredential(credential);
  }

  /** How the provider took a stored credential (the relay's calls; /v1 notes it with settle). */
  noteCredentialUse(note: CredentialUseNote): void {
    this.record.noteCredentialUse(note, new Date().toISOString());
  }

  /** Sets the tier, and says which it replaced (for the audit trail; null: none of their own). */
  setTier(tier: string | null): AttendeeState & { previousTier: string | null } {
    const previousTier = this.record.state.tier;
    return { ...this.record.setTier(tier), previousTier };
  }

  /**
   * May this attendee register a model credential now? Refused while blocked (a blocked
   * attendee's registration would still rewrite the hosts' config), and past
   * REGISTRATIONS_PER_WINDOW (registrations.ts). Counted here, atomically, before any work.
   */
  admitRegistration(now: number): { ok: true } | { ok: false; refusal: "user_blocked" } | { ok: false; refusal: "too_many_registrations"; retryAfterMs: number } {
    if (this.record.state.blocked) return { ok: false, refusal: "user_blocked" };
    const decision = decideRegistration(this.ctx.storage.kv.get<number[]>(REGISTRATIONS_KEY) ?? [], now);
    this.ctx.storage.kv.put(REGISTRATIONS_KEY, decision.times);
    return decision.ok ? { ok: true } : { ok: false, refusal: "too_many_registrations", retryAfterMs: decision.retryAfterMs };
  }

  /** What the admin API may show: counts and flags, never a hash. */
  describe(now = Date.now()) {
    this.slots.expire(now);
    return {
      ...this.record.state,
      activeKeys: this.record.activeKeyCount(),
      byokBound: this.record.byokBound(),
      inWindow: this.window.inWindow(now),
      inflight: this.slots.inUse,
      queued: this.slots.queued,
      unflushedRows: this.rows.unwritten(),
    };
  }

  /** Set only when a write to D1 failed: retries the outbox. */
  async alarm(): Promise<void> {
    await this.rows.retryOutbox();
  }

  /**
   * The key's object takes the key back (another attendee asks with it): from now on every
   * request with it is counted there. Hands over the times of the last minute's requests
   * counted here, and the running ones, which settle releases there from now on.
   */
  surrenderKey(): KeySurrender {
    this.surrenders++;
    const key = this.key;
    this.key = null;
    if (!key) return { times: [], running: [] };
    const running: KeySurrender["running"] = [];
    for (const [leaseId, held] of this.held) {
      if (!held.keyHeld) continue;
      held.keyHeld = false;
      held.key = { window: key.window, leaseId };
      running.push({ leaseId, leaseMs: held.leaseMs });
    }
    const since = Date.now() - WINDOW_MS;
    return { times: key.times.filter((t) => t > since), running };
  }

  /**
   * The node asks for its idle slots back (another attendee would wait for one, or it went
   * down): they go back, and the slots this attendee's running requests hold there go back
   * when those end instead of being kept.
   */
  async returnSpareSlots(node: string): Promise<void> {
    for (const held of this.held.values()) if (held.node === node) held.reusable = false;
    await this.returnSpare(node, this.spare.drain(node));
  }

  /** Keeps an ended request's node slot for the next request (renewed at the node first when a third of its lease is gone). */
  private async keepSpare(node: string, held: Pick<Held, "leaseId" | "renewedAt" | "leaseMs">): Promise<void> {
    const now = Date.now();
    const slot: SpareSlot = { leaseId: held.leaseId, renewedAt: held.renewedAt };
    if (needsRenewal(slot, now, held.leaseMs)) {
      // A lease the node no longer holds is no slot: nothing to keep.
      if (!(await this.nodeGate(node).renew(slot.leaseId).catch(() => false))) return;
      slot.renewedAt = now;
    }
    this.spare.keep(node, slot, now);
    this.scheduleSpareReturn();
  }

  private async returnSpare(node: string, slots: readonly SpareSlot[]): Promise<void> {
    await Promise.all(slots.map((slot) => this.nodeGate(node).release(slot.leaseId, "answered").catch(() => {})));
  }

  private scheduleSpareReturn(): void {
    if (this.spareTimer) return;
    const next = this.spare.nextLapse();
    if (next === null) return;
    this.spareTimer = setTimeout(() => {
      this.spareTimer = null;
      const lapsed = this.spare.lapsed(Date.now());
      for (const { node, slot } of lapsed) void this.returnSpare(node, [slot]);
      this.scheduleSpareReturn();
    }, Math.max(0, next - Date.now()) + 5);
  }

  /** Tries the nodes in order: a slot kept here or the first node with a slot wins; a down one passes to the next; a busy one refuses. */
  private async reserveNode(
    nodes: readonly NodeChoice[], priority: number, request: Pick<AdmitRequest, "leaseMs" | "nodeQueue">, now: number,
  ): Promise<NodeReservation> {
    let downFor = 0;
    for (const node of nodes) {
      const kept = this.spare.take(node.key);
      if (kept) return { ok: true, node: node.name, key: node.key, nodeLeaseId: kept.leaseId, reusable: true, renewedAt: kept.renewedAt };
      const slot = await this.nodeGate(node.key).acquire({
        now, priority, maxConcurrent: node.maxConcurrent, queueMax: request.nodeQueue.max, queueMs: request.nodeQueue.ms,
        leaseMs: request.leaseMs, holder: this.userId ?? undefined, node: node.key,
      });
      if (slot.ok) return { ok: true, node: node.name, key: node.key, nodeLeaseId: slot.leaseId, reusable: slot.spare === true, renewedAt: now };
      // Busy is not a reason to move: the attendee's session lives on their node.
      if (slot.reason === "busy") return { ok: false, refusal: "host_busy", retryAfterMs: slot.retryAfterMs };
      downFor = downFor === 0 ? slot.retryAfterMs : Math.min(downFor, slot.retryAfterMs);
    }
    return { ok: false, refusal: "host_down", retryAfterMs: Math.max(1_000, downFor) };
  }

  private async rosterBinding(userId: string): Promise<void> {
    try {
      await this.env.DB.prepare("INSERT OR IGNORE INTO attendees (user_id, source, generation) VALUES (?, 'byok', ?)")
        .bind(userId, this.record.state.generation).run();
    } catch (error) {
      // The roster is a listing; the binding is what admission checks.
      console.error(JSON.stringify({ event: "roster_write_failed", error: String(error) }));
    }
  }

  private nodeGate(key: string): NodeGateClient {
    return NodeGateClient.named(this.env, key);
  }
}
