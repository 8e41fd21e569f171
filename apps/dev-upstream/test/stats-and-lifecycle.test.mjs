import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chat, post, start } from './helpers.mjs';

test('stats record what the gateway forwarded: headers and the parsed JSON body', async () => {
  const up = await start();
  try {
    const body = chat('hi', { model: 'gpt-4o-mini', user: 'u-42', stream: true, stream_options: { include_usage: true } });
    const res = await post(`${up.url}/v1/chat/completions`, body, { authorization: 'Bearer sk-upstream-key' });
    await res.text();
    const last = up.stats.lastRequest();
    assert.ok(last);
    assert.equal(last.method, 'POST');
    assert.equal(last.path, '/v1/chat/completions');
    assert.equal(last.headers.authorization, 'Bearer sk-upstream-key');
    assert.equal(last.body.model, 'gpt-4o-mini');
    assert.equal(last.body.user, 'u-42');
    assert.deepEqual(last.body.stream_options, { include_usage: true });
    assert.ok(!Object.keys(last.headers).some((h) => h.startsWith('x-openclaw-')));
    assert.equal(up.stats.requests.at(-1), last);
  } finally {
    await up.close();
  }
});

test('stats count requests and keep only the last 50', async () => {
  const up = await start();
  try {
    for (let i = 0; i < 55; i++) await (await fetch(`${up.url}/healthz?i=${i}`)).json();
    assert.equal(up.stats.requestCount, 55);
    assert.equal(up.stats.requests.length, 50);
    assert.equal(up.stats.requests[0].url, '/healthz?i=5');
    assert.equal(up.stats.lastRequest()?.url, '/healthz?i=54');
    up.stats.reset();
    assert.equal(up.stats.requestCount, 0);
    assert.equal(up.stats.lastRequest(), undefined);
  } finally {
    await up.close();
  }
});

test('stats count currently open streams', async () => {
  const up = await start();
  try {
    const res = await post(`${up.url}/v1/chat/completions`, chat('a b c d', { stream: true }), { 'x-dev-pause-ms': '400' });
    const reader = /** @type {ReadableStream<Uint8Array>} */ (res.body).getReader();
    await reader.read();
    assert.equal(up.stats.openStreams, 1);
    assert.equal(up.stats.streamCount, 1);
    while (!(await reader.read()).done);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(up.stats.openStreams, 0);
  } finally {
    await up.close();
  }
});

test('close() returns promptly even while a long stream, a slow response and an idle keep-alive connection are open', async () => {
  const up = await start();
  await (await fetch(`${up.url}/healthz`)).json(); // leaves an idle keep-alive socket
  const stream = await post(`${up.url}/v1/chat/completions`, chat('a b c', { stream: true }), { 'x-dev-pause-ms': '60000' });
  const reader = /** @type {ReadableStream<Uint8Array>} */ (stream.body).getReader();
  await reader.read();
  const slow = post(`${up.url}/v1/chat/completions`, chat('x'), { 'x-dev-latency-ms': '60000' }).catch((e) => e);
  await new Promise((r) => setTimeout(r, 50));
  const t0 = performance.now();
  await up.close();
  assert.ok(performance.now() - t0 < 1000);
  assert.ok((await slow) instanceof Error);
  await assert.rejects(async () => {
    while (!(await reader.read()).done);
  });
  await up.close(); // idempotent
});

test('a client that disconnects mid-stream frees the stream', async () => {
  const up = await start();
  try {
    const res = await post(`${up.url}/v1/chat/completions`, chat('a b c', { stream: true }), { 'x-dev-pause-ms': '60000' });
    const reader = /** @type {ReadableStream<Uint8Array>} */ (res.body).getReader();
    await reader.read();
    assert.equal(up.stats.openStreams, 1);
    await reader.cancel();
    for (let i = 0; i < 50 && up.stats.openStreams > 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(up.stats.openStreams, 0);
  } finally {
    await up.close();
  }
});

test('counts API requests in flight and their peak; with overload, answers slow down past the threshold', async () => {
  const { startDevUpstream } = await import('../src/server.mjs');
  const { overloadedLatency } = await import('../src/router.mjs');
  assert.equal(overloadedLatency({ baseMs: 100, threshold: 8 }, 8), 100);
  assert.equal(overloadedLatency({ baseMs: 100, threshold: 8 }, 16), 500);
  const up = await startDevUpstream({ port: 0, overload: { baseMs: 50, threshold: 2 } });
  try {
    const ask = () => fetch(`${up.url}/v1/chat/completions`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }),
    }).then((r) => r.text());
    const started = Date.now();
    await Promise.all(Array.from({ length: 6 }, ask));
    assert.equal(up.stats.peakInflight, 6);
    assert.equal(up.stats.inflight, 0);
    // 6 in flight past a threshold of 2: 50 × (1 + 9) = 500 ms for the last ones.
    assert.ok(Date.now() - started >= 450, `took ${Date.now() - started} ms`);
  } finally {
    await up.close();
  }
});
