// The terminal report: plain aligned text tables, one per kind of figure.

export function formatTable(headers, rows) {
  const cells = [headers, ...rows.map((row) => row.map((cell) => (cell === null || cell === undefined ? "-" : String(cell))))];
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  const line = (row) => row.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  ");
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
  parts.push("");
  parts.push("Targets (reported, not asserted)");
  for (const t of results.targets) parts.push(`  ${t.met ? "MET   " : "MISSED"}  ${t.target}: ${t.detail}`);
  return parts.join("\n");
}
