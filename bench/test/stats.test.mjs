// The benchmark's arithmetic: percentiles, added latency, target checks, table layout,
// a CPU profile's self times.
import assert from "node:assert/strict";
import { test } from "node:test";
import { addedOver, percentile, summarise } from "../src/stats.mjs";
import { evaluateTargets } from "../src/targets.mjs";
import { formatTable } from "../src/table.mjs";
import { parseJsonc, splitSqlStatements } from "../src/servers/config-files.mjs";
import { selfTimes } from "../src/profile.mjs";

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

test("a target whose peer answered nothing is missed, not met by default", () => {
  const checks = evaluateTargets({ runs: [run("stream c10 many", "gateway", 1, 300), run("stream c10 many", "portkey", null, 0)], ttfb: [] });
  assert.ok(checks.every((c) => c.met === false));
});

test("tables align names left and numbers right", () => {
  const table = formatTable(["scenario", "target", "req/s"], [["json c1", "gateway", "12"], ["stream c10 many", "portkey", "1234"]]);
  const lines = table.split("\n");
  assert.equal(lines[2], "json c1          gateway     12");
  assert.equal(lines[3], "stream c10 many  portkey   1234");
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

test("a CPU profile's samples add up per function, by name, file and line, largest first", () => {
  const frame = (functionName, url, lineNumber) => ({ functionName, url, lineNumber, scriptId: "1", columnNumber: 0 });
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
