// A real OpenClaw on loopback, for tests and for trying the OpenClaw route by hand:
// installs the pinned `openclaw` package from the npm registry into node_modules/.cache
// (once), writes a minimal headless config whose model provider is the given
// OpenAI-compatible URL (the dev upstream), and starts its gateway with the HTTP endpoints the
// documented host config turns on (HOST_ENDPOINTS). Needs Node >= 24.16, which this repository's
// npm scripts provide.
//
// The config keeps attendees apart inside OpenClaw (ATTENDEE_ISOLATION below): every test runs
// against the same hardened agent an organiser is told to run (docs/exposing-openclaw.md).
//
// Options for tests that need more of OpenClaw:
// - `hardened: false` leaves out ATTENDEE_ISOLATION, i.e. OpenClaw's own defaults, so a test
//   can show what those offer the model (host tools, other sessions' transcripts).
// - `embeddings: true` points every agent's memory-search embeddings at the same provider,
//   as model `dev-embed-<agentId>`, so a test can tell from the provider's log which agent
//   an /v1/embeddings call was routed to.
// - `extraAgents: ["other"]` adds agents next to `main`, so a test can prove that a request
//   did not reach another agent. OpenClaw then has no default agent: `model: "openclaw"`
//   gets 400 and callers must name one (`openclaw/main`, which the gateway always sends).
// - `config: {...}` is laid over everything else last: e.g. the host set-up for attendees' own
//   model accounts (src/credentials/host-setup.ts), which turns on the admin RPC the gateway
//   sets up their agents with (docs/credentials.md).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { GATEWAY_DIR } from "./local-gateway.mjs";

export const OPENCLAW_VERSION = "2026.9.6";
const INSTALL_DIR = path.join(GATEWAY_DIR, "..", "..", "node_modules", ".cache", `openclaw-${OPENCLAW_VERSION}`);
const ENTRY = path.join(INSTALL_DIR, "node_modules", "openclaw", "openclaw.mjs");

/**
 * OpenClaw 2026.9.6 settings that close the ways one attendee's session reaches another's
 * (all checked live against this version; see docs/exposing-openclaw.md for what each closes).
 * OpenClaw refuses to start on an unknown key, so a renamed key fails startOpenClaw loudly.
 */
export const ATTENDEE_ISOLATION = {
  tools: {
    // A base allowlist of two tools (session_status, gateway), both denied below: a tool that
    // a later OpenClaw adds is off until someone allows it.
    profile: "minimal",
    // Deny wins over any profile or allow, so these stay off even if the profile is widened:
    // host shell and files, the session tools, memory files, and gateway/config/plugins/cron.
    deny: ["group:runtime", "group:fs", "group:sessions", "group:memory", "group:automation", "group:plugins"],
    // Second lock should a session tool come back: the current session only (default "all").
    sessions: { visibility: "self" },
    agentToAgent: { enabled: false },
    // Tool Search hides tools behind tool_search/tool_call; off, the request's `tools` list is
    // everything the model can call, so the e2e test can see it all.
    toolSearch: false,
  },
  // Recall from "this agent's other private conversations" is on by default.
  memory: { search: { rememberAcrossConversations: false } },
  // The workspace's MEMORY.md goes into every session's prompt: nothing may write other
  // attendees' words into it (the pre-compaction flush and dreaming both would).
  agents: { defaults: { compaction: { memoryFlush: { enabled: false } } } },
  plugins: { entries: { "memory-core": { config: { dreaming: { enabled: false } } } } },
};

/**
 * OpenClaw's HTTP endpoints the gateway uses, exactly as docs/exposing-openclaw.md's host config
 * turns them on (both are off in OpenClaw by default): chat completions for every client, and
 * Responses for the clients that speak it (Codex CLI). Nothing else (embeddings answer anyway).
 */
export const HOST_ENDPOINTS = { chatCompletions: { enabled: true }, responses: { enabled: true } };

export function installOpenClaw() {
  if (existsSync(ENTRY)) return ENTRY;
  mkdirSync(INSTALL_DIR, { recursive: true });
  writeFileSync(path.join(INSTALL_DIR, "package.json"), JSON.stringify({ private: true }));
  const result = spawnSync("npm", ["install", `openclaw@${OPENCLAW_VERSION}`, "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd: INSTALL_DIR, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"],
  });
  if (result.status !== 0 || !existsSync(ENTRY)) {
    throw new Error(`npm install openclaw@${OPENCLAW_VERSION} failed:\n${result.stderr}`);
  }
  return ENTRY;
}

export async function startOpenClaw({
  port = 18789, token, providerUrl, timeoutMs = 180_000, embeddings = false, extraAgents = [], hardened = true,
  config: extraConfig = {},
}) {
  const entry = installOpenClaw();
  const home = mkdtempSync(path.join(tmpdir(), "openclaw-home-"));
  mkdirSync(path.join(home, ".openclaw"), { recursive: true });
  const agents = { defaults: { model: { primary: "dev/dev-echo" } } };
  if (extraAgents.length > 0 || embeddings) {
    const ids = ["main", ...extraAgents.filter((id) => id !== "main")];
    agents.entries = Object.fromEntries(ids.map((id) => [id, embeddings ? { memory: { search: { model: `dev-embed-${id}` } } } : {}]));
  }
  const base = {
    gateway: {
      mode: "local", port, bind: "loopback",
      auth: { mode: "token", token },
      http: { endpoints: HOST_ENDPOINTS },
    },
    agents,
    ...(embeddings
      ? { memory: { search: { provider: "openai", remote: { baseUrl: `${providerUrl}/v1`, apiKey: "sk-local-dev" } } } }
      : {}),
    models: {
      mode: "merge",
      providers: {
        dev: { baseUrl: `${providerUrl}/v1`, apiKey: "sk-local-dev", api: "openai-completions", models: [{ id: "dev-echo", name: "Dev upstream simulator" }] },
      },
    },
  };
  const config = mergeConfig(hardened ? mergeConfig(base, ATTENDEE_ISOLATION) : base, extraConfig);
  writeFileSync(path.join(home, ".openclaw", "openclaw.json"), JSON.stringify(config, null, 2));
  const child = spawn(process.execPath, [entry, "gateway", "--port", String(port)], {
    env: { ...process.env, OPENCLAW_HOME: home, HOME: home, OPENCLAW_SKIP_CHANNELS: "1", OPENCLAW_DISABLE_BONJOUR: "1", OPENCLAW_NO_RESPAWN: "1" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const logs = [];
  child.stdout.on("data", (d) => logs.push(String(d)));
  child.stderr.on("data", (d) => logs.push(String(d)));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      try { process.kill(-child.pid, "SIGTERM"); } catch { child.kill("SIGTERM"); }
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
      if (child.exitCode === null) try { process.kill(-child.pid, "SIGKILL"); } catch { /* gone */ }
    }
    rmSync(home, { recursive: true, force: true });
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return { url, token, stop, logs, home };
    } catch {
      // starting
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  await stop();
  throw new Error(`OpenClaw did not become healthy at ${url}:\n${logs.join("").slice(-4000)}`);
}

/** `extra`'s keys laid over `base`, objects merged key by key (arrays and values replaced). */
function mergeConfig(base, extra) {
  const merged = { ...base };
  for (const [key, value] of Object.entries(extra)) {
    const plain = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
    merged[key] = plain(value) && plain(base[key]) ? mergeConfig(base[key], value) : value;
  }
  return merged;
}
