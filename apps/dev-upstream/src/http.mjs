// @ts-check
/** Small HTTP helpers: JSON responses, body reading, abortable sleeps. */
import { setTimeout as delay } from 'node:timers/promises';

/** OpenClaw's cap; the simulator uses the same. */
export const MAX_BODY_BYTES = 20 * 1024 * 1024;

/**
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {unknown} body
 * @param {Record<string, string>} [headers]
 */
export function sendJson(res, status, body, headers) {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/**
 * Like sendJson, but the connection dies halfway through the body (the `cut` knob on a
 * non-streamed answer): the headers promise the whole length, half of it arrives.
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {unknown} body
 * @param {Record<string, string>} [headers]
 */
export function sendJsonCut(res, status, body, headers) {
  if (res.headersSent || res.destroyed) return;
  const bytes = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': bytes.length });
  res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => res.socket?.destroy());
}

/**
 * Read the whole request body as a string.
 * Resolves `null` when it exceeds MAX_BODY_BYTES (the rest is drained and discarded).
 * @param {import('node:http').IncomingMessage} req
 * @returns {Promise<string | null>}
 */
export function readBody(req) {
  return new Promise((resolve, reject) => {
    /** @type {Buffer[]} */
    const chunks = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (/** @type {Buffer} */ chunk) => {
      if (tooBig) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        tooBig = true;
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(tooBig ? null : chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * Sleep `ms`; resolves `false` early (never rejects) when `signal` aborts.
 * @param {number} ms
 * @param {AbortSignal} signal
 * @returns {Promise<boolean>} true when the full time elapsed
 */
export async function sleep(ms, signal) {
  if (ms <= 0) return !signal.aborted;
  try {
    await delay(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

/**
 * Write and respect back-pressure; resolves false if the response went away.
 * @param {import('node:http').ServerResponse} res
 * @param {string} data
 * @param {AbortSignal} signal
 * @returns {Promise<boolean>}
 */
export async function write(res, data, signal) {
  if (signal.aborted || res.destroyed) return false;
  if (res.write(data)) return true;
  return new Promise((resolve) => {
    const done = (/** @type {boolean} */ ok) => {
      res.off('drain', onDrain);
      signal.removeEventListener('abort', onAbort);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onAbort = () => done(false);
    res.once('drain', onDrain);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Bearer token from the Authorization header, or null.
 * @param {import('node:http').IncomingHttpHeaders} headers
 */
export function bearerOf(headers) {
  const auth = headers.authorization;
  if (!auth) return null;
  const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
  return m ? m[1].trim() : null;
}
