// Nearest-rank percentiles: the value at rank ceil(p/100 * n) of the sorted values — the
// same definition the gateway's admin API uses, so the CLI's and the API's figures agree.
export function percentile(values, p) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p * sorted.length) / 100) - 1)];
}
