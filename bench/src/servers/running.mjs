// The servers a bench script started, stopped together: newest first, once however many
// paths ask (a failure and a signal can both), and on Ctrl-C or SIGTERM before the process
// exits with the signal's code.

/**
 * `started` takes anything with `stop()`; `stopAll()` stops them all and resolves when done;
 * `stopping()` says whether that has begun (a server that finishes starting after it must be
 * stopped by whoever started it: the list was already emptied).
 */
export function runningServers() {
  const started = [];
  let stopping = null;
  const stopAll = () => (stopping ??= (async () => {
    for (const server of started.splice(0).reverse()) await server.stop().catch(() => {});
  })());
  process.on("SIGINT", () => stopAll().then(() => process.exit(130)));
  process.on("SIGTERM", () => stopAll().then(() => process.exit(143)));
  return { started, stopAll, stopping: () => stopping !== null };
}
