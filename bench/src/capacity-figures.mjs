// The capacity check's arithmetic, as pure functions: what an attendee does with a refusal,
// which kind of error an answer is, one run's figures, and the side-by-side table.
import { percentile } from "./stats.mjs";
import { formatTable } from "./table.mjs";

/** What a real client does with an error that gives no hint (the openai SDK backs off ~1 s). */
export const NO_HINT_PAUSE_MS = 1_000;

/**
 * How long a refused attendee waits before the next request: the gateway's `retry-after-ms`
 * (exact) or else `retry-after` (seconds), as the openai SDK reads them; null when neither.
 */
export function retryWaitMs(headers) {
  const ms = Number(headers["retry-after-ms"]);
  if (headers["retry-after-ms"] !== undefined && Number.isFinite(ms) && ms >= 0) return ms;
  const seconds = Number(headers["retry-after"]);
  if (headers["retry-after"] !== undefined && Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  return null;
}

/**
 * The column an answer is counted in: answered (2xx), 429 (the attendee's own limits: the
 * minute's window or requests in flight), 503 host_busy (the node's cap and queue), or other
 * (timeouts, a node marked down, anything else), which is also kept by status and code.
 */
export function classifyAnswer(status, code) {
  if (status >= 200 && status < 300) return "answered";
  if (status === 429) return "rate_limited";
  if (status === 503 && code === "host_busy") return "host_busy";
  return "other";
}

/**
 * One run's figures from its requests (`{ status, code, ms }`, or `{ unfinished: true }`
 * for one still open when the run was cut off): counts by kind, and the latency of the
 * answered ones in seconds.
 */
export function summariseRequests(requests) {
  const counts = { sent: requests.length, answered: 0, rate_limited: 0, host_busy: 0, other: 0, unfinished: 0 };
  const otherByCode = {};
  const answeredMs = [];
  for (const r of requests) {
    if (r.unfinished) {
      counts.unfinished++;
      continue;
    }
    const kind = classifyAnswer(r.status, r.code);
    counts[kind]++;
    if (kind === "answered") answeredMs.push(r.ms);
    if (kind === "other") {
      const key = `${r.status}${r.code ? ` ${r.code}` : ""}`;
      otherByCode[key] = (otherByCode[key] ?? 0) + 1;
    }
  }
  return { ...counts, other_by_code: otherByCode, latency_s: secondsSummary(answeredMs) };
}

/** p50/p95/max of samples in ms, given in seconds (ms precision); nulls when there are none. */
export function secondsSummary(samplesMs) {
  const sorted = Float64Array.from(samplesMs).sort();
  const s = (ms) => (ms === null || ms === undefined ? null : Math.round(ms) / 1000);
  return { count: sorted.length, p50: s(percentile(sorted, 50)), p95: s(percentile(sorted, 95)), max: s(sorted.length ? sorted[sorted.length - 1] : null) };
}

/** `--caps 4,8,16` as whole numbers within what UPSTREAMS accepts (1..10000). */
export function parseCaps(text) {
  const caps = String(text).split(",").map((c) => c.trim()).filter(Boolean).map(Number);
  if (caps.length === 0 || caps.some((c) => !Number.isInteger(c) || c < 1 || c > 10_000)) {
    throw new Error(`--caps ${text}: give whole numbers from 1 to 10000, comma-separated (e.g. 4,8,16)`);
  }
  return caps;
}

/** A run's column heading: the node's `max_concurrent`, "no cap" at the schema's maximum. */
export const capLabel = (cap, unlimited) => (cap >= unlimited ? `no cap (${cap})` : `cap ${cap}`);

const fmt = (n, digits = 0) => (n === null || n === undefined ? null : n.toFixed(digits));

/** Every run side by side: one column per cap, one row per figure. */
export function formatCapacityTable(runs) {
  const rows = [
    ["requests sent", "", (r) => r.requests.sent],
    ["answered (2xx)", "", (r) => r.requests.answered],
    ["run lasted (sending, then the last answers)", "s", (r) => fmt(r.requests.wall_s, 1)],
    ["answered per second of the run", "", (r) => fmt(r.requests.wall_s ? r.requests.answered / r.requests.wall_s : null, 1)],
    ["latency of answers p50", "s", (r) => fmt(r.requests.latency_s.p50, 2)],
    ["latency of answers p95", "s", (r) => fmt(r.requests.latency_s.p95, 2)],
    ["latency of answers max", "s", (r) => fmt(r.requests.latency_s.max, 2)],
    ["queue wait of answers p50", "s", (r) => fmt(r.queue_wait_s?.p50, 2)],
    ["queue wait of answers p95", "s", (r) => fmt(r.queue_wait_s?.p95, 2)],
    ["429 (attendee's limits)", "", (r) => r.requests.rate_limited],
    ["503 host_busy", "", (r) => r.requests.host_busy],
    ["other errors", "", (r) => r.requests.other],
    ["unfinished at the bound", "", (r) => r.requests.unfinished],
    ["host peak in-flight", "", (r) => r.host.peak_inflight],
  ];
  const table = formatTable(["", "", ...runs.map((r) => r.label)], rows.map(([name, unit, get]) => [name, unit, ...runs.map(get)]));
  const others = runs.filter((r) => r.requests.other > 0)
    .map((r) => `  ${r.label}: ${Object.entries(r.requests.other_by_code).map(([code, n]) => `${n} × ${code}`).join(", ")}`);
  return others.length ? `${table}\nother errors by status and code:\n${others.join("\n")}` : table;
}
