import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { start } from './helpers.mjs';

/** @type {Awaited<ReturnType<typeof start>>} */
let up;
before(async () => {
  up = await start();
});
after(() => up.close());

test('GET /healthz and /health say the simulator is live', async () => {
  for (const path of ['/healthz', '/health']) {
    const res = await fetch(up.url + path);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { ok: true, status: 'live', simulator: true });
  }
});

test('the server reports the free port it picked when started on port 0', () => {
  assert.ok(up.port > 0);
  assert.equal(up.url, `http://127.0.0.1:${up.port}`);
});

test('GET /v1/models lists the simulated models in OpenAI list shape', async () => {
  const res = await fetch(`${up.url}/v1/models`);
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(body.object, 'list');
  assert.deepEqual(
    body.data.map((m) => m.id),
    ['dev-echo', 'gpt-4o', 'gpt-4o-mini', 'openclaw', 'openclaw/main'],
  );
  for (const m of body.data) {
    assert.equal(m.object, 'model');
    assert.equal(typeof m.created, 'number');
    assert.equal(typeof m.owned_by, 'string');
  }
});

test('GET /v1/models/{id} returns one model, including ids with a slash', async () => {
  const one = await fetch(`${up.url}/v1/models/gpt-4o-mini`);
  assert.equal(one.status, 200);
  assert.equal((await one.json()).id, 'gpt-4o-mini');
  const slash = await fetch(`${up.url}/v1/models/openclaw/main`);
  assert.equal((await slash.json()).id, 'openclaw/main');
  const encoded = await fetch(`${up.url}/v1/models/openclaw%2Fmain`);
  assert.equal((await encoded.json()).id, 'openclaw/main');
});

test('GET /v1/models/{unknown} is a 404 model_not_found error', async () => {
  const res = await fetch(`${up.url}/v1/models/nope`);
  assert.equal(res.status, 404);
  const body = await res.json();
  assert.equal(body.error.code, 'model_not_found');
  assert.equal(body.error.type, 'invalid_request_error');
  assert.match(body.error.message, /nope/);
});
