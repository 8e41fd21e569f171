// The coding tools attendees open (Codex CLI, Claude Code, Continue's `cn`, opencode), each the
// real npm package at a pinned version, installed into node_modules/.cache on first use (like
// the tests' OpenClaw, scripts/openclaw-local.mjs), and the environment that keeps each one
// offline: no telemetry, no update check, no sign-in, no fetch of a model catalogue.
//
// Why a cache and not devDependencies: the four weigh ~1.2 GB (Codex, Claude Code and opencode
// each ship a 180-400 MB native binary through an optional dependency); as devDependencies
// every `npm install` of the repository would fetch them, and only the e2e test of the tools
// needs them. Each install runs with --ignore-scripts; the two whose postinstall only copies
// the platform's binary over a placeholder (Claude Code's install.cjs, opencode's
// postinstall.mjs) get that script run explicitly: neither downloads anything, the binary is
// the optional dependency npm installed for this platform.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { GATEWAY_DIR } from "./local-gateway.mjs";

const CACHE = path.join(GATEWAY_DIR, "..", "..", "node_modules", ".cache");

/** Each tool: its npm package and pinned version, the bin it runs, the postinstall that places its binary. */
export const AGENT_TOOLS = {
  codex: { pkg: "@openai/codex", version: "0.171.0", bin: "codex" },
  claude: { pkg: "@anthropic-ai/claude-code", version: "2.1.332", bin: "claude", placeBinary: "install.cjs" },
  cn: { pkg: "@continuedev/cli", version: "1.5.47", bin: "cn" },
  opencode: { pkg: "opencode-ai", version: "1.18.33", bin: "opencode", placeBinary: "postinstall.mjs" },
};

function installDir(name) {
  const tool = AGENT_TOOLS[name];
  return path.join(CACHE, `${name}-${tool.version}`);
}

/** The tool's executable, installed from the npm registry the first time (needs the registry). */
export function installAgentTool(name) {
  const tool = AGENT_TOOLS[name];
  if (!tool) throw new Error(`no such agent tool: ${name}`);
  const dir = installDir(name);
  const bin = path.join(dir, "node_modules", ".bin", tool.bin);
  const ready = path.join(dir, ".installed");
  if (existsSync(ready)) return bin;
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "package.json"), JSON.stringify({ private: true }));
  const spec = `${tool.pkg}@${tool.version}`;
  const install = spawnSync("npm", ["install", spec, "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"],
  });
  if (install.status !== 0) throw new Error(`npm install ${spec} failed:\n${install.stderr}`);
  if (tool.placeBinary) {
    const place = spawnSync(process.execPath, [tool.placeBinary], {
      cwd: path.join(dir, "node_modules", ...tool.pkg.split("/")), encoding: "utf8", stdio: ["ignore", "pipe", "pipe"],
    });
    if (place.status !== 0) throw new Error(`${spec}: placing its native binary failed:\n${place.stdout}${place.stderr}`);
  }
  const check = spawnSync(bin, ["--version"], { encoding: "utf8", env: { ...process.env, ...offlineEnv(dir) }, timeout: 60_000 });
  if (check.status !== 0 || !check.stdout.includes(tool.version)) {
    throw new Error(`${spec} does not run here (${bin} --version):\n${check.stdout}${check.stderr}`);
  }
  writeFileSync(ready, `${spec}\n`);
  return bin;
}

/** Installs all four (outside a network namespace: it needs the registry). */
export function installAgentTools() {
  return Object.fromEntries(Object.keys(AGENT_TOOLS).map((name) => [name, installAgentTool(name)]));
}

/**
 * The environment that keeps every tool quiet and offline, with `home` as its HOME (so nothing
 * the user's own ~/.codex, ~/.claude or ~/.continue holds is read, and nothing is written there).
 * Settings a tool has no variable for live in the kit's files (Codex's config.toml,
 * opencode.json's autoupdate/share, Claude Code's settings.local.json repeats its two).
 */
export function offlineEnv(home) {
  return {
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, ".config"),
    XDG_DATA_HOME: path.join(home, ".local", "share"),
    XDG_CACHE_HOME: path.join(home, ".cache"),
    XDG_STATE_HOME: path.join(home, ".local", "state"),
    NO_COLOR: "1",
    CI: "true",
    // Claude Code: no telemetry, error reports, feedback survey or auto-update
    // (CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC covers them all), no sign-in prompt.
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    DISABLE_AUTOUPDATER: "1",
    DISABLE_TELEMETRY: "1",
    DISABLE_ERROR_REPORTING: "1",
    CLAUDE_CODE_DISABLE_TERMINAL_TITLE: "1",
    // Codex has no variable for this: the kit's .codex/config.toml turns off its update check,
    // analytics and feedback.
    // opencode: no models.dev catalogue fetch, no auto-update, no default plugins from npm.
    OPENCODE_DISABLE_MODELS_FETCH: "true",
    OPENCODE_DISABLE_AUTOUPDATE: "true",
    OPENCODE_DISABLE_DEFAULT_PLUGINS: "true",
    OPENCODE_DISABLE_LSP_DOWNLOAD: "true",
    OPENCODE_DISABLE_SHARE: "true",
    // Continue's cn: no telemetry or metrics (its hub is never asked: the kit's config is given
    // with --config, and cn -p skips its update check).
    CONTINUE_CLI_ENABLE_TELEMETRY: "0",
    CONTINUE_METRICS_ENABLED: "0",
  };
}
