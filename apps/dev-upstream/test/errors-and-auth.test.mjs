import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chat, post, start } from './helpers.mjs';

/** @type {Awaited<ReturnType<typeof start>>} */
let up;
/** @type {Awaited<ReturnType<typeof start>>} */
let guarded;
before(async () => {
  up = await start();
  guarded = await start({ requireToken: 'abc' });
});
after(() => Promise.all([up.close(), guarded.close()]));

/** @param {any} body */
function assertErrorShape(body) {
  assert.equal(typeof body.error.message, 'string');
  assert.equal(typeof body.error.type, 'string');
  assert.ok('code' in body.error);
}

test('any bearer token or no Authorization at all is accepted by default', async () => {
  const withKey = await post(`${up.url}/v1/chat/completions`, chat('hi'), { authorization: 'Bearer whatever' });
  assert.equal(withKey.status, 200);
  await withKey.json();
  const res = await fetch(`${up.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify(chat('hi')) });
  assert.equal(res.status, 200);
  await res.json();
});

test('a bearer containing "invalid" or "revoked" is a 401 invalid_api_key that shows only the last 4 characters', async () => {
  for (const key of ['sk-invalid-secretABCD', 'sk-REVOKED-zzzz9876']) {
    const res = await post(`${up.url}/v1/chat/completions`, chat('hi'), { authorization: `Bearer ${key}` });
    assert.equal(res.status, 401);
    const body = await res.json();
    assert.deepEqual(body, {
      error: {
        message: `Incorrect API key provided: sk-...${key.slice(-4)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
        type: 'invalid_request_error',
        code: 'invalid_api_key',
      },
    });
    assert.ok(!body.error.message.includes(key));
  }
});

test('with requireToken only that exact bearer is accepted, like OpenClaw operator auth', async () => {
  const ok = await post(`${guarded.url}/v1/chat/completions`, chat('hi'), { authorization: 'Bearer abc' });
  assert.equal(ok.status, 200);
  await ok.json();
  for (const authorization of ['Bearer abcd', 'Bearer sk-test', 'Basic abc']) {
    const res = await post(`${guarded.url}/v1/chat/completions`, chat('hi'), { authorization });
    assert.equal(res.status, 401);
    const body = await res.json();
    assert.equal(body.error.message, 'Unauthorized');
    assert.equal(body.error.type, 'unauthorized');
  }
  const none = await fetch(`${guarded.url}/v1/models`);
  assert.equal(none.status, 401);
  await none.json();
});

test('health checks need no token even when requireToken is set', async () => {
  const res = await fetch(`${guarded.url}/healthz`);
  assert.equal(res.status, 200);
  await res.json();
});

test('a body that is not JSON is a 400 OpenAI-shaped error', async () => {
  const res = await post(`${up.url}/v1/chat/completions`, '{"model": "gpt-4o", nope');
  assert.equal(res.status, 400);
  const body = await res.json();
  assertErrorShape(body);
  assert.equal(body.error.type, 'invalid_request_error');
  assert.equal(body.error.code, 'invalid_json');
});

test('an unknown path is a 404 OpenAI-shaped error', async () => {
  const res = await fetch(`${up.url}/v1/nothing-here`);
  assert.equal(res.status, 404);
  const body = await res.json();
  assertErrorShape(body);
  assert.equal(body.error.code, 'unknown_url');
});

test('a wrong method is a 405 OpenAI-shaped error with an Allow header', async () => {
  const res = await fetch(`${up.url}/v1/chat/completions`);
  assert.equal(res.status, 405);
  assert.equal(res.headers.get('allow'), 'POST');
  assertErrorShape(await res.json());
  const del = await fetch(`${up.url}/v1/models`, { method: 'DELETE' });
  assert.equal(del.status, 405);
  assertErrorShape(await del.json());
});

test('the status knob returns that status with the matching OpenAI error type', async () => {
  const cases = [
    [429, 'rate_limit_error', 'rate_limit_exceeded'],
    [500, 'server_error', 'server_error'],
    [502, 'server_error', 'bad_gateway'],
    [503, 'server_error', 'service_unavailable'],
    [401, 'invalid_request_error', 'invalid_api_key'],
    [400, 'invalid_request_error', 'bad_request'],
    [404, 'invalid_request_error', 'not_found'],
  ];
  for (const [status, type, code] of cases) {
    const res = await post(`${up.url}/v1/chat/completions`, chat('hi', { stream: true }), { 'x-dev-status': String(status) });
    assert.equal(res.status, status);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    const body = await res.json();
    assert.equal(body.error.type, type, `type for ${status}`);
    assert.equal(body.error.code, code, `code for ${status}`);
  }
});

test('the status knob works from the model suffix and a simulated 429 carries Retry-After', async () => {
  const res = await post(`${up.url}/v1/embeddings`, { model: 'text-embedding-3-small@status=429', input: 'x' });
  assert.equal(res.status, 429);
  assert.equal(res.headers.get('retry-after'), '1');
  assert.equal((await res.json()).error.type, 'rate_limit_error');
});

test('a simulated 401 never echoes the whole key', async () => {
  const res = await post(`${up.url}/v1/chat/completions`, chat('hi'), { 'x-dev-status': '401', authorization: 'Bearer sk-secret-key-WXYZ' });
  const body = await res.json();
  assert.match(body.error.message, /sk-\.\.\.WXYZ/);
  assert.ok(!body.error.message.includes('sk-secret-key-WXYZ'));
});
