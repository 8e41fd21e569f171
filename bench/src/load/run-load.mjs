// Parent side of the load generators: runs one job in a fresh child process and returns
// its result (the child's last line of output, JSON).
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CHILD = path.join(HERE, "child.mjs");
const ATTENDEES = path.join(HERE, "attendees.mjs");

/** autocannon or sequential TTFB requests (child.mjs). */
export const runLoadJob = (job) => runChildJob(CHILD, job);

/** A room of attendees at their limits (attendees.mjs), for the capacity check. */
export const runAttendeesJob = (job) => runChildJob(ATTENDEES, job);

function runChildJob(script, job) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, JSON.stringify(job)], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("exit", (code) => {
      const line = out.trim().split("\n").pop();
      if (code !== 0 || !line) reject(new Error(`load generator failed (code ${code}):\n${err.slice(-2000)}`));
      else resolve(JSON.parse(line));
    });
  });
}
