// Runs the gateway on this machine the way `npm start` does: local D1 migrations, the dev
// upstream simulator (unless OPENCLAW_URL is given), and `wrangler dev` with local D1, KV
// and Durable Objects. Used by `npm start` and by end-to-end tests, so both run the same thing.
import { spawn, spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startDevUpstream } from "@ocg/dev-upstream";
import { LOCAL_SETTINGS, SETTINGS as WORKER_SETTINGS, givenOrDefault } from "../src/settings/catalog.mjs";

export const GATEWAY_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const WRANGLER = path.join(GATEWAY_DIR, "node_modules", ".bin", "wrangler");

/** The Worker's settings (src/settings/catalog.mjs): each may come from the process environment and overrides `.dev.vars`. */
export const SETTINGS = Object.keys(WORKER_SETTINGS);

/**
 * What wrangler needs to stay quiet and offline, for every command run from here: no usage
 * metrics or crash reports sent to Cloudflare, and no fetch of the `Request.cf` sample from
 * workers.cloudflare.com — offline (or behind a filter) that fetch fails and wrangler prints
 * its `getaddrinfo ENOTFOUND workers.cloudflare.com` stack trace, twice, at every start;
 * without it, `request.cf` is miniflare's built-in placeholder, which the gateway never reads.
 * (wrangler's own update check has no setting short of hiding its banner; it fails silently.)
 */
export const QUIET_WRANGLER_ENV = {
  WRANGLER_SEND_METRICS: "false",
  WRANGLER_SEND_ERROR_REPORTS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
};

function wranglerBin() {
  // npm workspaces may hoist wrangler to the repository root.
  return existsSync(WRANGLER) ? WRANGLER : path.join(GATEWAY_DIR, "..", "..", "node_modules", ".bin", "wrangler");
}

