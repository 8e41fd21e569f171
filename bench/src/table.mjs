// The terminal report: plain aligned text tables, one per kind of figure.

/** Names (the first `leftColumns` columns) align left, figures right; a missing figure is "-". */
export function formatTable(headers, rows, leftColumns = 2) {
  const cells = [headers, ...rows.map((row) => row.map((cell) => (cell === null || cell === undefined ? "-" : String(cell))))];
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  const line = (row) => row.map((cell, i) => (i < leftColumns ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  ");
  return [line(cells[0]), widths.map((w) => "-".repeat(w)).join("  "), ...cells.slice(1).map(line)].join("\n");
}

const signed = (n) => (n === null || n === undefined ? null : `${n >= 0 ? "+" : ""}${n.toFixed(3)}`);
const fixed = (n) => (n === null || n === undefined ? null : n.toFixed(3));

export function formatReport(results) {
  const parts = [];
  parts.push("Latency (ms) and throughput; 'added' = target minus the upstream called directly, same scenario");
  parts.push(formatTable(
    ["scenario", "target", "req/s", "p50", "p95", "p99", "added p50", "added p95", "added p99", "cpu ms/req", "non-2xx"],
    results.runs.map((r) => [r.scenario, r.target, r.rps.toFixed(0), fixed(r.latency.p50), fixed(r.latency.p95), fixed(r.latency.p99),
      signed(r.added.p50), signed(r.added.p95), signed(r.added.p99), fixed(r.cpu_ms_per_request), r.non2xx + r.errors]),
  ));
  parts.push("");
  parts.push("Streams: time to first byte (ms), one connection, sequential requests");
  parts.push(formatTable(
    ["target", "", "ttfb p50", "ttfb p95", "ttfb p99", "added p50", "full p50"],
    results.ttfb.map((t) => [t.target, t.variant ?? "", fixed(t.ttfb.p50), fixed(t.ttfb.p95), fixed(t.ttfb.p99), signed(t.added_p50), fixed(t.total.p50)]),
  ));
  parts.push("");
  if (results.hops?.length) {
    parts.push(formatHops(results.hops));
    parts.push("");
  }
  parts.push("Memory (MiB): resident at start, at the end, and peak");
  parts.push(formatTable(
    ["process", "pid", "rss start", "rss end", "peak"],
    results.memory.map((m) => [m.process, m.pid, m.rss_start_mb, m.rss_end_mb, m.peak_rss_mb]),
  ));
  if (results.wrangler_dev?.runs?.length) {
    parts.push("");
    parts.push("What a local user feels: the gateway under `npm start` (wrangler dev, its proxy in front)");
    parts.push(formatTable(
      ["scenario", "target", "req/s", "p50", "p95", "p99", "added p50", "non-2xx"],
      results.wrangler_dev.runs.map((r) => [r.scenario, r.target, r.rps.toFixed(0), fixed(r.latency.p50), fixed(r.latency.p95),
        fixed(r.latency.p99), signed(r.added.p50), r.non2xx + r.errors]),
    ));
  }
  if (results.baseline) {
    parts.push("");
    parts.push(formatBeforeAfter(results));
  }
  parts.push("");
  parts.push("Targets (reported, not asserted)");
  for (const t of results.targets) parts.push(`  ${t.met ? "MET   " : "MISSED"}  ${t.target}: ${t.detail}`);
  return parts.join("\n");
}

/**
 * Production's hops, modelled (servers/hops.mjs): the time to first byte a gateway adds over
 * the upstream called directly, with each Durable Object and D1 call waiting 0, 5 or 20 ms;
 * the last column is what the largest round trip added over none, in round trips.
 */
export function formatHops(hops) {
  const rtts = Object.keys(hops[0].added_ttfb_p50_by_rtt).map(Number);
  return [
    "Production's hops, modelled: added time to first byte (ms, p50 over the upstream direct) with each Durable Object / D1 call taking a round trip",
    formatTable(
      ["scenario", "target", ...rtts.map((rtt) => `${rtt} ms/hop`), "sequential round trips before the first byte"],
      hops.map((h) => [h.scenario, h.target, ...rtts.map((rtt) => signed(h.added_ttfb_p50_by_rtt[rtt])),
        h.round_trips_before_first_byte === null ? null : h.round_trips_before_first_byte.toFixed(1)]),
    ),
  ].join("\n");
}

/**
 * The baseline commit's gateway (before) beside today's (after), scenario by scenario, from
 * the rows above: what the change between them cost or saved, measured in one run.
 */
export function formatBeforeAfter(results) {
  const before = results.baseline.target;
  const pick = (list, target, match) => list.find((r) => r.target === target && match(r));
  const rows = [...new Set(results.runs.map((r) => r.scenario))].map((scenario) => {
    const b = pick(results.runs, before, (r) => r.scenario === scenario);
    const a = pick(results.runs, "gateway", (r) => r.scenario === scenario);
    return [scenario, b?.rps.toFixed(0), a?.rps.toFixed(0), signed(b?.added.p50), signed(a?.added.p50),
      fixed(b?.cpu_ms_per_request), fixed(a?.cpu_ms_per_request)];
  });
  for (const variant of [undefined, ...new Set(results.ttfb.map((t) => t.variant).filter(Boolean))]) {
    const b = pick(results.ttfb, before, (t) => t.variant === variant);
    const a = pick(results.ttfb, "gateway", (t) => t.variant === variant);
    if (b || a) rows.push([`stream TTFB${variant ? ` (${variant})` : ""}`, null, null, signed(b?.added_p50), signed(a?.added_p50), null, null]);
  }
  return [
    `Before/after, same run: ${before} (before, ${results.baseline.commit.slice(0, 12)}) and gateway (after, this checkout)`,
    formatTable(["scenario", "req/s before", "req/s after", "added p50 before", "added p50 after", "cpu ms/req before", "cpu ms/req after"], rows, 1),
  ].join("\n");
}
