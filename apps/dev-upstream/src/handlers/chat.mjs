// @ts-check
/** POST /v1/chat/completions — JSON or SSE. Tools, tool_choice etc. are accepted and ignored. */
import { answerFor } from '../answers.mjs';
import { sendJson, sendJsonCut } from '../http.mjs';
import { newId, nowSeconds } from '../ids.mjs';
import { lastUserText } from '../messages.mjs';
import { streamAnswer } from '../stream.mjs';
import { chatUsage, promptTokens, textTokens } from '../tokens.mjs';
import { checkModel, invalidParam, missingParam } from '../validate.mjs';

const FINGERPRINT = 'fp_dev_upstream';

/** @param {import('../context.mjs').RequestContext} ctx */
export async function chatCompletions(ctx) {
  const { body, res, knobs } = ctx;
  const modelError = checkModel(ctx.model);
  if (modelError) return sendJson(res, 400, modelError, ctx.headers);
  const messages = body.messages;
  if (messages === undefined) return sendJson(res, 400, missingParam('messages'), ctx.headers);
  if (!Array.isArray(messages) || messages.length === 0) {
    return sendJson(res, 400, invalidParam('messages', "Invalid 'messages': expected a non-empty array of messages."), ctx.headers);
  }

  const model = /** @type {string} */ (ctx.model);
  const text = answerFor(lastUserText(messages));
  const prompt = promptTokens(messages);
  const id = newId('chatcmpl');
  const created = nowSeconds();

  if (body.stream === true) {
    /** @param {Record<string, unknown>} delta @param {string | null} finish */
    const chunk = (delta, finish) => ({
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      system_fingerprint: FINGERPRINT,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    });
    return streamAnswer({
      res,
      signal: ctx.signal,
      knobs,
      text,
      includeUsage: body.stream_options?.include_usage === true,
      stats: ctx.stats,
      headers: ctx.headers,
      shape: {
        start: () => chunk({ role: 'assistant', content: '' }, null),
        content: (t) => chunk({ content: t }, null),
        finish: () => chunk({}, 'stop'),
        usage: (completionText) => ({
          id,
          object: 'chat.completion.chunk',
          created,
          model,
          system_fingerprint: FINGERPRINT,
          choices: [],
          usage: chatUsage(prompt, textTokens(completionText)),
        }),
      },
    });
  }

  /** @type {Record<string, unknown>} */
  const out = {
    id,
    object: 'chat.completion',
    created,
    model,
    system_fingerprint: FINGERPRINT,
    choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null }, logprobs: null, finish_reason: 'stop' }],
  };
  if (!knobs.noUsage) out.usage = chatUsage(prompt, textTokens(text));
  if (knobs.cut !== null) return sendJsonCut(res, 200, out, ctx.headers);
  sendJson(res, 200, out, ctx.headers);
}
