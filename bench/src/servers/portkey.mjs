// The peer: Portkey's open-source gateway from the npm registry, run on Node the way its
// README says. Installed once into node_modules/.cache (25 MB, 95 packages, its own zod 3)
// rather than as a bench dependency, so `npm install` stays light for everyone else.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { stopChild } from "./upstream.mjs";
import { waitForLine } from "./process.mjs";

export const PORTKEY_VERSION = "1.15.2";
// Portkey on Node fails with 500 "TypeError: immutable" when @hono/node-server is newer
// than it was built against: every request above 1.14.2 (Portkey-AI/gateway#1389, open),
// and streamed ones already with 1.14.2 (the same updateHeaders on a mapped streaming
// response, Portkey-AI/gateway#1550, open). With 1.13.8, JSON and streams both work
// (checked on this machine), so that version is pinned for the install below.
const HONO_NODE_SERVER = "1.13.8";
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const INSTALL_DIR = path.join(ROOT, "node_modules", ".cache", `portkey-gateway-${PORTKEY_VERSION}-node-server-${HONO_NODE_SERVER}`);
const ENTRY = path.join(INSTALL_DIR, "node_modules", "@portkey-ai", "gateway", "build", "start-server.js");

export function installPortkey() {
  if (existsSync(ENTRY)) return ENTRY;
  mkdirSync(INSTALL_DIR, { recursive: true });
  writeFileSync(path.join(INSTALL_DIR, "package.json"), JSON.stringify({ private: true, overrides: { "@hono/node-server": HONO_NODE_SERVER } }));
  // --ignore-scripts: its only install script is patch-package, and the package ships no patches.
  const result = spawnSync("npm", ["install", `@portkey-ai/gateway@${PORTKEY_VERSION}`, "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd: INSTALL_DIR, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"],
  });
  if (result.status !== 0 || !existsSync(ENTRY)) {
    throw new Error(`npm install @portkey-ai/gateway@${PORTKEY_VERSION} failed:\n${result.stderr}`);
  }
  return ENTRY;
}

/** Starts Portkey on `port`; requests must carry `portkeyHeaders(upstreamUrl)`. */
export async function startPortkey(port) {
  const entry = installPortkey();
  const child = spawn(process.execPath, [entry, `--port=${port}`], {
    cwd: INSTALL_DIR, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NODE_ENV: "production" },
  });
  await waitForLine(child, /Ready for connections/, 30_000, "Portkey gateway");
  return { name: "portkey", url: `http://127.0.0.1:${port}`, pid: child.pid, version: PORTKEY_VERSION, stop: () => stopChild(child) };
}

export function portkeyHeaders(upstreamUrl) {
  return { "x-portkey-provider": "openai", "x-portkey-custom-host": `${upstreamUrl}/v1` };
}
