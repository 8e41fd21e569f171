// `npm run bench`: in one run on this machine, the upstream called directly, a bare
// pass-through Worker and our gateway (both in workerd through Miniflare, no dev proxy),
// and Portkey's gateway on Node, under the same load; then the gateway as `npm start`
// runs it. Prints tables and writes bench/results/<timestamp>.json.
//   --quick            short runs (about 2 minutes in all)
//   --seconds N        measured seconds per run (default 8; quick 3)
//   --no-wrangler-dev  skip the `npm start` path
//   --baseline REF     also measure the gateway as it was at commit REF (target
//                      `gateway@REF`: built from a temporary git worktree, removed after)
//   --portkey-worker DIR  a checkout of Portkey's repository to build its Worker from
//                      (servers/portkey-worker.mjs; default node_modules/.cache/portkey-worker-<version>,
//                      measured as target `portkey-worker` when there)
//   --do-rtt MS        every Durable Object and D1 call of the measured gateways waits MS
//                      (production's hops, servers/hops.mjs); the hop table below is
//                      measured either way, at 0, 5 and 20 ms per hop
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { startLocalGateway } from "organized-gateway/local";
import { runLoadJob } from "./load/run-load.mjs";
import { describeMachine } from "./machine.mjs";
import { BENCH_SETTINGS, SCENARIOS, WRANGLER_DEV_SCENARIOS, attendeePrefix, isGatewayTarget, requestBody, targetOrder } from "./scenarios.mjs";
import { addWorktree, baselineTarget, REPO_ROOT } from "./baseline.mjs";
import { addedOver } from "./stats.mjs";
import { formatReport } from "./table.mjs";
import { evaluateTargets } from "./targets.mjs";
import { cpuMsOf, descendantPids, memoryOf } from "./servers/process.mjs";
import { PORTKEY_VERSION, installPortkey, portkeyHeaders, startPortkey } from "./servers/portkey.mjs";
import { PORTKEY_WORKER_DIR, buildPortkeyWorker, portkeyWorkerMissing, startPortkeyWorker } from "./servers/portkey-worker.mjs";
import { startUpstreamProcess } from "./servers/upstream.mjs";
import { HOP_CONTROL_PATH, withHops } from "./servers/hops.mjs";
import { buildGatewayBundle, countLoggedRequests, durableObjectClasses, startBareWorker, startGatewayWorker, workerdVersion } from "./servers/workerd.mjs";
import { freePorts } from "./servers/ports.mjs";
import { runningServers } from "./servers/running.mjs";

/** Asked of the system per run (servers/ports.mjs): a run never collides with whatever else listens. */
const PORTS = await freePorts(["upstream", "bare", "gateway", "portkey", "wranglerDev", "baseline", "hops", "hopsBaseline", "portkeyWorker"]);
/** The round trips per Durable Object / D1 call the hop table is measured at. */
export const HOP_RTTS = [0, 5, 20];
/** The scenarios the hop table covers (one connection: what one request waits). */
const HOP_SCENARIOS = [{ id: "json c1", stream: false }, { id: "stream c1", stream: true }];
const RESULTS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "results");

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false }, seconds: { type: "string" }, "no-wrangler-dev": { type: "boolean", default: false },
    baseline: { type: "string" }, "do-rtt": { type: "string" }, "portkey-worker": { type: "string" },
  },
});
const baseline = args.baseline ? baselineTarget(args.baseline) : null;
const portkeyWorkerDir = args["portkey-worker"] ? path.resolve(args["portkey-worker"]) : PORTKEY_WORKER_DIR;
const portkeyWorkerAbsent = portkeyWorkerMissing(portkeyWorkerDir);
const targets = [...targetOrder(baseline), ...(portkeyWorkerAbsent ? [] : ["portkey-worker"])];
const seconds = Number(args.seconds ?? (args.quick ? 3 : 8));
const warmupSeconds = args.quick ? 1 : 2;
const ttfbCount = args.quick ? 100 : 300;
const doRtt = args["do-rtt"] === undefined ? null : Number(args["do-rtt"]);
if (doRtt !== null && !(doRtt >= 0)) throw new Error(`--do-rtt takes a number of milliseconds, not ${args["do-rtt"]}`);

