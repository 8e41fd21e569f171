/**
 * AttendeeGate: one Durable Object per attendee (canonical user id). It is the single place
 * that decides whether a request may go upstream, in one call: it checks the credential
 * (the gateway key's hash, or the BYOK binding), the rolling-minute window and the
 * in-flight cap, and hands out a lease. After the response, `settle` returns the lease and
 * hands the request's log row to the object's RowBatcher, which writes rows to D1 in batches.
 *
 * It is also the source of truth for who holds the id: its keys, its BYOK binding, whether
 * the organiser revoked it, and its session generation (route/session.ts). D1's
 * `gateway_keys` and `attendees` are listings derived from it.
 * - Revoking an id's last key revokes the id: nobody can enrol as it again until the
 *   organiser reinstates it (or issues it a key), which starts a new generation — a new
 *   upstream session, so the next holder never sees the previous holder's conversation.
 * - A BYOK id binds to a key only once the upstream accepted that key (a 2xx answer); until
 *   then its requests are provisional, so an invalid key squats nothing. The same BYOK key
 *   is also limited per key (an object named for the key's digest), so rotating ids does
 *   not multiply the limit.
 *
 * Being single-threaded, the object is exact under concurrency: 120 simultaneous calls
 * admit exactly the limit. The window's timestamps are kept in memory, exact, and saved as
 * a per-second summary at most once a second, without holding any answer
 * (`allowUnconfirmed`). A lease lives `leaseMs` unless the Worker renews it (it does while
 * the request runs), so a lost settle frees its slot within a minute.
 * Log rows are never only in memory once `settle` has answered: see settle/row-batcher.ts.
 */
import { DurableObject } from "cloudflare:workers";
import { digestsEqual } from "../shared/crypto";
import type { RequestRow } from "../settle/request-row";
import { RowBatcher } from "../settle/row-batcher";
import type {
  AdmitRequest, AdmitResult, Allowance, AttendeeState, CredentialRefusal, EnrollResult, SettleBinding,
} from "./protocol";
import { WINDOW_MS, decideWindow, restoreWindow, saveWindow, type SavedWindow } from "./window";

/** The window's summary has one-second resolution: saving it more often adds nothing. */
const WINDOW_SAVE_MS = 1_000;

type KeyRecord = { hash: string; revoked_at: number | null };

interface Waiter {
  resolve: (leaseId: string | null) => void;
  timer: ReturnType<typeof setTimeout>;
  leaseMs: number;
}

interface Lease {
  expiresAt: number;
  leaseMs: number;
}

/** The object that limits one BYOK key across every id it is used with. */
export function keyGateName(keyHash: string): string {
  return `byok-key:${keyHash}`;
}

export class AttendeeGate extends DurableObject<Env> {
  private readonly hits: number[];
  private readonly rows: RowBatcher;
  private readonly leases = new Map<string, Lease>();
  private readonly waiters: Waiter[] = [];
  private windowSaveTimer: ReturnType<typeof setTimeout> | null = null;
  private leaseSweep: ReturnType<typeof setTimeout> | null = null;
  /** The in-flight cap the Worker's config gave with the latest admission. */
  private inflightCap = 1;
  /**
   * Storage read once, then kept in step with every write (this object is their only
   * writer), so admission reads no storage: the BYOK binding (null: none), the id's state,
   * and the keys looked up so far (null: no such key).
   */
  private byokBinding: string | null | undefined;
  private state: AttendeeState | undefined;
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
    const credential = this.checkCredential(request);
    if (credential.refusal) {
      return { ok: false, refusal: credential.refusal, retryAfterMs: 0, ...this.allowance(now, request.perMinute) };
    }

    if (this.attendeeState().blocked) {
      return { ok: false, refusal: "user_blocked", retryAfterMs: 0, ...this.allowance(now, request.perMinute) };
    }

    const window = decideWindow(this.hits, now, request.perMinute);
    const allowance: Allowance = { limit: window.limit, remaining: window.remaining, resetMs: window.resetMs };
    if (!window.admitted) {
      return { ok: false, refusal: "rate_limited", retryAfterMs: window.retryAfterMs, ...allowance };
    }
    const keyGate = request.credential.kind === "byok" ? this.keyGate(request.credential.keyHash) : null;
    if (keyGate) {
      const perKey = await keyGate.takeWindowSlot(now, request.perMinute);
      if (!perKey.admitted) {
        this.refundWindowSlot(now);
        return { ok: false, refusal: "key_rate_limited", retryAfterMs: perKey.retryAfterMs, ...allowance };
      }
    }
    this.scheduleWindowSave();

