// @ts-check
/** Authorization rules of the simulator. */
import { timingSafeEqual } from 'node:crypto';
import { invalidApiKeyError, unauthorizedError } from './errors.mjs';
import { bearerOf } from './http.mjs';

/**
 * Returns null when the request is allowed, else an OpenAI-shaped 401 body.
 * - With `requireToken`: only `Authorization: Bearer <requireToken>` passes
 *   (401 {"error":{"message":"Unauthorized","type":"unauthorized"}} otherwise, like OpenClaw).
 * - Without: any bearer or none passes, except a bearer containing "invalid" or "revoked"
 *   (401 invalid_api_key, only the last 4 chars of the key are echoed).
 * @param {import('node:http').IncomingHttpHeaders} headers
 * @param {string | undefined} requireToken
 */
export function checkAuth(headers, requireToken) {
  const bearer = bearerOf(headers);
  if (requireToken) {
    if (bearer === null) return unauthorizedError();
    const a = Buffer.from(bearer);
    const b = Buffer.from(requireToken);
    return a.length === b.length && timingSafeEqual(a, b) ? null : unauthorizedError();
  }
  if (bearer !== null && /invalid|revoked/i.test(bearer)) return invalidApiKeyError(bearer);
  return null;
}
