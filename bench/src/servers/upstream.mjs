// The upstream every target talks to: the dev upstream simulator in its own process, so
// its CPU is not shared with the load generator's or the orchestrator's event loop.
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { waitForLine } from "./process.mjs";

const ENTRY = path.join(path.dirname(fileURLToPath(import.meta.url)), "upstream-process.mjs");

/**
 * Starts the dev upstream on `port`. `overload: { baseMs, threshold }` makes it a host that
 * slows down as requests pile up (the dev upstream's overload mode). The result's `stats()`
 * reads its counters (inflight, peakInflight, requestCount); `resetStats()` restarts the
 * peak from what is in flight now.
 */
export async function startUpstreamProcess(port, { overload } = {}) {
  const child = spawn(process.execPath, [ENTRY, JSON.stringify({ port, overload })], { stdio: ["ignore", "pipe", "pipe", "ipc"] });
  await waitForLine(child, /listening on/, 15_000, "dev upstream");
  let nextId = 0;
  const ask = (op) => new Promise((resolve, reject) => {
    const id = ++nextId;
    const onMessage = (message) => {
      if (message?.id !== id) return;
      child.off("message", onMessage);
      child.off("exit", onExit);
      resolve(message);
    };
    const onExit = () => reject(new Error("the dev upstream exited"));
    child.on("message", onMessage);
    child.once("exit", onExit);
    child.send({ id, op });
  });
  return {
    name: "upstream", url: `http://127.0.0.1:${port}`, pid: child.pid,
    stats: () => ask("stats"), resetStats: () => ask("reset"),
    stop: () => stopChild(child),
  };
}

export async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
  if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
}
