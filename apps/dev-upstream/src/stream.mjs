// @ts-check
/**
 * The SSE engine shared by the streaming endpoints: splits the answer into content chunks
 * and writes `data: <json>\n\n` events one by one, each flushed as it is written,
 * applying the stream knobs (pause, chunks, cut, streamerror, chunkdelay, nousage).
 */
import { sleep, write } from './http.mjs';

/**
 * Split `text` into exactly `n` content pieces (default: min(8, word count)).
 * Words keep their leading whitespace, so joining the pieces gives back `text`.
 * When `n` is larger than the word count, words are repeated (space-separated) so that
 * there are exactly `n` pieces; the streamed text is then longer than `text`.
 * @param {string} text
 * @param {number | null} n
 * @returns {string[]}
 */
export function planChunks(text, n) {
  const words = text.match(/\s*\S+/g) ?? [text];
  const trail = /\s+$/.exec(text);
  if (trail && text.trim() !== '') words[words.length - 1] += trail[0];
  const w = words.length;
  const count = n ?? Math.min(8, w);
  /** @type {string[]} */
  const pieces = new Array(count);
  if (count <= w) {
    for (let i = 0; i < count; i++) {
      pieces[i] = words.slice(Math.floor((i * w) / count), Math.floor(((i + 1) * w) / count)).join('');
    }
  } else {
    for (let i = 0; i < count; i++) {
      const word = words[i % w];
      pieces[i] = i >= w && !/^\s/.test(word) ? ` ${word}` : word;
    }
  }
  return pieces;
}

/**
 * @typedef {object} StreamShape  builders for the events of one endpoint's stream
 * @property {(() => Record<string, unknown>) | null} start   first event (chat: role chunk), or null
 * @property {(text: string) => Record<string, unknown>} content
 * @property {() => Record<string, unknown>} finish           the finish_reason:"stop" event
 * @property {(completionText: string) => Record<string, unknown>} usage  the `choices: []` usage event
 */

const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  'x-accel-buffering': 'no',
};

const STREAM_ERROR_EVENT = `data: ${JSON.stringify({ error: { message: 'upstream provider timeout', type: 'server_error' } })}\n\n`;
const DONE_EVENT = 'data: [DONE]\n\n';

/**
 * Cut the stream: flush what was already written, then destroy the socket, so the client
 * sees a 200 whose body ends abruptly (no finish chunk, no usage, no [DONE], no final chunk).
 * @param {import('node:http').ServerResponse} res
 */
function cut(res) {
  const socket = res.socket;
  if (!socket || socket.destroyed) return void res.destroy();
  socket.end(() => socket.destroy());
  setTimeout(() => socket.destroy(), 1000).unref();
}

/**
 * @param {object} o
 * @param {import('node:http').ServerResponse} o.res
 * @param {AbortSignal} o.signal              aborts when the response closes
 * @param {import('./knobs.mjs').Knobs} o.knobs
 * @param {string} o.text                     the answer
 * @param {StreamShape} o.shape
 * @param {boolean} o.includeUsage            request had stream_options.include_usage: true
 * @param {import('./stats.mjs').DevUpstreamStats} o.stats
 * @param {Record<string, string>} o.headers  extra response headers
 */
export async function streamAnswer({ res, signal, knobs, text, shape, includeUsage, stats, headers }) {
  const pieces = planChunks(text, knobs.chunks);
  const withUsage = includeUsage && !knobs.noUsage;

  res.writeHead(200, { ...headers, ...SSE_HEADERS });
  res.flushHeaders();
  stats.streamCount++;
  stats.openStreams++;
  res.once('close', () => {
    stats.openStreams--;
  });

  let first = true;
  /** @param {string} raw */
  const emit = async (raw) => {
    if (!first && knobs.chunkDelayMs > 0 && !(await sleep(knobs.chunkDelayMs, signal))) return false;
    first = false;
    return write(res, raw, signal);
  };
  /** @param {Record<string, unknown>} obj */
  const event = (obj) => {
    if (withUsage) obj.usage = null; // OpenAI sends usage:null on every chunk but the last
    return emit(`data: ${JSON.stringify(obj)}\n\n`);
  };

  if (shape.start && !(await event(shape.start()))) return;
  for (let i = 0; i < pieces.length; i++) {
    if (knobs.cut !== null && i >= knobs.cut) return cut(res);
    if (!(await event(shape.content(pieces[i])))) return;
    if (i === 0) {
      if (knobs.pauseMs > 0 && !(await sleep(knobs.pauseMs, signal))) return;
      if (knobs.streamError) {
        if (!(await emit(STREAM_ERROR_EVENT))) return;
        if (!(await emit(DONE_EVENT))) return;
        res.end();
        return;
      }
    }
  }
  if (knobs.cut !== null) return cut(res);
  if (!(await event(shape.finish()))) return;
  if (withUsage && !(await emit(`data: ${JSON.stringify(shape.usage(pieces.join('')))}\n\n`))) return;
  if (!(await emit(DONE_EVENT))) return;
  res.end();
}
