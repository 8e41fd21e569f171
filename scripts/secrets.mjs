// `npm run secrets`: walks the organiser through every secret the deployed gateway needs
// and sets them with `wrangler secret put` (value on stdin). Random ones are generated.
// Non-interactive (`--yes`, or no terminal): values come from the environment; secrets
// already set are kept; HASH_SECRET is generated when missing.
import path from "node:path";
import { parseArgs } from "node:util";
import { GATEWAY_CONFIG } from "./lib/paths.mjs";
import { createPrompter } from "./lib/prompt.mjs";
import { secretSpecsFor } from "./lib/secret-specs.mjs";
import { applySecretPlan, listSecretNames, planSecrets } from "./lib/secrets.mjs";
import { readConfig } from "./lib/wrangler-config.mjs";
import { wranglerFor } from "./lib/wrangler.mjs";

const { values: flags } = parseArgs({
  options: {
    yes: { type: "boolean", short: "y" },
    interactive: { type: "boolean" },
    config: { type: "string" },
    help: { type: "boolean", short: "h" },
  },
});
const configFile = path.resolve(flags.config ?? GATEWAY_CONFIG);
const specs = secretSpecsFor(readConfig(configFile).value);

if (flags.help) {
  console.log(`Usage: npm run secrets [-- --yes] [-- --config <wrangler.jsonc>]

Sets the deployed gateway's secrets with \`wrangler secret put\` (value on stdin):
${specs.map((s) => `  ${s.name.padEnd(15)} ${s.required ? "required" : "optional"}  ${s.question}`).join("\n")}
Interactive on a terminal. With --yes (or without a terminal) values come from the
environment, e.g. OPENCLAW_URL=https://... ADMIN_TOKEN=... npm run secrets -- --yes;
secrets already set are kept and HASH_SECRET is generated when missing.`);
  process.exit(0);
}

const interactive = flags.interactive || (!flags.yes && Boolean(process.stdin.isTTY));
const wrangler = wranglerFor(configFile);
const prompter = interactive ? createPrompter() : null;
try {
  const existing = await listSecretNames(wrangler);
  const worker = readConfig(configFile).value.name;
  console.error(existing.length
    ? `Worker "${worker}" has these secrets set: ${existing.join(", ")}.`
    : `Worker "${worker}" has no secrets yet.`);
  const values = Object.fromEntries(specs.map((s) => [s.name, process.env[s.name]]));
  const plan = await planSecrets({ specs, existing, values, prompter });
  prompter?.close();
  const report = await applySecretPlan(wrangler, plan);
  console.log(report.map((line) => `  ${line}`).join("\n"));
  const admin = plan.find((p) => p.action === "put" && p.generated && p.spec.revealGenerated);
  if (admin) {
    console.log(`\n${admin.spec.name} (shown this once — store it in your password manager):\n  ${admin.value}`);
  }
  console.log("\nSecrets done. Next: `npm run deploy`.");
} catch (error) {
  prompter?.close();
  console.error(`\nSecrets stopped: ${error.message}`);
  process.exit(1);
}
