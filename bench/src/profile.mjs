// `npm run profile -w bench`: where the gateway's CPU goes. Runs the gateway in workerd
// (as the benchmark does) under 10 connections of 10 attendees, records a V8 CPU profile of
// its isolate through workerd's inspector, prints the functions with the most self time, the
// same time by part of the gateway (source folder, package, runtime) and
// the workerd process's CPU per request, and writes the profile for Chrome DevTools.
//   --stream      streamed answers instead of JSON
//   --seconds N   profiled seconds (default 6)
// Native work outside JavaScript (SQLite, fsync, HTTP) shows as "(program)"; for that,
// run `perf record -g -p <workerd pid>` alongside.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { runLoadJob } from "./load/run-load.mjs";
import { BENCH_SETTINGS, requestBody } from "./scenarios.mjs";
import { cpuMsOf } from "./servers/process.mjs";
import { startUpstreamProcess } from "./servers/upstream.mjs";
import { buildGatewayBundle, startGatewayWorker } from "./servers/workerd.mjs";
import { formatTable } from "./table.mjs";
import { freePorts } from "./servers/ports.mjs";

/** Asked of the system per run (servers/ports.mjs): a run never collides with whatever else listens. */
const PORTS = await freePorts(["upstream", "gateway", "inspector"]);
const RESULTS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "results");
const { values: args } = parseArgs({ options: { stream: { type: "boolean", default: false }, seconds: { type: "string", default: "6" } } });

/**
 * The profile's samples counted by `keyOf(callFrame)` (null: not counted), each key with its
 * share of the counted samples, largest first.
 */
function shares(profile, keyOf) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map();
  let counted = 0;
  for (const id of profile.samples) {
    const key = keyOf(nodes.get(id).callFrame);
    if (key === null) continue;
    counted++;
    totals.set(key, (totals.get(key) ?? 0) + 1);
  }
  return [...totals].map(([key, n]) => ({ key, share: n / counted })).sort((a, b) => b.share - a.share);
}

/** Self time per function (name, file, line), as a share of all samples. */
export function selfTimes(profile) {
  return shares(profile, ({ functionName, url, lineNumber }) =>
    `${functionName || "(anonymous)"}${url ? ` ${url.split("/").pop()}:${lineNumber + 1}` : ""}`)
    .map(({ key, share }) => ({ fn: key, share }));
}

/**
 * Self time per part of the gateway: samples in the bundle go to the source folder esbuild's
 * `// src/...` marker above their line names (two levels: src/pipeline/admit,
 * src/objects/attendee-gate), a dependency to its package, and the runtime's own work to its
 * module (cloudflare-internal:d1-api, node-internal:internal_timers) or, native, to its name
 * (fetch, the garbage collector, "(program)"). Idle time is left out.
 * Says where the Worker's pipeline ends and the attendee's object begins, which one
 * process's CPU figure cannot.
 */
export function selfTimesBySource(profile, bundleText, bundleName = "index.js") {
  const sourceOfLine = [];
  let source = "(bundle prelude)";
  bundleText.split("\n").forEach((line, index) => {
    const marker = /^\/\/ (\S+\.(?:ts|js|mjs))$/.exec(line);
    if (marker) {
      const file = marker[1];
      source = file.includes("node_modules/")
        ? `package ${file.split("node_modules/").pop().split("/").slice(0, file.includes("node_modules/@") ? 2 : 1).join("/")}`
        : file.split("/").slice(0, 3).join("/").replace(/\.(ts|js|mjs)$/, "");
    }
    sourceOfLine[index] = source;
  });
  return shares(profile, ({ functionName, url, lineNumber }) => {
    if (functionName === "(idle)") return null;
    const inBundle = url === bundleName || url.endsWith(`/${bundleName}`);
    return inBundle ? sourceOfLine[lineNumber] ?? "(bundle)" : `runtime: ${url || functionName || "(anonymous)"}`;
  }).map(({ key, share }) => ({ part: key, share }));
}

