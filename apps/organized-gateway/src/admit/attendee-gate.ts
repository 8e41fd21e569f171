/**
 * AttendeeGate: one Durable Object per attendee (user id). It is the single place that
 * decides whether a request may go upstream, in one call: it checks the credential (the
 * gateway key's hash, or the BYOK binding), the rolling-minute window and the in-flight
 * cap, and hands out a lease. After the response, `settle` returns the lease and hands the
 * request's log row to the object's RowBatcher, which writes rows to D1 in batches.
 *
 * Being single-threaded, the object is exact under concurrency: 120 simultaneous calls
 * admit exactly the limit. The window's timestamps are kept in memory, exact, and saved as
 * a per-second summary at most once a second, without holding any answer
 * (`allowUnconfirmed`): admission never waits for a storage commit, a burst costs one save,
 * and a restarted object still remembers its minute (only a crash within a second of the
 * latest admissions could forget them).
 * Log rows, by contrast, are never only in memory once `settle` has answered: see
 * settle/row-batcher.ts.
 */
import { DurableObject } from "cloudflare:workers";
import { digestsEqual } from "../shared/crypto";
import type { RequestRow } from "../settle/request-row";
import { RowBatcher } from "../settle/row-batcher";
import type { AdmitRequest, AdmitResult, Allowance, EnrollResult, Refusal } from "./protocol";
import { WINDOW_MS, decideWindow, restoreWindow, saveWindow, type SavedWindow } from "./window";

/** A lease not settled within this time is presumed lost (its Worker died) and freed. */
const LEASE_TTL_MS = 15 * 60_000;
/** The window's summary has one-second resolution: saving it more often adds nothing. */
const WINDOW_SAVE_MS = 1_000;

type KeyRecord = { hash: string; revoked_at: number | null };

interface Waiter {
  resolve: (leaseId: string | null) => void;
  timer: ReturnType<typeof setTimeout>;
}

