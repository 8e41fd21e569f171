import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/dev-upstream.mjs', import.meta.url));

/** @param {string[]} args @param {Record<string, string>} [env] */
async function launch(args, env = {}) {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8');
  for await (const chunk of child.stdout) {
    out += chunk;
    if (out.includes('\n')) break;
  }
  return { child, line: out.trim() };
}

test('the CLI prints one listening line and exits cleanly on SIGTERM', async () => {
  const { child, line } = await launch(['--port', '0']);
  const m = /^dev upstream \(OpenAI-compatible simulator\) listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
  assert.ok(m, line);
  const health = await (await fetch(`${m[1]}/healthz`)).json();
  assert.equal(health.simulator, true);
  child.kill('SIGTERM');
  const [code] = await once(child, 'exit');
  assert.equal(code, 0);
});

test('the CLI exits cleanly on SIGINT even with a stream open', async () => {
  const { child, line } = await launch(['--port', '0']);
  const url = line.split(' ').at(-1);
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'x-dev-pause-ms': '60000' },
    body: JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'a b c' }] }),
  });
  const reader = /** @type {ReadableStream<Uint8Array>} */ (res.body).getReader();
  await reader.read();
  child.kill('SIGINT');
  const [code] = await once(child, 'exit');
  assert.equal(code, 0);
  await reader.cancel().catch(() => {});
});

test('--require-token and DEV_UPSTREAM_TOKEN make the CLI demand that bearer', async () => {
  for (const [args, env] of [[['--port', '0', '--require-token', 'abc'], {}], [['--port', '0'], { DEV_UPSTREAM_TOKEN: 'abc' }]]) {
    const { child, line } = await launch(args, env);
    const url = line.split(' ').at(-1);
    const denied = await fetch(`${url}/v1/models`, { headers: { authorization: 'Bearer nope' } });
    assert.equal(denied.status, 401);
    await denied.text();
    const allowed = await fetch(`${url}/v1/models`, { headers: { authorization: 'Bearer abc' } });
    assert.equal(allowed.status, 200);
    await allowed.text();
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
});

test('the CLI takes its port from DEV_UPSTREAM_PORT when --port is absent', async () => {
  const { createServer } = await import('node:net');
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const port = /** @type {import('node:net').AddressInfo} */ (probe.address()).port;
  await new Promise((r) => probe.close(r));
  const { child, line } = await launch([], { DEV_UPSTREAM_PORT: String(port) });
  assert.ok(line.endsWith(`http://127.0.0.1:${port}`), line);
  child.kill('SIGTERM');
  await once(child, 'exit');
});
