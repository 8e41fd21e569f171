// @ts-check
/**
 * POST /backend-api/codex/responses — a stand-in for the ChatGPT (Codex) subscription
 * backend, the endpoint the Codex CLI calls with a ChatGPT sign-in's access token. It refuses
 * what the real backend is reported to refuse, in the real backend's words, and otherwise
 * answers with the Responses API's typed event stream (handlers/responses.mjs), so a client
 * that gets through here sends what the real one takes. Where each rule comes from:
 * the gateway's docs/credentials.md, "What the ChatGPT (Codex) backend takes".
 *
 * - Auth: a bearer that is a JWT whose payload carries `exp` and
 *   `https://api.openai.com/auth`.chatgpt_account_id. Past `exp`: 401 `token_expired`; a
 *   bearer containing "revoked" (the simulator's convention for a dead key): 401
 *   `token_invalidated`. Both in the backend's shape `{"error":{...},"status":401}`.
 * - A `chatgpt-account-id` header equal to the token's account (the stand-in's own check:
 *   what the real backend answers to a wrong one is not known).
 * - Body: `stream: true`, `store: false`, non-empty `instructions`, no `role: "system"`
 *   input item, none of the parameters the backend does not take — each refused with 400
 *   `{"detail": "<the backend's sentence>"}`.
 */
import { sendJson } from '../http.mjs';
import { responses } from './responses.mjs';

const AUTH_CLAIM = 'https://api.openai.com/auth';

/** Parameters the backend answers 400 "Unsupported parameter: <name>" to. */
export const CODEX_UNSUPPORTED_PARAMS = [
  'max_output_tokens', 'max_completion_tokens', 'metadata', 'prompt_cache_retention', 'prompt_cache_options',
  'service_tier', 'temperature', 'top_p',
];

/** @param {import('../context.mjs').RequestContext} ctx */
export function codexResponses(ctx) {
  const { req, res, body } = ctx;
  const auth = authRefusal(req.headers);
  if (auth) return sendJson(res, auth.status, auth.body, ctx.headers);
  const detail = bodyRefusal(body);
  if (detail) return sendJson(res, 400, { detail }, ctx.headers);
  return responses(ctx);
}

/**
 * @param {string} message @param {string} code
 * @returns {{ status: number, body: unknown }}
 */
function unauthorized(message, code) {
  return { status: 401, body: { error: { message, type: code === 'token_expired' ? null : 'invalid_request_error', code, param: null }, status: 401 } };
}

/**
 * @param {string} token
 * @returns {Record<string, any> | null}
 */
function claimsOf(token) {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  try {
    const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    return claims && typeof claims === 'object' && !Array.isArray(claims) ? claims : null;
  } catch {
    return null;
  }
}

/** @param {import('node:http').IncomingHttpHeaders} headers */
function authRefusal(headers) {
  const bearer = /^Bearer\s+(\S+)$/i.exec(String(headers.authorization ?? '').trim())?.[1] ?? '';
  const claims = claimsOf(bearer);
  const account = claims?.[AUTH_CLAIM]?.chatgpt_account_id;
  if (!claims || typeof claims.exp !== 'number' || typeof account !== 'string') {
    return unauthorized('Could not parse your authentication token. Please try signing in again. (dev-upstream Codex stand-in)', 'token_invalid');
  }
  if (/revoked/i.test(bearer)) return unauthorized('Your authentication token has been invalidated. Please try signing in again.', 'token_invalidated');
  if (claims.exp * 1000 <= Date.now()) return unauthorized('Provided authentication token is expired. Please try signing in again.', 'token_expired');
  if (headers['chatgpt-account-id'] !== account) {
    return { status: 400, body: { detail: 'chatgpt-account-id must name the account of the token (dev-upstream Codex stand-in)' } };
  }
  return null;
}

/** @param {any} body */
function bodyRefusal(body) {
  if (body.stream !== true) return 'Stream must be set to true';
  if (body.store !== false) return 'Store must be set to false';
  if (typeof body.instructions !== 'string' || body.instructions.trim() === '') return 'Instructions are required';
  const unsupported = CODEX_UNSUPPORTED_PARAMS.find((name) => body[name] !== undefined);
  if (unsupported) return `Unsupported parameter: ${unsupported}`;
  if (Array.isArray(body.input) && body.input.some((item) => item && typeof item === 'object' && item.role === 'system')) {
    return 'System messages are not allowed';
  }
  return null;
}