const log = (line) => process.stderr.write(`${line}\n`);
const { started, stopAll, stopping } = runningServers();
// Miniflare's own signal hook exits the process at once, before stopAll can finish: what
// must not outlive the run (the build directory, a baseline's worktree) also goes here,
// synchronously, on any exit.
const onExit = [];
process.on("exit", () => {
  for (const cleanup of onExit.splice(0)) {
    try {
      cleanup();
    } catch {
      // the rest still run
    }
  }
});

async function main() {
  log("Preparing: Portkey (installed once into node_modules/.cache), the gateway's bundle...");
  installPortkey();
  const buildDir = mkdtempSync(path.join(tmpdir(), "ocg-bench-build-"));
  onExit.push(() => rmSync(buildDir, { recursive: true, force: true }));
  const bundle = buildGatewayBundle(buildDir);
  const baselineBuild = baseline ? buildBaseline(args.baseline, buildDir) : null;
  if (portkeyWorkerAbsent) log(`Portkey's Worker build is not measured: ${portkeyWorkerAbsent}.`);
  const portkeyWorkerBuild = portkeyWorkerAbsent ? null : buildPortkeyWorker(path.join(buildDir, "portkey-worker"), portkeyWorkerDir);

  const upstream = await start(startUpstreamProcess(PORTS.upstream));
  const settings = { ...BENCH_SETTINGS, OPENCLAW_URL: upstream.url };
  // With --do-rtt, the measured gateways run behind the hop model (servers/hops.mjs).
  const measured = (b) => (doRtt === null ? b : withHops(b, durableObjectClasses(b.gatewayDir)));
  const measuredSettings = doRtt === null ? settings : { ...settings, BENCH_DO_RTT_MS: String(doRtt) };
  const servers = {
    direct: upstream,
    "bare-worker": await start(startBareWorker(PORTS.bare, upstream.url)),
    gateway: await start(startGatewayWorker(PORTS.gateway, measured(bundle), measuredSettings)),
    ...(baseline ? { [baseline]: await start(startGatewayWorker(PORTS.baseline, measured(baselineBuild.bundle), measuredSettings)) } : {}),
    portkey: await start(startPortkey(PORTS.portkey)),
    ...(portkeyWorkerBuild ? { "portkey-worker": await start(startPortkeyWorker(PORTS.portkeyWorker, portkeyWorkerBuild)) } : {}),
  };
  // The hop model's gateways, started now while the baseline's worktree (its wrangler.jsonc)
  // is still there; idle until the hop table is measured.
  const hopServers = {
    gateway: await start(startGatewayWorker(PORTS.hops, withHops(bundle, durableObjectClasses()), { ...settings, BENCH_DO_RTT_MS: "0" })),
    ...(baseline ? {
      [baseline]: await start(startGatewayWorker(PORTS.hopsBaseline, withHops(baselineBuild.bundle, durableObjectClasses(baselineBuild.bundle.gatewayDir)),
        { ...settings, BENCH_DO_RTT_MS: "0" })),
    } : {}),
  };
  // The baseline's bindings and migrations are read: its worktree is no longer needed.
  baselineBuild?.worktree.remove();
  const memoryAtStart = Object.fromEntries(Object.entries(servers).map(([name, s]) => [name, memoryOf(s.pid)]));
  const extraHeaders = { portkey: portkeyHeaders(upstream.url), "portkey-worker": portkeyHeaders(upstream.url) };

  const runs = [];
  for (const [index, scenario] of SCENARIOS.entries()) {
    const direct = await measure(servers.direct, "direct", scenario, index, extraHeaders);
    runs.push(direct);
    for (const target of targets.slice(1)) runs.push(await measure(servers[target], target, scenario, index, extraHeaders, direct));
  }

  const ttfb = [];
  // Every target with a plain stream, then each gateway once more with the usage chunk asked for.
  for (const [target, usage] of [...targets.map((t) => [t, false]), ...targets.filter(isGatewayTarget).map((t) => [t, true])]) {
    log(`TTFB: ${target}${usage ? " (usage asked)" : ""}`);
    const result = await runLoadJob({
      kind: "ttfb", url: `${servers[target].url}/v1/chat/completions`, body: requestBody(true, usage), headers: extraHeaders[target] ?? {},
      identity: isGatewayTarget(target) ? "byok" : "none", userPrefix: usage ? "ttfb-usage" : "ttfb", count: ttfbCount, warmup: 20,
    });
    ttfb.push({ target, ...(usage ? { variant: "usage asked" } : {}), ...result, added_p50: null });
  }
  const directTtfb = ttfb[0].ttfb.p50;
  for (const t of ttfb) t.added_p50 = t.ttfb.p50 === null ? null : Math.round((t.ttfb.p50 - directTtfb) * 1000) / 1000;

  const hops = await measureHops(upstream, hopServers);
  for (const server of Object.values(hopServers)) await server.stop();

  // Let the attendees' Durable Objects flush their queued log rows, then count them:
  // proof that the gateway measured here really logged every request it served.
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  const logged = await countLoggedRequests(servers.gateway);
  const baselineLogged = baseline ? await countLoggedRequests(servers[baseline]) : null;
  const memory = Object.entries(servers).map(([name, s]) => ({
    process: name === "direct" ? "upstream (dev upstream)" : isGatewayTarget(name) || name.endsWith("worker") ? `${name} (workerd)` : `${name} (node)`,
    pid: s.pid, rss_start_mb: memoryAtStart[name].rss_mb, rss_end_mb: memoryOf(s.pid).rss_mb, peak_rss_mb: memoryOf(s.pid).peak_rss_mb,
  }));
  for (const name of targets.slice(1)) await servers[name].stop();

  const wranglerDev = args["no-wrangler-dev"] ? null : await measureWranglerDev(upstream, settings, runs);
  const results = {
    when: new Date().toISOString(),
    options: { seconds, warmupSeconds, ttfbCount, quick: args.quick },
    machine: describeMachine({ workerd: workerdVersion(), portkey: PORTKEY_VERSION }),
    portkey_worker: portkeyWorkerAbsent ? { measured: false, why: portkeyWorkerAbsent } : { measured: true, dir: portkeyWorkerDir },
    settings: { RATE_LIMIT_PER_MINUTE: BENCH_SETTINGS.RATE_LIMIT_PER_MINUTE, MAX_INFLIGHT_PER_USER: BENCH_SETTINGS.MAX_INFLIGHT_PER_USER },
    gateway_rows_logged: logged,
    gateway_requests_served: runs.filter((r) => r.target === "gateway").reduce((n, r) => n + r.requests, 0),
    ...(baseline ? {
      baseline: {
        target: baseline, ref: args.baseline, commit: baselineBuild.worktree.commit, rows_logged: baselineLogged,
        requests_served: runs.filter((r) => r.target === baseline).reduce((n, r) => n + r.requests, 0),
      },
    } : {}),
    ...(doRtt === null ? {} : { do_rtt_ms: doRtt }),
    runs, ttfb, hops, memory, wrangler_dev: wranglerDev,
  };
  results.targets = evaluateTargets(results);
  rmSync(buildDir, { recursive: true, force: true });

  process.stdout.write(`\n${formatReport(results)}\n`);
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${results.when.replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`\nThe gateway logged ${logged} D1 rows (served ${results.gateway_requests_served} measured requests plus warm-up).\n`);
  if (results.baseline) {
    process.stdout.write(`${baseline} logged ${results.baseline.rows_logged} D1 rows (served ${results.baseline.requests_served} measured requests plus warm-up).\n`);
  }
  process.stdout.write(`Wrote ${path.relative(process.cwd(), file)}\n`);
}

