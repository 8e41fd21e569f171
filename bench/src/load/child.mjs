// The load generator, in its own process so it never shares an event loop with a server.
// Reads one job (JSON) from argv, prints one JSON result line on stdout.
//   kind "load": autocannon for `warmupSeconds` (discarded) then `seconds`; each
//     connection is one attendee (or all share one); per-request latency is kept at
//     sub-millisecond precision (autocannon's own histogram rounds to whole ms).
//   kind "ttfb": `count` sequential requests over one keep-alive connection, timing the
//     first body byte and the end of the body.
import http from "node:http";
import autocannon from "autocannon";
import { summarise } from "../stats.mjs";

const job = JSON.parse(process.argv[2]);

function identityHeaders(index) {
  return job.identity === "byok"
    ? { "x-user-id": `${job.userPrefix}-${index}`, authorization: `Bearer sk-bench-${job.userPrefix}-${index}` }
    : { authorization: `Bearer sk-bench-${job.userPrefix}-${index}` };
}

function runAutocannon(seconds, samples) {
  let nextClient = 0;
  return new Promise((resolve, reject) => {
    const instance = autocannon({
      url: job.url,
      method: "POST",
      body: job.body,
      headers: { "content-type": "application/json", ...job.headers },
      connections: job.connections,
      duration: seconds,
      setupClient(client) {
        const index = job.attendees === "many" ? nextClient++ : 0;
        client.setHeaders({ "content-type": "application/json", ...job.headers, ...identityHeaders(index) });
      },
    }, (error, result) => (error ? reject(error) : resolve(result)));
    if (samples) {
      instance.on("response", (_client, statusCode, _bytes, responseTime) => {
        if (statusCode >= 200 && statusCode < 300) samples.push(responseTime);
      });
    }
  });
}

async function load() {
  const warmup = job.warmupSeconds > 0 ? await runAutocannon(job.warmupSeconds, null) : null;
  const samples = [];
  const result = await runAutocannon(job.seconds, samples);
  const ok = result["2xx"];
  return {
    latency: summarise(samples),
    requests: result.requests.total,
    warmupRequests: warmup?.requests.total ?? 0,
    ok,
    rps: Math.round((ok / (result.duration || job.seconds)) * 10) / 10,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes: result.statusCodeStats,
  };
}

async function ttfb() {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const url = new URL(job.url);
  const headers = { "content-type": "application/json", ...job.headers, ...identityHeaders(0) };
  const first = [];
  const total = [];
  let failures = 0;
  for (let i = 0; i < job.warmup + job.count; i++) {
    const timing = await new Promise((resolve, reject) => {
      const started = process.hrtime.bigint();
      let firstByte = null;
      const request = http.request(url, { method: "POST", headers, agent }, (response) => {
        response.on("data", () => { firstByte ??= process.hrtime.bigint(); });
        response.on("end", () => resolve({
          status: response.statusCode,
          first: Number(firstByte - started) / 1e6,
          total: Number(process.hrtime.bigint() - started) / 1e6,
        }));
        response.on("error", reject);
      });
      request.on("error", reject);
      request.end(job.body);
    });
    if (i < job.warmup) continue;
    if (timing.status !== 200) failures++;
    else {
      first.push(timing.first);
      total.push(timing.total);
    }
  }
  agent.destroy();
  return { ttfb: summarise(first), total: summarise(total), failures };
}

const result = job.kind === "ttfb" ? await ttfb() : await load();
process.stdout.write(`${JSON.stringify(result)}\n`);
