// Which test jobs `npm test` runs and in what order (scripts/test.mjs runs them). Pure: reads
// nothing itself, so scripts/test/test-jobs.test.mjs specifies it with plain objects.
//
// A job is one npm script of one workspace. A workspace whose script only chains parts
// (`"test": "npm run test:workerd && npm run test:e2e"`) gives one job per part, so a long
// suite's parts can run beside other workspaces' jobs instead of after each other.

/**
 * Longest first, as measured on the 2-core CI machine: the runner starts jobs in this order,
 * so the longest never starts last and leaves one core idle at the end. A job not named here
 * (a new workspace) starts after these.
 */
export const LONGEST_FIRST = [
  "apps/organized-gateway test:e2e:openclaw",
  "apps/ops test",
  "apps/trainee-kit test",
  "apps/organized-gateway test:e2e:other",
  "apps/organized-gateway test:workerd",
  "apps/ocg-cli test",
];

/** The `npm run <part>` steps a script chains with `&&`, or [] when it is anything else. */
export function chainedParts(command) {
  const steps = command.split("&&").map((step) => step.trim());
  const parts = steps.map((step) => /^npm run ([\w:.-]+)$/.exec(step)?.[1]);
  return parts.every(Boolean) ? parts : [];
}

/**
 * The scripts that `script` comes down to when every chained part is split in turn (a part may
 * chain parts of its own). A step the workspace lacks keeps its script whole, so that npm
 * names the missing one.
 */
function leafParts(scripts, script, seen = new Set([script])) {
  const parts = chainedParts(scripts[script]);
  if (parts.length === 0 || parts.some((part) => scripts[part] === undefined || seen.has(part))) return [script];
  return parts.flatMap((part) => leafParts(scripts, part, new Set([...seen, part])));
}

/**
 * The jobs for `script` (e.g. "test", "test:quick"): for each workspace that has it, one job
 * per chained part, else the script itself. `workspaces` are `{ dir, scripts }`, in the root
 * package.json's order; the result is in LONGEST_FIRST order, the rest after in that order.
 */
export function testJobs(workspaces, script) {
  const jobs = [];
  for (const { dir, scripts = {} } of workspaces) {
    const command = scripts[script];
    if (command === undefined) continue;
    for (const part of leafParts(scripts, script)) jobs.push({ dir, script: part, name: `${dir} ${part}` });
  }
  const rank = (job) => {
    const at = LONGEST_FIRST.indexOf(job.name);
    return at === -1 ? LONGEST_FIRST.length : at;
  };
  return jobs.map((job, at) => ({ job, at })).sort((a, b) => rank(a.job) - rank(b.job) || a.at - b.at).map(({ job }) => job);
}

/** The workspace directories that the root package.json's `workspaces` patterns name (`dir` or `dir/*`). */
export function workspaceDirs(patterns, listDir) {
  return patterns.flatMap((pattern) => (pattern.endsWith("/*")
    ? listDir(pattern.slice(0, -2)).sort().map((name) => `${pattern.slice(0, -2)}/${name}`)
    : [pattern]));
}
