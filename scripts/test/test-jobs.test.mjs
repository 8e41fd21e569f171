// Which jobs `npm test` runs side by side (scripts/lib/test-jobs.mjs), and that the
// repository's own workspaces give the jobs the README describes.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { REPO_ROOT } from "../lib/paths.mjs";
import { chainedParts, LONGEST_FIRST, testJobs, workspaceDirs } from "../lib/test-jobs.mjs";

test("a script that only chains npm run steps with && is split into those steps", () => {
  assert.deepEqual(chainedParts("npm run test:workerd && npm run test:e2e"), ["test:workerd", "test:e2e"]);
  assert.deepEqual(chainedParts("npm run test:unit"), ["test:unit"]);
});

test("a script that does anything else stays one job", () => {
  for (const command of ["vitest run", "vitest run && vitest run -c vitest.e2e.config.ts", "npm run a && node x.mjs", "npm run a; npm run b"]) {
    assert.deepEqual(chainedParts(command), [], command);
  }
});

test("jobs start longest first; a workspace not in the list starts after, in the root's order", () => {
  const jobs = testJobs([
    { dir: "apps/a-new-one", scripts: { test: "node --test" } },
    { dir: "apps/ocg-cli", scripts: { test: "node --test" } },
    { dir: "apps/organized-gateway", scripts: { test: "npm run test:workerd && npm run test:e2e", "test:workerd": "vitest run", "test:e2e": "vitest run -c e2e" } },
    { dir: "apps/no-tests", scripts: { start: "node x" } },
    { dir: "bench", scripts: { test: "node --test" } },
  ], "test");
  assert.deepEqual(jobs.map((job) => job.name), [
    "apps/organized-gateway test:workerd", "apps/ocg-cli test", "apps/a-new-one test", "apps/organized-gateway test:e2e", "bench test",
  ]);
  assert.deepEqual(jobs[0], { dir: "apps/organized-gateway", script: "test:workerd", name: "apps/organized-gateway test:workerd" });
});

test("a chained part that chains parts of its own is split too", () => {
  const jobs = testJobs([{ dir: "apps/organized-gateway", scripts: {
    test: "npm run test:workerd && npm run test:e2e", "test:workerd": "vitest run",
    "test:e2e": "npm run test:e2e:openclaw && npm run test:e2e:other", "test:e2e:openclaw": "vitest run --project openclaw", "test:e2e:other": "vitest run --project other",
  } }], "test");
  assert.deepEqual(jobs.map((job) => job.script), ["test:e2e:openclaw", "test:e2e:other", "test:workerd"]);
});

test("a script that names itself among its parts stays whole instead of looping", () => {
  assert.deepEqual(testJobs([{ dir: "apps/x", scripts: { test: "npm run test:a", "test:a": "npm run test" } }], "test").map((job) => job.script), ["test:a"]);
});

test("a chained step the workspace does not define leaves the script whole, so npm reports it", () => {
  const jobs = testJobs([{ dir: "apps/x", scripts: { test: "npm run test:one && npm run test:missing", "test:one": "vitest run" } }], "test");
  assert.deepEqual(jobs.map((job) => job.script), ["test"]);
});

test("the quick subset takes each workspace's test:quick, and only from those that have one", () => {
  const jobs = testJobs([
    { dir: "apps/organized-gateway", scripts: { test: "npm run test:workerd && npm run test:e2e", "test:quick": "npm run test:workerd", "test:workerd": "vitest run" } },
    { dir: "apps/trainee-kit", scripts: { test: "vitest run" } },
  ], "test:quick");
  assert.deepEqual(jobs.map((job) => job.name), ["apps/organized-gateway test:workerd"]);
});

test("workspace patterns name a directory or every directory under one", () => {
  const listed = { apps: ["b", "a"] };
  assert.deepEqual(workspaceDirs(["apps/*", "bench"], (dir) => [...listed[dir]]), ["apps/a", "apps/b", "bench"]);
});

test("this repository's workspaces give every job in the longest-first list, the gateway's two suites as separate jobs", () => {
  const root = JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"));
  const workspaces = workspaceDirs(root.workspaces, (dir) => readdirSync(path.join(REPO_ROOT, dir)))
    .map((dir) => ({ dir, scripts: JSON.parse(readFileSync(path.join(REPO_ROOT, dir, "package.json"), "utf8")).scripts }));
  const names = testJobs(workspaces, "test").map((job) => job.name);
  for (const name of LONGEST_FIRST) assert.ok(names.includes(name), `${name} is a job (jobs: ${names.join(", ")})`);
  const quick = testJobs(workspaces, "test:quick").map((job) => job.name);
  assert.ok(quick.includes("apps/organized-gateway test:workerd"), quick.join(", "));
  assert.ok(!quick.some((name) => name.includes("test:e2e")), quick.join(", "));
});

/** An end-to-end file of the `openclaw` project, as apps/organized-gateway/vitest.e2e.config.ts picks them. */
const startsOpenClaw = (text) => text.includes("startOpenClaw(");

/**
 * The test files each job runs, by directory: a workspace's own, except that the gateway's
 * suites are three jobs (its end-to-end files under test/e2e, those that start a real OpenClaw
 * and the others, and its workerd files, the rest). Files shared by a directory's jobs
 * (helpers: harness.ts) count for each.
 */
const JOB_FILES = [
  { job: "apps/organized-gateway test:e2e:openclaw", dirs: ["apps/organized-gateway/test/e2e"], only: startsOpenClaw },
  { job: "apps/organized-gateway test:e2e:other", dirs: ["apps/organized-gateway/test/e2e"], only: (text) => !startsOpenClaw(text) },
  { job: "apps/organized-gateway test:workerd", dirs: ["apps/organized-gateway/test", "apps/organized-gateway/src"], skip: "e2e" },
  { job: "apps/trainee-kit test", dirs: ["apps/trainee-kit/test"] },
  { job: "apps/ops test", dirs: ["scripts/test"] },
  { job: "apps/ocg-cli test", dirs: ["apps/ocg-cli/test"] },
  { job: "apps/dev-upstream test", dirs: ["apps/dev-upstream/test"] },
  { job: "bench test", dirs: ["bench/test"] },
];
/** OpenClaw's documented port, written in texts that tests compare; no test listens on it. */
const NAMED_NOT_LISTENED = new Set(["18789"]);

function testSources(dir, skip) {
  return readdirSync(path.join(REPO_ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(m?js|ts)$/.test(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .filter((file) => !skip || !file.split(path.sep).includes(skip))
    .filter((file) => !file.includes(`${path.sep}src${path.sep}`) || /\.test\.m?[jt]s$/.test(file));
}

test("jobs that run side by side never name the same loopback port (18000-19999) in their tests", () => {
  const owner = new Map();
  const clashes = [];
  for (const { job, dirs, skip, only } of JOB_FILES) {
    const texts = dirs.flatMap((dir) => testSources(dir, skip)).map((file) => ({ file, text: readFileSync(file, "utf8") }))
      .filter(({ file, text }) => !only || !file.endsWith(".test.ts") || only(text));
    const ports = new Set(texts.flatMap(({ text }) => text.match(/\b1[89]\d{3}\b/g) ?? []));
    for (const port of ports) {
      if (NAMED_NOT_LISTENED.has(port)) continue;
      if (owner.has(port) && owner.get(port) !== job) clashes.push(`${port}: ${owner.get(port)} and ${job}`);
      owner.set(port, job);
    }
  }
  assert.deepEqual(clashes, [], "give one of them another port");
});
