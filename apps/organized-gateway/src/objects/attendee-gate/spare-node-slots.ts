/**
 * SpareNodeSlots: node slots an attendee's object keeps between its own requests, so that
 * back-to-back requests (an agent's tool loop, a client's retries) do not each cost a round
 * trip to the node's object before the upstream call and another one at settle. A slot kept
 * here is still a lease held at the node (node-gate/): it counts against the node's
 * `max_concurrent` exactly as a running request does, so the node never serves more than
 * its cap. The node says which slots may be kept (only while it has room to spare), and
 * takes them back at once when another attendee would have to wait for one (node-gate's
 * reclaim); slots idle longer than SPARE_IDLE_MS go back by themselves.
 *
 * A lease at the node lapses LEASE_MS after it was last renewed: a slot kept here records
 * when, and is renewed (off the hot path, at settle) once it is RENEW_AFTER_MS old.
 */

/** A kept slot nobody of this attendee used for this long goes back to its node. */
export const SPARE_IDLE_MS = 1_000;

export interface SpareSlot {
  /** The lease at the node's object. */
  leaseId: string;
  /** When the node last had this lease renewed (acquired or renewed). */
  renewedAt: number;
}

interface Idle extends SpareSlot {
  idleSince: number;
}

export class SpareNodeSlots {
  /** By node object key: the idle slots, most recently kept last. */
  private readonly byNode = new Map<string, Idle[]>();

  /** An idle slot on this node for a new request, or null (the node's object must be asked). */
  take(node: string): SpareSlot | null {
    const idle = this.byNode.get(node);
    const slot = idle?.pop();
    if (idle && idle.length === 0) this.byNode.delete(node);
    return slot ? { leaseId: slot.leaseId, renewedAt: slot.renewedAt } : null;
  }

  /** Keeps a slot whose request has ended. */
  keep(node: string, slot: SpareSlot, now: number): void {
    const idle = this.byNode.get(node) ?? [];
    idle.push({ ...slot, idleSince: now });
    this.byNode.set(node, idle);
  }

  /** Every idle slot on this node, taken out (to go back to it). */
  drain(node: string): SpareSlot[] {
    const idle = this.byNode.get(node) ?? [];
    this.byNode.delete(node);
    return idle.map(({ leaseId, renewedAt }) => ({ leaseId, renewedAt }));
  }

  /** The slots idle SPARE_IDLE_MS or longer by `now`, taken out, with their nodes. */
  lapsed(now: number): { node: string; slot: SpareSlot }[] {
    const out: { node: string; slot: SpareSlot }[] = [];
    for (const [node, idle] of this.byNode) {
      const keep = idle.filter((slot) => now - slot.idleSince < SPARE_IDLE_MS);
      for (const slot of idle) if (now - slot.idleSince >= SPARE_IDLE_MS) out.push({ node, slot: { leaseId: slot.leaseId, renewedAt: slot.renewedAt } });
      if (keep.length === 0) this.byNode.delete(node);
      else this.byNode.set(node, keep);
    }
    return out;
  }

  /** When the oldest idle slot lapses (null: none kept). */
  nextLapse(): number | null {
    let next: number | null = null;
    for (const idle of this.byNode.values()) {
      for (const slot of idle) next = next === null ? slot.idleSince + SPARE_IDLE_MS : Math.min(next, slot.idleSince + SPARE_IDLE_MS);
    }
    return next;
  }

  get size(): number {
    let n = 0;
    for (const idle of this.byNode.values()) n += idle.length;
    return n;
  }
}

/** Whether a slot must be renewed at its node before it is kept or used again (a third of its lease gone). */
export function needsRenewal(slot: SpareSlot, now: number, leaseMs: number): boolean {
  return now - slot.renewedAt >= leaseMs / 3;
}
