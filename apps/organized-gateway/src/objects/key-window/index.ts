/**
 * KeyWindow: one Durable Object per BYOK key (a keyed hash of it, never the key), the limits
 * one `sk-…` key has however many X-User-IDs it is used with: the rolling minute, and the
 * requests in flight. Eight ids bound to one key are one caller to the host: without the
 * in-flight cap they could fill a node's slots and queue, and another attendee's quick request
 * would wait behind them. Asked by the attendee's object inside its admission (one call, DO to
 * DO), renewed and released with the attendee's own slot.
 *
 * A key used by one attendee alone is that attendee's to count: the key's limits are the
 * tier's, the same as the attendee's own, and the attendee's object already counts every
 * request it admits. So when, at an admission, everything in the key's minute and in flight
 * is that attendee's, the key is handed to their object (`exclusive`): its later requests
 * with the key cost no call here, and it keeps their times. The first other attendee to ask
 * takes the key back first (`takeBack`): the holder's object hands over those times and its
 * running requests (counted here under the holder's own lease ids, which its settles release),
 * and counting goes on here for everyone. So the key's limits stay exact, and a key's usual
 * case — one attendee — costs no round trip on the way to the upstream.
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
import { WINDOW_MS } from "../limits/window";

export interface KeyAsk {
  now: number;
  perMinute: number;
  /** The key's in-flight cap: the same as one attendee's (the tier's max in flight). */
  maxInflight: number;
  leaseMs: number;
  /** How long a request waits for one of the key's slots. */
  queueMs: number;
  /** The asking attendee's object (its name): the key may be handed to it (see above). */
  holder?: string;
}

/** What an attendee's object hands back with a key (AttendeeGate.surrenderKey). */
export interface KeySurrender {
  /** When it admitted requests with the key while it held it (the last minute's). */
  times: number[];
  /** Its requests with the key still running: counted here under these lease ids. */
  running: { leaseId: string; leaseMs: number }[];
}

export type KeyAdmission =
  /** `exclusive`: the key is the asking attendee's object's to count from now on. */
  | { ok: true; leaseId: string; exclusive: boolean }
  | { ok: false; refusal: "key_rate_limited" | "key_too_many_inflight"; retryAfterMs: number };

export class KeyWindow extends DurableObject<Env> {
  private readonly window: RollingWindow;
  private readonly slots = new SlotPool();
  /** Who was admitted in the last minute (attendee object → latest admission), and whose each running request is. */
  private readonly users = new Map<string, number>();
  private readonly runningOf = new Map<string, string>();
  /** The attendee's object the key is handed to, if any, and a take-back under way. */
  private holder: string | null = null;
  private takingBack: Promise<void> | null = null;
  /** Releases that came before the take-back that counts their requests here (a settle racing it). */
  private readonly releasedEarly = new Set<string>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.window = new RollingWindow(ctx.storage);
  }

  async admit(ask: KeyAsk): Promise<KeyAdmission> {
    // The holder asking again has lost what it held (its object restarted): counting is back here.
    if (this.holder !== null && this.holder === ask.holder) this.holder = null;
    if (this.holder !== null) await this.takeBack(ask.now);
    const minute = this.window.take(ask.now, ask.perMinute);
    if (!minute.admitted) return { ok: false, refusal: "key_rate_limited", retryAfterMs: minute.retryAfterMs };
    const slot = await this.slots.acquire({ now: ask.now, cap: ask.maxInflight, leaseMs: ask.leaseMs, queueMs: ask.queueMs, queueMax: Infinity, priority: 0 });
    if (!("leaseId" in slot)) {
      this.window.refund(ask.now);
      return { ok: false, refusal: "key_too_many_inflight", retryAfterMs: 1_000 };
    }
    if (ask.holder === undefined) return { ok: true, leaseId: slot.leaseId, exclusive: false };
    this.users.set(ask.holder, ask.now);
    this.runningOf.set(slot.leaseId, ask.holder);
    const exclusive = this.holder === null && this.takingBack === null && this.onlyUser(ask.holder, ask.now);
    if (exclusive) this.holder = ask.holder;
    return { ok: true, leaseId: slot.leaseId, exclusive };
  }

  renew(leaseId: string): boolean {
    return this.slots.renew(leaseId);
  }

  /** Counts a running request admitted by the key's holder, whose take-back missed it, under its lease id. */
  adopt(leaseId: string, leaseMs: number): void {
    this.slots.adopt(leaseId, Date.now(), leaseMs);
  }

  /** Frees the request's slot; `refundAt`: it never went upstream, so its minute is given back too. */
  release(leaseId: string, refundAt: number | null = null): void {
    const held = this.slots.release(leaseId);
    this.runningOf.delete(leaseId);
    // Not counted here yet: its take-back is on the way.
    if (!held && this.takingBack !== null) this.releasedEarly.add(leaseId);
    if (refundAt !== null) this.window.refund(refundAt);
  }

  /** Is everything in the key's minute and in flight this attendee's? */
  private onlyUser(holder: string, now: number): boolean {
    for (const [user, at] of this.users) {
      if (at <= now - WINDOW_MS) this.users.delete(user);
      else if (user !== holder) return false;
    }
    for (const user of this.runningOf.values()) if (user !== holder) return false;
    return true;
  }

  /**
   * Takes the key back from the attendee's object it was handed to: their minute's times and
   * running requests are counted here from now on. One take-back at a time; later asks share it.
   */
  private takeBack(now: number): Promise<void> {
    const holder = this.holder!;
    this.takingBack ??= (async () => {
      let back: KeySurrender = { times: [], running: [] };
      try {
        back = await this.env.ATTENDEE_GATE.get(this.env.ATTENDEE_GATE.idFromName(holder)).surrenderKey();
      } catch {
        // Its object is gone, and what it held with it: nothing to count.
      }
      this.window.record(back.times.filter((t) => t > now - WINDOW_MS));
      if (back.times.length > 0) this.users.set(holder, Math.max(...back.times));
      for (const { leaseId, leaseMs } of back.running) {
        if (this.releasedEarly.delete(leaseId)) continue;
        this.slots.adopt(leaseId, now, leaseMs);
        this.runningOf.set(leaseId, holder);
      }
      this.holder = null;
    })().finally(() => {
      this.takingBack = null;
      this.releasedEarly.clear();
    });
    return this.takingBack;
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

  adopt(leaseId: string, leaseMs: number): Promise<void> {
    return this.stub.adopt(leaseId, leaseMs);
  }
}
