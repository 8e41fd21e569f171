// @ts-check
/**
 * POST /v1/chat/completions — JSON or SSE. Tools are ignored unless the scripted model
 * (script.mjs) is in play: then the answer is a call of an offered tool (`tool_calls`, streamed
 * as `delta.tool_calls` fragments) or a text quoting the tool's result.
 */
import { answerFor } from '../answers.mjs';
import { sendJson, sendJsonCut } from '../http.mjs';
import { newId, nowSeconds } from '../ids.mjs';
import { lastUserText } from '../messages.mjs';
import { argumentFragments, chatToolResult, offeredTools, scriptedTurn } from '../script.mjs';
import { streamAnswer, streamFixed } from '../stream.mjs';
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
  const turn = scriptedTurn({ currentText: lastUserText(messages), toolResult: chatToolResult(messages), tools: offeredTools(body.tools) });
  const text = turn?.kind === 'text' ? turn.text : answerFor(lastUserText(messages));
  const prompt = promptTokens(messages);
  const id = newId('chatcmpl');
  const created = nowSeconds();
  if (turn?.kind === 'call') return toolCall(ctx, turn, { id, created, model, prompt });

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

/**
 * The scripted model's call of an offered tool, as JSON or as a stream: a role chunk, the
 * call's opening delta (id, name, empty arguments), its arguments in fragments, the
 * `finish_reason: "tool_calls"` chunk, usage if asked, [DONE].
 * @param {import('../context.mjs').RequestContext} ctx
 * @param {Extract<import('../script.mjs').ScriptedTurn, { kind: 'call' }>} turn
 * @param {{ id: string, created: number, model: string, prompt: number }} at
 */
function toolCall(ctx, turn, { id, created, model, prompt }) {
  const { body, res, knobs } = ctx;
  const callId = newId('call');
  const custom = turn.tool.kind === 'custom';
  const usage = chatUsage(prompt, textTokens(turn.arguments));
  if (body.stream === true) {
    /** @param {Record<string, unknown>} delta @param {string | null} finish */
    const chunk = (delta, finish) => ({
      id, object: 'chat.completion.chunk', created, model, system_fingerprint: FINGERPRINT,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    });
    const opening = custom
      ? { index: 0, id: callId, type: 'custom', custom: { name: turn.tool.name, input: '' } }
      : { index: 0, id: callId, type: 'function', function: { name: turn.tool.name, arguments: '' } };
    const fragments = argumentFragments(custom ? (turn.input ?? '') : turn.arguments).map((fragment) =>
      chunk({ tool_calls: [custom ? { index: 0, custom: { input: fragment } } : { index: 0, function: { arguments: fragment } }] }, null));
    const events = [chunk({ role: 'assistant', content: null }, null), chunk({ tool_calls: [opening] }, null), ...fragments, chunk({}, 'tool_calls')];
    if (body.stream_options?.include_usage === true && !knobs.noUsage) {
      events.push({ id, object: 'chat.completion.chunk', created, model, system_fingerprint: FINGERPRINT, choices: [], usage });
    }
    return streamFixed({ res, signal: ctx.signal, knobs, stats: ctx.stats, headers: ctx.headers, events, typed: false });
  }
  const call = custom
    ? { id: callId, type: 'custom', custom: { name: turn.tool.name, input: turn.input ?? '' } }
    : { id: callId, type: 'function', function: { name: turn.tool.name, arguments: turn.arguments } };
  /** @type {Record<string, unknown>} */
  const out = {
    id, object: 'chat.completion', created, model, system_fingerprint: FINGERPRINT,
    choices: [{ index: 0, message: { role: 'assistant', content: null, tool_calls: [call], refusal: null }, logprobs: null, finish_reason: 'tool_calls' }],
  };
  if (!knobs.noUsage) out.usage = usage;
  sendJson(res, 200, out, ctx.headers);
}
