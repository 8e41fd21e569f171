// @ts-check
/** OpenAI-shaped error bodies: always {"error":{"message","type","code"}}. */

/**
 * @typedef {{ error: { message: string, type: string, code: string | null, param?: string | null } }} OpenAIError
 */

/**
 * @param {string} message
 * @param {string} type
 * @param {string | null} code
 * @param {string | null} [param]
 * @returns {OpenAIError}
 */
export function openAIError(message, type, code, param) {
  /** @type {OpenAIError} */
  const body = { error: { message, type, code } };
  if (param !== undefined) body.error.param = param;
  return body;
}

/**
 * Mask a key like OpenAI does, never echoing it whole: `sk-...abcd` (last 4 only).
 * @param {string} key
 */
export function maskKey(key) {
  return `sk-...${key.slice(-4)}`;
}

/** @param {string} key */
export function invalidApiKeyError(key) {
  return openAIError(
    `Incorrect API key provided: ${maskKey(key)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
    'invalid_request_error',
    'invalid_api_key',
  );
}

export function missingApiKeyError() {
  return openAIError(
    "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
    'invalid_request_error',
    'invalid_api_key',
  );
}

/** OpenClaw's operator-token rejection (exact shape OpenClaw uses; `code` added for uniformity). */
export function unauthorizedError() {
  return openAIError('Unauthorized', 'unauthorized', 'unauthorized');
}

/** @type {Record<number, [string, string]>} status -> [message, code] for simulated errors */
const SIMULATED = {
  400: ['Bad request.', 'bad_request'],
  403: ['You are not allowed to access this resource.', 'forbidden'],
  404: ['The requested resource was not found.', 'not_found'],
  408: ['upstream provider timeout', 'timeout'],
  409: ['Conflict.', 'conflict'],
  413: ['Request entity too large.', 'request_too_large'],
  422: ['Unprocessable entity.', 'unprocessable_entity'],
  429: ['Rate limit reached for requests. Please try again in 1s.', 'rate_limit_exceeded'],
  500: ['The server had an error while processing your request. Sorry about that!', 'server_error'],
  502: ['Bad gateway.', 'bad_gateway'],
  503: ['The engine is currently overloaded, please try again later.', 'service_unavailable'],
  504: ['Gateway timeout.', 'gateway_timeout'],
};

/**
 * Error body for the `status` knob.
 * 429 -> rate_limit_error/rate_limit_exceeded; 5xx -> server_error; 401 -> invalid_api_key;
 * anything else -> invalid_request_error.
 * @param {number} status
 * @param {string | null} bearer the caller's bearer token, if any (only its last 4 chars are used)
 */
export function simulatedError(status, bearer) {
  if (status === 401) return bearer ? invalidApiKeyError(bearer) : missingApiKeyError();
  const [message, code] = SIMULATED[status] ?? [`Simulated HTTP ${status} error.`, `http_${status}`];
  const type = status === 429 ? 'rate_limit_error' : status >= 500 ? 'server_error' : 'invalid_request_error';
  return openAIError(`${message} (simulated by dev-upstream)`, type, code);
}
