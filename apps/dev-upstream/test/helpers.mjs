// Shared helpers for the dev-upstream tests (no tests in this file).
import { startDevUpstream } from '../src/server.mjs';

/** @param {Parameters<typeof startDevUpstream>[0]} [opts] */
export function start(opts = {}) {
  return startDevUpstream({ port: 0, ...opts });
}

/**
 * POST JSON and return the fetch Response.
 * @param {string} url
 * @param {unknown} body
 * @param {Record<string, string>} [headers]
 */
export function post(url, body, headers = {}) {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test-1234', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/**
 * Read an SSE body into events, with arrival times; a cut stream shows up as `error`.
 * `name` is the event's `event:` line (the Responses API's typed events), else null.
 * @param {Response} res
 * @param {number} [t0] performance.now() when the request was sent
 */
export async function readEvents(res, t0 = performance.now()) {
  /** @type {{ raw: string, name: string | null, data: string, json: any, ms: number }[]} */
  const events = [];
  const decoder = new TextDecoder();
  let buf = '';
  /** @type {unknown} */
  let error = null;
  const reader = /** @type {ReadableStream<Uint8Array>} */ (res.body).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buf += decoder.decode(value, { stream: true });
      let i;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const raw = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const lines = raw.split('\n');
        const name = lines.find((l) => l.startsWith('event: '))?.slice(7) ?? null;
        const data = lines.filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n') || raw;
        events.push({ raw, name, data, json: data === '[DONE]' ? '[DONE]' : JSON.parse(data), ms: performance.now() - t0 });
      }
    }
  } catch (err) {
    error = err;
  }
  return { events, error, rest: buf };
}

/** Chat request body with a single user message. */
export function chat(content, extra = {}) {
  return { model: 'gpt-4o', messages: [{ role: 'user', content }], ...extra };
}
