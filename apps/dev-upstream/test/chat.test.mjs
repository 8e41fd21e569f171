import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chat, post, start } from './helpers.mjs';

/** @type {Awaited<ReturnType<typeof start>>} */
let up;
before(async () => {
  up = await start();
});
after(() => up.close());

const CHAT = () => `${up.url}/v1/chat/completions`;

test('a non-streaming chat completion has the OpenAI shape and echoes the last user message', async () => {
  const res = await post(CHAT(), chat('hello world'));
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  const body = await res.json();
  assert.match(body.id, /^chatcmpl-/);
  assert.equal(body.object, 'chat.completion');
  assert.equal(typeof body.created, 'number');
  assert.equal(body.model, 'gpt-4o');
  assert.equal(body.choices.length, 1);
  assert.equal(body.choices[0].index, 0);
  assert.equal(body.choices[0].message.role, 'assistant');
  assert.equal(body.choices[0].message.content, 'Echo: hello world');
  assert.equal(body.choices[0].finish_reason, 'stop');
});

test('usage follows the documented formula', async () => {
  const messages = [
    { role: 'system', content: 'You are helpful.' }, // 16 chars
    { role: 'user', content: 'hello world' }, // 11 chars
  ];
  const body = await (await post(CHAT(), { model: 'dev-echo', messages })).json();
  const content = body.choices[0].message.content;
  assert.deepEqual(body.usage, {
    prompt_tokens: Math.ceil(27 / 4) + 6,
    completion_tokens: Math.ceil(content.length / 4),
    total_tokens: Math.ceil(27 / 4) + 6 + Math.ceil(content.length / 4),
  });
});

test('the answer is deterministic: the same request twice gives the same content', async () => {
  const a = await (await post(CHAT(), chat('Describe a business workflow for refunds'))).json();
  const b = await (await post(CHAT(), chat('Describe a business workflow for refunds'))).json();
  assert.equal(a.choices[0].message.content, b.choices[0].message.content);
  assert.match(a.choices[0].message.content, /^1\. /m);
  assert.match(a.choices[0].message.content, /^5\. /m);
  assert.match(a.choices[0].message.content, /Describe a business workflow for refunds/);
});

test('it tolerates what OpenClaw sends: tools, tool_choice, stream_options, system messages and content parts', async () => {
  const res = await post(CHAT(), {
    model: 'fake-model',
    messages: [
      { role: 'system', content: [{ type: 'text', text: 'system prompt' }] },
      { role: 'user', content: 'earlier question' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'x', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'c1', content: 'tool output' },
      { role: 'user', content: [{ type: 'text', text: 'latest' }, { type: 'image_url', image_url: { url: 'data:,' } }, { type: 'text', text: 'question' }] },
    ],
    tools: [{ type: 'function', function: { name: 'x', description: 'd', parameters: { type: 'object', properties: {} } } }],
    tool_choice: 'auto',
    stream_options: { include_usage: true },
    temperature: 0.2,
  });
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(body.choices[0].message.content, 'Echo: latest\nquestion');
  assert.equal(body.choices[0].finish_reason, 'stop');
  assert.equal(body.choices[0].message.tool_calls, undefined);
});

test('the reported model is the requested model without its @knob suffix', async () => {
  const body = await (await post(CHAT(), chat('hi', { model: 'openclaw/main@chunks=2,nousage' }))).json();
  assert.equal(body.model, 'openclaw/main');
  const plain = await (await post(CHAT(), chat('hi', { model: 'claude-3-5-sonnet@20240620' }))).json();
  assert.equal(plain.model, 'claude-3-5-sonnet@20240620');
});

test('the nousage knob removes usage from a JSON response, by header or by model suffix', async () => {
  const byHeader = await (await post(CHAT(), chat('hi'), { 'x-dev-no-usage': '1' })).json();
  assert.equal('usage' in byHeader, false);
  const bySuffix = await (await post(CHAT(), chat('hi', { model: 'gpt-4o@nousage=1' }))).json();
  assert.equal('usage' in bySuffix, false);
});

test('the latency knob delays the response headers', async () => {
  const t0 = performance.now();
  const res = await post(CHAT(), chat('hi'), { 'x-dev-latency-ms': '300' });
  assert.ok(performance.now() - t0 >= 280, 'headers came too early');
  assert.equal(res.status, 200);
  await res.json();
  const t1 = performance.now();
  await (await post(CHAT(), chat('hi', { model: 'gpt-4o@latency=300' }))).json();
  assert.ok(performance.now() - t1 >= 280);
});

test('a request header knob wins over the same knob in the model suffix', async () => {
  const res = await post(CHAT(), chat('hi', { model: 'gpt-4o@status=500' }), { 'x-dev-status': '429' });
  assert.equal(res.status, 429);
});

test('the pause knob is ignored for JSON responses', async () => {
  const t0 = performance.now();
  const res = await post(CHAT(), chat('hi', { model: 'gpt-4o@pause=2000' }));
  await res.json();
  assert.ok(performance.now() - t0 < 1500);
});

test('missing model or messages are 400 invalid_request_error', async () => {
  const noModel = await post(CHAT(), { messages: [{ role: 'user', content: 'x' }] });
  assert.equal(noModel.status, 400);
  assert.equal((await noModel.json()).error.code, 'missing_required_parameter');
  const noMessages = await post(CHAT(), { model: 'gpt-4o' });
  assert.equal(noMessages.status, 400);
  assert.equal((await noMessages.json()).error.type, 'invalid_request_error');
});

test('an unknown or invalid knob in the model suffix is a 400 that names it', async () => {
  const unknown = await post(CHAT(), chat('hi', { model: 'gpt-4o@latncy=5' }));
  assert.equal(unknown.status, 400);
  assert.match((await unknown.json()).error.message, /latncy/);
  const bad = await post(CHAT(), chat('hi'), { 'x-dev-chunks': 'many' });
  assert.equal(bad.status, 400);
  assert.equal((await bad.json()).error.code, 'invalid_dev_knob');
});

test('keep-alive is on', async () => {
  const res = await post(CHAT(), chat('hi'));
  await res.json();
  assert.notEqual(res.headers.get('connection'), 'close');
});

test('skips a user message that is only an agent framework context block, answering the user', async () => {
  const { lastUserText } = await import('../src/messages.mjs');
  const messages = [
    { role: 'user', content: 'what the user typed' },
    { role: 'user', content: [{ type: 'text', text: '<<<BEGIN_OPENCLAW_INTERNAL_CONTEXT>>>\nnone\n<<<END_OPENCLAW_INTERNAL_CONTEXT>>>' }] },
  ];
  assert.equal(lastUserText(messages), 'what the user typed');
});
