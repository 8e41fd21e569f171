// @ts-check
/** GET /healthz, /health, /readyz (no auth, like OpenClaw). */
import { sendJson } from '../http.mjs';

/** @param {import('../context.mjs').RequestContext} ctx */
export function health(ctx) {
  sendJson(ctx.res, 200, { ok: true, status: 'live', simulator: true }, ctx.headers);
}

/** @param {import('../context.mjs').RequestContext} ctx */
export function ready(ctx) {
  sendJson(ctx.res, 200, { ok: true, status: 'ready', simulator: true }, ctx.headers);
}