export class AttendeeGate extends DurableObject<Env> {
  private readonly hits: number[];
  /** Wrong guesses (event codes) when this object guards a network rather than an attendee. */
  private readonly wrongGuesses: number[] = [];
  private readonly rows: RowBatcher;
  private readonly leases = new Map<string, number>();
  private readonly waiters: Waiter[] = [];
  private windowSaveTimer: ReturnType<typeof setTimeout> | null = null;
  /** The in-flight cap the Worker's config gave with the latest admission. */
  private inflightCap = 1;
  /**
   * Storage read once, then kept in step with every write (this object is their only
   * writer), so admission reads no storage: the BYOK binding (null: none) and the keys
   * looked up so far (null: no such key).
   */
  private byokBinding: string | null | undefined;
  private readonly keyRecords = new Map<string, KeyRecord | null>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(`
      CREATE TABLE IF NOT EXISTS keys (
        id TEXT PRIMARY KEY, hash TEXT NOT NULL, created_at INTEGER NOT NULL, revoked_at INTEGER)`);
    this.hits = restoreWindow(ctx.storage.kv.get<SavedWindow>("window"));
    this.rows = new RowBatcher(ctx.storage, env.DB);
  }

  async admit(request: AdmitRequest): Promise<AdmitResult> {
    const { now } = request;
    const credentialRefusal = this.checkCredential(request);
    if (credentialRefusal) {
      return { ok: false, refusal: credentialRefusal, retryAfterMs: 0, ...this.allowance(now, request.perMinute) };
    }

    const window = decideWindow(this.hits, now, request.perMinute);
    if (window.admitted) this.scheduleWindowSave();
    const allowance: Allowance = { limit: window.limit, remaining: window.remaining, resetMs: window.resetMs };
    if (!window.admitted) {
      return { ok: false, refusal: "rate_limited", retryAfterMs: window.retryAfterMs, ...allowance };
    }

    this.inflightCap = request.maxInflight;
    this.expireLeases(now);
    if (this.leases.size < this.inflightCap && this.waiters.length === 0) {
      return { ok: true, leaseId: this.lease(now), ...allowance };
    }
    const leaseId = await this.waitForSlot(request.queueMs);
    if (leaseId) return { ok: true, leaseId, ...allowance };
    return { ok: false, refusal: "too_many_inflight", retryAfterMs: 1_000, ...allowance };
  }

  /**
   * Returns the lease (if any) at once, then answers when the request's log row is safe
   * (in D1, or in the outbox for a retry).
   */
  async settle(leaseId: string | null, row: RequestRow, flushMs: number): Promise<void> {
    if (leaseId && this.leases.delete(leaseId)) this.handOverSlots(Date.now());
    await this.rows.add(row, flushMs);
  }

  /** Registers a key minted by /enroll, unless the id is already someone's. */
  async enroll(keyId: string, keyHash: string, byokHash: string | null): Promise<EnrollResult> {
    if (this.activeKeyCount() > 0) return { ok: false, reason: "already_enrolled" };
    const bound = this.boundByok();
    if (bound && !(byokHash && digestsEqual(bound, byokHash))) return { ok: false, reason: "user_id_taken" };
    // The enrollee showed their own key: it becomes the id's BYOK binding too.
    if (!bound && byokHash) this.bindByok(byokHash);
    this.addKey(keyId, keyHash);
    return { ok: true };
  }

  /** How many wrong guesses this network has left in the current minute. */
  guessesLeft(now: number, limit: number): { left: number; retryAfterMs: number } {
    const live = this.wrongGuesses.filter((t) => t > now - WINDOW_MS);
    if (live.length < limit) return { left: limit - live.length, retryAfterMs: 0 };
    return { left: 0, retryAfterMs: live[live.length - limit] + WINDOW_MS - now };
  }

  recordWrongGuess(now: number, limit: number): void {
    decideWindow(this.wrongGuesses, now, limit);
  }

  addKey(keyId: string, keyHash: string): void {
    this.ctx.storage.sql.exec("INSERT INTO keys (id, hash, created_at) VALUES (?, ?, ?)", keyId, keyHash, Date.now());
    this.keyRecords.delete(keyId);
  }

  /** Revokes one key; true when it existed and was active. */
  revokeKey(keyId: string): boolean {
    const cursor = this.ctx.storage.sql.exec(
      "UPDATE keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", Date.now(), keyId);
    this.keyRecords.delete(keyId);
    return cursor.rowsWritten > 0;
  }

  /** Forgets the BYOK key bound to this user id, so its owner can bind a new key. */
  resetBinding(): boolean {
    this.byokBinding = null;
    return this.ctx.storage.kv.delete("byok");
  }

  /** What the admin API may show: counts and flags, never a hash. */
  describe(now = Date.now()): { activeKeys: number; byokBound: boolean; inWindow: number; inflight: number; queued: number; unflushedRows: number } {
    this.expireLeases(now);
    return {
      activeKeys: this.activeKeyCount(),
      byokBound: this.boundByok() !== null,
      inWindow: this.hits.filter((t) => t > now - WINDOW_MS).length,
      inflight: this.leases.size,
      queued: this.waiters.length,
      unflushedRows: this.rows.unwritten(),
    };
  }

  /** Set only when a write to D1 failed: retries the outbox. */
  async alarm(): Promise<void> {
    await this.rows.retryOutbox();
  }

  /** Saves the window's summary at most once per WINDOW_SAVE_MS, off the answer's path. */
  private scheduleWindowSave(): void {
    if (this.windowSaveTimer) return;
    this.windowSaveTimer = setTimeout(() => {
      this.windowSaveTimer = null;
      void this.ctx.storage.put("window", saveWindow(this.hits), { allowUnconfirmed: true });
    }, WINDOW_SAVE_MS);
  }

  private checkCredential(request: AdmitRequest): Refusal | null {
    const { credential } = request;
    if (credential.kind === "key") {
      const key = this.keyRecord(credential.keyId);
      if (!key || !digestsEqual(key.hash, credential.keyHash)) return "invalid_key";
      if (key.revoked_at !== null) return "revoked_key";
      return null;
    }
    if (credential.kind === "byok") {
      const bound = this.boundByok();
      if (bound) return digestsEqual(bound, credential.keyHash) ? null : "user_id_taken";
      if (this.activeKeyCount() > 0) return "user_id_taken";
      this.bindByok(credential.keyHash);
    }
    return null;
  }

  private boundByok(): string | null {
    if (this.byokBinding === undefined) this.byokBinding = this.ctx.storage.kv.get<string>("byok") ?? null;
    return this.byokBinding;
  }

  private bindByok(keyHash: string): void {
    this.ctx.storage.kv.put("byok", keyHash);
    this.byokBinding = keyHash;
  }

  private keyRecord(keyId: string): KeyRecord | null {
    let record = this.keyRecords.get(keyId);
    if (record === undefined) {
      record = this.ctx.storage.sql
        .exec<KeyRecord>("SELECT hash, revoked_at FROM keys WHERE id = ?", keyId)
        .toArray()[0] ?? null;
      this.keyRecords.set(keyId, record);
    }
    return record;
  }

  private allowance(now: number, limit: number): Allowance {
    const live = this.hits.filter((t) => t > now - WINDOW_MS);
    return { limit, remaining: Math.max(0, limit - live.length), resetMs: live.length ? live[0] + WINDOW_MS - now : 0 };
  }

  private activeKeyCount(): number {
    return this.ctx.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM keys WHERE revoked_at IS NULL").one().n;
  }

  private lease(now: number): string {
    const leaseId = crypto.randomUUID();
    this.leases.set(leaseId, now + LEASE_TTL_MS);
    return leaseId;
  }

  private expireLeases(now: number): void {
    let freed = false;
    for (const [id, expiresAt] of this.leases) {
      if (expiresAt <= now) freed = this.leases.delete(id);
    }
    if (freed) this.handOverSlots(now);
  }

  /** Gives freed slots to queued requests, oldest first; the lease is made before waking them. */
  private handOverSlots(now: number): void {
    while (this.waiters.length > 0 && this.leases.size < this.inflightCap) {
      const waiter = this.waiters.shift()!;
      clearTimeout(waiter.timer);
      waiter.resolve(this.lease(now));
    }
  }

  private waitForSlot(queueMs: number): Promise<string | null> {
    if (queueMs <= 0) return Promise.resolve(null);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        resolve,
        timer: setTimeout(() => {
          const index = this.waiters.indexOf(waiter);
          if (index >= 0) this.waiters.splice(index, 1);
          resolve(null);
        }, queueMs),
      };
      this.waiters.push(waiter);
    });
  }
}
