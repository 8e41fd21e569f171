// Test helpers: a fresh kit folder (the files the ZIP would hold, written by the same
// builder) in its own temporary directory, and the real setup.sh run there by bash.
import { spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { kitFiles } from "../src/build-kit.mjs";

/** Writes the kit for this gateway into a new temp dir; `env` (text) becomes its .env. */
export function makeKitDir({ gatewayUrl, eventCode, env } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), "ocg-kit-"));
  for (const file of kitFiles({ gatewayUrl: gatewayUrl ?? "http://127.0.0.1:9", eventCode })) {
    const target = path.join(dir, file.path);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, file.text);
    if (file.executable) chmodSync(target, 0o755);
  }
  if (env !== undefined) writeFileSync(path.join(dir, ".env"), env);
  return dir;
}

/**
 * Runs `bash setup.sh` in `dir`, typing `input` (lines) on its standard input, then closing it.
 * Resolves with its exit code and everything it printed.
 */
export function runSetup(dir, input = "") {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn("bash", ["setup.sh"], { cwd: dir, env: { PATH: process.env.PATH, HOME: process.env.HOME ?? dir, LANG: "C" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr, output: stdout + stderr, ms: performance.now() - started }));
    child.stdin.end(input);
  });
}

/** Stands in for the attendee's `npm install` in the kit: links this repository's installed `openai`. */
export function linkAgentDependencies(dir) {
  symlinkSync(path.resolve(import.meta.dirname, "..", "..", "..", "node_modules"), path.join(dir, "node_modules"));
}
