// What npm test repeats of a failed job: its runner's own list of failures, else its last lines.
import assert from "node:assert/strict";
import { test } from "node:test";
import { failureReport } from "../lib/failure-report.mjs";

test("a vitest job's failures are its 'Failed Tests' section, colours removed", () => {
  const output = ["\x1b[32m✓\x1b[39m test/a.test.mjs (3 tests)", "", "\x1b[31m⎯⎯⎯⎯ Failed Tests 1 ⎯⎯⎯⎯\x1b[39m", "", " FAIL  test/b.test.mjs > says why", "AssertionError: expected 1 to be 2"].join("\n");
  assert.equal(failureReport(output), ["⎯⎯⎯⎯ Failed Tests 1 ⎯⎯⎯⎯", "", " FAIL  test/b.test.mjs > says why", "AssertionError: expected 1 to be 2"].join("\n"));
});

test("a node:test job's failures are its 'failing tests' section", () => {
  const output = ["✔ one (1ms)", "ℹ fail 1", "", "✖ failing tests:", "", "test at deploy.test.mjs:126:1", "✖ stops the deploy (742ms)"].join("\n");
  assert.equal(failureReport(output), ["✖ failing tests:", "", "test at deploy.test.mjs:126:1", "✖ stops the deploy (742ms)"].join("\n"));
});

test("a job that failed without either section gives its last 60 lines, and no report is longer than 80", () => {
  const lines = Array.from({ length: 200 }, (_, i) => `line ${i}`);
  assert.deepEqual(failureReport(lines.join("\n")).split("\n"), lines.slice(-60));
  const long = ["⎯⎯ Failed Tests 9 ⎯⎯", ...lines].join("\n");
  assert.equal(failureReport(long).split("\n").length, 80);
});
