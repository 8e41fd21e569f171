// The upstream every target talks to: the dev upstream simulator in its own process, so
// its CPU is not shared with the load generator's or the orchestrator's event loop.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { waitForLine } from "./process.mjs";

const require = createRequire(import.meta.url);

export async function startUpstreamProcess(port) {
  const entry = path.join(path.dirname(require.resolve("@ocg/dev-upstream")), "..", "bin", "dev-upstream.mjs");
  const child = spawn(process.execPath, [entry, "--port", String(port)], { stdio: ["ignore", "pipe", "pipe"] });
  await waitForLine(child, /listening on/, 15_000, "dev upstream");
  return { name: "upstream", url: `http://127.0.0.1:${port}`, pid: child.pid, stop: () => stopChild(child) };
}

export async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
  if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
}
