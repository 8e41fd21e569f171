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
import { GatewayError } from "../shared/errors";
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
  return new GatewayError(401, "authentication_error", "no_credential", viaOpenAiKey(how)
    ? `No OpenAI key registered for you. Run: ${SETUP}`
    : `No Codex session. Run: ${RECONNECT}`);
}

/** What GET /me/credential answers when there is none. */
export function noCredentialStored(config: Pick<Config, "authMode" | "paidBy">): GatewayError {
  const next = config.authMode === "codex" ? `Run: ${RECONNECT}`
    : config.paidBy === "attendee" ? `Run: ${SETUP} (it registers the OPENAI_API_KEY in your .env)`
    : `The organiser's account pays for your turns; to use your own instead, run: ${RECONNECT}`;
  return new GatewayError(404, "not_found_error", "no_credential", `No model account connected. ${next}`);
}

export function credentialRejected(how: Wording): GatewayError {
  return new GatewayError(401, "authentication_error", "credential_rejected", viaOpenAiKey(how)
    ? `Your model provider refused your OpenAI key (revoked, mistyped or out of credit): put a working key in OPENAI_API_KEY in .env, then run: ${SETUP}`
    : `Your model provider refused your account's token (expired or revoked): reconnect your account: ${RECONNECT}`);
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
  return new GatewayError(401, "authentication_error", "gateway_key_required",
    "This needs your gateway key (OCG_KEY in your kit's .env) as 'Authorization: Bearer ocg_…'. Run 'bash setup.sh' to get one, or ask the organiser.");
}

export function credentialsDisabled(): GatewayError {
  return new GatewayError(503, "configuration_error", "credentials_disabled",
    "This gateway does not keep attendees' own model accounts (the organiser has not set CREDENTIAL_KEY). Ask the organiser.");
}
