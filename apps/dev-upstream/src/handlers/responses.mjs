// @ts-check
/**
 * POST /v1/responses — a minimal Responses API, JSON or SSE. A stream is OpenAI's typed
 * events (`event: <type>` + `data: {"type": ...}`) and ends with the terminal event the
 * `end` knob picks: response.completed (default), response.incomplete, response.failed or
 * an `error` event. With the scripted model (script.mjs) in play the answer is a call of an
 * offered tool (a `function_call` or `custom_tool_call` item; streamed with its argument
 * events) or a text quoting the tool's result.
 */
import { answerFor } from '../answers.mjs';
import { sendJson } from '../http.mjs';
import { newId, nowSeconds } from '../ids.mjs';
import { lastUserText, responsesInputAsMessages } from '../messages.mjs';
import { argumentFragments, offeredTools, responsesToolResult, scriptedTurn } from '../script.mjs';
import { streamFixed, streamTypedAnswer } from '../stream.mjs';
import { promptTokens, textTokens } from '../tokens.mjs';
import { checkModel, missingParam } from '../validate.mjs';

const FAILED_MESSAGE = 'The model failed to finish its answer. (simulated by dev-upstream)';

/** @param {import('../context.mjs').RequestContext} ctx */
export function responses(ctx) {
  const { body, res, knobs } = ctx;
  const modelError = checkModel(ctx.model);
  if (modelError) return sendJson(res, 400, modelError, ctx.headers);
  if (body.input === undefined) return sendJson(res, 400, missingParam('input'), ctx.headers);
  const messages = responsesInputAsMessages(body.input, body.instructions);
  const turn = scriptedTurn({ currentText: lastUserText(messages), toolResult: responsesToolResult(body.input), tools: offeredTools(body.tools) });
  const text = turn?.kind === 'text' ? turn.text : answerFor(lastUserText(messages));
  const id = newId('resp');
  if (turn?.kind === 'call') return toolCall(ctx, id, messages, turn);
  if (body.stream === true) return streamResponse(ctx, id, messages, text);
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

/**
 * @param {import('../context.mjs').RequestContext} ctx
 * @param {string} id
 * @param {unknown[]} messages
 * @param {string} text
 */
function streamResponse(ctx, id, messages, text) {
  const { knobs } = ctx;
  const itemId = newId('msg');
  const createdAt = nowSeconds();
  let sequence = 0;
  /** @param {string} type @param {Record<string, unknown>} fields */
  const typed = (type, fields) => ({ type, sequence_number: sequence++, ...fields });
  /** @param {string} status @param {unknown[]} output @param {Record<string, unknown>} [extra] */
  const response = (status, output, extra = {}) => ({
    id, object: 'response', created_at: createdAt, status, model: ctx.model, output, error: null, incomplete_details: null, usage: null, ...extra,
  });
  /** @param {string} completionText */
  const usage = (completionText) => {
    if (knobs.noUsage) return null;
    const input = promptTokens(messages);
    const output = textTokens(completionText);
    return { input_tokens: input, output_tokens: output, total_tokens: input + output };
  };
  const where = { item_id: itemId, output_index: 0, content_index: 0 };
  /** @param {string} t */
  const part = (t) => ({ type: 'output_text', text: t, annotations: [] });
  /** @param {string} status @param {string} t */
  const item = (status, t) => ({ id: itemId, type: 'message', status, role: 'assistant', content: t === '' ? [] : [part(t)] });

  return streamTypedAnswer({
    res: ctx.res,
    signal: ctx.signal,
    knobs,
    text,
    stats: ctx.stats,
    headers: ctx.headers,
    shape: {
      start: () => [
        typed('response.created', { response: response('in_progress', []) }),
        typed('response.in_progress', { response: response('in_progress', []) }),
        typed('response.output_item.added', { output_index: 0, item: item('in_progress', '') }),
        typed('response.content_part.added', { ...where, part: part('') }),
      ],
      content: (t) => typed('response.output_text.delta', { ...where, delta: t }),
      end: (completionText) => {
        if (knobs.end === 'error') return [typed('error', { code: 'server_error', message: FAILED_MESSAGE, param: null })];
        if (knobs.end === 'failed') {
          return [typed('response.failed', { response: response('failed', [item('incomplete', completionText)], {
            error: { code: 'server_error', message: FAILED_MESSAGE }, usage: usage(completionText) }) })];
        }
        const status = knobs.end === 'incomplete' ? 'incomplete' : 'completed';
        const done = [
          typed('response.output_text.done', { ...where, text: completionText }),
          typed('response.content_part.done', { ...where, part: part(completionText) }),
          typed('response.output_item.done', { output_index: 0, item: item(status, completionText) }),
        ];
        if (status === 'incomplete') {
          return [...done, typed('response.incomplete', { response: response('incomplete', [item(status, completionText)], {
            incomplete_details: { reason: 'max_output_tokens' }, usage: usage(completionText) }) })];
        }
        return [...done, typed('response.completed', { response: response('completed', [item(status, completionText)], {
          output_text: completionText, usage: usage(completionText) }) })];
      },
      failure: () => typed('error', { code: 'server_error', message: 'upstream provider timeout', param: null }),
    },
  });
}

/** A function_call's name: a namespaced tool's own name with its namespace beside it. @param {import('../script.mjs').OfferedTool} tool */
function calledName(tool) {
  return tool.namespace ? { namespace: tool.namespace, name: tool.inner } : { name: tool.name };
}

/**
 * The scripted model's call of an offered tool: one `function_call` item (a `custom_tool_call`
 * for a custom tool), as JSON or streamed — item added, argument (input) deltas, their done
 * event, item done, `response.completed`.
 * @param {import('../context.mjs').RequestContext} ctx
 * @param {string} id
 * @param {unknown[]} messages
 * @param {Extract<import('../script.mjs').ScriptedTurn, { kind: 'call' }>} turn
 */
function toolCall(ctx, id, messages, turn) {
  const { body, knobs } = ctx;
  const custom = turn.tool.kind === 'custom';
  const itemId = newId(custom ? 'ctc' : 'fc');
  const callId = newId('call');
  const payload = custom ? (turn.input ?? '') : turn.arguments;
  /** @param {string} status @param {string} value */
  const item = (status, value) => (custom
    ? { type: 'custom_tool_call', id: itemId, call_id: callId, name: turn.tool.name, input: value, status }
    : { type: 'function_call', id: itemId, call_id: callId, ...calledName(turn.tool), arguments: value, status });
  const input = promptTokens(messages);
  const output = textTokens(payload);
  const usage = knobs.noUsage ? null : { input_tokens: input, output_tokens: output, total_tokens: input + output };
  const createdAt = nowSeconds();
  /** @param {string} status @param {unknown[]} out */
  const response = (status, out) => ({
    id, object: 'response', created_at: createdAt, status, model: ctx.model, output: out, output_text: '', error: null,
    incomplete_details: null, usage: status === 'completed' ? usage : null,
  });
  if (body.stream !== true) return sendJson(ctx.res, 200, response('completed', [item('completed', payload)]), ctx.headers);
  let sequence = 0;
  /** @param {string} type @param {Record<string, unknown>} fields */
  const typed = (type, fields) => ({ type, sequence_number: sequence++, ...fields });
  const at = { item_id: itemId, output_index: 0 };
  const deltaType = custom ? 'response.custom_tool_call_input.delta' : 'response.function_call_arguments.delta';
  const events = [
    typed('response.created', { response: response('in_progress', []) }),
    typed('response.in_progress', { response: response('in_progress', []) }),
    typed('response.output_item.added', { output_index: 0, item: item('in_progress', '') }),
    ...argumentFragments(payload).map((delta) => typed(deltaType, { ...at, delta })),
    custom
      ? typed('response.custom_tool_call_input.done', { ...at, input: payload })
      : typed('response.function_call_arguments.done', { ...at, name: turn.tool.name, arguments: payload }),
    typed('response.output_item.done', { output_index: 0, item: item('completed', payload) }),
    typed('response.completed', { response: response('completed', [item('completed', payload)]) }),
  ];
  return streamFixed({ res: ctx.res, signal: ctx.signal, knobs, stats: ctx.stats, headers: ctx.headers, events, typed: true });
}
