// `npm run bootstrap` / `bash scripts/bootstrap.sh`: prepares a Cloudflare account for the
// gateway, once or as often as you like (each run only does what is missing):
// KV namespace + D1 database (found or created), their ids written into wrangler.jsonc,
// D1 migrations applied remotely. Needs `npx wrangler login` or CLOUDFLARE_API_TOKEN.
import path from "node:path";
import { parseArgs } from "node:util";
import { bootstrap } from "./lib/bootstrap.mjs";
import { GATEWAY_CONFIG } from "./lib/paths.mjs";
import { wranglerFor } from "./lib/wrangler.mjs";

const USAGE = `Usage: npm run bootstrap -- [--dry-run] [--config <wrangler.jsonc>]

Finds or creates the KV namespace and D1 database, writes their ids into the Wrangler
config (nothing else in it changes) and applies D1 migrations remotely. Safe to re-run.
  --dry-run   only look: say what would be created, written and applied
  --config    the Wrangler config (default: apps/organized-gateway/wrangler.jsonc)`;

const { values } = parseArgs({
  options: { "dry-run": { type: "boolean" }, config: { type: "string" }, help: { type: "boolean", short: "h" } },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const configFile = path.resolve(values.config ?? GATEWAY_CONFIG);
const dryRun = Boolean(values["dry-run"]);
console.log(`Bootstrapping the Cloudflare resources for ${path.relative(process.cwd(), configFile) || configFile}${dryRun ? " (dry run: nothing will change)" : ""}…`);
try {
  const { steps, configChanged } = await bootstrap({ wrangler: wranglerFor(configFile), configFile, dryRun });
  const width = Math.max(...steps.map((s) => s.what.length));
  for (const step of steps) console.log(`  ${step.what.padEnd(width)}  ${step.outcome.padEnd(12)} ${step.detail}`);
  if (configChanged) console.log("\nwrangler.jsonc changed: commit it, so that the next deploy uses these ids.");
  console.log(dryRun ? "\nDry run done; run without --dry-run to do it." : "\nBootstrap done. Next: `npm run secrets`, then `npm run deploy`.");
} catch (error) {
  console.error(`\nBootstrap stopped: ${error.message}`);
  process.exit(1);
}