// dotenv's line rule, as the copy bundled in wrangler 4 applies it to `.dev.vars` and to
// `--env-file` files: `KEY=value`, `export KEY=value`, quoted values (', " or `), `#` comments.
const DOTENV_LINE = /(?:^|^)\s*(?:export\s+)?([\w.-]+)(?:\s*=\s*?|:\s+?)(\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?\s*(?:#.*)?(?:$|$)/mg;

/** Reads a dotenv file (`.dev.vars`) into an object exactly as wrangler reads it (no expansion). */
export function readDotenv(file) {
  if (!existsSync(file)) return {};
  const values = {};
  const text = readFileSync(file, "utf8").replace(/\r\n?/g, "\n");
  for (const match of text.matchAll(DOTENV_LINE)) {
    const raw = (match[2] ?? "").trim();
    let value = raw.replace(/^(['"`])([\s\S]*)\1$/gm, "$2");
    if (raw[0] === '"') value = value.replace(/\\n/g, "\n").replace(/\\r/g, "\r");
    values[match[1]] = value;
  }
  return values;
}

/**
 * One setting as a line of an `--env-file`. wrangler reads that file with dotenv and then
 * dotenv-expand, which would turn `$NAME` into another value and `\$` into `$`: every `$` is
 * written as `\$` (expand gives it back), and the value is quoted with a quote it does not
 * contain (inside ' and ` nothing is unescaped). Throws naming the setting, never its value.
 */
export function dotenvLine(name, value) {
  if (!/^[\w.-]+$/.test(name)) throw new Error(`${name} is not a name a settings file can carry`);
  const text = String(value);
  if (/[\r\n]/.test(text)) throw new Error(`the setting ${name} contains a line break, which wrangler dev cannot be given`);
  const escaped = text.replace(/\$/g, "\\$");
  const quote = ["'", "`", '"'].find((q) => !escaped.includes(q) && (q !== '"' || !/\\[nr]/.test(escaped)));
  if (!quote) throw new Error(`the setting ${name} mixes quote characters (', \`, " or \\n) in a way wrangler dev cannot be given`);
  return `${name}=${quote}${escaped}${quote}`;
}

/**
 * What the Worker gets: every entry of `.dev.vars`, then the settings from the process
 * environment, then the caller's `settings` (each overrides the one before, as the README says).
 */
export function resolveSettings({ devVars = {}, env = process.env, settings = {} } = {}) {
  const fromEnv = Object.fromEntries(SETTINGS.filter((k) => env[k] !== undefined).map((k) => [k, env[k]]));
  return { ...devVars, ...fromEnv, ...settings };
}

/**
 * Writes the settings for `wrangler dev --env-file` into a fresh private directory (0700,
 * the file 0600), so secrets never sit on a command line, where `ps` shows them to every
 * local user. `remove()` deletes it; it is also deleted if this process exits first.
 */
export function writeSettingsFile(values) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "ocg-settings-"));
  const file = path.join(dir, "settings.env");
  const remove = () => {
    rmSync(dir, { recursive: true, force: true });
    process.off("exit", remove);
  };
  process.on("exit", remove);
  try {
    const lines = Object.entries(values).map(([name, value]) => dotenvLine(name, value));
    writeFileSync(file, `${lines.join("\n")}\n`, { mode: 0o600, flag: "wx" });
  } catch (error) {
    remove();
    throw error;
  }
  return { file, remove };
}

/** Creates `.dev.vars` with a fresh HASH_SECRET the first time, so local hashes are keyed. */
export function ensureDevVars() {
  const file = path.join(GATEWAY_DIR, ".dev.vars");
  if (existsSync(file)) return false;
  writeFileSync(file, [
    "# Local settings for `npm start` (wrangler dev). Never commit this file.",
    "# Any setting in docs/settings.md can go here; the process environment overrides it.",
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
  return run(wranglerBin(), args, { env: { ...process.env, ...QUIET_WRANGLER_ENV, CI: "true" } });
}

/** Where migrated empty states are kept, one per set of migrations (see freshMigratedState). */
const STATE_TEMPLATES = path.join(GATEWAY_DIR, "..", "..", "node_modules", ".cache", "ocg-migrated-state");

/** What a migrated empty state depends on: the migrations, wrangler.jsonc and wrangler's version. */
function stateTemplateKey() {
  const hash = createHash("sha256");
  const migrations = path.join(GATEWAY_DIR, "migrations");
  for (const name of readdirSync(migrations).sort()) hash.update(`${name}\0`).update(readFileSync(path.join(migrations, name)));
  hash.update(readFileSync(path.join(GATEWAY_DIR, "wrangler.jsonc")));
  const wranglerPackage = path.join(path.dirname(wranglerBin()), "..", "wrangler", "package.json");
  if (existsSync(wranglerPackage)) hash.update(JSON.parse(readFileSync(wranglerPackage, "utf8")).version);
  return hash.digest("hex").slice(0, 16);
}

/**
 * Fills the empty state directory `persistTo` with every D1 migration applied. Applying them
 * means a whole wrangler and workerd start (about 4 s of CPU), and the tests start some forty
 * gateways on fresh states: so it is done once per set of migrations into a template, and each
 * fresh state is a copy of it — the database the apply writes, with the same migration records.
 * The template is built aside and renamed into place, so processes starting at once never
 * copy half of one.
 */
function freshMigratedState(persistTo) {
  const template = path.join(STATE_TEMPLATES, stateTemplateKey());
  if (!existsSync(template)) {
    mkdirSync(STATE_TEMPLATES, { recursive: true });
    const building = mkdtempSync(path.join(STATE_TEMPLATES, "building-"));
    try {
      applyLocalMigrations({ persistTo: building });
      renameSync(building, template);
    } catch (error) {
      rmSync(building, { recursive: true, force: true });
      if (!existsSync(template)) throw error; // else another process built it first
    }
  }
  cpSync(template, persistTo, { recursive: true });
}

/**
 * Applies the D1 migrations to the state a gateway starts on (the default `.wrangler/state`
 * when `persistTo` is not given): a copy of the template when it is new and empty, else
 * wrangler's apply, which adds only the migrations that state lacks. Returns which it did.
 */
export function migrateLocalState({ persistTo } = {}) {
  const fresh = persistTo && (!existsSync(persistTo) || readdirSync(persistTo).length === 0);
  if (fresh) freshMigratedState(persistTo);
  else applyLocalMigrations({ persistTo });
  return fresh ? "copied" : "applied";
}

/**
 * Polls `/health` until it answers 200 and returns its JSON. The body is awaited inside the
 * `try`: a body slower than the probe's 2 s signal rejects there and is simply retried.
 */
export async function waitForHealth(url, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with code ${child.exitCode}`);
    try {
      const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return await response.json();
    } catch {
      // not listening yet, or the answer did not arrive within the probe's signal
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the gateway did not answer ${url}/health within ${timeoutMs / 1000} s`);
}

/** A setting of `npm start` alone, from the environment or its default in the catalog; names it when wrong. */
export function localSetting(name, env = process.env) {
  const entry = LOCAL_SETTINGS[name];
  const parsed = entry.schema.safeParse(givenOrDefault(entry, env[name]));
  if (!parsed.success) throw new Error(`${name}=${env[name]} won't work (${entry.doc}): ${parsed.error.issues[0].message}`);
  return parsed.data;
}

/**
 * Starts the local gateway. `settings` override the process environment and `.dev.vars`.
 * They reach `wrangler dev` through a private settings file (`--env-file`), never as
 * arguments. Resolves once /health answers; `stop()` ends everything it started and
 * deletes that file.
 */
export async function startLocalGateway({
  port = localSetting("PORT"),
  settings = {},
  persistTo,
  upstreamPort = localSetting("DEV_UPSTREAM_PORT"),
  output = "pipe",
  timeoutMs = 90_000,
} = {}) {
  const merged = resolveSettings({ devVars: readDotenv(path.join(GATEWAY_DIR, ".dev.vars")), settings });
  let upstream = null;
  if (!merged.OPENCLAW_URL && !merged.UPSTREAMS) {
    upstream = await startDevUpstream({ port: upstreamPort });
    merged.OPENCLAW_URL = upstream.url;
    // Offline, the simulator stands in for OpenAI too: it checks the tokens attendees connect
    // (AUTH_MODE=codex, PAID_BY=attendee), which would otherwise go to api.openai.com.
    if (!merged.OPENAI_BASE_URL) merged.OPENAI_BASE_URL = `${upstream.url}/v1`;
  }
  // The hosts reach the relay here: from the settings, never from a request's Host header.
  if (!merged.RELAY_URL && !merged.PUBLIC_URL) merged.RELAY_URL = `http://127.0.0.1:${port}`;
  let settingsFile;
  try {
    migrateLocalState({ persistTo });
    settingsFile = writeSettingsFile(merged);
  } catch (error) {
    await upstream?.close();
    throw error;
  }
  // With --env-file, wrangler reads that file instead of .dev.vars (whose entries it holds).
  // --inspector-port 0: devtools' port is any free one the system gives. wrangler's default
  // looks for a free port from 9229 and binds it later, so two gateways starting at once (the
  // tests start several) could both take 9229, and one would fail with "Address already in
  // use (socket "direct:1:default")".
  const args = ["dev", "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", "0", "--show-interactive-dev-session=false",
    "--env-file", settingsFile.file];
  if (persistTo) args.push("--persist-to", persistTo);
  // wrangler ignores --env-file when CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV is false, and
  // CLOUDFLARE_INCLUDE_PROCESS_ENV would add this whole environment to the Worker's.
  const childEnv = { ...process.env, ...QUIET_WRANGLER_ENV, NO_COLOR: "1", CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV: "true" };
  delete childEnv.CLOUDFLARE_INCLUDE_PROCESS_ENV;
  const child = spawn(wranglerBin(), args, {
    cwd: GATEWAY_DIR,
    env: childEnv,
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
    settingsFile.remove();
    await upstream?.close();
  };
  try {
    const health = await waitForHealth(url, child, timeoutMs);
    return { url, health, upstream, settings: merged, settingsFile: settingsFile.file, stop, logs, child };
  } catch (error) {
    await stop();
    throw new Error(`${error.message}\n${logs.join("").slice(-4000)}`);
  }
}

/** Runs SQL against the local D1, exactly like the runbook's `wrangler d1 execute --local`. */
export function queryLocalD1(sql, { persistTo } = {}) {
  const args = ["d1", "execute", "organized-gateway-db", "--local", "--json", "--command", sql];
  if (persistTo) args.push("--persist-to", persistTo);
  const out = run(wranglerBin(), args, { env: { ...process.env, ...QUIET_WRANGLER_ENV, CI: "true" } });
  return JSON.parse(out)[0].results;
}
