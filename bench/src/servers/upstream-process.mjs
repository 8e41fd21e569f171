// The bench's upstream process: the dev upstream simulator, started from a job on argv
// ({ port, overload? }), reporting its counters to the parent over the IPC channel
// ({ op: "stats" } -> { inflight, peakInflight, requestCount }; { op: "reset" } restarts
// the peak from what is in flight now). It exits when the parent goes away, so an
// interrupted run leaves no upstream listening.
import { startDevUpstream } from "@ocg/dev-upstream";

const job = JSON.parse(process.argv[2]);
const upstream = await startDevUpstream({ port: job.port, quiet: true, ...(job.overload ? { overload: job.overload } : {}) });
process.stdout.write(`dev upstream listening on ${upstream.url}\n`);

const counters = () => ({ inflight: upstream.stats.inflight, peakInflight: upstream.stats.peakInflight, requestCount: upstream.stats.requestCount });
process.on("message", (message) => {
  if (message?.op === "reset") upstream.stats.reset();
  process.send({ id: message?.id, ...counters() });
});

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  upstream.close().then(() => process.exit(0));
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
process.on("disconnect", stop);
