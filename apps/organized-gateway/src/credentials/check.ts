/**
 * Before a credential is stored, the provider is asked once whether it takes it (a model
 * list: free, fast, no tokens spent), so a mistyped or dead token is refused at
 * registration, where the attendee is looking, rather than at their first turn. A token of
 * a kind that has no such call is checked for its own expiry only.
 */
import type { Config } from "../settings/config";
import { type GatewayError, refusal } from "../errors";
import { credentialRejected } from "./errors";
import { KINDS, type CredentialKind } from "./kinds";

const CHECK_TIMEOUT_MS = 15_000;

export async function requireProviderAccepts(config: Config, kind: CredentialKind, token: string, now = Date.now()): Promise<void> {
  const spec = KINDS[kind];
  const refused = () => credentialRejected({ authMode: config.authMode, kind });
  if (spec.expired(token, now)) throw refused();
  if (!spec.check) return;
  let response: Response;
  try {
    response = await fetch(`${spec.baseUrl(config)}${spec.check.path}`, {
      method: spec.check.method,
      headers: { ...spec.authHeaders(token), ...(kind === "anthropic" ? { "anthropic-version": "2023-06-01" } : {}) },
      signal: AbortSignal.timeout(CHECK_TIMEOUT_MS),
    });
  } catch {
    throw providerUnreachable();
  }
  await response.body?.cancel().catch(() => {});
  if (response.status === 401 || response.status === 403) throw refused();
  if (response.status >= 500) throw providerUnreachable();
}

function providerUnreachable(): GatewayError {
  return refusal("provider_unreachable", { why: "check" });
}
