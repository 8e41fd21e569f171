// @ts-check
/** POST /v1/responses — minimal non-streaming Responses API. */
import { answerFor } from '../answers.mjs';
import { openAIError } from '../errors.mjs';
import { sendJson } from '../http.mjs';
import { newId, nowSeconds } from '../ids.mjs';
import { lastUserText, responsesInputAsMessages } from '../messages.mjs';
import { promptTokens, textTokens } from '../tokens.mjs';
import { checkModel, missingParam } from '../validate.mjs';

/** @param {import('../context.mjs').RequestContext} ctx */
export function responses(ctx) {
  const { body, res, knobs } = ctx;
  const modelError = checkModel(ctx.model);
  if (modelError) return sendJson(res, 400, modelError, ctx.headers);
  if (body.input === undefined) return sendJson(res, 400, missingParam('input'), ctx.headers);
  if (body.stream === true) {
    return sendJson(
      res,
      400,
      openAIError('Streaming is not supported on /v1/responses by the dev-upstream simulator.', 'invalid_request_error', 'unsupported_parameter', 'stream'),
      ctx.headers,
    );
  }

  const messages = responsesInputAsMessages(body.input, body.instructions);
  const text = answerFor(lastUserText(messages));
  const id = newId('resp');
  /** @type {Record<string, unknown>} */
  const out = {
    id,
    object: 'response',
    created_at: nowSeconds(),
    status: 'completed',
    model: ctx.model,
    output: [
      {
        type: 'message',
        id: newId('msg'),
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', text, annotations: [] }],
      },
    ],
    output_text: text,
  };
  if (!knobs.noUsage) {
    const input = promptTokens(messages);
    const output = textTokens(text);
    out.usage = { input_tokens: input, output_tokens: output, total_tokens: input + output };
  }
  sendJson(res, 200, out, ctx.headers);
}
