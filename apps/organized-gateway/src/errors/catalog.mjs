// @ts-check
/**
 * Every error code the gateway answers, once: its HTTP status, its OpenAI error type, the
 * attendee's sentence (a template over the values it names) and the organiser's sentence
 * (what the dashboard and the admin API say about a row with that code). `refusal(code,
 * values)` (errors/index.ts) builds the answer from here, `errorHelp` (surfaces/admin/
 * error-help.ts) reads the organiser's side, and docs/errors.md is generated from it.
 * GatewayError's `code` is typed to these keys, so tsc refuses a code that is not here.
 *
 * A code whose status or sentence depends on where it is answered (a `no_credential` asked
 * for by GET /me/credential is a 404) takes that as a value (`why`), so every variant of a
 * code still lives here.
 *
 * Plain JavaScript, like settings/catalog.mjs and for the same reason: the Node script that
 * writes docs/errors.md reads it too (`allowJs` types it for the Worker, `@ts-check` checks it).
 */

export const ERROR_TYPES = /** @type {const} */ ([
  "invalid_request_error",
  "authentication_error",
  "permission_error",
  "rate_limit_error",
  "insufficient_quota",
  "not_found_error",
  "server_error",
  "upstream_error",
  "timeout_error",
  "configuration_error",
]);

/** @typedef {typeof ERROR_TYPES[number]} ErrorType */

/**
 * @template V
 * @param {{
 *   status: number | ((values: V) => number),
 *   type: ErrorType | ((values: V) => ErrorType),
 *   attendee: (values: V) => string,
 *   organiser: string,
 *   examples?: V[],
 * }} entry
 *   `examples`: values for each way the sentence reads (docs/errors.md shows them; a test renders each).
 */
function code(entry) {
  return entry;
}

const SETUP = "bash setup.sh";
/** pipeline/identify/user-id.ts's USER_ID_RULE, as the examples show it. */
const RULE = "1-64 letters, digits, dots, dashes or underscores";
const RECONNECT = "bash setup.sh --auth codex";