    const granted = (leaseId: string): AdmitResult =>
      ({ ok: true, leaseId, generation: this.attendeeState().generation, provisional: credential.provisional, ...allowance });
    this.inflightCap = request.maxInflight;
    this.expireLeases(Date.now());
    if (this.leases.size < this.inflightCap && this.waiters.length === 0) return granted(this.lease(now, request.leaseMs));
    const leaseId = await this.waitForSlot(request.queueMs, request.leaseMs);
    if (leaseId) return granted(leaseId);
    // Only requests that go upstream count against the minute: a queued one that gave up does not.
    this.refundWindowSlot(now);
    if (keyGate) await keyGate.refundWindowSlot(now);
    return { ok: false, refusal: "too_many_inflight", retryAfterMs: 1_000, ...this.allowance(Date.now(), request.perMinute) };
  }

  /** Keeps a lease alive while its request runs; false when it had already been freed. */
  renew(leaseId: string, now = Date.now()): boolean {
    const lease = this.leases.get(leaseId);
    if (!lease) return false;
    lease.expiresAt = now + lease.leaseMs;
    return true;
  }

  /**
   * Returns the lease (if any) at once, binds a BYOK key the upstream accepted, then
   * answers when the request's log row is safe (in D1, or in the outbox for a retry).
   */
  async settle(leaseId: string | null, row: RequestRow, flushMs: number, binding?: SettleBinding): Promise<void> {
    if (leaseId && this.leases.delete(leaseId)) this.handOverSlots(Date.now());
    if (this.leases.size === 0 && this.leaseSweep) {
      clearTimeout(this.leaseSweep);
      this.leaseSweep = null;
    }
    if (binding) await this.bindAccepted(binding);
    await this.rows.add(row, flushMs);
  }

  /** Registers a key minted by /enroll, unless the id is already someone's or was revoked. */
  async enroll(keyId: string, keyHash: string, byokHash: string | null): Promise<EnrollResult> {
    if (this.attendeeState().status === "revoked") return { ok: false, reason: "user_id_revoked" };
    if (this.activeKeyCount() > 0) return { ok: false, reason: "already_enrolled" };
    const bound = this.boundByok();
    if (bound && !(byokHash && digestsEqual(bound, byokHash))) return { ok: false, reason: "user_id_taken" };
    // The enrollee showed their own key: it becomes the id's BYOK binding too.
    if (!bound && byokHash) this.bindByok(byokHash);
    this.addKeyRecord(keyId, keyHash);
    return { ok: true, generation: this.attendeeState().generation };
  }

  /**
   * The organiser's key for this id. Issuing a key to a revoked id reinstates it with a new
   * generation: whoever gets the key starts a new upstream session.
   */
  issueKey(keyId: string, keyHash: string): AttendeeState & { reinstated: boolean } {
    const reinstated = this.attendeeState().status === "revoked";
    if (reinstated) this.startNewGeneration();
    this.addKeyRecord(keyId, keyHash);
    return { ...this.attendeeState(), reinstated };
  }

  /** Takes back a key whose listing could not be written, so no key works unlisted. */
  withdrawKey(keyId: string): void {
    this.ctx.storage.sql.exec("DELETE FROM keys WHERE id = ?", keyId);
    this.keyRecords.delete(keyId);
  }

  /** Revokes one key; revoking the id's last active key revokes the id. */
  revokeKey(keyId: string): { revoked: boolean } & AttendeeState {
    const cursor = this.ctx.storage.sql.exec(
      "UPDATE keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", Date.now(), keyId);
    this.keyRecords.delete(keyId);
    const hadKey = this.ctx.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM keys WHERE id = ?", keyId).one().n > 0;
    if (hadKey && this.activeKeyCount() === 0) this.saveState({ ...this.attendeeState(), status: "revoked" });
    return { revoked: cursor.rowsWritten > 0, ...this.attendeeState() };
  }

  /** Lets a revoked id be enrolled again, as a new session. */
  reinstate(): AttendeeState & { reinstated: boolean } {
    const reinstated = this.attendeeState().status === "revoked";
    if (reinstated) this.startNewGeneration();
    return { ...this.attendeeState(), reinstated };
  }

  /**
   * Frees the id for whoever the organiser says holds it now (a second laptop, a
   * re-download): its BYOK binding is forgotten and its keys revoked, so it can be bound or
   * enrolled again — as a new session. Returns the keys it revoked, for the listing.
   */
  reset(): { reset: boolean; revokedKeyIds: string[] } & AttendeeState {
    const hadBinding = this.boundByok() !== null;
    this.byokBinding = null;
    this.ctx.storage.kv.delete("byok");
    const revokedKeyIds = this.ctx.storage.sql
      .exec<{ id: string }>("UPDATE keys SET revoked_at = ? WHERE revoked_at IS NULL RETURNING id", Date.now())
      .toArray().map((row) => row.id);
    this.keyRecords.clear();
    const reset = hadBinding || revokedKeyIds.length > 0 || this.attendeeState().status === "revoked";
    if (reset) this.startNewGeneration();
    return { reset, revokedKeyIds, ...this.attendeeState() };
  }

  /** Pauses (or resumes) every request of this attendee, whatever their credential. */
  setBlocked(blocked: boolean): AttendeeState {
    this.saveState({ ...this.attendeeState(), blocked });
    return this.attendeeState();
  }

  /** Per-key window of a BYOK key (this object is then named by keyGateName). */
  takeWindowSlot(now: number, limit: number): { admitted: boolean; retryAfterMs: number } {
    const window = decideWindow(this.hits, now, limit);
    if (window.admitted) this.scheduleWindowSave();
    return { admitted: window.admitted, retryAfterMs: window.retryAfterMs };
  }

  /** Gives back a window slot charged at `at` for a request that never went upstream. */
  refundWindowSlot(at: number): void {
    const index = this.hits.lastIndexOf(at);
    if (index >= 0) this.hits.splice(index, 1);
    this.scheduleWindowSave();
  }

  /** What the admin API may show: counts and flags, never a hash. */
  describe(now = Date.now()) {
    this.expireLeases(now);
    return {
      ...this.attendeeState(),
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

  private checkCredential(request: AdmitRequest): { refusal: CredentialRefusal | null; provisional: boolean } {
    const { credential } = request;
    const refuse = (refusal: CredentialRefusal) => ({ refusal, provisional: false });
    if (credential.kind === "key") {
      const key = this.keyRecord(credential.keyId);
      if (!key || !digestsEqual(key.hash, credential.keyHash)) return refuse("invalid_key");
      if (key.revoked_at !== null) return refuse("revoked_key");
    } else if (credential.kind === "byok") {
      if (this.attendeeState().status === "revoked") return refuse("user_id_revoked");
      const bound = this.boundByok();
      if (bound) return digestsEqual(bound, credential.keyHash) ? { refusal: null, provisional: false } : refuse("user_id_taken");
      if (this.activeKeyCount() > 0) return refuse("user_id_taken");
      return { refusal: null, provisional: true };
    }
    return { refusal: null, provisional: false };
  }

  /** The upstream accepted this key for this id: bind it, unless someone else's already is. */
  private async bindAccepted(binding: SettleBinding): Promise<void> {
    if (this.boundByok() !== null || this.activeKeyCount() > 0 || this.attendeeState().status === "revoked") return;
    this.bindByok(binding.keyHash);
    try {
      await this.env.DB.prepare("INSERT OR IGNORE INTO attendees (user_id, source, generation) VALUES (?, 'byok', ?)")
        .bind(binding.userId, this.attendeeState().generation).run();
    } catch (error) {
      // The roster is a listing; the binding above is what admission checks.
      console.error(JSON.stringify({ event: "roster_write_failed", error: String(error) }));
    }
  }

  private keyGate(keyHash: string): DurableObjectStub<AttendeeGate> {
    return this.env.ATTENDEE_GATE.get(this.env.ATTENDEE_GATE.idFromName(keyGateName(keyHash)));
  }

  private attendeeState(): AttendeeState {
    this.state ??= { status: "open", generation: 1, blocked: false, ...this.ctx.storage.kv.get<AttendeeState>("state") };
    return this.state;
  }

  private saveState(state: AttendeeState): void {
    this.ctx.storage.kv.put("state", state);
    this.state = state;
  }

  private startNewGeneration(): void {
    this.saveState({ ...this.attendeeState(), status: "open", generation: this.attendeeState().generation + 1 });
  }

  private boundByok(): string | null {
    if (this.byokBinding === undefined) this.byokBinding = this.ctx.storage.kv.get<string>("byok") ?? null;
    return this.byokBinding;
  }

  private bindByok(keyHash: string): void {
    this.ctx.storage.kv.put("byok", keyHash);
    this.byokBinding = keyHash;
  }

  private addKeyRecord(keyId: string, keyHash: string): void {
    this.ctx.storage.sql.exec("INSERT INTO keys (id, hash, created_at) VALUES (?, ?, ?)", keyId, keyHash, Date.now());
    this.keyRecords.delete(keyId);
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

  private lease(now: number, leaseMs: number): string {
    const leaseId = crypto.randomUUID();
    this.leases.set(leaseId, { expiresAt: now + leaseMs, leaseMs });
    this.scheduleLeaseSweep();
    return leaseId;
  }

  private expireLeases(now: number): void {
    let freed = false;
    for (const [id, lease] of this.leases) {
      if (lease.expiresAt <= now) freed = this.leases.delete(id);
    }
    if (freed) this.handOverSlots(now);
  }

  /** Frees lost leases when they expire, not only when the next request comes: waiters may be queued. */
  private scheduleLeaseSweep(): void {
    if (this.leaseSweep || this.leases.size === 0) return;
    const next = Math.min(...[...this.leases.values()].map((l) => l.expiresAt));
    this.leaseSweep = setTimeout(() => {
      this.leaseSweep = null;
      this.expireLeases(Date.now());
      this.scheduleLeaseSweep();
    }, Math.max(0, next - Date.now()) + 10);
  }

  /** Gives freed slots to queued requests, oldest first; the lease is made before waking them. */
  private handOverSlots(now: number): void {
    while (this.waiters.length > 0 && this.leases.size < this.inflightCap) {
      const waiter = this.waiters.shift()!;
      clearTimeout(waiter.timer);
      waiter.resolve(this.lease(now, waiter.leaseMs));
    }
  }

  private waitForSlot(queueMs: number, leaseMs: number): Promise<string | null> {
    if (queueMs <= 0) return Promise.resolve(null);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        resolve,
        leaseMs,
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
