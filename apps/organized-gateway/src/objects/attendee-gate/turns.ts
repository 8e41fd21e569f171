/**
 * TurnBook: the attendee's own-agent turns in flight — /v1 calls sent to their own OpenClaw
 * agent, whose provider is the relay — and the model calls the agent makes through the relay
 * inside them. A relay call is admitted only inside a turn (`no_active_turn` otherwise): the
 * relay token sits in the host's config, so whoever reads that config can present it, but
 * only while the attendee is themselves running a turn, and only so many calls per turn.
 *
 * Which turn a call belongs to: the oldest one still running. With one turn at a time (one
 * session's turns are queued by admission) that is exact; with turns of several of the
 * attendee's sessions side by side, a call is counted to the oldest of them (the relay's
 * request does not say which session it serves).
 *
 * A turn lives as long as its lease: renewed while its request runs, so a turn whose settle
 * never comes stops admitting calls within one lease.
 */

/** Model calls one turn may make: a long tool loop fits; a runaway loop, or a stolen token, stops here. */
export const MAX_MODEL_CALLS_PER_TURN = 100;
/** How long a turn's row waits for its calls still settling (their streams ended a moment before the turn's). */
export const TURN_END_WAIT_MS = 5_000;

interface Turn {
  requestId: string;
  calls: number;
  tokens: number;
  open: number;
  leaseMs: number;
  expiresAt: number;
  allSettled: (() => void) | null;
}

export type CallAdmission =
  | { ok: true; turnLease: string; requestId: string }
  | { ok: false; refusal: "no_active_turn" | "too_many_model_calls" };

export interface TurnTally {
  calls: number;
  tokens: number;
}

export class TurnBook {
  private readonly turns = new Map<string, Turn>();

  start(leaseId: string, requestId: string, now: number, leaseMs: number): void {
    this.turns.set(leaseId, { requestId, calls: 0, tokens: 0, open: 0, leaseMs, expiresAt: now + leaseMs, allSettled: null });
  }

  renew(leaseId: string, now: number): void {
    const turn = this.turns.get(leaseId);
    if (turn) turn.expiresAt = now + turn.leaseMs;
  }

  admitCall(now: number): CallAdmission {
    for (const [leaseId, turn] of this.turns) {
      if (turn.expiresAt <= now) continue;
      if (turn.calls >= MAX_MODEL_CALLS_PER_TURN) return { ok: false, refusal: "too_many_model_calls" };
      turn.calls++;
      turn.open++;
      return { ok: true, turnLease: leaseId, requestId: turn.requestId };
    }
    return { ok: false, refusal: "no_active_turn" };
  }

  /** A call ended: its tokens count for its turn. */
  endCall(turnLease: string, tokens: number): void {
    const turn = this.turns.get(turnLease);
    if (!turn) return;
    turn.tokens += tokens;
    turn.open = Math.max(0, turn.open - 1);
    if (turn.open === 0) turn.allSettled?.();
  }

  /** Ends a turn once its calls have settled (at most `waitMs`): what the turn really cost, or null for no turn. */
  async finish(leaseId: string, waitMs = TURN_END_WAIT_MS): Promise<TurnTally | null> {
    const turn = this.turns.get(leaseId);
    if (!turn) return null;
    if (turn.open > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, waitMs);
        turn.allSettled = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    this.turns.delete(leaseId);
    return { calls: turn.calls, tokens: turn.tokens };
  }

  get inFlight(): number {
    return this.turns.size;
  }
}