export const ERRORS = {
  // Who is calling: their credential. Logged under `unauthenticated`, never the id they claimed.
  malformed_authorization: code({
    status: 401, type: "authentication_error",
    attendee: () => "The Authorization header must look like 'Bearer <your key>'. Check the key in your .env.",
    organiser: "Their Authorization header is not 'Bearer <key>': the key in their .env has a stray space or quote.",
  }),
  invalid_gateway_key: code({
    status: 401, type: "authentication_error",
    attendee: (/** @type {{ why: "malformed" | "unknown" | "unknown_or_revoked" }} */ v) => ({
      malformed: "This gateway key is not valid: it looks cut short or mistyped. Copy OCG_KEY again, or delete it from .env and re-run setup.sh.",
      unknown: "This gateway key is not recognised. Copy OCG_KEY again, or delete it from .env and re-run setup.sh.",
      unknown_or_revoked: "This gateway key is not recognised (or was revoked). Copy OCG_KEY again from your kit's .env, or ask the organiser.",
    })[v.why],
    organiser: "Their OCG_KEY is wrong or cut short: have them copy it again, re-run setup.sh, or issue them a new key.",
    examples: [{ why: "malformed" }, { why: "unknown" }, { why: "unknown_or_revoked" }],
  }),
  revoked_gateway_key: code({
    status: 401, type: "authentication_error",
    attendee: () => "This gateway key was revoked by the organiser. Ask the organiser: they can give you a new key.",
    organiser: "Their key was revoked: issue them a new key.",
  }),
  missing_api_key: code({
    status: 401, type: "authentication_error",
    attendee: () => "You sent a USER_ID but no key. Put your OpenAI key (sk-...) in OPENAI_API_KEY in your .env, or use a gateway key.",
    organiser: "No key was sent: their .env has no OPENAI_API_KEY / OCG_KEY. Have them run setup.sh again.",
  }),
  gateway_key_required: code({
    status: 401, type: "authentication_error",
    attendee: (/** @type {{ why: "gateway_pays" | "own_account" | "mcp" } | { why: "mcp_placeholder", placeholder: string }} */ v) => (
      v.why === "mcp_placeholder"
        ? `Your editor sent ${v.placeholder} instead of your gateway key: it was started without OCG_KEY in its environment. Quit it and start it from the kit folder with 'bash with-key.sh <editor>' (e.g. bash with-key.sh cursor . or bash with-key.sh claude).`
        : {
          gateway_pays: "This gateway needs a gateway key (OCG_KEY). Run 'bash setup.sh' to get one, or ask the organiser.",
          own_account: "This needs your gateway key (OCG_KEY in your kit's .env) as 'Authorization: Bearer ocg_…'. Run 'bash setup.sh' to get one, or ask the organiser.",
          mcp: "The OpenClaw MCP server needs your gateway key: your editor must send 'Authorization: Bearer <OCG_KEY>' with the OCG_KEY from your kit's .env (bash setup.sh gets you one; start the editor with 'bash with-key.sh <editor>' from the kit folder).",
        }[v.why]),
    organiser: "This gateway pays, so it needs a gateway key and they sent none: have them run setup.sh (it enrols them).",
    examples: [{ why: "gateway_pays" }, { why: "own_account" }, { why: "mcp" }, { why: "mcp_placeholder", placeholder: "${OCG_KEY}" }],
  }),
  invalid_user_id: code({
    status: 400, type: "invalid_request_error",
    attendee: (/** @type {{ why: "header" | "enrolment", rule: string } | { why: "admin", where: string, issue: string }} */ v) => (
      v.why === "admin" ? `Invalid user_id${v.where}: ${v.issue}.`
        : v.why === "header" ? `USER_ID must be ${v.rule}. Fix USER_ID in your .env.`
        : `USER_ID must be ${v.rule}.`),
    organiser: "Their USER_ID is not a valid id (letters, digits, dots, dashes, underscores; at most 64).",
    examples: [{ why: "header", rule: RULE }, { why: "enrolment", rule: RULE }, { why: "admin", where: "", issue: "a user id is 1 to 64 letters, digits, dots, dashes or underscores" }],
  }),
  user_id_taken: code({
    status: (/** @type {{ why: "bound" | "enrolled", userId: string }} */ v) => (v.why === "enrolled" ? 409 : 403),
    type: (v) => (v.why === "enrolled" ? "invalid_request_error" : "permission_error"),
    attendee: (v) => (v.why === "enrolled"
      ? `USER_ID '${v.userId}' is already enrolled. If that is you (a second laptop, a re-download), keep the OCG_KEY that setup.sh saved in your .env, or ask the organiser; otherwise pick another USER_ID (add your last name's initial, e.g. ${v.userId}-k) and run setup.sh again.`
      : `USER_ID '${v.userId}' is already used by another attendee. Pick another USER_ID in your .env (add your last name's initial, e.g. ${v.userId}-k) and try again.`),
    organiser: "Someone else holds this USER_ID. If it is them (a second laptop), reset the binding; otherwise they pick another id.",
    examples: [{ why: "bound", userId: "ada" }, { why: "enrolled", userId: "ada" }],
  }),
  user_id_revoked: code({
    status: 403, type: "permission_error",
    attendee: (/** @type {{ why: "request" | "enrolment", userId: string }} */ v) => (v.why === "enrolment"
      ? `USER_ID '${v.userId}' was revoked by the organiser, so it cannot be enrolled again. If it is yours, ask the organiser to reinstate it; otherwise pick another USER_ID and run setup.sh again.`
      : `USER_ID '${v.userId}' was revoked by the organiser. Ask the organiser to reinstate it, or pick another USER_ID in your .env.`),
    organiser: "This USER_ID was revoked: reinstate it, or issue it a new key.",
    examples: [{ why: "request", userId: "ada" }, { why: "enrolment", userId: "ada" }],
  }),
  invalid_project_id: code({
    status: 400, type: "invalid_request_error",
    attendee: (/** @type {{ rule: string }} */ v) => `X-Project-ID must be ${v.rule}.`,
    organiser: "Their X-Project-ID header is not a valid id: their tool sends a malformed project name.",
    examples: [{ rule: RULE }],
  }),

  // Guessing and refusal budgets, per network (objects/network-guard).
  too_many_refused_requests: code({
    status: 429, type: "rate_limit_error",
    attendee: (/** @type {{ retryAfter: number, why: string }} */ v) =>
      `Too many refused requests came from your network in the last minute. ${v.why} Then wait ${v.retryAfter} seconds.`,
    organiser: "Their network sent too many refused requests: fix the key first, then they wait a minute.",
    examples: [{ retryAfter: 42, why: "Check the API key in your .env (OPENAI_API_KEY)." }],
  }),
  too_many_wrong_keys: code({
    status: 429, type: "rate_limit_error",
    attendee: (/** @type {{ retryAfter: number }} */ v) => wrongGuesses("gateway keys", v.retryAfter),
    organiser: "Their network typed too many wrong gateway keys (billing sign-in or /me): they wait a minute, then copy OCG_KEY again.",
    examples: [{ retryAfter: 42 }],
  }),
  too_many_wrong_codes: code({
    status: 429, type: "rate_limit_error",
    attendee: (/** @type {{ retryAfter: number }} */ v) => wrongGuesses("event codes", v.retryAfter),
    organiser: "Their network typed too many wrong event codes: they wait a minute, then type the code on the screen.",
    examples: [{ retryAfter: 42 }],
  }),
  too_many_wrong_admin_tokens: code({
    status: 429, type: "rate_limit_error",
    attendee: (/** @type {{ retryAfter: number }} */ v) => wrongGuesses("admin tokens", v.retryAfter),
    organiser: "Someone on that network tried too many wrong admin tokens: if it was not you, someone is guessing; rotate ADMIN_TOKEN.",
    examples: [{ retryAfter: 42 }],
  }),
  too_many_enrollments: code({
    status: 429, type: "rate_limit_error",
    attendee: (/** @type {{ retryAfter: number }} */ v) => `Many people on your network are enrolling right now. Wait ${v.retryAfter} seconds and run setup.sh again.`,
    organiser: "Too many enrolments from one network in a minute: they wait a minute and run setup.sh again.",
    examples: [{ retryAfter: 42 }],
  }),

  // The organiser's decisions and the attendee's limits (pipeline/admit).
  user_blocked: code({
    status: 403, type: "permission_error",
    attendee: (/** @type {{ why?: "registration" } | undefined} */ v) => (v?.why === "registration"
      ? "The organiser has paused your access, so you cannot connect a model account now. Ask the organiser."
      : "The organiser has paused your access to the agent for now. Ask the organiser."),
    organiser: "You blocked this attendee: unblock them to let them in again.",
    examples: [undefined, { why: "registration" }],
  }),
  rate_limit_exceeded: code({
    status: 429, type: "rate_limit_error",
    attendee: (/** @type {{ limit: number, retryAfter?: number, per?: "attendee" | "key" | "turn" }} */ v) => (
      v.per === "turn" ? `This turn has made ${v.limit} model calls, as many as one turn may. Start a new turn.`
        : v.per === "key" ? `Rate limit reached for this API key: ${v.limit} requests per minute, however many USER_IDs use it. Try again in ${v.retryAfter} seconds.`
        : `Rate limit reached: ${v.limit} requests per minute per attendee. Try again in ${v.retryAfter} seconds.`),
    organiser: "They hit the per-minute limit (or one turn's model calls through the relay); it clears by itself within a minute.",
    examples: [{ limit: 50, retryAfter: 12 }, { limit: 50, retryAfter: 12, per: "key" }, { limit: 200, per: "turn" }],
  }),
  too_many_requests_in_flight: code({
    status: 429, type: "rate_limit_error",
    attendee: (/** @type {{ maxInflight: number, per?: "attendee" | "key" } | { why: "session_busy" }} */ v) => ("why" in v
      ? "An earlier turn of this conversation is still running. Wait for it to finish, then try again."
      : v.per === "key" ? `This API key already has ${v.maxInflight} requests running, however many USER_IDs use it. Wait for one to finish, then try again.`
      : `You already have ${v.maxInflight} requests running. Wait for one to finish, then try again.`),
    organiser: "Too many of their requests were running at once (or of one API key's, or two turns of one conversation); they should wait for answers before sending more.",
    examples: [{ maxInflight: 4 }, { maxInflight: 4, per: "key" }, { why: "session_busy" }],
  }),
  quota_exceeded: code({
    status: 402, type: "insufficient_quota",
    attendee: (/** @type {{ tier: string, limit: number, used: number, resetsOn: string, billingUrl: string }} */ v) =>
      `Your ${v.tier} plan's ${v.limit} requests for this month are used up (${v.used} used). It resets on ${v.resetsOn} (UTC); to go on now, upgrade at ${v.billingUrl}`,
    organiser: "Their plan's monthly requests are used up: it resets on the 1st (UTC), or they upgrade on /billing.",
    examples: [{ tier: "tier-1", limit: 10000, used: 10000, resetsOn: "2027-01-01", billingUrl: "https://gateway.example/billing" }],
  }),
  project_limit: code({
    status: 403, type: "permission_error",
    attendee: (/** @type {{ tier: string, limit: number, projects: string[], billingUrl: string }} */ v) =>
      `Your ${v.tier} plan allows ${v.limit} project${v.limit === 1 ? "" : "s"} a month, already used by: ${v.projects.join(", ")}. Send one of those as X-Project-ID, or upgrade at ${v.billingUrl}`,
    organiser: "Their plan's projects (X-Project-ID) for this month are used up: they reuse one, or upgrade on /billing.",
    examples: [{ tier: "tier-1", limit: 1, projects: ["capstone"], billingUrl: "https://gateway.example/billing" }],
  }),
  subscription_required: code({
    status: 402, type: "insufficient_quota",
    attendee: (/** @type {{ billingUrl: string }} */ v) => `Your workshop access has ended. To keep using the agent, pick a plan at ${v.billingUrl}`,
    organiser: "They have no tier (DEFAULT_TIER is none, or their plan lapsed): they pick a plan on /billing.",
    examples: [{ billingUrl: "https://gateway.example/billing" }],
  }),
  host_busy: code({
    status: 503, type: "server_error",
    attendee: (/** @type {{ retryAfter: number, node?: string }} */ v) => (v.node
      ? `The agent server (${v.node}) is busy setting up other attendees' agents. Try again in ${v.retryAfter} seconds.`
      : `The agent server is busy with other attendees' requests right now. Try again in ${v.retryAfter} seconds.`),
    organiser: "The node's slots and queue were full (max_concurrent, NODE_QUEUE_MAX): add a node or raise its max_concurrent.",
    examples: [{ retryAfter: 5 }, { retryAfter: 5, node: "mini" }],
  }),
  host_down: code({
    status: 503, type: "server_error",
    attendee: (/** @type {{ retryAfter: number }} */ v) =>
      `The agent server is not reachable right now; the organiser can see it on the dashboard. Try again in ${v.retryAfter} seconds.`,
    organiser: "Every node that serves them is marked down: check the hosts on the dashboard.",
    examples: [{ retryAfter: 30 }],
  }),

  // The request itself (pipeline/envelope, pipeline/route).
  not_found: code({
    status: 404, type: "not_found_error",
    attendee: (/** @type {{ path: string }} */ v) =>
      `Nothing at ${v.path}. The API is under /v1 (e.g. /v1/chat/completions); /health tells if the gateway is up.`,
    organiser: "They called a path the gateway does not have: check the base URL in their tool (it ends in /v1).",
    examples: [{ path: "/chat/completions" }],
  }),
  unknown_endpoint: code({
    status: 404, type: "not_found_error",
    attendee: (/** @type {{ path: string }} */ v) =>
      `The gateway has no endpoint ${v.path}. It serves /v1/chat/completions, /v1/completions, /v1/embeddings, /v1/responses and /v1/models.`,
    organiser: "They called a path that does not exist under /v1: check the base URL in their tool.",
    examples: [{ path: "/v1/chat/complete" }],
  }),
  unsupported_endpoint: code({
    status: 404, type: "not_found_error",
    attendee: (/** @type {{ path: string, why?: "own_account_embeddings" }} */ v) => (v.why === "own_account_embeddings"
      ? "Embeddings are not available with your own model account on this gateway; chat and responses are."
      : `This gateway's agent server does not serve ${v.path}. Use /v1/chat/completions (or /v1/responses).`),
    organiser: "They called an endpoint the agent host does not serve (e.g. /v1/completions): use /v1/chat/completions.",
    examples: [{ path: "/v1/completions" }, { path: "/v1/embeddings", why: "own_account_embeddings" }],
  }),
  unsupported_parameter: code({
    status: 400, type: "invalid_request_error",
    attendee: (/** @type {{ field: string }} */ v) =>
      `This gateway does not accept '${v.field}': the agent server cannot keep it private to you. Send the whole conversation in 'input' instead; the agent remembers your earlier turns by itself.`,
    organiser: "Their request used a field this gateway refuses (previous_response_id or conversation).",
    examples: [{ field: "previous_response_id" }],
  }),
  method_not_allowed: code({
    status: 405, type: "invalid_request_error",
    attendee: (/** @type {{ path: string, allowed: string, method?: string, why?: "relay" | "mcp" }} */ v) => (
      v.why === "relay" ? "The relay takes GET and POST only."
        : v.why === "mcp" ? "The OpenClaw MCP server speaks Streamable HTTP without sessions: send MCP messages with POST."
        : `${v.path} takes ${v.allowed} requests, not ${v.method}.`),
    organiser: "Wrong HTTP method for that endpoint (e.g. GET instead of POST).",
    examples: [{ path: "/v1/chat/completions", allowed: "POST", method: "GET" }, { path: "/relay/openai/models", allowed: "GET, POST", why: "relay" }, { path: "/mcp", allowed: "POST", why: "mcp" }],
  }),
  request_too_large: code({
    status: 413, type: "invalid_request_error",
    attendee: (/** @type {{ maxBytes: number, why?: "admin" }} */ v) => (v.why === "admin"
      ? `The request body is larger than the admin endpoints accept (${v.maxBytes} bytes).`
      : `The request body is larger than this gateway accepts (${v.maxBytes} bytes). Send a shorter prompt or fewer messages.`),
    organiser: "Their request was larger than MAX_BODY_BYTES allows.",
    examples: [{ maxBytes: 1048576 }, { maxBytes: 65536, why: "admin" }],
  }),
  invalid_request: code({
    status: 400, type: "invalid_request_error",
    attendee: (/** @type {{ field: string, rule: string }} */ v) => `${v.field}: ${v.rule}`,
    organiser: "Their Anthropic Messages request (POST /v1/messages) lacked a field or had a wrong one: their tool is not speaking the Messages API.",
    examples: [{ field: "max_tokens", rule: "a positive whole number is required." }],
  }),
  missing_body: code({
    status: 400, type: "invalid_request_error",
    attendee: () => "The request has no body. Send a JSON object such as {\"model\":\"gpt-4o\",\"messages\":[...]}.",
    organiser: "Their request had no body; a JSON body is needed.",
  }),
  invalid_json: code({
    status: 400, type: "invalid_request_error",
    attendee: (/** @type {{ why: "syntax" | "not_object" | "admin" | "credential" }} */ v) => ({
      syntax: "The request body is not valid JSON. Check for a missing quote, comma or brace.",
      not_object: "The request body must be a JSON object such as {\"model\":\"gpt-4o\",\"messages\":[...]}.",
      admin: "The request body is not valid JSON.",
      credential: "Send JSON: {\"kind\": \"openai\" | \"openai-codex\" | \"anthropic\", \"token\": \"...\"}.",
    })[v.why],
    organiser: "Their request body was not valid JSON.",
    examples: [{ why: "syntax" }, { why: "not_object" }, { why: "admin" }, { why: "credential" }],
  }),
  too_deeply_nested: code({
    status: 400, type: "invalid_request_error",
    attendee: (/** @type {{ maxDepth: number }} */ v) =>
      `The request body nests arrays or objects more than ${v.maxDepth} levels deep. Send message content as a string or a flat list of parts, and flatten any deeply nested tool schema.`,
    organiser: "Their request's JSON was nested too deeply to accept.",
    examples: [{ maxDepth: 64 }],
  }),
  model_not_found: code({
    status: 404, type: "not_found_error",
    attendee: (/** @type {{ model: string }} */ v) =>
      `No agent server on this gateway serves the model '${v.model}'. Leave the model as it is in the kit, or ask the organiser which models there are.`,
    organiser: "The model they asked for does not exist or their key cannot use it.",
    examples: [{ model: "gpt-9" }],
  }),
  client_closed_request: code({
    status: 499, type: "invalid_request_error",
    attendee: () => "The request was cancelled by the caller before the answer arrived.",
    organiser: "They hung up before the answer started (Ctrl-C, or their tool timed out).",
  }),

  // The agent host (pipeline/forward).
  upstream_unreachable: code({
    status: 502, type: "upstream_error",
    attendee: () => "The gateway could not reach the agent server. The organiser is on it; try again in a minute.",
    organiser: "The agent host could not be reached: check the host (see /health and the banner).",
  }),
  upstream_timeout: code({
    status: 504, type: "timeout_error",
    attendee: (/** @type {{ seconds: number }} */ v) =>
      `The agent server did not answer within ${v.seconds} seconds. Try again in a minute; the organiser can see this in the logs.`,
    organiser: "The agent host took too long to start answering (UPSTREAM_TIMEOUT_MS).",
    examples: [{ seconds: 60 }],
  }),
  stream_cut: code({
    status: 502, type: "upstream_error",
    attendee: () => "The agent server's answer was cut off before it finished. Ask again.",
    organiser: "The answer stopped midway: the agent host or the connection dropped.",
  }),
  host_unreachable: code({
    status: 503, type: "server_error",
    attendee: (/** @type {{ node: string }} */ v) =>
      `The agent server (${v.node}) could not be reached to set up your own agent. Try again in a minute; if it persists, tell the organiser.`,
    organiser: "A host could not be reached to set up their own agent: check that node (dashboard, /health).",
    examples: [{ node: "mini" }],
  }),
  host_setup_required: code({
    status: 503, type: "configuration_error",
    attendee: (/** @type {{ node: string }} */ v) =>
      `The agent server (${v.node}) is not set up for attendees' own accounts yet. Tell the organiser: run 'npx ocg host' and follow it (docs/credentials.md).`,
    organiser: "That host is not set up for attendees' own accounts: run `npx ocg host` for it (docs/credentials.md).",
    examples: [{ node: "mini" }],
  }),

  // Attendees' own model accounts (credentials/, surfaces/me, surfaces/relay).
  no_credential: code({
    status: (/** @type {{ why: "openai_key" | "codex" | "stored", next?: string }} */ v) => (v.why === "stored" ? 404 : 401),
    type: (v) => (v.why === "stored" ? "not_found_error" : "authentication_error"),
    attendee: (v) => ({
      openai_key: `No OpenAI key registered for you. Run: ${SETUP}`,
      codex: `No Codex session. Run: ${RECONNECT}`,
      stored: `No model account connected. ${v.next ?? ""}`.trim(),
    })[v.why],
    organiser: "They have connected no model account of their own, and this gateway does not pay for them: they run setup.sh (or --auth codex).",
    examples: [{ why: "openai_key" }, { why: "codex" }, { why: "stored", next: "Run: bash setup.sh --auth codex" }],
  }),
  credential_rejected: code({
    status: 401, type: "authentication_error",
    attendee: (/** @type {{ why: "openai_key" | "account_token" }} */ v) => (v.why === "openai_key"
      ? `Your model provider refused your OpenAI key (revoked, mistyped or out of credit): put a working key in OPENAI_API_KEY in .env, then run: ${SETUP}`
      : `Your model provider refused your account's token (expired or revoked): reconnect your account: ${RECONNECT}`),
    organiser: "Their model provider refused their own key or token: they put a working one in and run setup.sh again.",
    examples: [{ why: "openai_key" }, { why: "account_token" }],
  }),
  invalid_credential: code({
    status: 400, type: "invalid_request_error",
    attendee: (/** @type {{ field?: string, looksLike?: string }} */ v) => (v.looksLike
      ? `That token does not look like ${v.looksLike}. Copy it again, without spaces or quotes.`
      : `Invalid '${v.field ?? "body"}': send {"kind": "openai" | "openai-codex" | "anthropic", "token": "..."}.`),
    organiser: "The credential setup.sh sent was not a token of that kind: they copy it again.",
    examples: [{ field: "kind" }, { looksLike: "an OpenAI API key (sk-...)" }],
  }),
  credentials_disabled: code({
    status: 503, type: "configuration_error",
    attendee: () => "This gateway does not keep attendees' own model accounts (the organiser has not set CREDENTIAL_KEY). Ask the organiser.",
    organiser: "Attendees' own accounts need CREDENTIAL_KEY: set it (npm run secrets).",
  }),
  provider_unreachable: code({
    status: 502, type: "upstream_error",
    attendee: (/** @type {{ why: "check" | "relay" }} */ v) => (v.why === "check"
      ? "The gateway could not ask your model provider whether it accepts this token. Try again in a minute."
      : "The gateway could not reach the model provider."),
    organiser: "The model provider (OpenAI, Anthropic, ChatGPT) could not be reached from the gateway: usually brief; check the provider's status page.",
    examples: [{ why: "check" }, { why: "relay" }],
  }),
  provider_timeout: code({
    status: 504, type: "timeout_error",
    attendee: () => "The model provider did not answer in time.",
    organiser: "The model provider took longer than UPSTREAM_TIMEOUT_MS to start answering a relayed call.",
  }),
  provider_blocked: code({
    status: 502, type: "upstream_error",
    attendee: () => "Your model provider's edge turned the gateway's call away (HTTP 403, e.g. a Cloudflare challenge): this is not about your account. Try again in a few minutes; if it keeps happening, tell the organiser.",
    organiser: "The provider's edge (e.g. a Cloudflare challenge) refused the gateway's relayed call: not the attendee's account; retry later.",
  }),
  invalid_relay_token: code({
    status: 401, type: "authentication_error",
    attendee: () => "This relay token is not (or no longer) valid: the attendee rotated or revoked their account, or the agent server's set-up is stale.",
    organiser: "A relay call carried a token that is not (or no longer) valid: after a rotation the host's set-up catches up by itself; if it persists, run `npx ocg host`.",
  }),
  no_active_turn: code({
    status: 403, type: "permission_error",
    attendee: () => "The relay serves the model calls of your own agent's turns only, and no turn of yours is running now. Send your request to the gateway's /v1 API.",
    organiser: "A relay call came while none of their turns was running: something other than their agent used the relay token (the host's config may have leaked).",
  }),
  not_relayed: code({
    status: 404, type: "not_found_error",
    attendee: () => "The relay does not serve this path.",
    organiser: "Their agent called a relay path the gateway does not serve.",
  }),
  credential_kind_changed: code({
    status: 409, type: "invalid_request_error",
    attendee: () => "The attendee's account is of another kind now; the agent server's set-up for it is being updated. Try again.",
    organiser: "They switched to another kind of account mid-turn; the host's set-up follows by itself.",
  }),
  too_many_registrations: code({
    status: 429, type: "rate_limit_error",
    attendee: (/** @type {{ times: number, minutes: number, retryAfterMinutes: number }} */ v) =>
      `You connected a model account ${v.times} times in ${v.minutes} minutes, the most this gateway takes. Try again in ${v.retryAfterMinutes} minute${v.retryAfterMinutes === 1 ? "" : "s"}.`,
    organiser: "They registered a model account over and over (each registration may rewrite every host's config): it clears within 10 minutes.",
    examples: [{ times: 5, minutes: 10, retryAfterMinutes: 7 }],
  }),
  public_url_required: code({
    status: 503, type: "configuration_error",
    attendee: (/** @type {{ why: "kit" | "own_agent" }} */ v) => (v.why === "own_agent"
      ? "This gateway does not know its public address, which the agent server needs to reach it with your model calls. Organiser: set PUBLIC_URL (or RELAY_URL)."
      : "This gateway does not know its public address, so it will not hand out a kit or a join page. Organiser: set PUBLIC_URL to the address attendees open (e.g. https://organized-gateway.<your-subdomain>.workers.dev): `npm run deploy` sets it to the workers.dev address, or run `PUBLIC_URL=https://... npm run secrets -- --yes`."),
    organiser: "PUBLIC_URL is not set: `npm run deploy` sets it, or give it to `npm run secrets`.",
    examples: [{ why: "kit" }, { why: "own_agent" }],
  }),

  // /enroll (setup.sh), logged under `unauthenticated` when it fails.
  enrollment_closed: code({
    status: 403, type: "permission_error",
    attendee: () => "Enrollment is not open on this gateway. Ask the organiser for a gateway key.",
    organiser: "Enrolment is closed (EVENT_CODE is not set): issue them a key instead.",
  }),
  invalid_event_code: code({
    status: (/** @type {{ why: "wrong" | "malformed" }} */ v) => (v.why === "malformed" ? 400 : 403),
    type: (v) => (v.why === "malformed" ? "invalid_request_error" : "permission_error"),
    attendee: (v) => (v.why === "malformed"
      ? "Send {\"event_code\": \"...\", \"user_id\": \"...\"}: the event code is on the room's screen."
      : "That event code is not right. Check EVENT_CODE in your .env against the code on the room's screen."),
    organiser: "A wrong event code was typed at setup: show the code on the screen again.",
    examples: [{ why: "wrong" }, { why: "malformed" }],
  }),
  invalid_email: code({
    status: 400, type: "invalid_request_error",
    attendee: () => "EMAIL must be an email address such as sam@example.com, or left empty.",
    organiser: "The EMAIL in their .env is not an email address: they fix it or leave it empty.",
  }),
  invalid_email_consent: code({
    status: 400, type: "invalid_request_error",
    attendee: () => "An EMAIL is kept only with your consent: send \"email_consent\": true with it, or leave EMAIL empty.",
    organiser: "An email was given without consent, so enrolment refused it: they leave EMAIL empty or consent.",
  }),
  invalid_body: code({
    status: 400, type: "invalid_request_error",
    attendee: (/** @type {{ why: "enrolment" } | { why: "admin", where: string, issue: string }} */ v) => (v.why === "admin"
      ? `Invalid body${v.where}: ${v.issue}.`
      : "Send {\"event_code\": \"...\", \"user_id\": \"...\"}: the event code is on the room's screen."),
    organiser: "Their request's body did not have the fields it needs (an old setup.sh, or a hand-written call).",
    examples: [{ why: "enrolment" }, { why: "admin", where: " (tier)", issue: "Invalid option: expected one of \"event\"|\"tier-1\"" }],
  }),
  event_full: code({
    status: 403, type: "permission_error",
    attendee: (/** @type {{ maxAttendees: number }} */ v) => `This event is full: ${v.maxAttendees} attendees have enrolled. Ask the organiser for a key.`,
    organiser: "The event is full (MAX_ATTENDEES): raise it, or issue a key by hand.",
    examples: [{ maxAttendees: 500 }],
  }),

  // The organiser's doors: the admin API and the dashboard.
  admin_disabled: code({
    status: 403, type: "permission_error",
    attendee: () => "The admin API is off on this gateway: set the ADMIN_TOKEN secret (at least 12 characters) to turn it on.",
    organiser: "ADMIN_TOKEN is not set, so the admin API and the dashboard are off.",
  }),
  invalid_admin_token: code({
    status: 401, type: "authentication_error",
    attendee: () => "Wrong or missing admin token. Send 'Authorization: Bearer <ADMIN_TOKEN>', or sign in at /admin.",
    organiser: "A call to the admin API carried a wrong or no admin token.",
  }),
  admin_request_header_missing: code({
    status: 403, type: "permission_error",
    attendee: (/** @type {{ header: string }} */ v) =>
      `Changes made with the dashboard's sign-in cookie must send the header '${v.header}: 1'; scripts should send 'Authorization: Bearer <ADMIN_TOKEN>' instead.`,
    organiser: "A change came with the dashboard's cookie but without its header: a page other than the dashboard tried it.",
    examples: [{ header: "X-OCG-Admin-Request" }],
  }),
  cross_site_request: code({
    status: 403, type: "permission_error",
    attendee: (/** @type {{ reason: string }} */ v) =>
      `This form can only be sent from this gateway's own page (the browser said ${v.reason}). Open the page on this gateway and submit it there.`,
    organiser: "A form was posted from another site than this gateway: a cross-site attempt, or a page opened at another address.",
    examples: [{ reason: "Origin https://elsewhere.example" }],
  }),
  invalid_query: code({
    status: 400, type: "invalid_request_error",
    attendee: (/** @type {{ where: string, issue: string }} */ v) => `Invalid query${v.where}: ${v.issue}.`,
    organiser: "An admin API call had a query parameter it does not take, or a wrong value.",
    examples: [{ where: " (limit)", issue: "Too big: expected number to be <=1000" }],
  }),
  invalid_key_id: code({
    status: 400, type: "invalid_request_error",
    attendee: (/** @type {{ where: string, issue: string }} */ v) => `Invalid key_id${v.where}: ${v.issue}.`,
    organiser: "An admin API call named a key id that is not one.",
    examples: [{ where: "", issue: "Invalid string: must match pattern /^[0-9A-Za-z]{8}$/" }],
  }),
  key_not_found: code({
    status: 404, type: "not_found_error",
    attendee: (/** @type {{ keyId: string }} */ v) => `No active key with id ${v.keyId}.`,
    organiser: "An admin API call named a key that does not exist or is already revoked.",
    examples: [{ keyId: "k3y1d000" }],
  }),

  // Billing (surfaces/billing).
  billing_not_configured: code({
    status: 503, type: "configuration_error",
    attendee: () => "Billing is not configured on this gateway: the organiser has to set the STRIPE_SECRET_KEY secret (wrangler secret put STRIPE_SECRET_KEY, or .dev.vars locally).",
    organiser: "STRIPE_SECRET_KEY is not set, so /billing cannot sell plans.",
  }),
  stripe_webhook_not_configured: code({
    status: 503, type: "configuration_error",
    attendee: () => "Stripe webhooks are not configured on this gateway: the organiser has to set the STRIPE_WEBHOOK_SECRET secret (the endpoint's signing secret, whsec_...).",
    organiser: "STRIPE_WEBHOOK_SECRET is not set: Stripe's deliveries are refused (and retried by Stripe).",
  }),
  missing_stripe_signature: code({
    status: 400, type: "invalid_request_error",
    attendee: () => "This endpoint takes only Stripe's webhook deliveries, which carry a Stripe-Signature header.",
    organiser: "Something other than Stripe posted to /stripe/webhook.",
  }),
  invalid_stripe_signature: code({
    status: 400, type: "invalid_request_error",
    attendee: (/** @type {{ toleranceSeconds: number }} */ v) =>
      `The Stripe-Signature does not match this body and STRIPE_WEBHOOK_SECRET, or is older than ${v.toleranceSeconds} seconds. Nothing was changed.`,
    organiser: "A webhook's signature did not match STRIPE_WEBHOOK_SECRET: check that it is the signing secret of this endpoint.",
    examples: [{ toleranceSeconds: 300 }],
  }),
  invalid_stripe_event: code({
    status: 400, type: "invalid_request_error",
    attendee: (/** @type {{ reason: string }} */ v) =>
      `This Stripe event is signed but not in the shape the gateway reads (${v.reason}). Nothing was changed; later events are applied as usual.`,
    organiser: "Stripe sent a signed event the gateway cannot read (logged as stripe_event_malformed): nothing changed; check the webhook's API version.",
    examples: [{ reason: "data.object.customer is not a string" }],
  }),
  stripe_unavailable: code({
    status: 502, type: "upstream_error",
    attendee: () => "Stripe did not answer the gateway's request. Try again in a minute; if it keeps failing, tell the organiser.",
    organiser: "Stripe's API did not answer: usually brief; check Stripe's status page.",
  }),
  billing_sign_in_required: code({
    status: 401, type: "authentication_error",
    attendee: () => "Your billing sign-in has ended. Open /billing and sign in with your gateway key again.",
    organiser: "Their billing sign-in expired: they sign in on /billing again.",
  }),
  no_subscription: code({
    status: 404, type: "not_found_error",
    attendee: () => "You have no Stripe subscription yet, so there is no portal to open. Choose a plan on /billing first.",
    organiser: "They opened the billing portal without a subscription.",
  }),
  unknown_tier: code({
    status: 400, type: "invalid_request_error",
    attendee: (/** @type {{ tier: string, tiers: string[] }} */ v) => `There is no tier '${v.tier}'. Tiers: ${v.tiers.join(", ")}.`,
    organiser: "A checkout named a tier that TIERS does not have.",
    examples: [{ tier: "gold", tiers: ["event", "tier-1", "tier-2", "tier-3"] }],
  }),
  tier_not_on_sale: code({
    status: 400, type: "invalid_request_error",
    attendee: (/** @type {{ tier: string }} */ v) =>
      `Tier '${v.tier}' has no Stripe price: add its price id to "price_ids" in the TIERS setting (e.g. {"${v.tier}":{..., "price_ids":["price_..."]}}).`,
    organiser: "That tier has no Stripe price: add its price id to price_ids in TIERS.",
    examples: [{ tier: "tier-1" }],
  }),

  // The gateway itself.
  gateway_misconfigured: code({
    status: 503, type: "configuration_error",
    attendee: (/** @type {{ settings: string[] }} */ v) => `The gateway is not configured correctly (check: ${v.settings.join(", ")}). Tell the organiser.`,
    organiser: "A setting is wrong or missing (the answer names it, docs/settings.md says what it takes): fix it and deploy again.",
    examples: [{ settings: ["HASH_SECRET"] }],
  }),
  internal_error: code({
    status: 500, type: "server_error",
    attendee: () => "The gateway hit an internal error. Try again; if it keeps happening, tell the organiser.",
    organiser: "The gateway hit an internal error: look for this request id in the Worker's logs.",
  }),
};

