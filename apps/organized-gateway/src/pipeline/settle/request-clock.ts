/**
 * RequestClock: one timer per request for every deadline the request has — the upstream's
 * time to answer (forward), the lease renewals that keep its slots and its attendee's object
 * alive (admit). A timer costs a request more than the work its callback does (`npm run
 * profile -w bench`: two timers were ~3.5% of the gateway's CPU per request), and the
 * deadlines are few and mostly far, so the clock keeps them in a short list and arms a single
 * timer for the earliest. `logged` stops it when the request settles.
 */
interface Job {
  due: number;
  /** Runs again this much later each time (renewals); null: once. */
  everyMs: number | null;
  run: () => void;
}

export class RequestClock {
  private readonly jobs: Job[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** When the armed timer fires (Infinity: none armed). */
  private armedFor = Infinity;
  private stopped = false;

  /** Runs `run` once, `delayMs` from now, unless the returned function is called first. */
  at(delayMs: number, run: () => void): () => void {
    return this.add({ due: Date.now() + delayMs, everyMs: null, run });
  }

  /** Runs `run` every `periodMs` from now on, until the returned function is called or the clock stops. */
  every(periodMs: number, run: () => void): () => void {
    return this.add({ due: Date.now() + periodMs, everyMs: periodMs, run });
  }

  /** Cancels everything still due; the request has settled. */
  stop(): void {
    this.stopped = true;
    this.jobs.length = 0;
    this.disarm();
  }

  private add(job: Job): () => void {
    if (this.stopped) return () => {};
    this.jobs.push(job);
    if (job.due < this.armedFor) this.arm(job.due);
    return () => {
      const at = this.jobs.indexOf(job);
      if (at >= 0) this.jobs.splice(at, 1);
      // A timer armed for a cancelled deadline is left to fire: it re-arms for what is left.
      if (this.jobs.length === 0) this.disarm();
    };
  }

  private arm(due: number): void {
    this.disarm();
    this.armedFor = due;
    this.timer = setTimeout(() => this.fire(), Math.max(0, due - Date.now()));
  }

  private disarm(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.armedFor = Infinity;
  }

  private fire(): void {
    this.timer = null;
    this.armedFor = Infinity;
    const now = Date.now();
    for (const job of [...this.jobs]) {
      if (job.due > now) continue;
      if (job.everyMs === null) this.jobs.splice(this.jobs.indexOf(job), 1);
      else job.due = now + job.everyMs;
      job.run();
    }
    if (this.stopped || this.jobs.length === 0) return;
    this.arm(Math.min(...this.jobs.map((job) => job.due)));
  }
}
