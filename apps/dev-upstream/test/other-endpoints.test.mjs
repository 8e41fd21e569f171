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
