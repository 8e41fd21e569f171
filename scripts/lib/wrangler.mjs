// Runs the `wrangler` CLI for the organiser scripts: finds it (first on PATH, else this
// repository's copy), gives it a Node new enough to run, feeds secrets on stdin only, and
// turns a failure into an error that says which command failed and what to try.
import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import path from "node:path";
import { REPO_BIN } from "./paths.mjs";

/** The wrangler executable: the first on PATH (tests put a mock there), else ours. */
export function findWrangler(env = process.env) {
  for (const dir of (env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, "wrangler");
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return path.join(REPO_BIN, "wrangler");
}

export class WranglerError extends Error {
  constructor(args, code, stdout, stderr) {
    const tail = `${stderr}\n${stdout}`.trim().split("\n").slice(-15).join("\n");
    super(`\`wrangler ${args.join(" ")}\` failed (exit ${code}):\n${tail}\n` +
      "If it says you are not logged in: run `npx wrangler login`, or set CLOUDFLARE_API_TOKEN " +
      "(and CLOUDFLARE_ACCOUNT_ID when the token can see several accounts).");
    this.name = "WranglerError";
    this.code = code;
    this.stdout = stdout;
    this.stderr = stderr;
  }
}

/**
 * A wrangler bound to one config file. `run(args, {input})` resolves to {stdout, stderr};
 * `input` goes to wrangler's stdin (how secrets are passed: never on the command line).
 * `inherit: true` lets wrangler print straight to the organiser's terminal; `echo: true`
 * prints as it goes too, and still resolves to what it printed (to read a URL from it).
 */
export function wranglerFor(configPath, { env = process.env } = {}) {
  const bin = findWrangler(env);
  // wrangler's `#!/usr/bin/env node` must find a Node >= 22; the one running us is (npm puts
  // node_modules/.bin first), so put its directory first for the child.
  const childEnv = {
    ...env,
    PATH: [path.dirname(process.execPath), env.PATH ?? ""].join(path.delimiter),
    WRANGLER_SEND_METRICS: "false",
    NO_COLOR: "1",
    CI: env.CI ?? "true",
  };
  const cwd = path.dirname(configPath);
  const run = (args, { input, inherit = false, echo = false } = {}) => new Promise((resolve, reject) => {
    const full = [...args, "--config", configPath];
    const child = spawn(bin, full, {
      cwd,
      env: childEnv,
      stdio: ["pipe", inherit ? "inherit" : "pipe", inherit ? "inherit" : "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (d) => { stdout += d; if (echo) process.stdout.write(d); });
    child.stderr?.on("data", (d) => { stderr += d; if (echo) process.stderr.write(d); });
    child.on("error", (error) => reject(new Error(`could not run ${bin}: ${error.message}. Run \`npm install\` first.`)));
    child.on("close", (code) => {
      if (code === 0) resolve({ stdout, stderr });
      else reject(new WranglerError(args, code, stdout, stderr));
    });
    // A wrangler that exits before reading its input (a refusal, a fake in the tests) closes
    // the pipe: that EPIPE is not the run's failure, its exit code is.
    child.stdin.on("error", () => {});
    child.stdin.end(input ?? "");
  });
  return { bin, run, json: async (args) => parseJsonOutput((await run(args)).stdout, args) };
}

/** wrangler may print a banner or warnings before its JSON: read from the first [ or {. */
export function parseJsonOutput(stdout, args = []) {
  const start = stdout.search(/^[\[{]/m);
  if (start === -1) throw new Error(`\`wrangler ${args.join(" ")}\` printed no JSON:\n${stdout.slice(0, 500)}`);
  return JSON.parse(stdout.slice(start));
}
