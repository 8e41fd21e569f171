// Did the host hold? The load test's rule, as a pure function so it is stated once, printed
// as written, and unit-tested. 429s are the per-attendee limiter doing its job: reported,
// never counted as errors. Errors are 5xx, timeouts, network failures and 4xx other than 429.
export function heldRule({ maxErrorRatePercent, p95Ms }) {
  return `The host HELD if errors (5xx, timeouts, network failures, 4xx other than 429) are under ${maxErrorRatePercent}% of requests and the p95 latency of successful requests is under ${p95Ms} ms. 429s are the per-attendee limiter working and are not errors.`;
}

/**
 * @param {{sent: number, errors: number, p95: number|null, ok: number}} stats
 * @param {{maxErrorRatePercent: number, p95Ms: number}} rule
 */
export function verdict(stats, rule) {
  const errorRate = stats.sent > 0 ? (100 * stats.errors) / stats.sent : 0;
  const reasons = [];
  if (stats.ok === 0) reasons.push("no request succeeded");
  if (errorRate >= rule.maxErrorRatePercent) reasons.push(`error rate ${errorRate.toFixed(2)}% ≥ ${rule.maxErrorRatePercent}%`);
  if (stats.p95 !== null && stats.p95 >= rule.p95Ms) reasons.push(`p95 ${stats.p95} ms ≥ ${rule.p95Ms} ms`);
  const held = reasons.length === 0;
  return {
    held,
    errorRate,
    because: held
      ? `error rate ${errorRate.toFixed(2)}% < ${rule.maxErrorRatePercent}% and p95 ${stats.p95} ms < ${rule.p95Ms} ms`
      : reasons.join("; "),
  };
}
