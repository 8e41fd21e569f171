/**
 * The Worker's side of an attendee's Durable Object (index.ts): one typed client, named for
 * what each call decides, so no caller holds a raw stub or guesses an RPC's answer type.
 * The object is named by the canonical user id (pipeline/identify/user-id.ts).
 */
import type { Credential } from "../../pipeline/identify";
import type { RequestRow } from "../../pipeline/settle/request-row";
import type { AttendeeGate } from ".";
import type { PeriodUsage } from "./monthly-quota";
import type {
  AdmitRequest, AdmitResult, AttendeeState, CredentialRefusal, CredentialUseNote, EnrollResult, FailoverResult, NodeChoice, SettleRequest,
  StoredCredential,
} from "./protocol";

export type AttendeeDescription = ReturnType<AttendeeGate["describe"]>;
export type RegistrationAnswer = ReturnType<AttendeeGate["admitRegistration"]>;

export class AttendeeGateClient {
  private constructor(private readonly stub: DurableObjectStub<AttendeeGate>) {}

  static of(env: Pick<Env, "ATTENDEE_GATE">, userId: string): AttendeeGateClient {
    return new AttendeeGateClient(env.ATTENDEE_GATE.get(env.ATTENDEE_GATE.idFromName(userId)));
  }

  admit(request: AdmitRequest): Promise<AdmitResult> {
    return this.stub.admit(request) as Promise<AdmitResult>;
  }

  failover(leaseId: string, remaining: readonly NodeChoice[], terms: Pick<AdmitRequest, "tiers" | "leaseMs" | "nodeQueue" | "defaultTier">): Promise<FailoverResult> {
    return this.stub.failover(leaseId, remaining, terms) as Promise<FailoverResult>;
  }

  renew(leaseId: string): Promise<boolean> {
    return this.stub.renew(leaseId);
  }

  settle(request: SettleRequest, row: RequestRow, flushMs: number): Promise<void> {
    return this.stub.settle(request, row, flushMs);
  }

  enroll(keyId: string, keyHash: string, byokHash: string | null): Promise<EnrollResult> {
    return this.stub.enroll(keyId, keyHash, byokHash) as Promise<EnrollResult>;
  }

  issueKey(keyId: string, keyHash: string): Promise<AttendeeState & { reinstated: boolean }> {
    return this.stub.issueKey(keyId, keyHash) as Promise<AttendeeState & { reinstated: boolean }>;
  }

  /** May the attendee register a model credential now (not blocked, not past registrations.ts's pace)? */
  admitRegistration(now: number): Promise<RegistrationAnswer> {
    return this.stub.admitRegistration(now) as Promise<RegistrationAnswer>;
  }

  withdrawKey(keyId: string): Promise<void> {
    return this.stub.withdrawKey(keyId);
  }

  revokeKey(keyId: string): Promise<{ revoked: boolean } & AttendeeState> {
    return this.stub.revokeKey(keyId) as Promise<{ revoked: boolean } & AttendeeState>;
  }

  reinstate(): Promise<AttendeeState & { reinstated: boolean }> {
    return this.stub.reinstate() as Promise<AttendeeState & { reinstated: boolean }>;
  }

  reset(): Promise<{ reset: boolean; revokedKeyIds: string[] } & AttendeeState> {
    return this.stub.reset() as Promise<{ reset: boolean; revokedKeyIds: string[] } & AttendeeState>;
  }

  setBlocked(blocked: boolean): Promise<AttendeeState> {
    return this.stub.setBlocked(blocked) as Promise<AttendeeState>;
  }

  setTier(tier: string | null): Promise<AttendeeState & { previousTier: string | null }> {
    return this.stub.setTier(tier) as Promise<AttendeeState & { previousTier: string | null }>;
  }

  monthlyUsage(period: string): Promise<PeriodUsage> {
    return this.stub.monthlyUsage(period) as Promise<PeriodUsage>;
  }

  checkCredential(credential: Credential): Promise<CredentialRefusal | null> {
    return this.stub.checkCredential(credential) as Promise<CredentialRefusal | null>;
  }

  getCredential(): Promise<StoredCredential | null> {
    return this.stub.getCredential() as Promise<StoredCredential | null>;
  }

  setCredential(credential: StoredCredential | null): Promise<void> {
    return this.stub.setCredential(credential);
  }

  noteCredentialUse(note: CredentialUseNote): Promise<void> {
    return this.stub.noteCredentialUse(note);
  }

  describe(): Promise<AttendeeDescription> {
    return this.stub.describe() as Promise<AttendeeDescription>;
  }
}
