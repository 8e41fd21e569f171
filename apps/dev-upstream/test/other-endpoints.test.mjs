import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { post, readEvents, start } from './helpers.mjs';

/** @type {Awaited<ReturnType<typeof start>>} */
let up;
before(async () => {
  up = await start();
});
after(() => up.close());

test('POST /v1/completions returns a legacy text_completion with usage', async () => {
  const res = await post(`${up.url}/v1/completions`, { model: 'gpt-3.5-turbo-instruct@chunks=2', prompt: 'say hi' });
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(body.object, 'text_completion');
  assert.equal(body.model, 'gpt-3.5-turbo-instruct');
  assert.equal(body.choices[0].text, 'Echo: say hi');
  assert.equal(body.choices[0].finish_reason, 'stop');
  assert.equal(body.usage.prompt_tokens, Math.ceil('say hi'.length / 4));
  assert.equal(body.usage.completion_tokens, Math.ceil('Echo: say hi'.length / 4));
});

test('POST /v1/completions can stream, ending with [DONE]', async () => {
  const res = await post(`${up.url}/v1/completions`, { model: 'x', prompt: 'one two three', stream: true });
  const { events } = await readEvents(res);
  assert.equal(events.at(-1)?.json, '[DONE]');
  const text = events.slice(0, -1).map((e) => e.json.choices[0].text).join('');
  assert.equal(text, 'Echo: one two three');
});

test('POST /v1/embeddings returns deterministic unit vectors of 8 floats with usage', async () => {
  const res = await post(`${up.url}/v1/embeddings`, { model: 'text-embedding-3-small', input: ['hello', 'world'] });
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(body.object, 'list');
  assert.equal(body.model, 'text-embedding-3-small');
  assert.equal(body.data.length, 2);
  assert.deepEqual(body.data.map((d) => d.index), [0, 1]);
  for (const d of body.data) {
    assert.equal(d.object, 'embedding');
    assert.equal(d.embedding.length, 8);
    const norm = Math.sqrt(d.embedding.reduce((s, v) => s + v * v, 0));
    assert.ok(Math.abs(norm - 1) < 1e-5);
  }
  assert.notDeepEqual(body.data[0].embedding, body.data[1].embedding);
  assert.deepEqual(body.usage, { prompt_tokens: 4, total_tokens: 4 });
  const again = await (await post(`${up.url}/v1/embeddings`, { model: 'm', input: 'hello' })).json();
  assert.deepEqual(again.data[0].embedding, body.data[0].embedding);
});

test('POST /v1/embeddings honours dimensions and encoding_format base64 (what the OpenAI SDK asks for)', async () => {
  const floats = await (await post(`${up.url}/v1/embeddings`, { model: 'm', input: 'abc', dimensions: 20 })).json();
  assert.equal(floats.data[0].embedding.length, 20);
  const b64 = await (await post(`${up.url}/v1/embeddings`, { model: 'm', input: 'abc', dimensions: 20, encoding_format: 'base64' })).json();
  const buf = Buffer.from(b64.data[0].embedding, 'base64');
  const decoded = Array.from(new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4));
  assert.deepEqual(decoded, floats.data[0].embedding);
});

test('POST /v1/responses returns a minimal Responses API object', async () => {
  const res = await post(`${up.url}/v1/responses`, { model: 'gpt-4o@latency=1', input: 'hello responses', instructions: 'be brief' });
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(body.object, 'response');
  assert.match(body.id, /^resp/);
  assert.equal(body.model, 'gpt-4o');
  assert.equal(body.output[0].type, 'message');
  assert.equal(body.output[0].role, 'assistant');
  assert.deepEqual(body.output[0].content[0].type, 'output_text');
  assert.equal(body.output[0].content[0].text, 'Echo: hello responses');
  assert.equal(body.output_text, 'Echo: hello responses');
  assert.equal(body.usage.total_tokens, body.usage.input_tokens + body.usage.output_tokens);
});