/** A minimal Chrome DevTools Protocol client over the inspector's WebSocket. */
async function connect(url) {
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => {
    socket.addEventListener("open", resolve, { once: true });
    socket.addEventListener("error", reject, { once: true });
  });
  let nextId = 0;
  const waiting = new Map();
  socket.addEventListener("message", (event) => {
    const message = JSON.parse(event.data);
    waiting.get(message.id)?.(message);
    waiting.delete(message.id);
  });
  const send = (method, params = {}) => new Promise((resolve) => {
    const id = ++nextId;
    waiting.set(id, resolve);
    socket.send(JSON.stringify({ id, method, params }));
  });
  return { send, close: () => socket.close() };
}

async function main() {
  const buildDir = mkdtempSync(path.join(tmpdir(), "ocg-profile-build-"));
  const upstream = await startUpstreamProcess(PORTS.upstream);
  const bundle = buildGatewayBundle(buildDir);
  const gateway = await startGatewayWorker(PORTS.gateway, bundle,
    { ...BENCH_SETTINGS, OPENCLAW_URL: upstream.url }, { inspectorPort: PORTS.inspector });
  try {
    const targets = await (await fetch(`http://127.0.0.1:${PORTS.inspector}/json/list`)).json();
    const target = targets.find((t) => t.webSocketDebuggerUrl.endsWith("/core:user:gateway"));
    if (!target) throw new Error(`no inspector target for the gateway among: ${targets.map((t) => t.title).join(", ")}`);
    const inspector = await connect(target.webSocketDebuggerUrl);
    await inspector.send("Profiler.enable");
    await inspector.send("Profiler.setSamplingInterval", { interval: 200 });

    const job = {
      kind: "load", url: `${gateway.url}/v1/chat/completions`, body: requestBody(args.stream), headers: {},
      identity: "byok", userPrefix: "profile", connections: 10, attendees: "many", seconds: Number(args.seconds), warmupSeconds: 0,
    };
    // Warm up first (JIT, Durable Objects created), then profile a clean run.
    await runLoadJob({ ...job, seconds: 2 });
    await inspector.send("Profiler.start");
    const cpuBefore = cpuMsOf(gateway.pid);
    const load = await runLoadJob(job);
    const cpuAfter = cpuMsOf(gateway.pid);
    const { result } = await inspector.send("Profiler.stop");
    inspector.close();

    const rows = selfTimes(result.profile).slice(0, 30);
    process.stdout.write(`${formatTable(["self %", "function"], rows.map((r) => [(r.share * 100).toFixed(1), r.fn]))}\n\n`);
    const parts = selfTimesBySource(result.profile, readFileSync(bundle.path, "utf8"), path.basename(bundle.path)).slice(0, 25);
    process.stdout.write(`${formatTable(["busy %", "part (source folder, package or runtime)"], parts.map((r) => [(r.share * 100).toFixed(1), r.part]))}\n\n`);
    process.stdout.write(`${args.stream ? "streamed" : "JSON"} answers, 10 attendees x 1 connection: ${load.rps} req/s, `
      + `workerd CPU ${((cpuAfter - cpuBefore) / load.requests).toFixed(3)} ms per request (profiler on)\n`);
    mkdirSync(RESULTS_DIR, { recursive: true });
    const file = path.join(RESULTS_DIR, `profile-${new Date().toISOString().replace(/[:.]/g, "-")}.cpuprofile`);
    writeFileSync(file, JSON.stringify(result.profile));
    process.stdout.write(`Wrote ${path.relative(process.cwd(), file)} (open it in Chrome DevTools: Performance, Load profile)\n`);
  } finally {
    await gateway.stop();
    await upstream.stop();
    rmSync(buildDir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    process.stderr.write(`${error.stack ?? error}\n`);
    process.exit(1);
  });
}
