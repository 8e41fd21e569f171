// `ocg loadtest`: the seed's capacity check ("test 10 concurrent sessions"): N simulated
// attendees, each sending chat completions at a steady rate through the gateway, then
// latency percentiles, 429s, errors, throughput and whether the host held (lib/verdict.mjs).
// Requests are open-loop: each attendee sends on schedule whether or not earlier answers came.
import { CliError } from "../errors.mjs";
import { percentile } from "../lib/percentile.mjs";
import { progressBar } from "../lib/progress.mjs";
import { heldRule, verdict } from "../lib/verdict.mjs";

export const name = "loadtest";
export const summary = "simulate N attendees at a chosen rate; p50/p95/p99, 429s, errors, throughput, did the host hold";
export const usage = `Usage: ocg loadtest [--users 10] [--rate 20] [--duration 30] [--mode auto|byok|key] [options]

Simulates attendees against the gateway at --url: each sends POST /v1/chat/completions
--rate times a minute for --duration seconds, under its own identity (loadtest-01, ...).
Run it against a gateway whose upstream you mean to test (the seed: 10 attendees, then 50).

Options:
  --users <n>            simulated attendees (default 10)
  --rate <n>             requests per minute per attendee (default 20; the gateway allows 50)
  --duration <s>         seconds of sending (default 30)
  --mode <m>             byok: X-User-ID + an sk- key (phase 1); key: a gateway key per attendee,
                         issued with the admin token and revoked afterwards; auto (default): key
                         when the gateway requires keys, else byok
  --api-key <sk-...>     the key BYOK attendees send (default: a fake sk-loadtest-... key, which
                         only a simulator upstream accepts)
  --model <name>         model to ask for (default gpt-4o)
  --prompt <text>        the message each request sends (default: a short question)
  --stream               ask for streamed answers (latency = until the stream ends)
  --prefix <id>          user id prefix (default loadtest)
  --p95-ms <ms>          the held rule's p95 ceiling (default 5000)
  --max-error-rate <%>   the held rule's error ceiling in percent (default 1)
  --timeout-ms <ms>      give up on one request after this long (default 60000; counts as an error)
  --json                 print the result as JSON`;

export const options = {
  users: { type: "string", default: "10" },
  rate: { type: "string", default: "20" },
  duration: { type: "string", default: "30" },
  mode: { type: "string", default: "auto" },
  "api-key": { type: "string" },
  model: { type: "string", default: "gpt-4o" },
  prompt: { type: "string", default: "In one sentence, what is a gateway?" },
  stream: { type: "boolean", default: false },
  prefix: { type: "string", default: "loadtest" },
  "p95-ms": { type: "string", default: "5000" },
  "max-error-rate": { type: "string", default: "1" },
  "timeout-ms": { type: "string", default: "60000" },
  json: { type: "boolean", default: false },
};

function number(values, flag, { min, integer = true }) {
  const n = Number(values[flag]);
  if (!Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) {
    throw new CliError(`--${flag} must be ${integer ? "a whole number" : "a number"} ≥ ${min} (got '${values[flag]}')`, 2);
  }
  return n;
}

/** One request; resolves with what happened, never throws. */
async function send(url, attendee, body, timeoutMs) {
  const started = performance.now();
  try {
    const response = await fetch(`${url}/v1/chat/completions`, {
      method: "POST", headers: attendee.headers, body, signal: AbortSignal.timeout(timeoutMs),
    });
    await response.arrayBuffer();
    const queueMs = Number(response.headers.get("x-ocg-queue-ms") ?? NaN);
    return {
      status: response.status, ms: Math.round(performance.now() - started),
      node: response.headers.get("x-ocg-node") ?? (response.status === 503 ? "(refused)" : "?"),
      queueMs: Number.isFinite(queueMs) ? queueMs : null,
    };
  } catch (error) {
    const kind = error?.name === "TimeoutError" ? "timeout" : (error?.cause?.code ?? "network");
    return { status: 0, kind, ms: Math.round(performance.now() - started) };
  }
}

export function summarise(results, elapsedMs) {
  const ok = results.filter((r) => r.status >= 200 && r.status < 300);
  const limited = results.filter((r) => r.status === 429);
  const failed = results.filter((r) => r.status === 0 || r.status >= 500 || (r.status >= 400 && r.status !== 429));
  const latencies = ok.map((r) => r.ms);
  const statuses = {};
  for (const r of results) statuses[r.status === 0 ? r.kind : r.status] = (statuses[r.status === 0 ? r.kind : r.status] ?? 0) + 1;
  return {
    sent: results.length,
    ok: ok.length,
    rate_limited: limited.length,
    errors: failed.length,
    statuses,
    latency_ms: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99), max: latencies.length ? Math.max(...latencies) : null },
    elapsed_s: Number((elapsedMs / 1000).toFixed(2)),
    throughput_rps: Number((results.length / (elapsedMs / 1000)).toFixed(2)),
  };
}

