/**
 * Whose model credential pays for one model call. The attendee's object decides it inside
 * admission (`decideSpend`: pure, specified beside it), so the grant carries the decision and
 * nothing travels beside it; the pipeline then opens what the grant says to spend
 * (`openSpent`, store.ts) and hands it only to a node whose strategy takes it.
 *
 * - A route whose nodes take no credential (a BYOK pass-through in AUTH_MODE=openai, the free
 *   route, a model listing) asks nothing: the decision is "none".
 * - An OpenClaw route sends an attendee with a credential of their own to their own agent,
 *   whose provider is the relay: their credential pays for every model call of the turn. A
 *   plain node in AUTH_MODE=codex takes the opened token in CODEX_TOKEN_HEADER.
 * - Without one: with `PAID_BY=organiser` the gateway pays; with `PAID_BY=attendee` (always
 *   so in AUTH_MODE=codex) a 401 `no_credential`.
 * - A credential the provider refused last time is a 401 `credential_rejected` before
 *   anything goes upstream, and before the attendee's minute is spent.
 * - The relay asks for the credential of the kind its path names: another kind stored now is
 *   a 409 `credential_kind_changed` (the host's set-up is being updated).
 */
import type { StoredCredential } from "./stored";
import type { CredentialKind } from "./kinds";

/** What a call's route may spend of the attendee's own credential. */
export interface SpendAsk {
  /** No credential of their own is a refusal (PAID_BY=attendee), not the gateway paying. */
  required: boolean;
  /** The relay: only a credential of this kind will do. */
  kind?: CredentialKind;
}

export type SpendRefusal = "no_credential" | "credential_rejected" | "credential_kind_changed";

export type SpendDecision =
  | { ok: true; credential: StoredCredential | null }
  | { ok: false; refusal: SpendRefusal };

export function decideSpend(stored: StoredCredential | null, ask: SpendAsk | null): SpendDecision {
  if (ask === null) return { ok: true, credential: null };
  if (stored === null) return ask.required ? { ok: false, refusal: "no_credential" } : { ok: true, credential: null };
  if (ask.kind !== undefined && stored.kind !== ask.kind) return { ok: false, refusal: "credential_kind_changed" };
  if (stored.last_result === "rejected" && ask.kind === undefined) return { ok: false, refusal: "credential_rejected" };
  return { ok: true, credential: stored };
}

/** An attendee's own credential as one call spends it (opened by the pipeline from the grant). */
export interface SpentCredential {
  kind: CredentialKind;
  /** The stored credential's sealed value: what its outcome is noted against. */
  sealed: string;
  /** The opened token (only a node that takes it in a header, or the provider, sees it). */
  token: string;
  /** The attendee's own OpenClaw agent. */
  agent: string;
}
