// `npm run deploy`: checks, then `wrangler deploy`. Local checks first (types, the whole
// test suite), then the account's state (resource ids, required secrets, PUBLIC_URL,
// pending D1 migrations); any failure stops the deploy and says what to run. Without
// PUBLIC_URL the Worker hands out no kit or join page, so a deploy that finds none sets it
// to the workers.dev address wrangler prints. `--dry-run` bundles the Worker exactly as a
// deploy would (`wrangler deploy --dry-run`) without an account.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { PUBLIC_URL_FIX, checkMigrations, checkPublicUrl, checkRequiredSecrets, checkResourceIds, workersDevUrl } from "./lib/deploy-checks.mjs";
import { GATEWAY_CONFIG, REPO_ROOT } from "./lib/paths.mjs";
import { listSecretNames } from "./lib/secrets.mjs";
import { readConfig } from "./lib/wrangler-config.mjs";
import { wranglerFor } from "./lib/wrangler.mjs";

const { values: flags } = parseArgs({
  options: {
    "dry-run": { type: "boolean" },
    "skip-local-checks": { type: "boolean" },
    outdir: { type: "string" },
    config: { type: "string" },
    help: { type: "boolean", short: "h" },
  },
});
if (flags.help) {
  console.log(`Usage: npm run deploy [-- --dry-run] [-- --skip-local-checks] [-- --outdir <dir>]

1. local checks: typecheck and \`npm test\` (skip with --skip-local-checks when CI just ran them)
2. account checks: resource ids in wrangler.jsonc, required secrets set, PUBLIC_URL, no pending D1 migration
3. \`wrangler deploy\`; when PUBLIC_URL is not set, it is then set to the workers.dev address
--dry-run bundles the Worker without uploading (no account needed; account checks skipped);
--outdir keeps that bundle.`);
  process.exit(0);
}

const configFile = path.resolve(flags.config ?? GATEWAY_CONFIG);
const dryRun = Boolean(flags["dry-run"]);
const wrangler = wranglerFor(configFile);

function report(check) {
  console.log(`  ${check.ok ? "PASS" : "FAIL"}  ${check.what}: ${check.detail}`);
  return check.ok;
}

function localCheck(what, command, args) {
  console.log(`\n── ${what}: ${command} ${args.join(" ")}`);
  const result = spawnSync(command, args, { cwd: REPO_ROOT, stdio: "inherit" });
  return report({ ok: result.status === 0, what, detail: result.status === 0 ? "passed" : `failed (exit ${result.status})` });
}

const failures = [];
try {
  if (flags["skip-local-checks"]) {
    console.log("Local checks skipped (--skip-local-checks).");
  } else {
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    if (!localCheck("typecheck", npm, ["run", "typecheck"])) failures.push({ fix: "fix the type errors above" });
    else if (!localCheck("tests", npm, ["test"])) failures.push({ fix: "fix the failing tests above" });
  }

  const { value: config } = readConfig(configFile);
  let publicUrl;
  if (!failures.length) {
    console.log(dryRun ? "\nAccount checks skipped (dry run)." : "\nChecking the Cloudflare account…");
    const checks = dryRun ? [] : [checkResourceIds(config)];
    if (!dryRun && checks[0].ok) {
      const secretNames = await listSecretNames(wrangler);
      publicUrl = checkPublicUrl(secretNames, config);
      checks.push(checkRequiredSecrets(secretNames, config), publicUrl, await checkMigrations(wrangler, config));
    }
    for (const check of checks) if (!report(check)) failures.push(check);
  }

  if (failures.length) {
    console.error(`\nNot deployed. To fix:\n${failures.map((f) => `  - ${f.fix}`).join("\n")}`);
    process.exit(1);
  }

  if (dryRun) {
    const outdir = flags.outdir ? path.resolve(flags.outdir) : mkdtempSync(path.join(os.tmpdir(), "ocg-bundle-"));
    console.log(`\n── wrangler deploy --dry-run --outdir ${outdir}`);
    await wrangler.run(["deploy", "--dry-run", "--outdir", outdir], { inherit: true });
    if (!flags.outdir) rmSync(outdir, { recursive: true, force: true });
    console.log("\nDry run passed: the Worker bundles. Nothing was uploaded.");
  } else {
    console.log("\n── wrangler deploy");
    const { stdout } = await wrangler.run(["deploy"], { echo: true });
    const address = workersDevUrl(stdout, config.name);
    if (publicUrl?.setAfterDeploy) {
      if (!address) {
        console.error(`\nDeployed, but PUBLIC_URL is not set and wrangler printed no workers.dev address to set it to:\n` +
          `/join and /kit.zip answer 503 until you ${PUBLIC_URL_FIX}.`);
        process.exit(1);
      }
      // Its value on stdin like every secret; `secret put` rolls the Worker out with it at once.
      await wrangler.run(["secret", "put", "PUBLIC_URL"], { input: address });
      console.log(`\nPUBLIC_URL set to ${address}, the Worker's workers.dev address: /join and the kit advertise it.\n` +
        "Behind a custom domain instead: `PUBLIC_URL=https://<your domain> npm run secrets -- --yes`.");
    }
    console.log(`\nDeployed. Next: \`npx ocg smoke ${address ?? "https://<your-worker>.workers.dev"}\` (see docs/day-of-checklist.md).`);
  }
} catch (error) {
  console.error(`\nNot deployed: ${error.message}`);
  process.exit(1);
}
