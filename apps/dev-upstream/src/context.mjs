// @ts-check
/**
 * @typedef {object} RequestContext   what every endpoint handler receives
 * @property {import('node:http').IncomingMessage} req
 * @property {import('node:http').ServerResponse} res
 * @property {string} path
 * @property {any} body                 parsed JSON body (object) for POST endpoints, else null
 * @property {unknown} model            body.model without its `@knobs` suffix
 * @property {import('./knobs.mjs').Knobs} knobs
 * @property {AbortSignal} signal       aborts when the response closes (client gone / server closing)
 * @property {import('./stats.mjs').DevUpstreamStats} stats
 * @property {Record<string, string>} headers  headers every response carries (x-request-id, ...)
 */
export {};
