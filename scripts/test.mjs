// `npm test` (and `npm run test:quick`): every workspace's tests, two jobs at a time.
//
// Most of the suite waits — for wrangler dev, for a real OpenClaw to start, for a client to
// finish — so two jobs side by side fill two cores that one job after another left half idle.
// Which jobs and in what order is scripts/lib/test-jobs.mjs. Each job's output is held and
// printed whole when it ends (two suites' lines interleaved would be unreadable), with one
// line as each job starts and ends so a CI log shows progress; a summary with every job's
// duration closes the run, followed by each failed job's own list of what failed (a CI log is
// often read from its tail). Every job runs even when one fails; the exit code is 1 if any did.
// Jobs must not share ports: each workspace's tests use their own.
//
//   node scripts/test.mjs [script] [--jobs N]     script: "test" (default) or "test:quick"
//   TEST_JOBS=N                                    the same as --jobs N
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { REPO_ROOT } from "./lib/paths.mjs";
import { failureReport } from "./lib/failure-report.mjs";
import { testJobs, workspaceDirs } from "./lib/test-jobs.mjs";

const { values, positionals } = parseArgs({ allowPositionals: true, options: { jobs: { type: "string" } } });
const script = positionals[0] ?? "test";
const width = Number(values.jobs ?? process.env.TEST_JOBS ?? 2);
if (!Number.isInteger(width) || width < 1) {
  console.error(`--jobs (or TEST_JOBS) must be a whole number of at least 1, not "${values.jobs ?? process.env.TEST_JOBS}"`);
  process.exit(2);
}

const readJson = (file) => JSON.parse(readFileSync(file, "utf8"));
const root = readJson(path.join(REPO_ROOT, "package.json"));
const workspaces = workspaceDirs(root.workspaces, (dir) => readdirSync(path.join(REPO_ROOT, dir), { withFileTypes: true })
  .filter((entry) => entry.isDirectory()).map((entry) => entry.name))
  .map((dir) => {
    try {
      return { dir, scripts: readJson(path.join(REPO_ROOT, dir, "package.json")).scripts };
    } catch {
      return null; // a directory that is not a package
    }
  })
  .filter(Boolean);
const jobs = testJobs(workspaces, script);
if (jobs.length === 0) {
  console.error(`no workspace has a "${script}" script`);
  process.exit(2);
}

const started = Date.now();
const seconds = (ms) => `${(ms / 1000).toFixed(0)} s`;
const running = new Set();
const results = [];
console.log(`${jobs.length} jobs, ${width} at a time: ${jobs.map((job) => job.name).join(", ")}`);

/** Runs one job to its end; resolves with its result, never rejects. */
function run(job) {
  return new Promise((resolve) => {
    const begun = Date.now();
    console.log(`▶ ${job.name}  (at ${seconds(begun - started)})`);
    // Its own process group, so an interrupted run can stop the job's whole tree.
    const child = spawn("npm", ["run", job.script], {
      cwd: path.join(REPO_ROOT, job.dir), stdio: ["ignore", "pipe", "pipe"], detached: process.platform !== "win32",
    });
    running.add(child);
    const output = [];
    child.stdout.on("data", (chunk) => output.push(chunk));
    child.stderr.on("data", (chunk) => output.push(chunk));
    const finish = (code, error) => {
      running.delete(child);
      const result = { ...job, code, ms: Date.now() - begun, output: Buffer.concat(output).toString("utf8") };
      const mark = code === 0 ? "✔" : "✘";
      process.stdout.write(`\n${"═".repeat(72)}\n${mark} ${job.name}: ${seconds(result.ms)}${code === 0 ? "" : `, exit code ${code}`}\n${"═".repeat(72)}\n`);
      process.stdout.write(result.output);
      if (error) console.log(error.message);
      resolve(result);
    };
    child.on("error", (error) => finish(1, error));
    child.on("close", (code, signal) => finish(code ?? (signal ? 1 : 0)));
  });
}

function stopAll(signal) {
  for (const child of running) {
    try { process.kill(-child.pid, "SIGTERM"); } catch { child.kill("SIGTERM"); }
  }
  process.exit(signal === "SIGINT" ? 130 : 143);
}
process.on("SIGINT", () => stopAll("SIGINT"));
process.on("SIGTERM", () => stopAll("SIGTERM"));

const queue = [...jobs];
await Promise.all(Array.from({ length: Math.min(width, jobs.length) }, async () => {
  while (queue.length > 0) results.push(await run(queue.shift()));
}));

console.log(`\n${"═".repeat(72)}\n${script}: ${jobs.length} jobs in ${seconds(Date.now() - started)} (${width} at a time)`);
for (const result of results.sort((a, b) => b.ms - a.ms)) {
  console.log(`  ${result.code === 0 ? "✔" : "✘"} ${seconds(result.ms).padStart(6)}  ${result.name}`);
}
const failed = results.filter((result) => result.code !== 0);
if (failed.length > 0) {
  // A failed job's own report of what failed, again at the very end, where a CI log's tail shows it.
  for (const result of failed) console.log(`\n── what failed in ${result.name} ──\n${failureReport(result.output)}`);
  console.log(`\nFailed: ${failed.map((result) => result.name).join(", ")}`);
  process.exit(1);
}

