/**
 * What an error code means to the organiser: one short sentence per code the gateway, an
 * upstream or /enroll writes into the log, saying what went wrong for the attendee and
 * what to do. The attendee already got the gateway's own message; this is the
 * organiser's side of it, shown on the dashboard ("who is stuck") and in the admin API's
 * answers (`last_error_message`, `error_message`), so the CLI reads the same sentences.
 */

import { ownValue } from "../../shared/own-key";

const HELP: Record<string, string> = {
  // Their credential (logged under `unauthenticated`, never the id they claimed).
  invalid_gateway_key: "Their OCG_KEY is wrong or cut short: have them copy it again, re-run setup.sh, or issue them a new key.",
  revoked_gateway_key: "Their key was revoked: issue them a new key.",
  malformed_authorization: "Their Authorization header is not 'Bearer <key>': the key in their .env has a stray space or quote.",
  missing_api_key: "No key was sent: their .env has no OPENAI_API_KEY / OCG_KEY. Have them run setup.sh again.",
  gateway_key_required: "This gateway pays, so it needs a gateway key and they sent none: have them run setup.sh (it enrols them).",
  invalid_user_id: "Their USER_ID is not a valid id (letters, digits, dots, dashes, underscores; at most 64).",
  user_id_taken: "Someone else holds this USER_ID. If it is them (a second laptop), reset the binding; otherwise they pick another id.",
  user_id_revoked: "This USER_ID was revoked: reinstate it, or issue it a new key.",
  too_many_refused_requests: "Their network sent too many refused requests: fix the key first, then they wait a minute.",
  // The organiser's own decisions and limits.
  user_blocked: "You blocked this attendee: unblock them to let them in again.",
  rate_limit_exceeded: "They hit the per-minute limit; it clears by itself within a minute.",
  too_many_requests_in_flight: "Too many of their requests were running at once; they should wait for answers before sending more.",
  // The request itself.
  unknown_endpoint: "They called a path that does not exist under /v1: check the base URL in their tool.",
  unsupported_endpoint: "They called an endpoint the agent host does not serve (e.g. /v1/completions): use /v1/chat/completions.",
  unsupported_parameter: "Their request used a field this gateway refuses (previous_response_id or conversation).",
  method_not_allowed: "Wrong HTTP method for that endpoint (e.g. GET instead of POST).",
  request_too_large: "Their request was larger than MAX_BODY_BYTES allows.",
  invalid_json: "Their request body was not valid JSON.",
  missing_body: "Their request had no body; a JSON body is needed.",
  too_deeply_nested: "Their request's JSON was nested too deeply to accept.",
  client_closed_request: "They hung up before the answer started (Ctrl-C, or their tool timed out).",
  // The agent host.
  upstream_unreachable: "The agent host could not be reached: check the host (see /health and the banner).",
  upstream_timeout: "The agent host took too long to start answering (UPSTREAM_TIMEOUT_MS).",
  stream_cut: "The answer stopped midway: the agent host or the connection dropped.",
  upstream_stream_error: "The agent host reported an error in the middle of a streamed answer.",
  invalid_api_key: "The upstream refused their own OpenAI key: have them check OPENAI_API_KEY in .env.",
  insufficient_quota: "Their OpenAI account has no credit left.",
  model_not_found: "The model they asked for does not exist or their key cannot use it.",
  context_length_exceeded: "Their conversation got too long for the model: have them start a new one.",
  internal_error: "The gateway hit an internal error: look for this request id in the Worker's logs.",
  // /enroll (setup.sh), logged under `unauthenticated` when it fails.
  invalid_event_code: "A wrong event code was typed at setup: show the code on the screen again.",
  enrollment_closed: "Enrolment is closed (EVENT_CODE is not set): issue them a key instead.",
  event_full: "The event is full (MAX_ATTENDEES): raise it, or issue a key by hand.",
  too_many_wrong_codes: "Their network typed too many wrong event codes: they wait a minute, then type the code on the screen.",
  too_many_enrollments: "Too many enrolments from one network in a minute: they wait a minute and run setup.sh again.",
  invalid_email_consent: "An email was given without consent, so enrolment refused it: they leave EMAIL empty or consent.",
};

/** Sentences for the host's HTTP errors that the gateway passes on as `upstream_http_<status>`. */
function upstreamHttpHelp(status: number): string {
  if (status === 401 || status === 403) return `The agent host refused the request (HTTP ${status}): in BYOK mode their own key is wrong; otherwise check OPENCLAW_TOKEN.`;
  if (status === 404) return "The agent host has no such endpoint or model (HTTP 404).";
  if (status === 429) return "The agent host is rate-limiting (HTTP 429): its own limit or quota, not the gateway's.";
  if (status >= 500) return `The agent host failed (HTTP ${status}): check the host; it is not the attendee's fault.`;
  return `The agent host answered HTTP ${status}.`;
}

/**
 * The organiser's sentence for an error code. A code nobody described here is the
 * upstream's own (the host's error body names it, e.g. `bad_gateway`): with the row's
 * status, the sentence says what that status means coming from the host.
 */
export function errorHelp(code: string | null | undefined, status?: number | null): string | null {
  if (code === null || code === undefined || code === "") return null;
  const described = ownValue(HELP, code);
  if (described) return described;
  const http = /^upstream_http_(\d{3})$/.exec(code);
  if (http) return upstreamHttpHelp(Number(http[1]));
  if (status !== undefined && status !== null && status >= 400) return upstreamHttpHelp(status);
  return "An error the gateway does not describe: open the attendee's last requests for the status.";
}

/** The codes described above, for the test that checks every code the gateway throws has a sentence. */
export const DESCRIBED_CODES: readonly string[] = Object.keys(HELP);
