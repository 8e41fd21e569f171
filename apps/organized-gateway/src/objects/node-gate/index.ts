/**
 * NodeGate: one Durable Object per upstream node (an OpenClaw host). It protects the host
 * itself: at most `maxConcurrent` requests run on it at once, whoever they come from; more
 * wait in a bounded queue served by tier priority, oldest first within a tier (the seed's
 * "priority slots"); past the bound, or after `queueMs`, the request is refused (503
 * host_busy) rather than pile onto a host that is running out of memory.
 *
 * Slots are leases (slot-pool.ts), renewed while their request runs — the attendee's object
 * forwards the Worker's renewals — so a stream holds its slot until it ends and a lost
 * settle frees it within one lease. Health is passive: a request that could not reach the
 * host marks it down for DOWN_MS, during which it answers at once so attendees fail over to
 * their next node; then one probe request is let through (`probing`). The probe asks only
 * "does the host take a connection?": a host that is still gone refuses it within
 * milliseconds (released as `unreachable`: down again), so a probe that has not failed
 * within PROBE_MS found the host back, and the node is up for everyone — whatever that one
 * request does next (a 20 s answer once held the node half-open for all its 20 s), and
 * even if its settle is lost. Others' asks never extend the probe's lease.
 *
 * An attendee's object may keep a slot between its own requests (attendee-gate/
 * spare-node-slots.ts) when this node says so: only while it has room to spare. A kept slot
 * is a lease like any other, so the cap stays exact; when a request would otherwise wait or
 * be refused for want of a slot, or the node goes down, the node first asks the attendees
 * who may keep slots to give back the idle ones (`reclaim`), and stops letting them keep any.
 */
import { DurableObject } from "cloudflare:workers";
import { SlotPool } from "../limits/slot-pool";

/** A node's object is named by its name and address: a node given a new address starts afresh. */
export function nodeGateName(node: { name: string; baseUrl: string }): string {
  return `node:${node.name}@${node.baseUrl}`;
}

/** After a failed connection, attendees go elsewhere for this long before a probe. */
export const DOWN_MS = 5_000;
/** A probe not refused within this long reached the host: the node is up again. */
export const PROBE_MS = 2_000;

export type NodeState = "up" | "down" | "probing";

export interface NodeSlotRequest {
  now: number;
  /** Higher is served first (the tier's priority). */
  priority: number;
  maxConcurrent: number;
  queueMax: number;
  queueMs: number;
  leaseMs: number;
  /** The attendee's object asking (its name), to be asked for its idle slots back; none: it keeps none. */
  holder?: string;
  /** This node's object key (nodeGateName), named in that ask. */
  node?: string;
}

export type NodeSlot =
  /** `spare`: the asking attendee's object may keep the slot when its request ends. */
  | { ok: true; leaseId: string; spare?: boolean }
  | { ok: false; reason: "busy" | "down"; retryAfterMs: number };

/** How a request on this node ended, as far as the node's health is concerned. */
export type NodeOutcome = "answered" | "unreachable";

export interface NodeDescription {
  state: NodeState;
  inflight: number;
  queued: number;
  peak_inflight: number;
}

export class NodeGate extends DurableObject<Env> {
  private readonly slots = new SlotPool();
  private state: NodeState = "up";
  private downUntil = 0;
  private probeLease: string | null = null;
  private probeStartedAt = 0;
  /** Leases their attendee's object may keep when idle, by lease id: the attendee's object name. */
  private readonly keepers = new Map<string, string>();
  private reclaiming: Promise<void> | null = null;
  private key: string | null = null;

  async acquire(request: NodeSlotRequest): Promise<NodeSlot> {
    const { now } = request;
    if (request.node) this.key = request.node;
    this.slots.expire(now);
    const health = this.health(now);
    if (health === "down") return { ok: false, reason: "down", retryAfterMs: Math.max(1, this.downUntil - now) };
    if (health === "probing") {
      // One request finds out whether the host is back; the others go elsewhere meanwhile.
      if (this.probeLease) return { ok: false, reason: "down", retryAfterMs: Math.max(1, this.probeStartedAt + PROBE_MS - now) };
      this.probeLease = this.slots.force(now, request.leaseMs);
      this.probeStartedAt = now;
      return { ok: true, leaseId: this.probeLease };
    }
    // No room: the idle slots attendees keep come back first, so nobody waits behind them.
    if (this.keepers.size > 0 && (this.slots.inUse >= request.maxConcurrent || this.slots.queued > 0)) await this.reclaim();
    const answer = await this.slots.acquire({
      now, cap: request.maxConcurrent, leaseMs: request.leaseMs,
      queueMs: request.queueMs, queueMax: request.queueMax, priority: request.priority,
    });
    if ("leaseId" in answer) {
      const spare = request.holder !== undefined && this.state === "up" && this.slots.inUse < request.maxConcurrent && this.slots.queued === 0;
      if (spare) this.keepers.set(answer.leaseId, request.holder!);
      return { ok: true, leaseId: answer.leaseId, spare };
    }
    if (this.state === "down") return { ok: false, reason: "down", retryAfterMs: Math.max(1, this.downUntil - Date.now()) };
    return { ok: false, reason: "busy", retryAfterMs: Math.max(1_000, Math.min(request.queueMs, 10_000)) };
  }

  renew(leaseId: string): boolean {
    return this.slots.renew(leaseId);
  }

  /** Frees a slot and records how its request went: an unreachable host is marked down. */
  release(leaseId: string, outcome: NodeOutcome, now = Date.now()): void {
    this.keepers.delete(leaseId);
    const wasProbe = leaseId === this.probeLease;
    if (wasProbe) this.probeLease = null;
    if (outcome === "unreachable") this.markDown(now);
    else if (wasProbe) this.state = "up";
    this.slots.release(leaseId, now);
  }

  describe(now = Date.now()): NodeDescription {
    this.slots.expire(now);
    return { state: this.health(now), inflight: this.slots.inUse, queued: this.slots.queued, peak_inflight: this.slots.peak };
  }

  private health(now: number): NodeState {
    if (this.state === "down" && now >= this.downUntil) this.state = "probing";
    if (this.state === "probing" && this.probeLease && now >= this.probeStartedAt + PROBE_MS) {
      // Not refused in time: the host took the connection. The probe's slot is an ordinary one now.
      this.state = "up";
      this.probeLease = null;
    }
    return this.state;
  }

  private markDown(now: number): void {
    this.state = "down";
    this.downUntil = now + DOWN_MS;
    this.probeLease = null;
    // Queued requests would only wait for a host that is not there: they go elsewhere.
    this.slots.turnAwayQueue();
    // Kept slots would send their attendees' next requests to it: they come back too.
    if (this.keepers.size > 0) void this.reclaim();
  }

  /**
   * Asks every attendee that may keep slots here to give back its idle ones (and keep no more
   * of them); resolves when they answered. One reclaim at a time: later asks share it.
   */
  private reclaim(): Promise<void> {
    const key = this.key;
    if (key === null) return Promise.resolve();
    this.reclaiming ??= (async () => {
      const holders = [...new Set(this.keepers.values())];
      this.keepers.clear();
      await Promise.all(holders.map((holder) =>
        this.env.ATTENDEE_GATE.get(this.env.ATTENDEE_GATE.idFromName(holder)).returnSpareSlots(key).catch(() => {})));
    })().finally(() => {
      this.reclaiming = null;
    });
    return this.reclaiming;
  }
}
