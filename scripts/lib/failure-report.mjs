// What `npm test` repeats for a failed job after its summary, where a CI log's tail shows it.
/**
 * The part of a job's output that says what failed: vitest's "Failed Tests" section or node's
 * test runner's "failing tests" one when it has one (colours removed), else the output's last
 * lines; at most 80 lines either way.
 */
export function failureReport(text) {
  const lines = text.replace(/\x1b\[[0-9;]*m/g, "").split("\n");
  const start = lines.findIndex((line) => /⎯+ Failed Tests? \d+ ⎯+|^✖ failing tests:/.test(line));
  const picked = start >= 0 ? lines.slice(start, start + 80) : lines.slice(-60);
  return picked.join("\n");
}
