/**
 * The refusals about an attendee's own model credential, worded for the attendee (the
 * contract names their codes; the kit's setup.sh and the runbook rely on them). None of
 * them ever carries the credential or any part of it.
 *
 * What the attendee should run depends on how they connected: in `AUTH_MODE=codex` (and for
 * any subscription account) `bash setup.sh --auth codex`; an OpenAI key that plain
 * `bash setup.sh` registered (AUTH_MODE=openai, PAID_BY=attendee) is fixed in `.env`.
 */
import type { Config } from "../settings/config";
import { type GatewayError, refusal } from "../errors";
import type { CredentialKind } from "./kinds";

export const RECONNECT = "bash setup.sh --auth codex";
const SETUP = "bash setup.sh";

/** The mode, and the kind of credential in question when there is one. */
export interface Wording {
  authMode: Config["authMode"];
  kind?: CredentialKind | null;
}

/** True when the attendee's fix is their OPENAI_API_KEY and plain setup.sh, not --auth codex. */
function viaOpenAiKey(how: Wording): boolean {
  return how.authMode === "openai" && (how.kind ?? "openai") === "openai";
}

export function noCredential(how: Wording): GatewayError {
  return refusal("no_credential", { why: viaOpenAiKey(how) ? "openai_key" : "codex" });
}

/** What GET /me/credential answers when there is none. */
export function noCredentialStored(config: Pick<Config, "authMode" | "paidBy">): GatewayError {
  const next = config.authMode === "codex" ? `Run: ${RECONNECT}`
    : config.paidBy === "attendee" ? `Run: ${SETUP} (it registers the OPENAI_API_KEY in your .env)`
    : `The organiser's account pays for your turns; to use your own instead, run: ${RECONNECT}`;
  return refusal("no_credential", { why: "stored", next });
}

export function credentialRejected(how: Wording): GatewayError {
  return refusal("credential_rejected", { why: viaOpenAiKey(how) ? "openai_key" : "account_token" });
}

/**
 * Which of the refusals above a text carries, as OpenClaw passes the relay's words on to the
 * gateway (in an error body or a stream's error event); null for any other text.
 */
export function refusalNamedIn(text: string, how: Wording): GatewayError | null {
  if (/Your model provider refused your (OpenAI key|account's token)/.test(text)) return credentialRejected(how);
  if (/No (Codex session|OpenAI key registered for you)\. Run: /.test(text)) return noCredential(how);
  return null;
}

/** Attendees' own credentials need the gateway key: an X-User-ID alone proves nothing. */
export function gatewayKeyRequired(): GatewayError {
  return refusal("gateway_key_required", { why: "own_account" });
}

export function credentialsDisabled(): GatewayError {
  return refusal("credentials_disabled");
}
