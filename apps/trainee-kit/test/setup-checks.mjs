// What the setup.sh tests check of every run, and the `curl` that shows what `ps` would: one
// place for the three test files that drive the real script.
import { chmodSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import { kitToolsPath } from "./kit-dir.mjs";

export const lines = (text) => text.split("\n");

export function expectReady(result) {
  expect(result.code, result.output).toBe(0);
  expect(lines(result.stdout)).toContain("Agent ready.");
}

/** Exited with `exitCode`, its Problem line matching `problem` and its Next line `next`, and never ready. */
export function expectFailure(result, exitCode, problem, next) {
  expect(result.code, result.output).toBe(exitCode);
  expect(result.stderr).toMatch(problem);
  expect(result.stderr).toMatch(next);
  expect(lines(result.output)).not.toContain("Agent ready.");
}

/**
 * A PATH (a new temp dir, added to `dirs` for clean-up) whose `curl` writes each of its
 * command lines to `log` (what `ps` would show), then runs the real one.
 */
export function curlThatLogs(log, dirs) {
  const bin = kitToolsPath();
  dirs.push(bin);
  const link = path.join(bin, "curl");
  const real = realpathSync(link);
  rmSync(link);
  writeFileSync(link, `#!/bin/sh\nprintf '%s\\n' "$*" >>'${log}'\nexec '${real}' "$@"\n`);
  chmodSync(link, 0o755);
  return bin;
}
