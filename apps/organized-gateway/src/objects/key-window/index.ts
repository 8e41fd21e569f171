/**
 * KeyWindow: one Durable Object per BYOK key (a keyed hash of it, never the key), the limits
 * one `sk-…` key has however many X-User-IDs it is used with: the rolling minute, and the
 * requests in flight. Eight ids bound to one key are one caller to the host: without the
 * in-flight cap they could fill a node's slots and queue, and another attendee's quick request
 * would wait behind them. Asked by the attendee's object inside its admission (one call, DO to
 * DO), renewed and released with the attendee's own slot.
 *
 * What a deploy resets: nothing of it is stored but the minute (summarised as RollingWindow
 * keeps it). Its leases live in memory and end with the object, as every slot's do: the
 * attendees' objects hold the same requests and renew them. Before this class, the per-key
 * minute lived in an AttendeeGate named `byok-key:<hash>`; those objects are left unused, so at
 * the first deploy with this class each key's minute starts empty (at most one minute forgiven).
 */
import { DurableObject } from "cloudflare:workers";
import { RollingWindow } from "../limits/rolling-window";
import { SlotPool } from "../limits/slot-pool";

export interface KeyAsk {
  now: number;
  perMinute: number;
  /** The key's in-flight cap: the same as one attendee's (the tier's max in flight). */
  maxInflight: number;
  leaseMs: number;
  /** How long a request waits for one of the key's slots. */
  queueMs: number;
}

export type KeyAdmission =
  | { ok: true; leaseId: string }
  | { ok: false; refusal: "key_rate_limited" | "key_too_many_inflight"; retryAfterMs: number };

export class KeyWindow extends DurableObject<Env> {
  private readonly window: RollingWindow;
  private readonly slots = new SlotPool();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.window = new RollingWindow(ctx.storage);
  }

  async admit(ask: KeyAsk): Promise<KeyAdmission> {
    const minute = this.window.take(ask.now, ask.perMinute);
    if (!minute.admitted) return { ok: false, refusal: "key_rate_limited", retryAfterMs: minute.retryAfterMs };
    const slot = await this.slots.acquire({ now: ask.now, cap: ask.maxInflight, leaseMs: ask.leaseMs, queueMs: ask.queueMs, queueMax: Infinity, priority: 0 });
    if ("leaseId" in slot) return { ok: true, leaseId: slot.leaseId };
    this.window.refund(ask.now);
    return { ok: false, refusal: "key_too_many_inflight", retryAfterMs: 1_000 };
  }

  renew(leaseId: string): boolean {
    return this.slots.renew(leaseId);
  }

  /** Frees the request's slot; `refundAt`: it never went upstream, so its minute is given back too. */
  release(leaseId: string, refundAt: number | null = null): void {
    this.slots.release(leaseId);
    if (refundAt !== null) this.window.refund(refundAt);
  }

  describe(now = Date.now()) {
    this.slots.expire(now);
    return { inWindow: this.window.inWindow(now), inflight: this.slots.inUse, queued: this.slots.queued };
  }
}

/** The attendee's object's side of a key's window. */
export class KeyWindowClient {
  private constructor(private readonly stub: DurableObjectStub<KeyWindow>) {}

  static of(env: Pick<Env, "KEY_WINDOW">, keyHash: string): KeyWindowClient {
    return new KeyWindowClient(env.KEY_WINDOW.get(env.KEY_WINDOW.idFromName(keyHash)));
  }

  admit(ask: KeyAsk): Promise<KeyAdmission> {
    return this.stub.admit(ask) as Promise<KeyAdmission>;
  }

  renew(leaseId: string): Promise<boolean> {
    return this.stub.renew(leaseId);
  }

  release(leaseId: string, refundAt: number | null = null): Promise<void> {
    return this.stub.release(leaseId, refundAt);
  }
}
