// Workers in workerd through Miniflare's API directly — no `wrangler dev` proxy in front.
// The gateway is the bundle `wrangler deploy --dry-run` would upload, with the bindings
// its wrangler.jsonc gives production (D1, KV, every Durable Object class it declares, on
// SQLite when its migrations say so, vars), storage on disk as `wrangler dev` keeps it, and
// its D1 migrations applied. A bundle remembers the gateway directory it was built from, so
// a gateway built from another commit (a worktree) runs with that commit's bindings and
// migrations, not today's.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Miniflare, convertV4MiniflareOptions } from "miniflare";
import { GATEWAY_DIR } from "organized-gateway/local";
import { childPids } from "./process.mjs";
import { parseJsonc, resourceBindings, splitSqlStatements } from "./config-files.mjs";

const require = createRequire(import.meta.url);
const BARE_WORKER = path.join(path.dirname(fileURLToPath(import.meta.url)), "bare-worker.js");

/** The workerd that Miniflare runs (its own dependency, whatever else is installed). */
export function workerdVersion() {
  return createRequire(require.resolve("miniflare"))("workerd/package.json").version;
}

/**
 * Bundles the gateway in `gatewayDir` exactly as a deploy would (the same wrangler for every
 * directory: only the gateway's code differs). Returns `{ path, gatewayDir }`.
 */
export function buildGatewayBundle(outdir, gatewayDir = GATEWAY_DIR) {
  const wrangler = path.join(path.dirname(require.resolve("wrangler/package.json")), "bin", "wrangler.js");
  const result = spawnSync(process.execPath, [wrangler, "deploy", "--dry-run", "--outdir", outdir], {
    cwd: gatewayDir, encoding: "utf8", env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" },
  });
  if (result.status !== 0) throw new Error(`wrangler deploy --dry-run in ${gatewayDir} failed:\n${result.stdout}\n${result.stderr}`);
  return { path: path.join(outdir, "index.js"), gatewayDir };
}

/** Starts Miniflare and finds the workerd process it spawned. */
export async function startMiniflare(name, shared, worker) {
  const before = new Set(childPids(process.pid, "workerd"));
  // Miniflare 5 takes a new options shape; the v4 shape (the documented one) converts to it.
  const mf = new Miniflare(convertV4MiniflareOptions({ host: "127.0.0.1", ...shared, workers: [{ name, ...worker }] }));
  const url = (await mf.ready).toString().replace(/\/$/, "");
  const pid = childPids(process.pid, "workerd").find((p) => !before.has(p)) ?? null;
  return { name, url, pid, mf, stop: () => mf.dispose() };
}

export async function startBareWorker(port, upstreamUrl) {
  return startMiniflare("bare-worker", { port, rootPath: path.dirname(BARE_WORKER) }, {
    modules: true,
    scriptPath: BARE_WORKER,
    compatibilityDate: readGatewayConfig().compatibility_date,
    bindings: { UPSTREAM_URL: upstreamUrl },
  });
}

/** The Durable Object classes a gateway's wrangler.jsonc declares (what its bundle must export). */
export function durableObjectClasses(gatewayDir = GATEWAY_DIR) {
  return readGatewayConfig(gatewayDir).durable_objects.bindings.map((b) => b.class_name);
}

export function readGatewayConfig(gatewayDir = GATEWAY_DIR) {
  return parseJsonc(readFileSync(path.join(gatewayDir, "wrangler.jsonc"), "utf8"));
}

/**
 * Starts the gateway `bundle` (from buildGatewayBundle) with the bindings its own
 * wrangler.jsonc gives production. `settings` are the secrets and overrides (OPENCLAW_URL
 * or UPSTREAMS, HASH_SECRET, limits) that `.dev.vars` or `wrangler secret` would give.
 */
export async function startGatewayWorker(port, bundle, settings, shared = {}) {
  const { path: bundlePath, gatewayDir } = bundle;
  // A bundle with hops.mjs's wrapper starts there; the wrapper imports the bundle.
  const modules = bundle.entry
    ? [{ type: "ESModule", path: bundle.entry }, { type: "ESModule", path: bundlePath }]
    : [{ type: "ESModule", path: bundlePath }];
  const config = readGatewayConfig(gatewayDir);
  const state = mkdtempSync(path.join(tmpdir(), "ocg-bench-state-"));
  // Storage goes when the gateway stops, or when the process exits first (a signal), even
  // while the gateway is still starting.
  const removeState = () => rmSync(state, { recursive: true, force: true });
  process.once("exit", removeState);
  const d1 = config.d1_databases[0];
  // Module paths resolve under rootPath; workerd refuses any that climb out of it.
  let worker = null;
  const stop = async () => {
    try {
      await worker?.stop();
    } finally {
      process.off("exit", removeState);
      removeState();
    }
  };
  try {
    worker = await startMiniflare("gateway", { ...shared, port, rootPath: path.dirname(bundlePath), resourcePersistencePath: state }, {
      modules,
      modulesRoot: path.dirname(bundlePath),
      compatibilityDate: config.compatibility_date,
      compatibilityFlags: config.compatibility_flags,
      ...resourceBindings(config),
      bindings: { ...config.vars, ...settings },
    });
    await applyMigrations(worker.mf, d1.binding, path.join(gatewayDir, d1.migrations_dir ?? "migrations"));
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }
  return { ...worker, stop };
}

async function applyMigrations(mf, binding, dir) {
  const db = await mf.getD1Database(binding);
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".sql")).sort()) {
    const statements = splitSqlStatements(readFileSync(path.join(dir, file), "utf8"));
    await db.batch(statements.map((sql) => db.prepare(sql)));
  }
}

/** How many log rows reached D1: proves the gateway really logged what it served. */
export async function countLoggedRequests(worker) {
  const db = await worker.mf.getD1Database("DB");
  const row = await db.prepare("SELECT COUNT(*) AS n FROM requests").first();
  return row.n;
}
