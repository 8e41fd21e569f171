// @ts-check
/**
 * GET /__dev/last-request and /__dev/requests: what the simulator received, for tests that
 * run in another process (e.g. inside workerd) and must check what a gateway forwarded.
 * Only API requests are listed (/v1, and the Codex backend stand-in under /backend-api); the
 * simulator holds no secrets worth hiding.
 */
import { sendJson } from '../http.mjs';

/** @param {import('../context.mjs').RequestContext} ctx */
function apiRequests(ctx) {
  return ctx.stats.requests.filter((r) => r.path.startsWith('/v1/') || r.path.startsWith('/backend-api/'));
}

/** @param {import('../context.mjs').RequestContext} ctx */
export function lastRequest(ctx) {
  const last = apiRequests(ctx).at(-1);
  if (!last) return sendJson(ctx.res, 404, { error: { message: 'No API request received yet.', type: 'not_found_error', code: 'no_requests' } }, ctx.headers);
  sendJson(ctx.res, 200, last, ctx.headers);
}

/** @param {import('../context.mjs').RequestContext} ctx */
export function recentRequests(ctx) {
  sendJson(ctx.res, 200, { data: apiRequests(ctx) }, ctx.headers);
}
