// @ts-check
/**
 * The per-request pipeline: record -> route -> method -> auth -> JSON body -> knobs
 * -> latency -> simulated status -> endpoint handler.
 */
import { checkAuth } from './auth.mjs';
import { openAIError, simulatedError } from './errors.mjs';
import { bearerOf, readBody, sendJson, sleep } from './http.mjs';
import { newId } from './ids.mjs';
import { KnobError, defaultKnobs, resolveKnobs, splitModel } from './knobs.mjs';
import { recordRequest } from './stats.mjs';
import { chatCompletions } from './handlers/chat.mjs';
import { completions } from './handlers/completions.mjs';
import { embeddings } from './handlers/embeddings.mjs';
import { health, ready } from './handlers/health.mjs';
import { getModel, listModels } from './handlers/models.mjs';
import { responses } from './handlers/responses.mjs';
import { codexResponses } from './handlers/codex.mjs';
import { lastRequest, recentRequests } from './handlers/introspect.mjs';

/**
 * @typedef {(ctx: import('./context.mjs').RequestContext) => unknown} Handler
 * @typedef {{ methods: string[], handler: Handler, api: boolean, post: boolean, ownAuth?: boolean }} Route
 *   api: OpenAI API route (auth + knobs apply); post: expects a JSON object body;
 *   ownAuth: the handler checks credentials itself, in its provider's words (the simulator's auth rules do not apply)
 */

const GET = ['GET', 'HEAD'];
const POST = ['POST'];

/** @type {Map<string, Route>} */
const ROUTES = new Map([
  ['/healthz', { methods: GET, handler: health, api: false, post: false }],
  ['/health', { methods: GET, handler: health, api: false, post: false }],
  ['/readyz', { methods: GET, handler: ready, api: false, post: false }],
  ['/__dev/last-request', { methods: GET, handler: lastRequest, api: false, post: false }],
  ['/__dev/requests', { methods: GET, handler: recentRequests, api: false, post: false }],
  ['/v1/models', { methods: GET, handler: listModels, api: true, post: false }],
  ['/v1/chat/completions', { methods: POST, handler: chatCompletions, api: true, post: true }],
  ['/v1/completions', { methods: POST, handler: completions, api: true, post: true }],
  ['/v1/embeddings', { methods: POST, handler: embeddings, api: true, post: true }],
  ['/v1/responses', { methods: POST, handler: responses, api: true, post: true }],
  ['/backend-api/codex/responses', { methods: POST, handler: codexResponses, api: true, post: true, ownAuth: true }],
]);
/** @type {Route} */
const MODEL_ROUTE = { methods: GET, handler: getModel, api: true, post: false };

/** @param {string} path */
function findRoute(path) {
  const route = ROUTES.get(path);
  if (route) return route;
  if (path.startsWith('/v1/models/') && path.length > '/v1/models/'.length) return MODEL_ROUTE;
  return null;
}

/**
 * @typedef {object} RouterOptions
 * @property {import('./stats.mjs').DevUpstreamStats} stats
 * @property {string | undefined} requireToken
 * @property {boolean} quiet
 * @property {{ baseMs: number, threshold: number } | undefined} overload
 */

/**
 * @param {RouterOptions} opts
 * @returns {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void}
 */
export function createRequestHandler(opts) {
  return (req, res) => {
    if (!opts.quiet) logWhenDone(req, res);
    handle(req, res, opts).catch((err) => {
      if (!opts.quiet) console.error('dev-upstream: handler error', err);
      if (!res.headersSent) sendJson(res, 500, openAIError('Internal simulator error.', 'server_error', 'server_error'));
      else res.destroy();
    });
  };
}

/**
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 */
function logWhenDone(req, res) {
  const start = process.hrtime.bigint();
  res.once('close', () => {
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    const end = res.writableFinished ? '' : ' (closed early)';
    console.log(`dev-upstream ${req.method} ${req.url} -> ${res.statusCode} ${ms.toFixed(1)}ms${end}`);
  });
}

