// The peer as a Worker: Portkey's gateway built the way Portkey deploys it to Cloudflare
// (`wrangler deploy --dry-run` of its repository's src/index.ts, with its wrangler.toml) and
// run in workerd beside ours, so CPU per request compares like with like (Portkey on Node
// pays Node's HTTP server instead of workerd's). The npm package ships only the Node build,
// so this needs a checkout of github.com/Portkey-AI/gateway at PORTKEY_VERSION with its
// dependencies installed (`npm install --ignore-scripts`): by default in
// node_modules/.cache/portkey-worker-<version>, or `--portkey-worker DIR`. Without one the
// target is left out and the report says so.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PORTKEY_VERSION } from "./portkey.mjs";
import { startMiniflare } from "./workerd.mjs";

const require = createRequire(import.meta.url);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
export const PORTKEY_WORKER_DIR = path.join(ROOT, "node_modules", ".cache", `portkey-worker-${PORTKEY_VERSION}`);

/** Why no Portkey Worker can be built from `dir`, or null when one can. */
export function portkeyWorkerMissing(dir) {
  if (!existsSync(path.join(dir, "src", "index.ts")) || !existsSync(path.join(dir, "wrangler.toml"))) {
    return `no checkout of Portkey's repository at ${path.relative(process.cwd(), dir)} (github.com/Portkey-AI/gateway v${PORTKEY_VERSION})`;
  }
  if (!existsSync(path.join(dir, "node_modules", "hono"))) return `Portkey's checkout at ${dir} has no node_modules (npm install --ignore-scripts there)`;
  return null;
}

/** Bundles Portkey's Worker into `outdir` with this repository's wrangler. */
export function buildPortkeyWorker(outdir, dir) {
  const wrangler = path.join(path.dirname(require.resolve("wrangler/package.json")), "bin", "wrangler.js");
  const result = spawnSync(process.execPath, [wrangler, "deploy", "--dry-run", "--outdir", outdir], {
    cwd: dir, encoding: "utf8", env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" },
  });
  if (result.status !== 0) throw new Error(`wrangler deploy --dry-run of Portkey's Worker failed:\n${result.stdout}\n${result.stderr}`);
  const toml = readFileSync(path.join(dir, "wrangler.toml"), "utf8");
  const date = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(toml)?.[1];
  const flags = /^compatibility_flags\s*=\s*\[([^\]]*)\]/m.exec(toml)?.[1].match(/"([^"]+)"/g)?.map((f) => f.slice(1, -1)) ?? [];
  return { path: path.join(outdir, "index.js"), compatibilityDate: date, compatibilityFlags: flags };
}

/** Starts Portkey's Worker on `port`; requests carry the same headers as Portkey on Node. */
export async function startPortkeyWorker(port, bundle) {
  return startMiniflare("portkey-worker", { port, rootPath: path.dirname(bundle.path) }, {
    modules: [{ type: "ESModule", path: bundle.path }],
    modulesRoot: path.dirname(bundle.path),
    compatibilityDate: bundle.compatibilityDate,
    compatibilityFlags: bundle.compatibilityFlags,
    // Its wrangler.toml's [vars].
    bindings: { ENVIRONMENT: "dev", CUSTOM_HEADERS_TO_IGNORE: [] },
  });
}