/**
 * The capacity check, per node: what each node answered (the gateway names the node in
 * `x-ocg-node`), its latency, 503s (host_busy: the node's queue was full) and queue waits,
 * and the node's in-flight peak as /health reported it during the run.
 */
export function perNode(results, peaks) {
  const nodes = new Map();
  for (const r of results) {
    const name = r.node ?? "?";
    if (!nodes.has(name)) nodes.set(name, []);
    nodes.get(name).push(r);
  }
  return [...nodes.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, rows]) => {
    const ok = rows.filter((r) => r.status >= 200 && r.status < 300).map((r) => r.ms);
    const waits = rows.map((r) => r.queueMs).filter((w) => w !== null && w !== undefined);
    return {
      node: name,
      requests: rows.length,
      ok: ok.length,
      busy_503: rows.filter((r) => r.status === 503).length,
      p50_ms: percentile(ok, 50),
      p95_ms: percentile(ok, 95),
      queue_wait_p95_ms: percentile(waits, 95),
      queue_wait_max_ms: waits.length ? Math.max(...waits) : null,
      inflight_peak: peaks.get(name)?.inflight ?? null,
      queued_peak: peaks.get(name)?.queued ?? null,
    };
  });
}

/** Polls /health for each node's in-flight and queued counts; returns the peaks when stopped. */
function watchNodes(gateway, everyMs = 500) {
  const peaks = new Map();
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      try {
        for (const node of (await gateway.health()).upstreams ?? []) {
          const peak = peaks.get(node.name) ?? { inflight: 0, queued: 0 };
          peaks.set(node.name, { inflight: Math.max(peak.inflight, node.inflight ?? 0), queued: Math.max(peak.queued, node.queued ?? 0) });
        }
      } catch {
        // a missed sample is only a missed sample
      }
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return async () => {
    stopped = true;
    await loop;
    return peaks;
  };
}

async function prepareAttendees({ gateway, mode, users, prefix, apiKey }) {
  const ids = Array.from({ length: users }, (_, i) => `${prefix}-${String(i + 1).padStart(users >= 100 ? 3 : 2, "0")}`);
  if (mode === "byok") {
    return ids.map((id) => ({
      id,
      headers: { "content-type": "application/json", "x-user-id": id, authorization: `Bearer ${apiKey ?? `sk-loadtest-${id}`}` },
    }));
  }
  const attendees = [];
  for (const id of ids) {
    const issued = await gateway.admin(`/users/${id}/keys`, { method: "POST", body: { label: "ocg loadtest" } });
    attendees.push({ id, keyId: issued.id, headers: { "content-type": "application/json", authorization: `Bearer ${issued.key}` } });
  }
  return attendees;
}