/**
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {RouterOptions} opts
 */
async function handle(req, res, { stats, requireToken, overload }) {
  const seq = ++stats.requestCount;
  const method = req.method ?? 'GET';
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  /** @type {Record<string, string>} */
  const headers = { 'x-request-id': newId('req') };

  const cl = req.headers['content-length'];
  const hasBody = cl !== undefined ? cl !== '0' : req.headers['transfer-encoding'] !== undefined;
  const raw = hasBody ? await readBody(req) : '';
  /** @type {any} */
  let body = null;
  let badJson = false;
  if (raw) {
    try {
      body = JSON.parse(raw);
    } catch {
      badJson = true;
    }
  }
  recordRequest(stats, { seq, method, path, url, headers: { ...req.headers }, body });

  if (raw === null) {
    return sendJson(res, 413, openAIError('Request body too large (max 20 MB).', 'invalid_request_error', 'request_too_large'), headers);
  }
  const route = findRoute(path);
  if (!route) {
    return sendJson(res, 404, openAIError(`Invalid URL (${method} ${path})`, 'invalid_request_error', 'unknown_url'), headers);
  }
  if (!route.methods.includes(method)) {
    return sendJson(
      res,
      405,
      openAIError(`Method ${method} is not allowed on ${path}; use ${route.methods[0]}.`, 'invalid_request_error', 'method_not_allowed'),
      { ...headers, allow: route.methods.join(', ') },
    );
  }

  let knobs = defaultKnobs();
  let model = body?.model;
  if (route.api) {
    const authError = route.ownAuth ? null : checkAuth(req.headers, requireToken);
    if (authError) return sendJson(res, 401, authError, headers);
    if (route.post) {
      if (badJson) {
        return sendJson(
          res,
          400,
          openAIError(
            'We could not parse the JSON body of your request. (HINT: This likely means you aren\'t using your HTTP library correctly. The OpenAI API expects a JSON payload.)',
            'invalid_request_error',
            'invalid_json',
          ),
          headers,
        );
      }
      if (!body || typeof body !== 'object' || Array.isArray(body)) {
        return sendJson(res, 400, openAIError('The request body must be a JSON object.', 'invalid_request_error', 'invalid_json'), headers);
      }
    }
    const split = splitModel(model);
    model = split.model;
    try {
      knobs = resolveKnobs(req.headers, split.suffix);
    } catch (err) {
      if (!(err instanceof KnobError)) throw err;
      return sendJson(res, 400, openAIError(err.message, 'invalid_request_error', 'invalid_dev_knob'), headers);
    }
  }

  const ac = new AbortController();
  res.once('close', () => ac.abort());
  if (route.api) {
    stats.inflight++;
    stats.peakInflight = Math.max(stats.peakInflight, stats.inflight);
    res.once('close', () => stats.inflight--);
  }
  if (overload && route.api && !(await sleep(overloadedLatency(overload, stats.inflight), ac.signal))) return;
  if (knobs.latencyMs > 0 && !(await sleep(knobs.latencyMs, ac.signal))) return;
  if (knobs.status !== null) {
    const extra = knobs.status === 429 ? { ...headers, 'retry-after': '1' } : headers;
    return sendJson(res, knobs.status, simulatedError(knobs.status, bearerOf(req.headers)), extra);
  }

  await route.handler({ req, res, path, body: route.post ? body : null, model, knobs, signal: ac.signal, stats, headers });
}

/**
 * A host running out of memory, simply: a request takes `baseMs` while at most `threshold`
 * run at once, and latency × (1 + (n / threshold)²) once n are in flight past it.
 * @param {{ baseMs: number, threshold: number }} overload
 * @param {number} inflight
 */
export function overloadedLatency({ baseMs, threshold }, inflight) {
  return inflight <= threshold ? baseMs : baseMs * (1 + (inflight / threshold) ** 2);
}
