/**
 * AttendeeRecord: who holds an attendee id — its gateway keys (hashes only), its BYOK
 * binding (a keyed hash), and its state: revoked or open, blocked, its tier, and its session
 * generation (pipeline/route/session.ts). The attendee's object is the only writer, so everything is
 * read from storage once and kept in step in memory: checking a credential reads nothing.
 *
 * - Revoking the last active key revokes the id: nobody can enrol as it again until the
 *   organiser reinstates it (or issues it a key), which starts a new generation.
 * - A BYOK id binds to a key only once the upstream accepted it; until then the credential
 *   is provisional, and the id is *claimed* by that key while its requests are in flight: a
 *   different key arriving meanwhile is refused as if the id were bound, so two keys racing
 *   for an unbound id never both get it (whichever arrived first wins, not whichever
 *   request happened to settle first). A claim ends when its request settles, or after
 *   CLAIM_MS if the settle never comes.
 */
import { digestsEqual } from "../../shared/crypto";
import type { Credential } from "../../pipeline/identify";
import type { AttendeeState, CredentialRefusal, CredentialUseNote, EnrollResult, StoredCredential } from "./protocol";

type KeyRecord = { hash: string; revoked_at: number | null };

/** How long a provisional claim outlives a request whose settle never came. */
export const CLAIM_MS = 5 * 60_000;

export interface CredentialVerdict {
  refusal: CredentialRefusal | null;
  /** A BYOK id not yet bound: it binds to this key once the upstream accepts it. */
  provisional: boolean;
}

export class AttendeeRecord {
  private byokBinding: string | null | undefined;
  private sealedCredential: StoredCredential | null | undefined;
  private current: AttendeeState | undefined;
  private readonly keyRecords = new Map<string, KeyRecord | null>();
  /** In-flight provisional requests: claim id → the BYOK key hash claiming the id, and until when. */
  private readonly claims = new Map<string, { keyHash: string; until: number }>();

  constructor(private readonly storage: DurableObjectStorage) {
    storage.sql.exec(`
      CREATE TABLE IF NOT EXISTS keys (
        id TEXT PRIMARY KEY, hash TEXT NOT NULL, created_at INTEGER NOT NULL, revoked_at INTEGER)`);
  }

  get state(): AttendeeState {
    this.current ??= {
      status: "open", generation: 1, blocked: false, tier: null,
      ...this.storage.kv.get<AttendeeState>("state"),
    };
    return this.current;
  }

  check(credential: Credential): CredentialVerdict {
    const refuse = (refusal: CredentialRefusal): CredentialVerdict => ({ refusal, provisional: false });
    if (credential.kind === "key") {
      const key = this.keyRecord(credential.keyId);
      if (!key || !digestsEqual(key.hash, credential.keyHash)) return refuse("invalid_key");
      if (key.revoked_at !== null) return refuse("revoked_key");
    } else if (credential.kind === "byok") {
      if (this.state.status === "revoked") return refuse("user_id_revoked");
      const bound = this.boundByok();
      if (bound) return digestsEqual(bound, credential.keyHash) ? { refusal: null, provisional: false } : refuse("user_id_taken");
      if (this.activeKeyCount() > 0) return refuse("user_id_taken");
      if (this.claimedByAnother(credential.keyHash, Date.now())) return refuse("user_id_taken");
      return { refusal: null, provisional: true };
    }
    return { refusal: null, provisional: false };
  }

  private claimedByAnother(keyHash: string, now: number): boolean {
    for (const [id, claim] of this.claims) {
      if (claim.until <= now) this.claims.delete(id);
      else if (!digestsEqual(claim.keyHash, keyHash)) return true;
    }
    return false;
  }

  /** Claims the unbound id for this key while one provisional request runs; returns the claim's id. */
  claim(keyHash: string, now: number): string {
    const id = crypto.randomUUID();
    this.claims.set(id, { keyHash, until: now + CLAIM_MS });
    return id;
  }

  release(claimId: string): void {
    this.claims.delete(claimId);
  }

  /** Binds a key the upstream accepted, unless the id is someone's by now; true when it bound. */
  bindAccepted(keyHash: string): boolean {
    if (this.boundByok() !== null || this.activeKeyCount() > 0 || this.state.status === "revoked") return false;
    this.bindByok(keyHash);
    return true;
  }

  enroll(keyId: string, keyHash: string, byokHash: string | null): EnrollResult {
    if (this.state.status === "revoked") return { ok: false, reason: "user_id_revoked" };
    if (this.activeKeyCount() > 0) return { ok: false, reason: "already_enrolled" };
    const bound = this.boundByok();
    if (bound && !(byokHash && digestsEqual(bound, byokHash))) return { ok: false, reason: "user_id_taken" };
    // The enrollee showed their own key: it becomes the id's BYOK binding too.
    if (!bound && byokHash) this.bindByok(byokHash);
    this.addKey(keyId, keyHash);
    return { ok: true, generation: this.state.generation };
  }

