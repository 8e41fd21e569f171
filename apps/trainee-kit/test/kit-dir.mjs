// Test helpers: a fresh kit folder (the files the ZIP would hold, written by the same
// builder) in its own temporary directory, the kit's real scripts run there by a real shell,
// and a PATH holding only what the kit says it needs (no Node.js).
import { execFileSync, spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
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

/** The kit's .env as an object (NAME=value lines only). */
export function readEnv(dir) {
  return Object.fromEntries(readFileSync(path.join(dir, ".env"), "utf8").split("\n")
    .map((line) => /^([A-Z_]+)=(.*)$/.exec(line)).filter(Boolean).map((m) => [m[1], m[2]]));
}

/** .env text from an object, one NAME=value line each. */
export function envText(values) {
  return Object.entries(values).map(([name, value]) => `${name}=${value}`).join("\n") + "\n";
}

/**
 * Runs one of the kit's scripts in `dir` the way an attendee does (`bash setup.sh`), typing
 * `input` (lines) on its standard input, then closing it. Options: `shell` (what runs it:
 * "bash", "/usr/bin/dash", a bash 3.2...), `argv0` (the name the shell is started as, "sh"
 * for macOS's sh), `args` (after the script), `path` (PATH), `env` (more variables).
 * Resolves with its exit code, what it printed, and when each piece of stdout arrived.
 */
export function runScript(dir, script, input = "", { shell = "bash", argv0, args = [], path: searchPath, env = {} } = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(shell, [script, ...args], {
      cwd: dir,
      argv0,
      env: { PATH: searchPath ?? process.env.PATH, HOME: process.env.HOME ?? dir, LANG: "C", ...env },
    });
    let stdout = "";
    let stderr = "";
    const pieces = [];
    child.stdout.on("data", (d) => {
      stdout += d;
      pieces.push({ at: performance.now() - started, text: String(d) });
    });
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr, output: stdout + stderr, pieces, ms: performance.now() - started }));
    // A script that exits before reading its input (e.g. `sh setup.sh` with no bash to hand
    // over to) closes the pipe first: that is its answer, not a test failure.
    child.stdin.on("error", (error) => {
      if (error.code !== "EPIPE") reject(error);
    });
    child.stdin.end(input);
  });
}

/** Runs `bash setup.sh` in `dir` (see runScript for the options). */
export function runSetup(dir, input = "", options = {}) {
  return runScript(dir, "setup.sh", input, options);
}

// What the kit's scripts may call besides bash: curl and the tools every macOS, Linux and Git
// Bash has (stty among them: setup.sh turns echo off with it before a hidden question shows).
// A script that needs anything else fails its tests on this PATH.
const KIT_TOOLS = ["curl", "sed", "awk", "grep", "tr", "head", "tail", "cat", "cp", "mv", "rm", "mkdir", "mktemp", "dirname", "sleep", "stty"];

function resolved(command) {
  return execFileSync("bash", ["-c", `command -v ${command}`], { encoding: "utf8" }).trim();
}

/**
 * A PATH with only the kit's tools, and bash as `bash` (or the given binary, e.g. a bash
 * 3.2), or no bash at all (`bash: null`). No node, npm or npx: an attendee without Node.js.
 */
export function kitToolsPath({ bash = resolved("bash") } = {}) {
  const bin = mkdtempSync(path.join(tmpdir(), "ocg-kit-bin-"));
  for (const tool of KIT_TOOLS) symlinkSync(resolved(tool), path.join(bin, tool));
  if (bash) symlinkSync(bash, path.join(bin, "bash"));
  return bin;
}

/** Stands in for the attendee's `npm install` in the kit: links this repository's installed `openai`. */
export function linkAgentDependencies(dir) {
  symlinkSync(path.resolve(import.meta.dirname, "..", "..", "..", "node_modules"), path.join(dir, "node_modules"));
}
