// Runs the gateway on this machine the way `npm start` does: local D1 migrations, the dev
// upstream simulator (unless OPENCLAW_URL is given), and `wrangler dev` with local D1, KV
// and Durable Objects. Used by `npm start` and by end-to-end tests, so both run the same thing.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startDevUpstream } from "@ocg/dev-upstream";

export const GATEWAY_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const WRANGLER = path.join(GATEWAY_DIR, "node_modules", ".bin", "wrangler");

/** Settings a user may give in the process environment; each overrides `.dev.vars`. */
export const SETTINGS = [
  "OPENCLAW_URL", "OPENCLAW_TOKEN", "OPENCLAW_AGENT", "AUTH_MODE", "RATE_LIMIT_PER_MINUTE", "MAX_INFLIGHT_PER_USER",
  "INFLIGHT_QUEUE_MS", "MAX_BODY_BYTES", "UPSTREAM_TIMEOUT_MS", "ADMIN_TOKEN", "EVENT_CODE", "EVENT_NAME",
  "HASH_SECRET", "LOG_FLUSH_MS", "PUBLIC_URL", "KIT_INCLUDE_EVENT_CODE", "CF_ACCESS_CLIENT_ID", "CF_ACCESS_CLIENT_SECRET",
];

function wranglerBin() {
  // npm workspaces may hoist wrangler to the repository root.
  return existsSync(WRANGLER) ? WRANGLER : path.join(GATEWAY_DIR, "..", "..", "node_modules", ".bin", "wrangler");
}

/** Reads a dotenv-style file into an object (no expansion; quotes stripped). */
export function readDotenv(file) {
  if (!existsSync(file)) return {};
  const values = {};
  for (const line of readFileSync(file, "utf8").split(/\r?\n/)) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)\s*$/.exec(line);
    if (match) values[match[1]] = match[2].replace(/^(['"])(.*)\1$/, "$2");
  }
  return values;
}

/** Creates `.dev.vars` with a fresh HASH_SECRET the first time, so local hashes are keyed. */
export function ensureDevVars() {
  const file = path.join(GATEWAY_DIR, ".dev.vars");
  if (existsSync(file)) return false;
  writeFileSync(file, [
    "# Local settings for `npm start` (wrangler dev). Never commit this file.",
    "# Any setting in the README's table can go here; the process environment overrides it.",
    `HASH_SECRET=${randomBytes(24).toString("hex")}`,
    "# ADMIN_TOKEN=choose-a-long-random-string",
    "# EVENT_CODE=the-code-on-the-room-screen",
    "",
  ].join("\n"));
  return true;
}

function run(command, args, options) {
  const result = spawnSync(command, args, { cwd: GATEWAY_DIR, encoding: "utf8", ...options });
  if (result.status !== 0) {
    throw new Error(`${path.basename(command)} ${args.join(" ")} failed:\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

export function applyLocalMigrations({ persistTo } = {}) {
  const args = ["d1", "migrations", "apply", "organized-gateway-db", "--local"];
  if (persistTo) args.push("--persist-to", persistTo);
  return run(wranglerBin(), args, { env: { ...process.env, CI: "true" } });
}

async function waitForHealth(url, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with code ${child.exitCode}`);
    try {
      const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return response.json();
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the gateway did not answer ${url}/health within ${timeoutMs / 1000} s`);
}

/**
 * Starts the local gateway. `settings` override the process environment and `.dev.vars`.
 * Resolves once /health answers; `stop()` ends everything it started.
 */
export async function startLocalGateway({
  port = Number(process.env.PORT ?? 8787),
  settings = {},
  persistTo,
  upstreamPort = Number(process.env.DEV_UPSTREAM_PORT ?? 18999),
  output = "pipe",
  timeoutMs = 90_000,
} = {}) {
  const fromEnv = Object.fromEntries(SETTINGS.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]]));
  const merged = { ...fromEnv, ...settings };
  let upstream = null;
  if (!merged.OPENCLAW_URL) {
    upstream = await startDevUpstream({ port: upstreamPort });
    merged.OPENCLAW_URL = upstream.url;
  }
  applyLocalMigrations({ persistTo });
  const args = ["dev", "--ip", "127.0.0.1", "--port", String(port), "--show-interactive-dev-session=false"];
  if (persistTo) args.push("--persist-to", persistTo);
  for (const [name, value] of Object.entries(merged)) args.push("--var", `${name}:${value}`);
  const child = spawn(wranglerBin(), args, {
    cwd: GATEWAY_DIR,
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" },
    stdio: ["ignore", output, output],
    detached: process.platform !== "win32",
  });
  const logs = [];
  if (output === "pipe") {
    for (const stream of [child.stdout, child.stderr]) stream.on("data", (d) => logs.push(String(d)));
  }
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      try {
        process.kill(process.platform === "win32" ? child.pid : -child.pid, "SIGTERM");
      } catch {
        child.kill("SIGTERM");
      }
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    }
    await upstream?.close();
  };
  try {
    const health = await waitForHealth(url, child, timeoutMs);
    return { url, health, upstream, settings: merged, stop, logs, child };
  } catch (error) {
    await stop();
    throw new Error(`${error.message}\n${logs.join("").slice(-4000)}`);
  }
}

/** Runs SQL against the local D1, exactly like the runbook's `wrangler d1 execute --local`. */
export function queryLocalD1(sql, { persistTo } = {}) {
  const args = ["d1", "execute", "organized-gateway-db", "--local", "--json", "--command", sql];
  if (persistTo) args.push("--persist-to", persistTo);
  const out = run(wranglerBin(), args, { env: { ...process.env, CI: "true" } });
  return JSON.parse(out)[0].results;
}