test('POST /v1/responses accepts message items with input_text parts', async () => {
  const input = [{ role: 'user', content: [{ type: 'input_text', text: 'our business onboarding' }] }];
  const body = await (await post(`${up.url}/v1/responses`, { model: 'gpt-4o', input })).json();
  assert.match(body.output_text, /^5\. /m);
  assert.match(body.output_text, /our business onboarding/);
});

test('POST /v1/responses streams typed events: event: lines, text deltas, then response.completed with usage', async () => {
  const res = await post(`${up.url}/v1/responses`, { model: 'gpt-4o', input: 'one two three', stream: true });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
  const { events, error, rest } = await readEvents(res);
  assert.equal(error, null);
  assert.equal(rest, '');
  for (const e of events) assert.equal(e.name, e.json.type, 'each event names its type on an event: line');
  assert.deepEqual(events.map((e) => e.json.sequence_number), events.map((_, i) => i));
  const types = events.map((e) => e.name);
  assert.deepEqual(types.slice(0, 4), ['response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added']);
  assert.deepEqual(types.slice(-4), ['response.output_text.done', 'response.content_part.done', 'response.output_item.done', 'response.completed']);
  const text = events.filter((e) => e.name === 'response.output_text.delta').map((e) => e.json.delta).join('');
  assert.equal(text, 'Echo: one two three');
  const done = events.at(-1)?.json.response;
  assert.equal(done.status, 'completed');
  assert.equal(done.output[0].content[0].text, text);
  assert.equal(done.usage.output_tokens, Math.ceil(text.length / 4));
  assert.equal(done.usage.total_tokens, done.usage.input_tokens + done.usage.output_tokens);
  assert.ok(!events.some((e) => e.json === '[DONE]'), 'the Responses API sends no [DONE]');
});

test('the end knob ends a Responses stream with response.incomplete, response.failed or an error event', async () => {
  /** @param {string} end */
  const last = async (end) => {
    const { events } = await readEvents(await post(`${up.url}/v1/responses`, { model: `gpt-4o@end=${end}`, input: 'hello', stream: true }));
    return events.at(-1);
  };
  const incomplete = await last('incomplete');
  assert.equal(incomplete?.name, 'response.incomplete');
  assert.deepEqual(incomplete?.json.response.incomplete_details, { reason: 'max_output_tokens' });
  assert.ok(incomplete?.json.response.usage.output_tokens > 0);
  const failed = await last('failed');
  assert.equal(failed?.name, 'response.failed');
  assert.equal(failed?.json.response.error.code, 'server_error');
  assert.ok(failed?.json.response.usage.input_tokens > 0);
  const error = await last('error');
  assert.equal(error?.name, 'error');
  assert.equal(error?.json.code, 'server_error');
  assert.equal(typeof error?.json.message, 'string');
  assert.equal((await last('completed'))?.name, 'response.completed');
});

test('the end knob takes only completed, incomplete, failed or error, and nousage drops the usage', async () => {
  const bad = await post(`${up.url}/v1/responses`, { model: 'gpt-4o@end=maybe', input: 'hello', stream: true });
  assert.equal(bad.status, 400);
  assert.match((await bad.json()).error.message, /'end'.*completed, incomplete, failed, error/);
  const { events } = await readEvents(await post(`${up.url}/v1/responses`, { model: 'gpt-4o@end=incomplete,nousage', input: 'hi', stream: true }));
  assert.equal(events.at(-1)?.json.response.usage, null);
});

test('the stream knobs apply to a Responses stream: streamerror sends an error event after the first delta', async () => {
  const { events } = await readEvents(await post(`${up.url}/v1/responses`, { model: 'gpt-4o@streamerror=1', input: 'one two three', stream: true }));
  assert.equal(events.filter((e) => e.name === 'response.output_text.delta').length, 1);
  assert.equal(events.at(-1)?.name, 'error');
});
