// The benchmark's arithmetic: percentiles, added latency, target checks, table layout,
// a CPU profile's self times.
import assert from "node:assert/strict";
import { test } from "node:test";
import { addedOver, percentile, summarise } from "../src/stats.mjs";
import { evaluateTargets } from "../src/targets.mjs";
import { formatBeforeAfter, formatTable } from "../src/table.mjs";
import { parseJsonc, resourceBindings, splitSqlStatements } from "../src/servers/config-files.mjs";
import { TARGET_ORDER, attendeePrefix, isGatewayTarget, targetOrder } from "../src/scenarios.mjs";
import { readFileSync } from "node:fs";
import { selfTimes, selfTimesBySource } from "../src/profile.mjs";

test("a percentile interpolates between the two nearest ranks", () => {
  const sorted = [1, 2, 3, 4];
  assert.equal(percentile(sorted, 0), 1);
  assert.equal(percentile(sorted, 50), 2.5);
  assert.equal(percentile(sorted, 100), 4);
  assert.equal(percentile([], 50), null);
});

test("a summary sorts the samples and keeps sub-millisecond precision", () => {
  const summary = summarise([0.3, 0.1, 0.2, 10]);
  assert.equal(summary.count, 4);
  assert.equal(summary.p50, 0.25);
  assert.equal(summary.mean, 2.65);
  assert.ok(summary.p99 > 9 && summary.p99 < 10);
});

test("added latency is the target's percentile minus direct's, percentile by percentile", () => {
  assert.deepEqual(addedOver({ p50: 1, p95: 2, p99: 3 }, { p50: 1.5, p95: 4, p99: 3 }), { p50: 0.5, p95: 2, p99: 0 });
  assert.equal(addedOver({ p50: null, p95: 1, p99: 1 }, { p50: 1, p95: 1, p99: 1 }).p50, null);
});

const run = (scenario, target, p50, rps) => ({ scenario, target, rps, added: { p50 } });

test("targets compare the gateway with Portkey, the bare Worker and direct in the same run", () => {
  const checks = evaluateTargets({
    runs: [
      run("json c1", "gateway", 0.8, 900), run("json c1", "portkey", 2.0, 400), run("json c1", "bare-worker", 0.3, 1000),
      run("json c10 many", "gateway", 3, 500), run("json c10 many", "portkey", 5, 600), run("json c10 many", "bare-worker", 1, 900),
    ],
    ttfb: [{ target: "direct", ttfb: { p50: 0.5 }, added_p50: 0 }, { target: "gateway", ttfb: { p50: 3 }, added_p50: 2.5 }],
  });
  const met = Object.fromEntries(checks.map((c) => [c.target, c.met]));
  assert.equal(met["added p50 <= 1/2 Portkey's (json c1)"], true);
  assert.equal(met["added p50 <= 4x bare Worker's (json c1)"], true);
  assert.equal(met["added p50 <= 4x bare Worker's (json c10 many)"], true);
  assert.equal(met["throughput >= Portkey's (json c10 many)"], false);
  assert.equal(met["stream TTFB p50 within 2 ms of direct"], false);
});

test("a baseline gateway is measured right after today's, and without one the targets are as they were", () => {
  assert.deepEqual(targetOrder(), ["direct", "bare-worker", "gateway", "portkey"]);
  assert.deepEqual(targetOrder(), TARGET_ORDER);
  assert.deepEqual(targetOrder("gateway@3a67ef5"), ["direct", "bare-worker", "gateway", "gateway@3a67ef5", "portkey"]);
  assert.ok(isGatewayTarget("gateway") && isGatewayTarget("gateway@3a67ef5"));
  assert.ok(!isGatewayTarget("bare-worker") && !isGatewayTarget("portkey") && !isGatewayTarget("direct"));
});

test("attendees' ids hold only what a user id may, so a baseline's gateway@<ref> gets attendees it accepts", () => {
  const USER_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/; // apps/organized-gateway/src/identify/user-id.ts
  assert.equal(attendeePrefix(2, "gateway"), "s2-gateway");
  assert.equal(attendeePrefix(2, "bare-worker"), "s2-bare-worker");
  assert.equal(attendeePrefix(7, "gateway@3a67ef5"), "s7-gateway-3a67ef5");
  for (const target of ["gateway@HEAD~2", "gateway@origin/main", `gateway@${"f".repeat(40)}`]) {
    assert.match(`${attendeePrefix(7, target)}-9`, USER_ID_PATTERN);
  }
});

