// What must be true before `wrangler deploy` may run: the config names real resources
// (the bootstrap ran), the Worker has every required secret, it will know its public
// address (PUBLIC_URL), and no D1 migration is pending remotely (new code must never meet
// an old schema). Each check returns {ok, what, detail, fix} so the deploy can print a
// clear pass/fail per check.
import { pendingRemoteMigrations } from "./bootstrap.mjs";
import { publicUrlReason, secretSpecsFor } from "./secret-specs.mjs";
import { gatewayResources, PLACEHOLDER_IDS } from "./wrangler-config.mjs";

export function checkResourceIds(config) {
  const { d1, kv } = gatewayResources(config);
  const placeholders = [d1, kv].filter((r) => !r.id || PLACEHOLDER_IDS.has(r.id)).map((r) => r.binding);
  return {
    ok: placeholders.length === 0,
    what: "resource ids in wrangler.jsonc",
    detail: placeholders.length ? `placeholder id for ${placeholders.join(", ")}` : `D1 ${d1.id}, KV ${kv.id}`,
    fix: "run `npm run bootstrap` (creates or finds them and writes their ids)",
  };
}

/** `secretNames`: the secrets the Worker has (`listSecretNames`). */
export function checkRequiredSecrets(secretNames, config) {
  const missing = secretSpecsFor(config).filter((s) => s.required && !secretNames.includes(s.name)).map((s) => s.name);
  return {
    ok: missing.length === 0,
    what: "required secrets on the Worker",
    detail: missing.length ? `missing: ${missing.join(", ")}` : "all set",
    fix: "run `npm run secrets`",
  };
}

export const PUBLIC_URL_FIX = "give the address attendees open: `PUBLIC_URL=https://<your gateway's address> npm run secrets -- --yes`";

/**
 * The Worker hands out a kit and a join page only at PUBLIC_URL (it does not trust a
 * request's Host header). Set (secret, or `vars` in wrangler.jsonc): it must be a public
 * https address. Missing: `setAfterDeploy` — the deploy sets it to the workers.dev address
 * wrangler prints — unless the Worker has no workers.dev address, which refuses the deploy.
 */
export function checkPublicUrl(secretNames, config) {
  const what = "PUBLIC_URL (the address /join and the kit advertise)";
  const inVars = config.vars?.PUBLIC_URL;
  if (inVars !== undefined && inVars !== "") {
    const reason = publicUrlReason(inVars);
    return reason
      ? { ok: false, what, detail: `vars.PUBLIC_URL in wrangler.jsonc won't work: ${reason}`, fix: "fix vars.PUBLIC_URL in wrangler.jsonc, or remove it and let `npm run deploy` set the workers.dev address" }
      : { ok: true, what, detail: `${inVars} (vars in wrangler.jsonc)` };
  }
  if (secretNames.includes("PUBLIC_URL")) return { ok: true, what, detail: "set on the Worker" };
  if (config.workers_dev === false) {
    return { ok: false, what, detail: "not set, and the Worker has no workers.dev address to use (workers_dev is false)", fix: PUBLIC_URL_FIX };
  }
  return { ok: true, what, detail: "not set yet: set to the Worker's workers.dev address right after the deploy", setAfterDeploy: true };
}

/** The Worker's own workers.dev address in `wrangler deploy`'s output, or null. */
export function workersDevUrl(deployOutput, workerName) {
  const name = workerName.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`https://${name}\\.[a-z0-9-]+\\.workers\\.dev\\b`, "i").exec(deployOutput)?.[0] ?? null;
}

export async function checkMigrations(wrangler, config) {
  const pending = await pendingRemoteMigrations(wrangler, gatewayResources(config).d1.name);
  return {
    ok: pending.length === 0,
    what: "D1 migrations (remote)",
    detail: pending.length ? `pending: ${pending.join(", ")}` : "none pending",
    fix: "run `npm run bootstrap` (applies them), then deploy again",
  };
}
