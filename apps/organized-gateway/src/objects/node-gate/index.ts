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
}

export type NodeSlot =
  | { ok: true; leaseId: string }
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

  async acquire(request: NodeSlotRequest): Promise<NodeSlot> {
    const { now } = request;
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
    const answer = await this.slots.acquire({
      now, cap: request.maxConcurrent, leaseMs: request.leaseMs,
      queueMs: request.queueMs, queueMax: request.queueMax, priority: request.priority,
    });
    if ("leaseId" in answer) return { ok: true, leaseId: answer.leaseId };
    if (this.state === "down") return { ok: false, reason: "down", retryAfterMs: Math.max(1, this.downUntil - Date.now()) };
    return { ok: false, reason: "busy", retryAfterMs: Math.max(1_000, Math.min(request.queueMs, 10_000)) };
  }

  renew(leaseId: string): boolean {
    return this.slots.renew(leaseId);
  }

  /** Frees a slot and records how its request went: an unreachable host is marked down. */
  release(leaseId: string, outcome: NodeOutcome, now = Date.now()): void {
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
  }
}
