// The capacity check: how an attendee reacts to refusals, how answers are counted, the
// side-by-side table, and the upstream process that reports the host's peak in-flight.
import assert from "node:assert/strict";
import http from "node:http";
import { test } from "node:test";
import {
  NO_HINT_PAUSE_MS, capLabel, classifyAnswer, formatCapacityTable, parseCaps, retryWaitMs, summariseRequests,
} from "../src/capacity-figures.mjs";
import { runAttendeesJob } from "../src/load/run-load.mjs";
import { startUpstreamProcess } from "../src/servers/upstream.mjs";

test("a refused attendee waits retry-after-ms when given, else retry-after in seconds, else no hint is known", () => {
  assert.equal(retryWaitMs({ "retry-after-ms": "1500", "retry-after": "2" }), 1500);
  assert.equal(retryWaitMs({ "retry-after": "10" }), 10_000);
  assert.equal(retryWaitMs({ "retry-after-ms": "soon", "retry-after": "3" }), 3000);
  assert.equal(retryWaitMs({}), null);
  assert.ok(NO_HINT_PAUSE_MS > 0);
});

test("an answer counts as answered, 429, 503 host_busy or other", () => {
  assert.equal(classifyAnswer(200, null), "answered");
  assert.equal(classifyAnswer(429, "rate_limit_exceeded"), "rate_limited");
  assert.equal(classifyAnswer(429, "too_many_requests_in_flight"), "rate_limited");
  assert.equal(classifyAnswer(503, "host_busy"), "host_busy");
  assert.equal(classifyAnswer(503, "host_down"), "other");
  assert.equal(classifyAnswer(504, "upstream_timeout"), "other");
});

test("a run's latency is of answered requests only, in seconds; other errors are kept by status and code; unfinished ones apart", () => {
  const summary = summariseRequests([
    { status: 200, ms: 400 }, { status: 200, ms: 600 }, { status: 200, ms: 5_000 },
    { status: 503, code: "host_busy", ms: 2 }, { status: 429, code: "rate_limit_exceeded", ms: 3 },
    { status: 504, code: "upstream_timeout", ms: 60_000 }, { status: 504, code: "upstream_timeout", ms: 60_000 }, { status: 502, code: null, ms: 1 },
    { unfinished: true },
  ]);
  assert.deepEqual({ ...summary, other_by_code: undefined, latency_s: undefined },
    { sent: 9, answered: 3, rate_limited: 1, host_busy: 1, other: 3, unfinished: 1, other_by_code: undefined, latency_s: undefined });
  assert.deepEqual(summary.other_by_code, { "504 upstream_timeout": 2, "502": 1 });
  assert.deepEqual(summary.latency_s, { count: 3, p50: 0.6, p95: 4.56, max: 5 });
  assert.deepEqual(summariseRequests([]).latency_s, { count: 0, p50: null, p95: null, max: null });
});

test("caps are whole numbers from 1 to 10000; the schema's maximum reads as no cap", () => {
  assert.deepEqual(parseCaps("4, 8,16"), [4, 8, 16]);
  for (const bad of ["", "0", "4,x", "2.5", "10001"]) assert.throws(() => parseCaps(bad), /--caps/);
  assert.equal(capLabel(10_000, 10_000), "no cap (10000)");
  assert.equal(capLabel(8, 10_000), "cap 8");
});

test("the capacity table gives each cap its own column, with the host's peak in-flight and the other errors named", () => {
  const run = (label, answered, peak, other = {}) => ({
    label,
    requests: {
      sent: 300, answered, rate_limited: 0, host_busy: 10, other: Object.values(other).reduce((a, b) => a + b, 0), unfinished: 0,
      other_by_code: other, latency_s: { p50: 0.4, p95: 1.25, max: 2 }, wall_s: 10,
    },
    queue_wait_s: { p50: 0, p95: 0.5 }, host: { peak_inflight: peak },
  });
  const table = formatCapacityTable([run("no cap (10000)", 97, 200, { "504 upstream_timeout": 128 }), run("cap 8", 196, 8)]);
  const line = (name) => table.split("\n").find((l) => l.startsWith(name)).trim().split(/\s{2,}/);
  assert.deepEqual(line("host peak in-flight"), ["host peak in-flight", "200", "8"]);
  assert.deepEqual(line("answered (2xx)"), ["answered (2xx)", "97", "196"]);
  assert.deepEqual(line("answered per second"), ["answered per second of the run", "9.7", "19.6"]);
  assert.deepEqual(line("latency of answers p95"), ["latency of answers p95", "s", "1.25", "1.25"]);
  assert.match(table, /no cap \(10000\): 128 × 504 upstream_timeout/);
  assert.doesNotMatch(table, /cap 8: \d/);
});