/**
 * The gateway at commit `ref`, bundled from a temporary worktree into `buildDir`/baseline.
 * The worktree is registered to stop with everything else before anything can fail.
 */
function buildBaseline(ref, buildDir) {
  log(`Preparing the baseline: ${ref} in a temporary worktree, its bundle...`);
  const worktree = addWorktree(REPO_ROOT, ref);
  onExit.push(worktree.remove);
  const outdir = path.join(buildDir, "baseline");
  mkdirSync(outdir);
  return { worktree, bundle: buildGatewayBundle(outdir, path.join(worktree.dir, "apps", "organized-gateway")) };
}

/**
 * The hop table: for json c1 and stream c1, the time to the first byte with each Durable
 * Object and D1 call waiting 0, 5 and 20 ms, on gateways behind the hop model. What a
 * round trip adds before the first byte, divided by the round trip, counts the sequential
 * round trips standing before the answer starts.
 */
async function measureHops(upstream, hopServers) {
  const count = args.quick ? 30 : 100;
  const job = (url, stream, identity, userPrefix) => runLoadJob({
    kind: "ttfb", url: `${url}/v1/chat/completions`, body: requestBody(stream), headers: {}, identity, userPrefix, count, warmup: 5,
  });
  const rows = [];
  for (const scenario of HOP_SCENARIOS) {
    const direct = await job(upstream.url, scenario.stream, "none", "hops-direct");
    for (const [target, server] of Object.entries(hopServers)) {
      const byRtt = {};
      for (const rtt of HOP_RTTS) {
        log(`hops: ${scenario.id}, ${target}, ${rtt} ms per Durable Object / D1 call`);
        const answer = await fetch(`${server.url}${HOP_CONTROL_PATH}${rtt}`, { method: "POST" });
        if (!answer.ok) throw new Error(`the hop model did not take ${rtt} ms: ${answer.status}`);
        // A fresh attendee per round trip: each starts as a first request would, then repeats.
        const result = await job(server.url, scenario.stream, "byok", `hops-${rtt}-${scenario.stream ? "s" : "j"}-${target.replace(/[^A-Za-z0-9._-]/g, "-")}`.slice(0, 40));
        byRtt[rtt] = result.ttfb.p50 === null || direct.ttfb.p50 === null ? null : Math.round((result.ttfb.p50 - direct.ttfb.p50) * 1000) / 1000;
      }
      const top = HOP_RTTS[HOP_RTTS.length - 1];
      const hopsBeforeFirstByte = byRtt[top] === null || byRtt[0] === null ? null : Math.round(((byRtt[top] - byRtt[0]) / top) * 10) / 10;
      rows.push({ scenario: scenario.id, target, direct_ttfb_p50: direct.ttfb.p50, added_ttfb_p50_by_rtt: byRtt, round_trips_before_first_byte: hopsBeforeFirstByte });
    }
  }
  return rows;
}

