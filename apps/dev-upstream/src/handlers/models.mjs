// @ts-check
/** GET /v1/models and GET /v1/models/{id}. */
import { openAIError } from '../errors.mjs';
import { sendJson } from '../http.mjs';

const CREATED = 1_700_000_000;

/** The ids listed by the simulator (any model name is still accepted by the POST endpoints). */
export const MODEL_IDS = ['dev-echo', 'gpt-4o', 'gpt-4o-mini', 'openclaw', 'openclaw/main'];

/** @param {string} id */
function modelObject(id) {
  const owned_by = id.startsWith('openclaw') ? 'openclaw' : id.startsWith('gpt-') ? 'openai' : 'dev-upstream';
  return { id, object: 'model', created: CREATED, owned_by };
}

const LIST_BODY = { object: 'list', data: MODEL_IDS.map(modelObject) };

/** @param {import('../context.mjs').RequestContext} ctx */
export function listModels(ctx) {
  sendJson(ctx.res, 200, LIST_BODY, ctx.headers);
}

/** @param {import('../context.mjs').RequestContext} ctx */
export function getModel(ctx) {
  let id = ctx.path.slice('/v1/models/'.length);
  try {
    id = decodeURIComponent(id);
  } catch {
    /* keep raw */
  }
  if (MODEL_IDS.includes(id)) return sendJson(ctx.res, 200, modelObject(id), ctx.headers);
  sendJson(
    ctx.res,
    404,
    openAIError(`The model '${id}' does not exist or you do not have access to it.`, 'invalid_request_error', 'model_not_found', 'model'),
    ctx.headers,
  );
}