test("a baseline gateway gets every target line, prefixed with its name, while today's lines keep their names", () => {
  const checks = evaluateTargets({
    runs: [
      run("json c10 many", "gateway", 3, 700), run("json c10 many", "gateway@abc", 5, 500),
      run("json c10 many", "portkey", 8, 600), run("json c10 many", "bare-worker", 1, 900),
    ],
    ttfb: [{ target: "direct", ttfb: { p50: 0.5 }, added_p50: 0 }, { target: "gateway", ttfb: { p50: 1 }, added_p50: 0.5 },
      { target: "gateway@abc", ttfb: { p50: 3 }, added_p50: 2.5 }],
  });
  const met = Object.fromEntries(checks.map((c) => [c.target, c.met]));
  assert.deepEqual(Object.keys(met), [
    "added p50 <= 1/2 Portkey's (json c10 many)", "added p50 <= 4x bare Worker's (json c10 many)", "throughput >= Portkey's (json c10 many)",
    "stream TTFB p50 within 2 ms of direct",
    "gateway@abc: added p50 <= 1/2 Portkey's (json c10 many)", "gateway@abc: added p50 <= 4x bare Worker's (json c10 many)",
    "gateway@abc: throughput >= Portkey's (json c10 many)", "gateway@abc: stream TTFB p50 within 2 ms of direct",
  ]);
  assert.equal(met["throughput >= Portkey's (json c10 many)"], true);
  assert.equal(met["gateway@abc: throughput >= Portkey's (json c10 many)"], false);
  assert.equal(met["gateway@abc: added p50 <= 4x bare Worker's (json c10 many)"], false);
  assert.equal(met["stream TTFB p50 within 2 ms of direct"], true);
  assert.equal(met["gateway@abc: stream TTFB p50 within 2 ms of direct"], false);
});

test("the cost targets: CPU per request against 1.5x the bare Worker's and Portkey's Worker build when measured, TTFB against the bare Worker's, round trips from the hop table", () => {
  const cpu = (scenario, target, ms) => ({ ...run(scenario, target, 1, 100), cpu_ms_per_request: ms });
  const checks = evaluateTargets({
    runs: [cpu("json c1", "gateway", 1.4), cpu("json c1", "bare-worker", 1), cpu("json c1", "portkey", 2), cpu("json c1", "portkey-worker", 1.2)],
    ttfb: [{ target: "direct", ttfb: { p50: 0.5 } }, { target: "bare-worker", ttfb: { p50: 1 } }, { target: "gateway", ttfb: { p50: 2.5 } }],
    hops: [{ scenario: "json c1", target: "gateway", round_trips_before_first_byte: 1.1 }],
  });
  const met = Object.fromEntries(checks.map((c) => [c.target, c.met]));
  assert.equal(met["CPU per request <= 1.5x bare Worker's (json c1)"], true);
  // Like with like: the Worker build is the bar when there is one, not Portkey on Node.
  assert.equal(met["CPU per request <= Portkey's Worker build (json c1)"], false);
  assert.equal(met["CPU per request <= Portkey's on Node (json c1)"], undefined);
  assert.equal(met["stream TTFB p50 within 1 ms of bare Worker's"], false);
  assert.equal(met["at most one sequential Durable Object / D1 round trip before the first byte (json c1)"], true);
});