async function start(promise) {
  const server = await promise;
  // Interrupted while it started: it stops now, and the run goes no further.
  if (stopping()) {
    await server.stop().catch(() => {});
    throw new Error("interrupted");
  }
  started.push(server);
  return server;
}

async function measure(server, target, scenario, index, extraHeaders, direct) {
  log(`${scenario.id}: ${target}`);
  const cpuBefore = server.pid ? cpuMsOf(server.pid) : null;
  const result = await runLoadJob({
    kind: "load", url: `${server.url}/v1/chat/completions`, body: requestBody(scenario.stream, scenario.usage),
    headers: extraHeaders[target] ?? {}, identity: isGatewayTarget(target) || target === "wrangler-dev" ? "byok" : "none",
    userPrefix: attendeePrefix(index, target), connections: scenario.connections, attendees: scenario.attendees,
    seconds, warmupSeconds,
  });
  const cpuAfter = server.pid ? cpuMsOf(server.pid) : null;
  // Warm-up and measured requests both ran while the CPU clock did.
  const served = result.requests + result.warmupRequests;
  const cpuMsPerRequest = cpuBefore === null || cpuAfter === null || served === 0
    ? null : Math.round(((cpuAfter - cpuBefore) / served) * 1000) / 1000;
  return {
    scenario: scenario.id, target, ...result, cpu_ms_per_request: cpuMsPerRequest,
    added: direct ? addedOver(direct.latency, result.latency) : { p50: 0, p95: 0, p99: 0 },
  };
}

async function measureWranglerDev(upstream, settings, runs) {
  log("npm start path: starting wrangler dev...");
  const persistTo = mkdtempSync(path.join(tmpdir(), "ocg-bench-wrangler-"));
  const gateway = await startLocalGateway({ port: PORTS.wranglerDev, settings, persistTo, upstreamPort: PORTS.upstream });
  const server = { url: gateway.url, stop: gateway.stop };
  started.push(server);
  const out = [];
  try {
    for (const id of WRANGLER_DEV_SCENARIOS) {
      const index = SCENARIOS.findIndex((s) => s.id === id);
      const direct = runs.find((r) => r.scenario === id && r.target === "direct");
      out.push(await measure(server, "wrangler-dev", SCENARIOS[index], index, {}, direct));
    }
    const pids = [gateway.child.pid, ...descendantPids(gateway.child.pid)];
    const rss = pids.reduce((sum, pid) => sum + (memoryOf(pid).rss_mb ?? 0), 0);
    return { runs: out, rss_mb_all_processes: Math.round(rss * 10) / 10 };
  } finally {
    await gateway.stop();
    rmSync(persistTo, { recursive: true, force: true });
  }
}

main().catch(async (error) => {
  log(error.stack ?? String(error));
  await stopAll();
  process.exit(1);
}).then(stopAll);