/** A stand-in gateway on loopback: `answer(req, res, n)` for the n-th request. */
async function fakeGateway(answer) {
  let n = 0;
  const sockets = new Set();
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => answer(req, res, ++n));
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/v1/chat/completions`,
    count: () => n,
    close: () => new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(resolve);
    }),
  };
}

const refuse = (res, status, code, headers = {}) => {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify({ error: { message: "no", type: "x", code } }));
};

test("an attendee told to wait by a refusal waits that long before sending again, and sends at once after an answer", async () => {
  const gateway = await fakeGateway((req, res, n) => {
    if (n % 2 === 1) {
      res.writeHead(200, { "content-type": "application/json" });
      res.end("{}");
    } else refuse(res, 503, "host_busy", { "retry-after": "1", "retry-after-ms": "400" });
  });
  try {
    const result = await runAttendeesJob({ url: gateway.url, body: "{}", attendees: 1, perAttendee: 1, seconds: 1, drainMs: 1000, userPrefix: "t" });
    // 0 ms: answered, refused; 400 ms: answered, refused; 800 ms: answered, refused; then the second is up.
    // (2 pairs on a machine slow enough to push the third past 1 s; 1 pair if it waited retry-after's 1 s.)
    assert.ok(result.answered === 3 || result.answered === 2, `answered ${result.answered}`);
    assert.equal(result.host_busy, result.answered);
    assert.equal(result.sent, 2 * result.answered);
  } finally {
    await gateway.close();
  }
});

test("every attendee keeps its own requests going with its own user id and key", async () => {
  const seen = new Map();
  const gateway = await fakeGateway((req, res) => {
    seen.set(req.headers["x-user-id"], req.headers.authorization);
    setTimeout(() => refuse(res, 429, "rate_limit_exceeded", { "retry-after-ms": "5000" }), 20);
  });
  try {
    const result = await runAttendeesJob({ url: gateway.url, body: "{}", attendees: 3, perAttendee: 2, seconds: 0.5, drainMs: 1000, userPrefix: "room" });
    assert.equal(result.rate_limited, 6); // each of the 6 waits the 5 s it was told, past the end
    assert.deepEqual([...seen.keys()].sort(), ["room-0", "room-1", "room-2"]);
    assert.equal(new Set(seen.values()).size, 3);
  } finally {
    await gateway.close();
  }
});

test("a request still open when the run's bound comes is cut off and counted as unfinished", async () => {
  const gateway = await fakeGateway(() => {}); // never answers
  try {
    const started = Date.now();
    const result = await runAttendeesJob({ url: gateway.url, body: "{}", attendees: 2, perAttendee: 1, seconds: 0.2, drainMs: 300, userPrefix: "t" });
    assert.equal(result.unfinished, 2);
    assert.equal(result.answered, 0);
    assert.ok(Date.now() - started < 5_000);
  } finally {
    await gateway.close();
  }
});

test("the bench's upstream in overload mode slows down past its threshold and reports its peak in-flight, which a reset restarts", async () => {
  const upstream = await startUpstreamProcess(19479, { overload: { baseMs: 100, threshold: 2 } });
  try {
    const call = async () => {
      const started = performance.now();
      const response = await fetch(`${upstream.url}/v1/chat/completions`, {
        method: "POST", headers: { "content-type": "application/json", authorization: "Bearer sk-test" },
        body: JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] }),
      });
      await response.text();
      return performance.now() - started;
    };
    const times = await Promise.all(Array.from({ length: 5 }, call));
    const stats = await upstream.stats();
    assert.equal(stats.peakInflight, 5);
    assert.equal(stats.inflight, 0);
    // The fifth in flight takes 100 × (1 + (5/2)²) = 725 ms; within the threshold, 100 ms.
    assert.ok(Math.max(...times) > 600, `slowest ${Math.max(...times)} ms`);
    assert.ok(Math.min(...times) < 400, `fastest ${Math.min(...times)} ms`);
    await upstream.resetStats();
    assert.equal((await upstream.stats()).peakInflight, 0);
  } finally {
    await upstream.stop();
  }
});
