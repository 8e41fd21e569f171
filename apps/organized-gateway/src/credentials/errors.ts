/**
 * The refusals about an attendee's own model credential, worded for the attendee (the
 * contract names their codes; the kit's setup.sh and the runbook rely on them). None of
 * them ever carries the credential or any part of it.
 */
import { GatewayError } from "../shared/errors";

export const RECONNECT = "bash setup.sh --auth codex";

export function noCredential(): GatewayError {
  return new GatewayError(401, "authentication_error", "no_credential", `No Codex session. Run: ${RECONNECT}`);
}

/** What GET /me/credential answers when there is none. */
export function noCredentialStored(): GatewayError {
  return new GatewayError(404, "not_found_error", "no_credential", `No model account connected. Run: ${RECONNECT}`);
}

export function credentialRejected(): GatewayError {
  return new GatewayError(401, "authentication_error", "credential_rejected",
    `Your model provider refused your account's token (expired or revoked): reconnect your account: ${RECONNECT}`);
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
