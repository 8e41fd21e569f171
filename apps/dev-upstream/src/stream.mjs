// @ts-check
/**
 * The SSE engine shared by the streaming endpoints: splits the answer into content chunks
 * and writes `data: <json>\n\n` events one by one (the Responses API's with an
 * `event: <type>` line first), each flushed as it is written, applying the stream knobs
 * (pause, chunks, cut, streamerror, chunkdelay, nousage, end).
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

/**
 * A Responses API stream's builders: typed events, each sent with an `event: <type>` line,
 * no `usage: null` on every chunk and no `[DONE]`.
 * @typedef {object} TypedStreamShape
 * @property {() => Record<string, unknown>[]} start          events before the first delta
 * @property {(text: string) => Record<string, unknown>} content
 * @property {(completionText: string) => Record<string, unknown>[]} end  the events after the last delta, terminal event last
 * @property {() => Record<string, unknown>} failure          the streamerror knob's event
 */

const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  'x-accel-buffering': 'no',
};

const STREAM_ERROR_EVENT = `data: ${JSON.stringify({ error: { message: 'upstream provider timeout', type: 'server_error' } })}\n\n`;
const DONE_EVENT = 'data: [DONE]\n\n';

/** @param {Record<string, unknown>} obj a typed event (`type` names it) */
const typedEvent = (obj) => `event: ${obj.type}\ndata: ${JSON.stringify(obj)}\n\n`;

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
 * A chat or legacy completions stream.
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
export function streamAnswer({ res, signal, knobs, text, shape, includeUsage, stats, headers }) {
  const withUsage = includeUsage && !knobs.noUsage;
  /** @param {Record<string, unknown>} obj */
  const chunk = (obj) => {
    if (withUsage) obj.usage = null; // OpenAI sends usage:null on every chunk but the last
    return `data: ${JSON.stringify(obj)}\n\n`;
  };
  return runStream({ res, signal, knobs, text, stats, headers,
    start: shape.start ? [chunk(shape.start())] : [],
    content: (t) => chunk(shape.content(t)),
    end: (completionText) => [
      chunk(shape.finish()),
      ...(withUsage ? [`data: ${JSON.stringify(shape.usage(completionText))}\n\n`] : []),
      DONE_EVENT,
    ],
    failure: () => [STREAM_ERROR_EVENT, DONE_EVENT],
  });
}

/**
 * A Responses API stream: typed events, ending with the terminal event `shape.end` builds.
 * @param {object} o
 * @param {import('node:http').ServerResponse} o.res
 * @param {AbortSignal} o.signal
 * @param {import('./knobs.mjs').Knobs} o.knobs
 * @param {string} o.text
 * @param {TypedStreamShape} o.shape
 * @param {import('./stats.mjs').DevUpstreamStats} o.stats
 * @param {Record<string, string>} o.headers
 */
export function streamTypedAnswer({ res, signal, knobs, text, shape, stats, headers }) {
  return runStream({ res, signal, knobs, text, stats, headers,
    start: shape.start().map(typedEvent),
    content: (t) => typedEvent(shape.content(t)),
    end: (completionText) => shape.end(completionText).map(typedEvent),
    failure: () => [typedEvent(shape.failure())],
  });
}

/**
 * Writes one stream of raw events, applying the knobs.
 * @param {object} o
 * @param {import('node:http').ServerResponse} o.res
 * @param {AbortSignal} o.signal
 * @param {import('./knobs.mjs').Knobs} o.knobs
 * @param {string} o.text
 * @param {import('./stats.mjs').DevUpstreamStats} o.stats
 * @param {Record<string, string>} o.headers
 * @param {string[]} o.start                              events before the content
 * @param {(text: string) => string} o.content            one content event
 * @param {(completionText: string) => string[]} o.end    the events after the content
 * @param {() => string[]} o.failure                      the streamerror knob's events
 */
async function runStream({ res, signal, knobs, text, stats, headers, start, content, end, failure }) {
  const pieces = planChunks(text, knobs.chunks);

  openStream(res, headers, stats);

  let first = true;
  /** @param {string} raw */
  const emit = async (raw) => {
    if (!first && knobs.chunkDelayMs > 0 && !(await sleep(knobs.chunkDelayMs, signal))) return false;
    first = false;
    return write(res, raw, signal);
  };
  /** @param {string[]} raws */
  const emitAll = async (raws) => {
    for (const raw of raws) if (!(await emit(raw))) return false;
    return true;
  };

  if (!(await emitAll(start))) return;
  for (let i = 0; i < pieces.length; i++) {
    if (knobs.cut !== null && i >= knobs.cut) return cut(res);
    if (!(await emit(content(pieces[i])))) return;
    if (i === 0) {
      if (knobs.pauseMs > 0 && !(await sleep(knobs.pauseMs, signal))) return;
      if (knobs.streamError) {
        if (!(await emitAll(failure()))) return;
        res.end();
        return;
      }
    }
  }
  if (knobs.cut !== null) return cut(res);
  if (!(await emitAll(end(pieces.join(''))))) return;
  res.end();
}

/**
 * Starts an event stream's answer: its headers go at once, and the stats count it as open
 * until the connection closes.
 * @param {import('node:http').ServerResponse} res
 * @param {Record<string, string>} headers
 * @param {import('./stats.mjs').DevUpstreamStats} stats
 */
function openStream(res, headers, stats) {
  res.writeHead(200, { ...headers, ...SSE_HEADERS });
  res.flushHeaders();
  stats.streamCount++;
  stats.openStreams++;
  res.once('close', () => {
    stats.openStreams--;
  });
}

/**
 * A stream whose events are all known up front (the scripted model's tool call): written one
 * by one with the chunkdelay knob between them; `typed` events get their `event:` line.
 * @param {object} o
 * @param {import('node:http').ServerResponse} o.res
 * @param {AbortSignal} o.signal
 * @param {import('./knobs.mjs').Knobs} o.knobs
 * @param {import('./stats.mjs').DevUpstreamStats} o.stats
 * @param {Record<string, string>} o.headers
 * @param {Record<string, unknown>[]} o.events
 * @param {boolean} o.typed      Responses API events (`event: <type>` lines, no [DONE])
 */
export async function streamFixed({ res, signal, knobs, stats, headers, events, typed }) {
  openStream(res, headers, stats);
  const raws = events.map((e) => (typed ? typedEvent(e) : `data: ${JSON.stringify(e)}\n\n`));
  if (!typed) raws.push(DONE_EVENT);
  for (let i = 0; i < raws.length; i++) {
    if (i > 0 && knobs.chunkDelayMs > 0 && !(await sleep(knobs.chunkDelayMs, signal))) return;
    if (!(await write(res, raws[i], signal))) return;
  }
  res.end();
}
