// The ChatGPT (Codex) backend stand-in: what it refuses, in the backend's words, and the
// Responses event stream it answers a well-formed call with.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { post, readEvents, start } from './helpers.mjs';

/** @type {Awaited<ReturnType<typeof start>>} */
let up;
before(async () => {
  up = await start();
});
after(() => up.close());

const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A ChatGPT-sign-in-shaped access token (unsigned: the stand-in reads claims only). */
function accessToken({ expiresIn = 3600, account = 'acct-42', signature = 'c2lnbmF0dXJl' } = {}) {
  const claims = { exp: Math.floor(Date.now() / 1000) + expiresIn, 'https://api.openai.com/auth': { chatgpt_account_id: account } };
  return `${b64({ alg: 'RS256' })}.${b64(claims)}.${signature}`;
}

const good = {
  model: 'gpt-5.5', stream: true, store: false, instructions: 'Be brief.',
  input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hello codex' }] }],
};

function call(body, { token = accessToken(), account = 'acct-42' } = {}) {
  return post(`${up.url}/backend-api/codex/responses`, body, {
    authorization: `Bearer ${token}`, ...(account === null ? {} : { 'chatgpt-account-id': account }),
  });
}

test('a well-formed call gets the Responses event stream, ending with response.completed', async () => {
  const res = await call(good);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
  const { events } = await readEvents(res);
  assert.equal(events[0].name, 'response.created');
  assert.equal(events.at(-1)?.name, 'response.completed');
  const text = events.filter((e) => e.name === 'response.output_text.delta').map((e) => e.json.delta).join('');
  assert.equal(text, 'Echo: hello codex');
  assert.equal(up.stats.lastRequest()?.path, '/backend-api/codex/responses');
});

test('an expired or invalidated token gets 401 in the backend\'s shape, never the token', async () => {
  const expired = await call(good, { token: accessToken({ expiresIn: -60 }) });
  assert.equal(expired.status, 401);
  const body = await expired.json();
  assert.deepEqual(body, {
    error: { message: 'Provided authentication token is expired. Please try signing in again.', type: null, code: 'token_expired', param: null },
    status: 401,
  });
  const revokedToken = accessToken({ signature: 'c2lnrevokedX' });
  const revoked = await call(good, { token: revokedToken });
  assert.equal(revoked.status, 401);
  const text = await revoked.text();
  assert.equal(JSON.parse(text).error.code, 'token_invalidated');
  assert.ok(!text.includes(revokedToken));
  const notJwt = await call(good, { token: 'sk-not-a-chatgpt-token' });
  assert.equal(notJwt.status, 401);
});

test('the chatgpt-account-id header must name the token\'s account', async () => {
  assert.equal((await call(good, { account: null })).status, 400);
  assert.equal((await call(good, { account: 'acct-other' })).status, 400);
});

test('refuses what the backend refuses, with 400 {"detail": ...}', async () => {
  const cases = [
    [{ ...good, stream: false }, 'Stream must be set to true'],
    [{ ...good, store: undefined }, 'Store must be set to false'],
    [{ ...good, store: true }, 'Store must be set to false'],
    [{ ...good, instructions: undefined }, 'Instructions are required'],
    [{ ...good, instructions: '  ' }, 'Instructions are required'],
    [{ ...good, max_output_tokens: 8192 }, 'Unsupported parameter: max_output_tokens'],
    [{ ...good, temperature: 0.2 }, 'Unsupported parameter: temperature'],
    [{ ...good, input: [{ type: 'message', role: 'system', content: 'x' }, ...good.input] }, 'System messages are not allowed'],
  ];
  for (const [body, detail] of cases) {
    const res = await call(body);
    assert.equal(res.status, 400, detail);
    assert.deepEqual(await res.json(), { detail });
  }
  // A developer message is how instructions travel in input: accepted.
  const developer = await call({ ...good, input: [{ type: 'message', role: 'developer', content: 'x' }, ...good.input] });
  assert.equal(developer.status, 200);
  await developer.body?.cancel();
});

test('the simulator\'s own auth rules stay off this route: an operator-token upstream still takes Codex calls', async () => {
  const guarded = await start({ requireToken: 'operator-token' });
  try {
    const res = await post(`${guarded.url}/backend-api/codex/responses`, good, {
      authorization: `Bearer ${accessToken()}`, 'chatgpt-account-id': 'acct-42',
    });
    assert.equal(res.status, 200);
    await res.body?.cancel();
  } finally {
    await guarded.close();
  }
});
