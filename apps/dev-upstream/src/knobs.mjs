// @ts-check
/**
 * Behaviour knobs, settable per request by header or by a model-name suffix
 * (`model: "gpt-4o@latency=200,pause=2000"`). The header wins over the suffix.
 */

/**
 * @typedef {object} Knobs
 * @property {number} latencyMs     wait before sending response headers
 * @property {number} pauseMs       streams: wait after the first content chunk
 * @property {number | null} status respond with this HTTP status + OpenAI-shaped error
 * @property {number | null} chunks streams: exact number of content chunks
 * @property {number | null} cut    streams: destroy the socket after this many content chunks
 * @property {boolean} streamError  streams: error event after the first content chunk, then [DONE]
 * @property {number} chunkDelayMs  streams: delay between events
 * @property {boolean} noUsage      never include usage
 * @property {ResponsesEnd} end     Responses API streams: the terminal event
 */

/** @typedef {'completed' | 'incomplete' | 'failed' | 'error'} ResponsesEnd */

/**
 * @typedef {{ key: keyof Knobs, header: string, suffix: string, kind: 'int' | 'bool' | 'enum', min?: number, max?: number, values?: string[] }} KnobSpec
 */

const TEN_MINUTES = 600_000;

/** @type {KnobSpec[]} */
export const KNOB_SPECS = [
  { key: 'latencyMs', header: 'x-dev-latency-ms', suffix: 'latency', kind: 'int', min: 0, max: TEN_MINUTES },
  { key: 'pauseMs', header: 'x-dev-pause-ms', suffix: 'pause', kind: 'int', min: 0, max: TEN_MINUTES },
  { key: 'status', header: 'x-dev-status', suffix: 'status', kind: 'int', min: 400, max: 599 },
  { key: 'chunks', header: 'x-dev-chunks', suffix: 'chunks', kind: 'int', min: 1, max: 100_000 },
  { key: 'cut', header: 'x-dev-cut', suffix: 'cut', kind: 'int', min: 0, max: 100_000 },
  { key: 'streamError', header: 'x-dev-stream-error', suffix: 'streamerror', kind: 'bool' },
  { key: 'chunkDelayMs', header: 'x-dev-chunk-delay-ms', suffix: 'chunkdelay', kind: 'int', min: 0, max: TEN_MINUTES },
  { key: 'noUsage', header: 'x-dev-no-usage', suffix: 'nousage', kind: 'bool' },
  { key: 'end', header: 'x-dev-end', suffix: 'end', kind: 'enum', values: ['completed', 'incomplete', 'failed', 'error'] },
];

const BY_SUFFIX = new Map(KNOB_SPECS.map((s) => [s.suffix, s]));

/** @returns {Knobs} */
export function defaultKnobs() {
  return {
    latencyMs: 0, pauseMs: 0, status: null, chunks: null, cut: null, streamError: false, chunkDelayMs: 0, noUsage: false,
    end: 'completed',
  };
}

/**
 * @param {KnobSpec} spec
 * @param {string} raw
 * @param {string} where for error messages
 * @returns {number | boolean | string}
 */
function parseValue(spec, raw, where) {
  const v = raw.trim().toLowerCase();
  if (spec.kind === 'enum') {
    if (spec.values?.includes(v)) return v;
    throw new KnobError(`Invalid value '${raw}' for dev knob ${where}: expected one of ${spec.values?.join(', ')}.`);
  }
  if (spec.kind === 'bool') {
    if (v === '' || v === '1' || v === 'true' || v === 'yes' || v === 'on') return true;
    if (v === '0' || v === 'false' || v === 'no' || v === 'off') return false;
    throw new KnobError(`Invalid value '${raw}' for dev knob ${where}: expected 1/0/true/false.`);
  }
  if (!/^\d+$/.test(v)) throw new KnobError(`Invalid value '${raw}' for dev knob ${where}: expected an integer.`);
  const n = Number(v);
  if (n < (spec.min ?? 0) || n > (spec.max ?? Number.MAX_SAFE_INTEGER)) {
    throw new KnobError(`Invalid value '${raw}' for dev knob ${where}: expected ${spec.min}..${spec.max}.`);
  }
  return n;
}

export class KnobError extends Error {}

/**
 * Split `gpt-4o@latency=200,pause=2000` into the reported model and its knob suffix.
 * A suffix is only treated as knobs when it has an `=` or names a known knob, so real
 * model names that contain `@` (e.g. `claude-3-5-sonnet@20240620`) pass through untouched.
 * @param {unknown} model
 * @returns {{ model: unknown, suffix: string | null }}
 */
export function splitModel(model) {
  if (typeof model !== 'string') return { model, suffix: null };
  const at = model.lastIndexOf('@');
  if (at < 0) return { model, suffix: null };
  const suffix = model.slice(at + 1);
  const looksLikeKnobs = suffix.includes('=') || suffix.split(',').some((seg) => BY_SUFFIX.has(seg.trim().toLowerCase()));
  return looksLikeKnobs ? { model: model.slice(0, at), suffix } : { model, suffix: null };
}

/**
 * Resolve knobs from headers and the model suffix (header wins).
 * Throws KnobError on an unknown suffix knob or an invalid value.
 * @param {import('node:http').IncomingHttpHeaders} headers
 * @param {string | null} suffix
 * @returns {Knobs}
 */
export function resolveKnobs(headers, suffix) {
  const knobs = defaultKnobs();
  const k = /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (knobs));
  if (suffix) {
    for (const seg of suffix.split(',')) {
      const s = seg.trim();
      if (!s) continue;
      const eq = s.indexOf('=');
      const name = (eq < 0 ? s : s.slice(0, eq)).trim().toLowerCase();
      const spec = BY_SUFFIX.get(name);
      if (!spec) {
        throw new KnobError(`Unknown dev knob '${name}' in model suffix. Known: ${KNOB_SPECS.map((x) => x.suffix).join(', ')}.`);
      }
      k[spec.key] = parseValue(spec, eq < 0 ? '' : s.slice(eq + 1), `'${name}'`);
    }
  }
  for (const spec of KNOB_SPECS) {
    const raw = headers[spec.header];
    if (typeof raw === 'string' && raw.trim() !== '') k[spec.key] = parseValue(spec, raw, spec.header);
  }
  return knobs;
}