/**
 * What a code's entry answers for these values: its status and type (which may depend on
 * them) and the attendee's sentence. The one reading of an entry: refusal() and docs/errors.md use it.
 * @param {{ status: number | ((values: any) => number), type: ErrorType | ((values: any) => ErrorType), attendee: (values: any) => string }} entry
 * @param {unknown} values
 * @returns {{ status: number, type: ErrorType, message: string }}
 */
export function answerOf(entry, values) {
  return {
    status: typeof entry.status === "function" ? entry.status(values) : entry.status,
    type: typeof entry.type === "function" ? entry.type(values) : entry.type,
    message: entry.attendee(values),
  };
}

/** @param {string} what @param {number} retryAfter */
function wrongGuesses(what, retryAfter) {
  return `Too many wrong ${what} came from your network in the last minute (someone here may be guessing). Check yours and try again in ${retryAfter} seconds.`;
}

/**
 * Codes the gateway logs but does not write: the upstream's own (OpenAI's, the agent host's),
 * passed on with its words. Only the organiser's sentence is the gateway's.
 */
export const UPSTREAM_CODES = {
  upstream_stream_error: "The agent host reported an error in the middle of a streamed answer.",
  invalid_api_key: "The upstream refused their own OpenAI key: have them check OPENAI_API_KEY in .env.",
  insufficient_quota: "Their OpenAI account has no credit left.",
  context_length_exceeded: "Their conversation got too long for the model: have them start a new one.",
  token_invalidated: "OpenAI invalidated their ChatGPT sign-in: they reconnect their account (bash setup.sh --auth codex).",
  usage_limit_reached: "Their ChatGPT plan's usage limit is reached: it resets by itself in OpenAI's window, or they connect another account.",
  proxy_attribution_required: "OpenClaw refused the gateway's call for want of proxy attribution: see docs/exposing-openclaw.md.",
};

/**
 * The organiser's sentence for an upstream's HTTP error the gateway passes on as
 * `upstream_http_<status>` (or an upstream code nobody described, by the row's status).
 * @param {number} status
 */
export function upstreamHttpHelp(status) {
  if (status === 401 || status === 403) return `The agent host refused the request (HTTP ${status}): in BYOK mode their own key is wrong; otherwise check OPENCLAW_TOKEN.`;
  if (status === 404) return "The agent host has no such endpoint or model (HTTP 404).";
  if (status === 429) return "The agent host is rate-limiting (HTTP 429): its own limit or quota, not the gateway's.";
  if (status >= 500) return `The agent host failed (HTTP ${status}): check the host; it is not the attendee's fault.`;
  return `The agent host answered HTTP ${status}.`;
}

/** What the organiser reads for a code nobody described. */
export const UNDESCRIBED = "An error the gateway does not describe: open the attendee's last requests for the status.";
