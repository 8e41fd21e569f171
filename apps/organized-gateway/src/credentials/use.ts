/**
 * Whose credential pays for one /v1 request, decided after admission from the grant's
 * stored credential (`AUTH_MODE` and the route decide whether it is spent):
 *
 * - On an OpenClaw route, an attendee with a credential of their own is sent to their own
 *   agent (`openclaw/<agent>`), whose provider is the relay: their credential pays, for every
 *   model call of the turn. Without one: with `PAID_BY=organiser` the gateway's agent (the
 *   gateway's OpenClaw account pays); with `PAID_BY=attendee` (always so in
 *   `AUTH_MODE=codex`) a 401 `no_credential`.
 * - On a plain upstream (pass-through) in `AUTH_MODE=codex`, the opened token goes in
 *   `CODEX_TOKEN_HEADER` and the caller's `Authorization` does not (the seed's phase 2).
 *   In `AUTH_MODE=openai` pass-through stays BYOK: the caller's own key is the credential.
 * - A credential the provider refused last time is a 401 `credential_rejected` before
 *   anything goes upstream; so is a refusal seen on this request (`refusalIn`).
 *
 * The decision travels with the principal (a WeakMap: the principal's type stays identify's),
 * and the route's strategies read it (pipeline/route/strategies.ts).
 */
import type { Admission } from "../pipeline/admit";
import type { Config } from "../settings/config";
import type { Principal } from "../pipeline/identify";
import type { Upstream } from "../pipeline/route";
import type { EndpointKind } from "../pipeline/route/endpoints";
import type { GatewayError } from "../shared/errors";
import { credentialRejected, gatewayKeyRequired, noCredential, refusalNamedIn } from "./errors";
import type { CredentialKind } from "./kinds";
import { attendeeAgentId } from "./names";
import { openFor } from "./store";

export interface CredentialUse {
  kind: CredentialKind;
  /** The stored credential's sealed value: what its outcome is noted against (never opened again). */
  sealed: string;
  /** The attendee's own OpenClaw agent (OpenClaw routes). */
  agent: string;
  /** The header that carries the opened token (plain upstreams in codex mode), or null. */
  header: { name: string; value: string } | null;
}

const uses = new WeakMap<Principal, CredentialUse>();

/**
 * Whether callers must show a gateway key on a route whose first node is `upstream`: where
 * the gateway pays (the strategy says so), and in AUTH_MODE=codex on every route, since the
 * attendee's own credential is found by their key (`useOwnCredential` refuses without one).
 * What /health and the join page tell the kit, so setup.sh and the agent send the key.
 */
export function callersNeedGatewayKey(config: Pick<Config, "authMode">, upstream: Upstream): boolean {
  return upstream.strategy.requiresGatewayKey || config.authMode === "codex";
}

/** The credential this request spends, as decided by `useOwnCredential`; undefined when the gateway pays. */
export function credentialUseOf(principal: Principal): CredentialUse | undefined {
  return uses.get(principal);
}

export async function useOwnCredential(
  config: Config, principal: Principal, admission: Admission, route: { order: readonly Upstream[] }, endpoint: EndpointKind,
): Promise<CredentialUse | null> {
  // Listing models calls no provider: nobody's credential is spent on it.
  if (endpoint === "models") return null;
  const codex = config.authMode === "codex";
  const viaOpenClaw = route.order.some((node) => node.strategy.name === "openclaw");
  const viaHeader = codex && route.order.some((node) => node.strategy.name === "passthrough");
  if (!viaOpenClaw && !viaHeader) return null;
  if (codex && principal.credential.kind !== "key") throw gatewayKeyRequired();
  const own = await openFor(config, { userId: principal.userId, generation: admission.generation }, admission.credential);
  if (!own) {
    if (config.paidBy === "attendee") throw noCredential({ authMode: config.authMode });
    return null;
  }
  if (own.stored.last_result === "rejected") throw credentialRejected({ authMode: config.authMode, kind: own.stored.kind });
  const use: CredentialUse = {
    kind: own.stored.kind,
    sealed: own.stored.sealed,
    agent: await attendeeAgentId(config.hashSecret, principal.userId, admission.generation),
    header: viaHeader ? { name: config.credentials.tokenHeader, value: own.token } : null,
  };
  uses.set(principal, use);
  return use;
}

/**
 * The refusal to answer when the upstream's answer says the attendee's credential was
 * refused: on a plain upstream any 401/403; through OpenClaw, its 401 carrying the relay's
 * words (OpenClaw's own 401, a wrong operator token, is not the attendee's to fix). Reads
 * the body of a 401/403 only, which is small.
 */
export async function refusalIn(config: Config, use: CredentialUse | null, upstream: Upstream, response: Response): Promise<GatewayError | null> {
  if (!use || (response.status !== 401 && response.status !== 403)) return null;
  const how = { authMode: config.authMode, kind: use.kind };
  if (upstream.strategy.name === "passthrough") return use.header ? credentialRejected(how) : null;
  const text = await response.clone().text().catch(() => "");
  return refusalNamedIn(text, how);
}

/**
 * True when an OpenClaw node answered that it does not know this agent: its 400 "Unknown
 * agent '<id>'." (OpenClaw 2026.9.6, for chat completions, responses and embeddings alike).
 * Reads a clone of a 400's small body only.
 */
export async function lacksAgent(response: Response, agent: string): Promise<boolean> {
  if (response.status !== 400) return false;
  const text = await response.clone().text().catch(() => "");
  return text.includes(`Unknown agent '${agent}'`);
}
