// `npm run capacity -w bench`: the seed's capacity question (week -1: "50 concurrent (peak)
// ~20 GB+", "watch memory_pressure"), asked of a model host on this machine. The dev
// upstream plays a host that slows down as turns pile up (its overload mode: each turn
// takes --base-ms while at most --threshold run at once, and latency × (1 + (n/threshold)²)
// with n in flight past that — a host running out of memory, simply). The gateway runs in
// workerd (the bench's Miniflare path) with UPSTREAMS = one node at that host, and a room
// of attendees at the seed's limits (RATE_LIMIT_PER_MINUTE and MAX_INFLIGHT_PER_USER at their defaults),
// each sending as fast as those limits allow. Once with the node's max_concurrent
// effectively unlimited (10000), then once per cap; one table side by side, and
// results/capacity-<timestamp>.json. All load stays on loopback and every run is bounded.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { SETTINGS as CATALOG } from "organized-gateway/settings";
import { capLabel, formatCapacityTable, parseCaps, secondsSummary } from "./capacity-figures.mjs";
import { runAttendeesJob } from "./load/run-load.mjs";
import { describeMachine } from "./machine.mjs";
import { requestBody } from "./scenarios.mjs";
import { startUpstreamProcess } from "./servers/upstream.mjs";
import { buildGatewayBundle, readGatewayConfig, startGatewayWorker, workerdVersion } from "./servers/workerd.mjs";
import { freePorts } from "./servers/ports.mjs";
import { runningServers } from "./servers/running.mjs";

const USAGE = `npm run capacity -w bench [-- options]
  The gateway (workerd) in front of one slowing-down host, 50 attendees at the seed's limits,
  without a node cap and then with each cap: requests answered, p50/p95 latency of answers,
  queue waits, errors (429, 503 host_busy, other), and the host's peak in-flight requests.
  --quick           10 s per run instead of 30
  --seconds N       how long attendees send, per run (default 30; quick 10)
  --caps LIST       the node's max_concurrent values to try after "no cap" (default 4,8,16)
  --attendees N     attendees in the room (default 50), each with MAX_INFLIGHT_PER_USER requests going
  --base-ms N       the host's time per turn when not overloaded (default 400)
  --threshold N     in-flight turns past which the host slows down (default 8)
  --queue-max N     NODE_QUEUE_MAX, requests waiting for the node (default ${CATALOG.NODE_QUEUE_MAX.default})
  --queue-ms N      NODE_QUEUE_MS, the longest wait in that queue (default ${CATALOG.NODE_QUEUE_MS.default})
  A request still open 5 s after the longest it could take (NODE_QUEUE_MS + UPSTREAM_TIMEOUT_MS)
  past the end of sending is cut off and counted as unfinished. About 1.5 min per run at 30 s
  without a cap (its answers time out), under 1 min with one.`;

/** Asked of the system per run (servers/ports.mjs): a run never collides with whatever else listens. */
const PORTS = await freePorts(["upstream", "gateway"]);
const RESULTS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "results");
/** The schema's maximum max_concurrent: no cap in effect. */
const UNLIMITED = 10_000;

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false }, seconds: { type: "string" }, caps: { type: "string", default: "4,8,16" },
    attendees: { type: "string", default: "50" }, "base-ms": { type: "string", default: "400" }, threshold: { type: "string", default: "8" },
    "queue-max": { type: "string", default: CATALOG.NODE_QUEUE_MAX.default }, "queue-ms": { type: "string", default: CATALOG.NODE_QUEUE_MS.default }, help: { type: "boolean", short: "h", default: false },
  },
});
if (args.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}