export async function run({ values, context }) {
  const { gateway, stdout, stderr } = context;
  const users = number(values, "users", { min: 1 });
  const rate = number(values, "rate", { min: 0.1, integer: false });
  const duration = number(values, "duration", { min: 1, integer: false });
  const rule = { p95Ms: number(values, "p95-ms", { min: 1 }), maxErrorRatePercent: number(values, "max-error-rate", { min: 0, integer: false }) };
  const timeoutMs = number(values, "timeout-ms", { min: 100 });
  if (!["auto", "byok", "key"].includes(values.mode)) throw new CliError(`--mode must be auto, byok or key (got '${values.mode}')`, 2);

  const health = await gateway.health();
  if (health.status !== "ok") throw new CliError(`The gateway at ${gateway.url} is not healthy: ${health.message ?? health.status}`);
  const mode = values.mode === "auto" ? (health.gateway_key_required ? "key" : "byok") : values.mode;
  const attendees = await prepareAttendees({ gateway, mode, users, prefix: values.prefix, apiKey: values["api-key"] });
  const body = JSON.stringify({
    model: values.model, stream: values.stream || undefined, messages: [{ role: "user", content: values.prompt }],
  });

  const intervalMs = 60_000 / rate;
  const perAttendee = Math.max(1, Math.floor((duration * 1000) / intervalMs));
  const total = perAttendee * users;
  const results = [];
  const live = Boolean(stderr.isTTY) && !values.json;
  let lastLine = 0;
  const showProgress = (force = false) => {
    const limited = results.filter((r) => r.status === 429).length;
    const errors = results.filter((r) => r.status === 0 || (r.status >= 400 && r.status !== 429)).length;
    const line = progressBar({ done: results.length, total, extra: `429s ${limited} · errors ${errors} · ${((performance.now() - started) / 1000).toFixed(1)} s` });
    if (live) stderr.write(`\r${line}`);
    else if (force || performance.now() - lastLine > 5_000) {
      lastLine = performance.now();
      if (!values.json) stderr.write(`${line}\n`);
    }
  };

  if (!values.json) {
    stdout.write(`Load test: ${users} attendees × ${rate} requests/min for ${duration} s (${total} requests) against ${gateway.url}\n`);
    stdout.write(`Identity: ${mode === "key" ? "a gateway key each (issued now, revoked at the end)" : "BYOK X-User-ID"} ${attendees[0].id} … ${attendees.at(-1).id}; upstream ${health.upstream?.name ?? "?"}\n`);
  }
  const started = performance.now();
  const stopWatching = watchNodes(gateway);
  const ticker = setInterval(() => showProgress(), live ? 200 : 1_000);
  // Attendees start spread over one interval, as a room does; each then keeps its own beat.
  await Promise.all(attendees.map(async (attendee, index) => {
    const offset = (intervalMs * index) / users;
    const pending = [];
    for (let n = 0; n < perAttendee; n++) {
      const due = started + offset + n * intervalMs;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      pending.push(send(gateway.url, attendee, body, timeoutMs).then((result) => { results.push(result); }));
    }
    await Promise.all(pending);
  }));
  clearInterval(ticker);
  const nodes = perNode(results, await stopWatching());
  showProgress(true);
  if (live) stderr.write("\n");
  const elapsed = performance.now() - started;

  if (mode === "key") {
    for (const attendee of attendees) await gateway.admin(`/keys/${attendee.keyId}`, { method: "DELETE" }).catch(() => {});
  }

  const summary = summarise(results, elapsed);
  const outcome = verdict({ sent: summary.sent, ok: summary.ok, errors: summary.errors, p95: summary.latency_ms.p95 }, rule);
  if (values.json) {
    stdout.write(`${JSON.stringify({ users, rate_per_minute: rate, duration_s: duration, mode, ...summary, nodes, held: outcome.held, because: outcome.because, rule: heldRule(rule) }, null, 2)}\n`);
    return outcome.held ? 0 : 1;
  }
  const l = summary.latency_ms;
  const lines = [
    "",
    `requests sent       ${summary.sent}`,
    `answered 2xx        ${summary.ok}`,
    `rate-limited (429)  ${summary.rate_limited}${summary.rate_limited ? "  ← attendees asked faster than the per-attendee limit" : ""}`,
    `errors              ${summary.errors} (${outcome.errorRate.toFixed(2)} %)`,
    `status codes        ${Object.entries(summary.statuses).map(([k, v]) => `${k}×${v}`).join("  ")}`,
    `latency (2xx)       p50 ${l.p50 ?? "–"} ms · p95 ${l.p95 ?? "–"} ms · p99 ${l.p99 ?? "–"} ms · max ${l.max ?? "–"} ms`,
    `throughput          ${summary.throughput_rps} requests/s over ${summary.elapsed_s} s`,
    "",
    "per node            requests  2xx  503  p50 ms  p95 ms  queue p95/max ms  in-flight peak  queued peak",
    ...nodes.map((n) => `  ${n.node.padEnd(18)}${String(n.requests).padStart(8)}${String(n.ok).padStart(5)}${String(n.busy_503).padStart(5)}`
      + `${String(n.p50_ms ?? "–").padStart(8)}${String(n.p95_ms ?? "–").padStart(8)}`
      + `${`${n.queue_wait_p95_ms ?? "–"}/${n.queue_wait_max_ms ?? "–"}`.padStart(18)}${String(n.inflight_peak ?? "–").padStart(16)}${String(n.queued_peak ?? "–").padStart(13)}`),
    "",
    `Verdict: the host ${outcome.held ? "HELD" : "DID NOT HOLD"} — ${outcome.because}.`,
    `Rule: ${heldRule(rule)}`,
  ];
  stdout.write(`${lines.join("\n")}\n`);
  return outcome.held ? 0 : 1;
}
