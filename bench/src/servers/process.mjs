// Process helpers: wait for a child to say it is ready, find a process's children, and
// read a process's memory (RSS now and its peak, VmHWM) and CPU time from /proc.
import { spawnSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";

/** Resolves when the child prints a line matching `pattern`; rejects on exit or timeout. */
export function waitForLine(child, pattern, timeoutMs, what) {
  return new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => done(new Error(`${what} did not start within ${timeoutMs / 1000} s:\n${seen.slice(-2000)}`)), timeoutMs);
    const onData = (data) => {
      seen += String(data);
      // Strip ANSI colours: some servers print their banner coloured.
      if (pattern.test(seen.replace(/\x1b\[[0-9;]*m/g, ""))) done(null);
    };
    const onExit = (code) => done(new Error(`${what} exited (code ${code}) before it was ready:\n${seen.slice(-2000)}`));
    const done = (error) => {
      clearTimeout(timer);
      child.stdout?.off("data", onData);
      child.stderr?.off("data", onData);
      child.off("exit", onExit);
      // Keep draining output so a chatty child never blocks on a full pipe.
      child.stdout?.resume();
      child.stderr?.resume();
      if (error) reject(error);
      else resolve();
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", onExit);
  });
}

/** Pids of the direct children of `pid` whose command name matches `name`. */
export function childPids(pid, name) {
  const found = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // comm is in parentheses and may contain spaces; the ppid follows the state letter.
      const close = stat.lastIndexOf(")");
      const comm = stat.slice(stat.indexOf("(") + 1, close);
      const ppid = Number(stat.slice(close + 2).split(" ")[1]);
      if (ppid === pid && (!name || comm === name)) found.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

/** All descendants of `pid` (children, grandchildren, ...). */
export function descendantPids(pid) {
  const out = [];
  for (const child of childPids(pid)) out.push(child, ...descendantPids(child));
  return out;
}

/** Resident memory of a process in MiB: now and the peak since it started. */
export function memoryOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kib = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
    return { rss_mb: round(kib("VmRSS") / 1024), peak_rss_mb: round(kib("VmHWM") / 1024) };
  } catch {
    return { rss_mb: null, peak_rss_mb: null };
  }
}

const round = (n) => Math.round(n * 10) / 10;

let ticksPerSecond = null;

/** CPU time a process has used so far (user + system, all its threads), in ms; null if gone. */
export function cpuMsOf(pid) {
  ticksPerSecond ??= Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the parenthesised command name: state is #3, utime #14, stime #15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
  } catch {
    return null;
  }
}
