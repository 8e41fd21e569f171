// The numbers the benchmark reports, as pure functions: percentiles of latency samples and
// a target's cost over the upstream called directly.

/** The p-th percentile (0-100) of samples, interpolating between the two nearest ranks. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
}

/** p50/p95/p99/mean of latency samples in ms, rounded to microseconds. */
export function summarise(samples) {
  const sorted = Float64Array.from(samples).sort();
  const mean = sorted.length ? sorted.reduce((a, b) => a + b, 0) / sorted.length : null;
  return {
    count: sorted.length,
    p50: ms(percentile(sorted, 50)),
    p95: ms(percentile(sorted, 95)),
    p99: ms(percentile(sorted, 99)),
    mean: ms(mean),
  };
}

/** What a target adds over the upstream called directly, percentile by percentile. */
export function addedOver(direct, target) {
  const added = {};
  for (const key of ["p50", "p95", "p99"]) {
    added[key] = direct[key] === null || target[key] === null ? null : ms(target[key] - direct[key]);
  }
  return added;
}

const ms = (n) => (n === null || Number.isNaN(n) ? null : Math.round(n * 1000) / 1000);
