/**
 * SlotPool: a number of slots (requests running at once) held as leases, with a bounded
 * queue for requests that find them all taken, served by priority and oldest first within
 * a priority. It is the in-flight cap of an attendee (one priority) and of an upstream node
 * (tier priorities) alike.
 *
 * A lease lives `leaseMs` unless renewed, so a request whose settle never comes (its
 * Worker died) frees its slot within one lease. Lapsed leases are freed when the pool is
 * next asked (acquire, expire); while requests wait in the queue, a timer also frees them
 * when no new request arrives, so the queue is not left waiting for one. With nobody
 * queued there is no timer: a timer set and cleared per request was measurable CPU
 * (`npm run profile -w bench`) and bought nothing.
 */

interface Lease {
  expiresAt: number;
  leaseMs: number;
}

interface Waiter {
  priority: number;
  leaseMs: number;
  resolve: (leaseId: string | null) => void;
  timer: ReturnType<typeof setTimeout>;
}

export interface SlotAsk {
  now: number;
  cap: number;
  leaseMs: number;
  /** How long to wait in the queue for a slot (0: do not queue). */
  queueMs: number;
  /** How many may wait at once (Infinity: no bound). */
  queueMax: number;
  priority: number;
}

/** A lease id, or why there is none: the queue was full, or the wait ran out. */
export type SlotAnswer = { leaseId: string } | { refused: "queue_full" | "wait_expired" };

export class SlotPool {
  private readonly leases = new Map<string, Lease>();
  private readonly queue: Waiter[] = [];
  private cap = 1;
  private sweep: ReturnType<typeof setTimeout> | null = null;
  /** The most leases held at once since the pool was made. */
  peak = 0;

  get inUse(): number {
    return this.leases.size;
  }

  get queued(): number {
    return this.queue.length;
  }

  async acquire(ask: SlotAsk): Promise<SlotAnswer> {
    this.cap = ask.cap;
    this.expire(ask.now);
    if (this.leases.size < this.cap && this.queue.length === 0) return { leaseId: this.lease(ask.now, ask.leaseMs) };
    if (ask.queueMs <= 0 || this.queue.length >= ask.queueMax) return { refused: "queue_full" };
    const leaseId = await new Promise<string | null>((resolve) => {
      const waiter: Waiter = {
        priority: ask.priority, leaseMs: ask.leaseMs, resolve,
        timer: setTimeout(() => {
          const index = this.queue.indexOf(waiter);
          if (index >= 0) this.queue.splice(index, 1);
          resolve(null);
        }, ask.queueMs),
      };
      // Behind every waiter of equal or higher priority: tier order, oldest first within a tier.
      let at = this.queue.length;
      while (at > 0 && this.queue[at - 1].priority < waiter.priority) at--;
      this.queue.splice(at, 0, waiter);
      this.scheduleSweep();
    });
    return leaseId ? { leaseId } : { refused: "wait_expired" };
  }

  /** Takes a slot whatever the cap (a probe of a node coming back); never queues. */
  force(now: number, leaseMs: number): string {
    return this.lease(now, leaseMs);
  }

  /** Counts a request already running elsewhere, under its own lease id, whatever the cap (key-window's take-back). */
  adopt(leaseId: string, now: number, leaseMs: number): void {
    this.leases.set(leaseId, { expiresAt: now + leaseMs, leaseMs });
    this.peak = Math.max(this.peak, this.leases.size);
  }

  renew(leaseId: string, now = Date.now()): boolean {
    const lease = this.leases.get(leaseId);
    if (!lease) return false;
    lease.expiresAt = now + lease.leaseMs;
    return true;
  }

  /** Frees a slot (true when it was held) and hands freed slots to the queue. */
  release(leaseId: string, now = Date.now()): boolean {
    const held = this.leases.delete(leaseId);
    if (held) this.handOver(now);
    if (this.leases.size === 0 && this.sweep) {
      clearTimeout(this.sweep);
      this.sweep = null;
    }
    return held;
  }

  /** Sends every queued request away empty-handed (their slots will not come). */
  turnAwayQueue(): void {
    for (const waiter of this.queue.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.resolve(null);
    }
  }

  /** Hands freed slots to the queue, highest priority and oldest first. */
  handOver(now: number): void {
    while (this.queue.length > 0 && this.leases.size < this.cap) {
      const waiter = this.queue.shift()!;
      clearTimeout(waiter.timer);
      waiter.resolve(this.lease(now, waiter.leaseMs));
    }
  }

  expire(now: number): void {
    let freed = false;
    for (const [id, lease] of this.leases) {
      if (lease.expiresAt <= now) freed = this.leases.delete(id) || freed;
    }
    if (freed) this.handOver(now);
  }

  private lease(now: number, leaseMs: number): string {
    const leaseId = crypto.randomUUID();
    this.leases.set(leaseId, { expiresAt: now + leaseMs, leaseMs });
    this.peak = Math.max(this.peak, this.leases.size);
    return leaseId;
  }

  private scheduleSweep(): void {
    if (this.sweep || this.leases.size === 0 || this.queue.length === 0) return;
    const next = Math.min(...[...this.leases.values()].map((l) => l.expiresAt));
    this.sweep = setTimeout(() => {
      this.sweep = null;
      this.expire(Date.now());
      this.scheduleSweep();
    }, Math.max(0, next - Date.now()) + 10);
  }
}