test("the before/after table sets the baseline's req/s, added p50 and CPU beside today's, scenario by scenario", () => {
  const row = (scenario, target, rps, p50, cpu) => ({ scenario, target, rps, added: { p50 }, cpu_ms_per_request: cpu });
  const table = formatBeforeAfter({
    baseline: { target: "gateway@abc", commit: "abcdef0123456789" },
    runs: [row("json c1", "direct", 2000, 0, 0.1), row("json c1", "gateway", 900, 0.8, 1.2), row("json c1", "gateway@abc", 800, 0.9, 1.5)],
    ttfb: [{ target: "gateway", added_p50: 0.4 }, { target: "gateway@abc", added_p50: 0.6 },
      { target: "gateway", variant: "usage asked", added_p50: 0.3 }, { target: "gateway@abc", variant: "usage asked", added_p50: 0.5 }],
  });
  const lines = table.split("\n");
  assert.match(lines[0], /gateway@abc \(before, abcdef012345\) and gateway \(after/);
  assert.deepEqual(lines[3].split(/\s{2,}/), ["json c1", "800", "900", "+0.900", "+0.800", "1.500", "1.200"]);
  assert.deepEqual(lines[4].split(/\s{2,}/), ["stream TTFB", "-", "-", "+0.600", "+0.400", "-", "-"]);
  assert.deepEqual(lines[5].split(/\s{2,}/), ["stream TTFB (usage asked)", "-", "-", "+0.500", "+0.300", "-", "-"]);
});

test("every Durable Object the gateway's wrangler.jsonc declares is bound, on SQLite where a migration made it so", () => {
  const config = parseJsonc(readFileSync(new URL("../../apps/organized-gateway/wrangler.jsonc", import.meta.url), "utf8"));
  const { durableObjects, d1Databases, kvNamespaces } = resourceBindings(config);
  for (const binding of config.durable_objects.bindings) {
    assert.deepEqual(durableObjects[binding.name], { className: binding.class_name, useSQLite: true });
  }
  assert.ok(durableObjects.NODE_GATE && durableObjects.NETWORK_GUARD && durableObjects.ATTENDEE_GATE);
  assert.deepEqual(Object.keys(d1Databases), ["DB"]);
  assert.deepEqual(Object.keys(kvNamespaces), ["GATEWAY_KV"]);
  // A class no migration created on SQLite would run on the key-value backend, as in production.
  const legacy = resourceBindings({ durable_objects: { bindings: [{ name: "OLD", class_name: "Old" }] }, migrations: [{ tag: "v1", new_classes: ["Old"] }] });
  assert.deepEqual(legacy.durableObjects.OLD, { className: "Old", useSQLite: false });
});

test("a target whose peer answered nothing is missed, not met by default", () => {
  const checks = evaluateTargets({ runs: [run("stream c10 many", "gateway", 1, 300), run("stream c10 many", "portkey", null, 0)], ttfb: [] });
  assert.ok(checks.every((c) => c.met === false));
});

test("tables align names left and numbers right", () => {
  const table = formatTable(["scenario", "target", "req/s"], [["json c1", "gateway", "12"], ["stream c10 many", "portkey", "1234"]]);
  const lines = table.split("\n");
  assert.equal(lines[2], "json c1          gateway     12");
  assert.equal(lines[3], "stream c10 many  portkey   1234");
  assert.equal(formatTable(["scenario", "before", "after"], [["json c1", "8", "12"]], 1).split("\n")[2], "json c1        8     12");
});

test("wrangler.jsonc comments and trailing commas are read as wrangler reads them", () => {
  assert.deepEqual(parseJsonc('// top\n{ "a": "http://x", /* b */ "b": [1, 2,], }'), { a: "http://x", b: [1, 2] });
});

test("a migration splits into statements, comments dropped and triggers kept whole", () => {
  const sql = "-- c; not a split\nCREATE TABLE t (a TEXT DEFAULT 'x;y');\nCREATE TRIGGER r AFTER INSERT ON t BEGIN UPDATE t SET a = 'z'; END;\nCREATE VIEW v AS\nSELECT a FROM t;";
  assert.deepEqual(splitSqlStatements(sql), [
    "CREATE TABLE t (a TEXT DEFAULT 'x;y')",
    "CREATE TRIGGER r AFTER INSERT ON t BEGIN UPDATE t SET a = 'z'; END",
    "CREATE VIEW v AS\nSELECT a FROM t",
  ]);
});

/** One call frame of a V8 CPU profile. */
const frame = (functionName, url, lineNumber) => ({ functionName, url, lineNumber, scriptId: "1", columnNumber: 0 });

test("a CPU profile's samples add up per function, by name, file and line, largest first", () => {
  const profile = {
    nodes: [
      { id: 1, callFrame: frame("(root)", "", -1) },
      { id: 2, callFrame: frame("admit", "file:///tmp/x/index.js", 9) },
      { id: 3, callFrame: frame("", "file:///tmp/x/index.js", 41) },
      { id: 4, callFrame: frame("admit", "file:///tmp/x/index.js", 9) },
    ],
    samples: [2, 4, 2, 3, 1, 2, 3, 4],
  };
  assert.deepEqual(selfTimes(profile), [
    { fn: "admit index.js:10", share: 5 / 8 },
    { fn: "(anonymous) index.js:42", share: 2 / 8 },
    { fn: "(root)", share: 1 / 8 },
  ]);
});

test("a CPU profile's busy samples add up per source folder of the bundle, per package, and per runtime function", () => {
  const bundle = [
    "var x = 1;", // line 1: before any marker
    "// ../../node_modules/hono/dist/hono.js",
    "function route() {}",
    "// src/pipeline/admit/index.ts",
    "function admit() {}",
    "// src/objects/attendee-gate/index.ts",
    "function decide() {}",
    "// src/index.ts",
    "export default {};",
  ].join("\n");
  const profile = {
    nodes: [
      { id: 1, callFrame: frame("(idle)", "", -1) },
      { id: 2, callFrame: frame("admit", "file:///tmp/x/index.js", 4) },
      { id: 3, callFrame: frame("decide", "file:///tmp/x/index.js", 6) },
      { id: 4, callFrame: frame("route", "file:///tmp/x/index.js", 2) },
      { id: 5, callFrame: frame("fetch", "", -1) },
      { id: 6, callFrame: frame("", "file:///tmp/x/index.js", 8) },
      { id: 7, callFrame: frame("_send", "cloudflare-internal:d1-api", 200) },
    ],
    samples: [1, 1, 2, 2, 3, 4, 5, 6, 2, 3, 7],
  };
  assert.deepEqual(selfTimesBySource(profile, bundle), [
    { part: "src/pipeline/admit", share: 3 / 9 },
    { part: "src/objects/attendee-gate", share: 2 / 9 },
    { part: "package hono", share: 1 / 9 },
    { part: "runtime: fetch", share: 1 / 9 },
    { part: "src/index", share: 1 / 9 },
    { part: "runtime: cloudflare-internal:d1-api", share: 1 / 9 },
  ]);
});
