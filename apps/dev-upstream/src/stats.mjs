// @ts-check
/** Request and stream counters, plus the last few received requests (for tests). */

export const RECENT_LIMIT = 50;

/**
 * @typedef {object} RecordedRequest
 * @property {number} seq          1-based request number
 * @property {number} at           Date.now() when the body was read
 * @property {string} method
 * @property {string} path         path without the query string
 * @property {string} url          path with the query string
 * @property {Record<string, string | string[] | undefined>} headers lower-cased, as received
 * @property {unknown} body        parsed JSON body; null when empty or not JSON
 */

/**
 * @typedef {object} DevUpstreamStats
 * @property {number} requestCount   every HTTP request received (all paths)
 * @property {number} streamCount    SSE responses started
 * @property {number} openStreams    SSE responses currently open
 * @property {number} inflight       API requests being answered right now (streams until they end)
 * @property {number} peakInflight   the most API requests in flight at once since start or reset
 * @property {RecordedRequest[]} requests the last 50 requests, oldest first
 * @property {() => RecordedRequest | undefined} lastRequest
 * @property {() => void} reset      zero the counters and forget recorded requests
 */

/** @returns {DevUpstreamStats} */
export function createStats() {
  /** @type {DevUpstreamStats} */
  const stats = {
    requestCount: 0,
    streamCount: 0,
    openStreams: 0,
    inflight: 0,
    peakInflight: 0,
    requests: [],
    lastRequest: () => stats.requests[stats.requests.length - 1],
    reset: () => {
      stats.requestCount = 0;
      stats.streamCount = 0;
      stats.requests.length = 0;
      stats.peakInflight = stats.inflight;
      // openStreams and inflight are live state, not history: left as is.
    },
  };
  return stats;
}

/**
 * @param {DevUpstreamStats} stats
 * @param {Omit<RecordedRequest, 'at'>} entry
 */
export function recordRequest(stats, entry) {
  const rec = { at: Date.now(), ...entry };
  stats.requests.push(rec);
  if (stats.requests.length > RECENT_LIMIT) stats.requests.shift();
  return rec;
}
