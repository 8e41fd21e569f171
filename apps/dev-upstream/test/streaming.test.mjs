import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chat, post, readEvents, start } from './helpers.mjs';

/** @type {Awaited<ReturnType<typeof start>>} */
let up;
before(async () => {
  up = await start();
});
after(() => up.close());

const CHAT = () => `${up.url}/v1/chat/completions`;
const LONG = 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu';

/** @param {any[]} events */
const contentChunks = (events) => events.filter((e) => e.json !== '[DONE]' && e.json.choices?.[0]?.delta?.content);

test('a stream is text/event-stream with a role chunk, content chunks, a stop chunk and [DONE]', async () => {
  const res = await post(CHAT(), chat(LONG, { stream: true }));
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
  const { events, error, rest } = await readEvents(res);
  assert.equal(error, null);
  assert.equal(rest, '');
  for (const e of events) assert.match(e.raw, /^data: /);
  const [first, ...others] = events;
  assert.deepEqual(first.json.choices[0].delta, { role: 'assistant', content: '' });
  assert.equal(first.json.object, 'chat.completion.chunk');
  assert.equal(first.json.model, 'gpt-4o');
  assert.equal(others.at(-1)?.json, '[DONE]');
  const finish = others.at(-2)?.json;
  assert.equal(finish.choices[0].finish_reason, 'stop');
  assert.deepEqual(finish.choices[0].delta, {});
  const content = contentChunks(events);
  assert.equal(content.length, 8, 'default is 8 content chunks when there are enough words');
  assert.equal(content.map((e) => e.json.choices[0].delta.content).join(''), `Echo: ${LONG}`);
  assert.equal(events.length, 1 + 8 + 1 + 1, 'no usage chunk without stream_options.include_usage');
  assert.ok(events.every((e) => e.json === '[DONE]' || !('usage' in e.json)));
  assert.ok(new Set(events.slice(0, -1).map((e) => e.json.id)).size === 1, 'one id for the whole stream');
});

test('with stream_options.include_usage a usage chunk with empty choices comes right before [DONE]', async () => {
  const res = await post(CHAT(), chat(LONG, { stream: true, stream_options: { include_usage: true } }));
  const { events } = await readEvents(res);
  const usage = events.at(-2)?.json;
  assert.deepEqual(usage.choices, []);
  const text = `Echo: ${LONG}`;
  assert.equal(usage.usage.completion_tokens, Math.ceil(text.length / 4));
  assert.equal(usage.usage.prompt_tokens, Math.ceil(LONG.length / 4) + 3);
  assert.equal(usage.usage.total_tokens, usage.usage.prompt_tokens + usage.usage.completion_tokens);
  assert.equal(events.at(-3)?.json.choices[0].finish_reason, 'stop');
  for (const e of events.slice(0, -2)) assert.equal(e.json.usage, null, 'earlier chunks carry usage: null like OpenAI');
});

test('the streamed text equals the non-streamed answer for the same prompt', async () => {
  const json = await (await post(CHAT(), chat('Write a business workflow for support tickets'))).json();
  const { events } = await readEvents(await post(CHAT(), chat('Write a business workflow for support tickets', { stream: true })));
  assert.equal(contentChunks(events).map((e) => e.json.choices[0].delta.content).join(''), json.choices[0].message.content);
});

test('the chunks knob gives exactly N content chunks, repeating words when the answer is short', async () => {
  const few = await readEvents(await post(CHAT(), chat(LONG, { stream: true }), { 'x-dev-chunks': '3' }));
  assert.equal(contentChunks(few.events).length, 3);
  const many = await readEvents(await post(CHAT(), chat('hi', { model: 'gpt-4o@chunks=20', stream: true })));
  assert.equal(contentChunks(many.events).length, 20);
  assert.equal(many.events.at(-1)?.json, '[DONE]');
});

test('the pause knob sends the first content chunk at once and the rest only after the pause', async () => {
  const t0 = performance.now();
  const res = await post(CHAT(), chat(LONG, { stream: true }), { 'x-dev-pause-ms': '1000' });
  const { events } = await readEvents(res, t0);
  const content = contentChunks(events);
  assert.ok(content[0].ms < 500, `first content chunk took ${content[0].ms} ms`);
  assert.ok(content[1].ms - content[0].ms >= 900, `second chunk came ${content[1].ms - content[0].ms} ms after the first`);
});

