// @ts-check
/** POST /v1/embeddings — deterministic small vectors (default 8 floats), float or base64. */
import { sendJson } from '../http.mjs';
import { textTokens } from '../tokens.mjs';
import { checkModel, invalidParam, missingParam } from '../validate.mjs';
import { DEFAULT_DIMENSIONS, embed, toBase64 } from '../vectors.mjs';

/**
 * `input` as a list of strings: a string, an array of strings, a token array, or an array of token arrays.
 * @param {unknown} input
 * @returns {string[] | null}
 */
function inputs(input) {
  if (typeof input === 'string') return [input];
  if (!Array.isArray(input) || input.length === 0) return null;
  if (input.every((x) => typeof x === 'number')) return [JSON.stringify(input)];
  if (input.every((x) => typeof x === 'string' || Array.isArray(x))) {
    return input.map((x) => (typeof x === 'string' ? x : JSON.stringify(x)));
  }
  return null;
}

/** @param {import('../context.mjs').RequestContext} ctx */
export function embeddings(ctx) {
  const { body, res, knobs } = ctx;
  const modelError = checkModel(ctx.model);
  if (modelError) return sendJson(res, 400, modelError, ctx.headers);
  if (body.input === undefined) return sendJson(res, 400, missingParam('input'), ctx.headers);
  const list = inputs(body.input);
  if (!list) return sendJson(res, 400, invalidParam('input', "Invalid 'input': expected a string or a non-empty array."), ctx.headers);
  const dims = body.dimensions ?? DEFAULT_DIMENSIONS;
  if (!Number.isInteger(dims) || dims < 1 || dims > 4096) {
    return sendJson(res, 400, invalidParam('dimensions', "Invalid 'dimensions': expected an integer 1..4096."), ctx.headers);
  }
  const base64 = body.encoding_format === 'base64';

  let tokens = 0;
  const data = list.map((text, index) => {
    tokens += textTokens(text);
    const vec = embed(text, dims);
    return { object: 'embedding', index, embedding: base64 ? toBase64(vec) : Array.from(vec) };
  });
  /** @type {Record<string, unknown>} */
  const out = { object: 'list', data, model: ctx.model };
  if (!knobs.noUsage) out.usage = { prompt_tokens: tokens, total_tokens: tokens };
  sendJson(res, 200, out, ctx.headers);
}
