// @ts-check
/** POST /v1/completions (legacy text completions) — minimal, JSON or SSE. */
import { answerFor } from '../answers.mjs';
import { sendJson } from '../http.mjs';
import { newId, nowSeconds } from '../ids.mjs';
import { streamAnswer } from '../stream.mjs';
import { chatUsage, textTokens } from '../tokens.mjs';
import { checkModel, missingParam } from '../validate.mjs';

/**
 * `prompt` as text: a string, or the strings of an array joined with "\n" (token arrays count as no text).
 * @param {unknown} prompt
 */
function promptText(prompt) {
  if (typeof prompt === 'string') return prompt;
  if (Array.isArray(prompt)) return prompt.filter((p) => typeof p === 'string').join('\n');
  return '';
}

/** @param {import('../context.mjs').RequestContext} ctx */
export async function completions(ctx) {
  const { body, res, knobs } = ctx;
  const modelError = checkModel(ctx.model);
  if (modelError) return sendJson(res, 400, modelError, ctx.headers);
  if (body.prompt === undefined) return sendJson(res, 400, missingParam('prompt'), ctx.headers);

  const model = /** @type {string} */ (ctx.model);
  const input = promptText(body.prompt);
  const text = answerFor(input);
  const prompt = textTokens(input);
  const id = newId('cmpl');
  const created = nowSeconds();
  /** @param {string} t @param {string | null} finish */
  const result = (t, finish) => ({
    id,
    object: 'text_completion',
    created,
    model,
    choices: [{ text: t, index: 0, logprobs: null, finish_reason: finish }],
  });

  if (body.stream === true) {
    return streamAnswer({
      res,
      signal: ctx.signal,
      knobs,
      text,
      includeUsage: body.stream_options?.include_usage === true,
      stats: ctx.stats,
      headers: ctx.headers,
      shape: {
        start: null,
        content: (t) => result(t, null),
        finish: () => result('', 'stop'),
        usage: (completionText) => ({
          id,
          object: 'text_completion',
          created,
          model,
          choices: [],
          usage: chatUsage(prompt, textTokens(completionText)),
        }),
      },
    });
  }

  /** @type {Record<string, unknown>} */
  const out = result(text, 'stop');
  if (!knobs.noUsage) out.usage = chatUsage(prompt, textTokens(text));
  sendJson(res, 200, out, ctx.headers);
}