test('the pause knob also works from the model suffix', async () => {
  const t0 = performance.now();
  const { events } = await readEvents(await post(CHAT(), chat(LONG, { model: 'gpt-4o@pause=600', stream: true })), t0);
  const content = contentChunks(events);
  assert.ok(content[0].ms < 400);
  assert.ok(content[1].ms - content[0].ms >= 550);
});

test('the chunkdelay knob spaces out stream events', async () => {
  const t0 = performance.now();
  const { events } = await readEvents(await post(CHAT(), chat(LONG, { stream: true }), { 'x-dev-chunk-delay-ms': '40', 'x-dev-chunks': '4' }), t0);
  // role + 4 content + stop + [DONE] = 7 events, 6 gaps of 40 ms
  assert.equal(events.length, 7);
  assert.ok(events.at(-1).ms - events[0].ms >= 6 * 40 - 10);
});

test('the cut knob destroys the connection after N content chunks, without stop chunk, usage or [DONE]', async () => {
  const res = await post(CHAT(), chat(LONG, { stream: true, stream_options: { include_usage: true } }), { 'x-dev-cut': '2' });
  assert.equal(res.status, 200);
  const { events, error } = await readEvents(res);
  assert.ok(error, 'reading a cut stream must fail');
  assert.equal(contentChunks(events).length, 2);
  assert.ok(!events.some((e) => e.json === '[DONE]'));
  assert.ok(!events.some((e) => e.json.choices?.[0]?.finish_reason === 'stop'));
  assert.ok(!events.some((e) => e.json.usage));
});

test('the cut knob on a JSON answer sends its headers and half its body, then destroys the connection', async () => {
  const res = await post(CHAT(), chat(LONG), { 'x-dev-cut': '1' });
  assert.equal(res.status, 200);
  const declared = Number(res.headers.get('content-length'));
  assert.ok(declared > 0);
  await assert.rejects(res.text());
});

test('the streamerror knob sends an error event and [DONE] after the first content chunk', async () => {
  const res = await post(CHAT(), chat(LONG, { model: 'gpt-4o@streamerror=1', stream: true, stream_options: { include_usage: true } }));
  assert.equal(res.status, 200);
  const { events, error } = await readEvents(res);
  assert.equal(error, null);
  assert.equal(events.length, 4);
  assert.deepEqual(events[0].json.choices[0].delta, { role: 'assistant', content: '' });
  assert.ok(events[1].json.choices[0].delta.content);
  assert.deepEqual(events[2].json, { error: { message: 'upstream provider timeout', type: 'server_error' } });
  assert.equal(events[3].json, '[DONE]');
});

test('the nousage knob leaves usage out of a stream even when include_usage is requested', async () => {
  const res = await post(CHAT(), chat(LONG, { stream: true, stream_options: { include_usage: true } }), { 'x-dev-no-usage': 'true' });
  const { events } = await readEvents(res);
  assert.ok(events.every((e) => e.json === '[DONE]' || !('usage' in e.json)));
  assert.equal(events.at(-2)?.json.choices[0].finish_reason, 'stop');
});

test('an OpenClaw-style streaming request with tools streams plain text', async () => {
  const res = await post(CHAT(), {
    model: 'fake-model',
    stream: true,
    stream_options: { include_usage: true },
    messages: [
      { role: 'system', content: 'You are an agent.' },
      { role: 'user', content: [{ type: 'text', text: 'status please' }] },
    ],
    tools: Array.from({ length: 12 }, (_, i) => ({ type: 'function', function: { name: `t${i}`, parameters: { type: 'object' } } })),
    tool_choice: 'auto',
  });
  const { events } = await readEvents(res);
  assert.equal(contentChunks(events).map((e) => e.json.choices[0].delta.content).join(''), 'Echo: status please');
  assert.ok(events.at(-2)?.json.usage.prompt_tokens > 0);
});