const seconds = Number(args.seconds ?? (args.quick ? 10 : 30));
const overload = { baseMs: Number(args["base-ms"]), threshold: Number(args.threshold) };
const attendees = Number(args.attendees);
let caps;
try {
  caps = [UNLIMITED, ...parseCaps(args.caps)];
  for (const [name, n, min, max] of [["--seconds", seconds, 1, 600], ["--attendees", attendees, 1, 500], ["--base-ms", overload.baseMs, 1, 60_000],
    ["--threshold", overload.threshold, 1, 10_000], ["--queue-max", Number(args["queue-max"]), 0, 10_000], ["--queue-ms", Number(args["queue-ms"]), 0, 300_000]]) {
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name}: give a whole number from ${min} to ${max}`);
  }
} catch (error) {
  process.stderr.write(`${error.message}\n\n${USAGE}\n`);
  process.exit(2);
}

/** The seed's limits (the settings catalog's defaults); the node's queue as given. Not a real secret. */
const SETTINGS = {
  HASH_SECRET: "capacity-only-hash-secret-not-a-real-one",
  RATE_LIMIT_PER_MINUTE: CATALOG.RATE_LIMIT_PER_MINUTE.default,
  MAX_INFLIGHT_PER_USER: CATALOG.MAX_INFLIGHT_PER_USER.default,
  NODE_QUEUE_MAX: String(Number(args["queue-max"])),
  NODE_QUEUE_MS: String(Number(args["queue-ms"])),
};

const log = (line) => process.stderr.write(`${line}\n`);
const { started, stopAll } = runningServers();

async function main() {
  log("Preparing: the gateway's bundle...");
  const buildDir = mkdtempSync(path.join(tmpdir(), "ocg-capacity-build-"));
  // Also on an exit Miniflare's signal hook makes at once, before stopAll could finish.
  const removeBuild = () => rmSync(buildDir, { recursive: true, force: true });
  process.once("exit", removeBuild);
  started.push({ stop: async () => removeBuild() });
  const bundle = buildGatewayBundle(buildDir);
  const vars = readGatewayConfig().vars;
  const upstreamTimeoutMs = Number(vars.UPSTREAM_TIMEOUT_MS ?? 60_000);
  const drainMs = Number(SETTINGS.NODE_QUEUE_MS) + upstreamTimeoutMs + 5_000;

  const upstream = await startUpstreamProcess(PORTS.upstream, { overload });
  started.push(upstream);

  const runs = [];
  for (const [index, cap] of caps.entries()) {
    const label = capLabel(cap, UNLIMITED);
    await untilIdle(upstream);
    await upstream.resetStats();
    const upstreams = [{ name: "mini", url: upstream.url, max_concurrent: cap }];
    const gateway = await startGatewayWorker(PORTS.gateway, bundle, { ...SETTINGS, UPSTREAMS: JSON.stringify(upstreams) });
    started.push(gateway);
    log(`${label}: ${attendees} attendees for ${seconds} s...`);
    const requests = await runAttendeesJob({
      url: `${gateway.url}/v1/chat/completions`, body: requestBody(false), attendees,
      perAttendee: Number(SETTINGS.MAX_INFLIGHT_PER_USER), seconds, drainMs, userPrefix: `capacity-${index}`,
    });
    const host = await upstream.stats();
    const rows = await loggedRows(gateway);
    await gateway.stop();
    started.splice(started.indexOf(gateway), 1);
    runs.push({
      label, max_concurrent: cap, requests,
      host: { peak_inflight: host.peakInflight },
      queue_wait_s: secondsSummary(rows.filter((r) => r.status >= 200 && r.status < 300 && r.queue_ms !== null).map((r) => r.queue_ms)),
      rows_logged: rows.length,
    });
    log(`  ${requests.answered} answered, ${requests.host_busy} host_busy, ${requests.rate_limited} 429, ${requests.other} other; host peak ${host.peakInflight} in flight`);
  }

  const results = {
    when: new Date().toISOString(),
    options: { seconds, quick: args.quick, attendees, drain_ms: drainMs },
    machine: describeMachine({ workerd: workerdVersion() }),
    host_model: { ...overload, formula: "baseMs while n <= threshold, else baseMs × (1 + (n/threshold)²), n = in flight at arrival" },
    settings: { ...SETTINGS, HASH_SECRET: undefined, UPSTREAM_TIMEOUT_MS: upstreamTimeoutMs, INFLIGHT_QUEUE_MS: Number(vars.INFLIGHT_QUEUE_MS ?? 30_000) },
    runs,
  };
  const heading = `Capacity: ${attendees} attendees at ${SETTINGS.RATE_LIMIT_PER_MINUTE}/min and ${SETTINGS.MAX_INFLIGHT_PER_USER} in flight each, for ${seconds} s, `
    + `against one host (${overload.baseMs} ms a turn, slower past ${overload.threshold} at once); `
    + `node queue ${SETTINGS.NODE_QUEUE_MAX} deep, ${Number(SETTINGS.NODE_QUEUE_MS) / 1000} s at most`;
  process.stdout.write(`\n${heading}\n${formatCapacityTable(runs)}\n`);
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `capacity-${results.when.replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`Wrote ${path.relative(process.cwd(), file)}\n`);
}

/** Waits (at most 15 s) until the host has nothing in flight, so one run never carries into the next. */
async function untilIdle(upstream) {
  for (let i = 0; i < 60 && (await upstream.stats()).inflight > 0; i++) await new Promise((r) => setTimeout(r, 250));
}

/**
 * The run's log rows, once the attendees' objects have flushed them (the count stops
 * moving; at most 15 s): their queue_ms is each request's wait from arrival to admission.
 */
async function loggedRows(gateway) {
  const db = await gateway.mf.getD1Database("DB");
  let last = -1;
  for (let i = 0; i < 30; i++) {
    await new Promise((r) => setTimeout(r, 500));
    const { n } = await db.prepare("SELECT COUNT(*) AS n FROM requests").first();
    if (n === last) break;
    last = n;
  }
  return (await db.prepare("SELECT status, queue_ms FROM requests").all()).results;
}

main().then(stopAll, async (error) => {
  log(error.stack ?? String(error));
  await stopAll();
  process.exit(1);
});