  /** The organiser's key; issuing one to a revoked id reinstates it as a new session. */
  issueKey(keyId: string, keyHash: string): AttendeeState & { reinstated: boolean } {
    const reinstated = this.state.status === "revoked";
    if (reinstated) this.startNewGeneration();
    this.addKey(keyId, keyHash);
    return { ...this.state, reinstated };
  }

  withdrawKey(keyId: string): void {
    this.storage.sql.exec("DELETE FROM keys WHERE id = ?", keyId);
    this.keyRecords.delete(keyId);
  }

  revokeKey(keyId: string): { revoked: boolean } & AttendeeState {
    const cursor = this.storage.sql.exec("UPDATE keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", Date.now(), keyId);
    this.keyRecords.delete(keyId);
    const hadKey = this.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM keys WHERE id = ?", keyId).one().n > 0;
    if (hadKey && this.activeKeyCount() === 0) this.save({ ...this.state, status: "revoked" });
    return { revoked: cursor.rowsWritten > 0, ...this.state };
  }

  reinstate(): AttendeeState & { reinstated: boolean } {
    const reinstated = this.state.status === "revoked";
    if (reinstated) this.startNewGeneration();
    return { ...this.state, reinstated };
  }

  reset(): { reset: boolean; revokedKeyIds: string[] } & AttendeeState {
    const hadBinding = this.boundByok() !== null;
    this.byokBinding = null;
    this.storage.kv.delete("byok");
    const revokedKeyIds = this.storage.sql
      .exec<{ id: string }>("UPDATE keys SET revoked_at = ? WHERE revoked_at IS NULL RETURNING id", Date.now())
      .toArray().map((row) => row.id);
    this.keyRecords.clear();
    const reset = hadBinding || revokedKeyIds.length > 0 || this.state.status === "revoked";
    if (reset) this.startNewGeneration();
    return { reset, revokedKeyIds, ...this.state };
  }

  setBlocked(blocked: boolean): AttendeeState {
    this.save({ ...this.state, blocked });
    return this.state;
  }

  setTier(tier: string | null): AttendeeState {
    this.save({ ...this.state, tier });
    return this.state;
  }

  /** The sealed credential (attendee's model account), or null. */
  credential(): StoredCredential | null {
    if (this.sealedCredential === undefined) this.sealedCredential = this.storage.kv.get<StoredCredential>("credential") ?? null;
    return this.sealedCredential;
  }

  setCredential(credential: StoredCredential | null): void {
    if (credential) this.storage.kv.put("credential", credential);
    else this.storage.kv.delete("credential");
    this.sealedCredential = credential;
  }

  /**
   * Notes how the provider took the credential on its latest use, if it is still the one
   * stored (one step in the object: a rotation that landed meanwhile is never overwritten);
   * stored only when the outcome changes, so a working credential costs no write per call.
   */
  noteCredentialUse({ sealed, result, since }: CredentialUseNote, at: string): void {
    const current = this.credential();
    if (!current || current.sealed !== sealed) return;
    if (staleSuccess(current, result, since)) return;
    this.sealedCredential = { ...current, last_used_at: at, last_result: result };
    if (current.last_result !== result) this.storage.kv.put("credential", this.sealedCredential);
  }

  activeKeyCount(): number {
    return this.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM keys WHERE revoked_at IS NULL").one().n;
  }

  byokBound(): boolean {
    return this.boundByok() !== null;
  }

  private save(state: AttendeeState): void {
    this.storage.kv.put("state", state);
    this.current = state;
  }

  private startNewGeneration(): void {
    this.save({ ...this.state, status: "open", generation: this.state.generation + 1 });
  }

  private boundByok(): string | null {
    if (this.byokBinding === undefined) this.byokBinding = this.storage.kv.get<string>("byok") ?? null;
    return this.byokBinding;
  }

  private bindByok(keyHash: string): void {
    this.storage.kv.put("byok", keyHash);
    this.byokBinding = keyHash;
  }

  private addKey(keyId: string, keyHash: string): void {
    this.storage.sql.exec("INSERT INTO keys (id, hash, created_at) VALUES (?, ?, ?)", keyId, keyHash, Date.now());
    this.keyRecords.delete(keyId);
  }

  private keyRecord(keyId: string): KeyRecord | null {
    let record = this.keyRecords.get(keyId);
    if (record === undefined) {
      record = this.storage.sql.exec<KeyRecord>("SELECT hash, revoked_at FROM keys WHERE id = ?", keyId).toArray()[0] ?? null;
      this.keyRecords.set(keyId, record);
    }
    return record;
  }
}

/** An "ok" learned by a request that started before the stored refusal was noted: older news. */
export function staleSuccess(current: StoredCredential, result: "ok" | "rejected", since: number | undefined): boolean {
  if (result !== "ok" || current.last_result !== "rejected" || since === undefined || current.last_used_at === null) return false;
  return Date.parse(current.last_used_at) >= since;
}
