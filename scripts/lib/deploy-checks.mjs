// What must be true before `wrangler deploy` may run: the config names real resources
// (the bootstrap ran), the Worker has every required secret, and no D1 migration is
// pending remotely (new code must never meet an old schema). Each check returns
// {ok, what, detail, fix} so the deploy can print a clear pass/fail per check.
import { pendingRemoteMigrations } from "./bootstrap.mjs";
import { secretSpecsFor } from "./secret-specs.mjs";
import { listSecretNames } from "./secrets.mjs";
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

export async function checkRequiredSecrets(wrangler, config) {
  const names = await listSecretNames(wrangler);
  const missing = secretSpecsFor(config).filter((s) => s.required && !names.includes(s.name)).map((s) => s.name);
  return {
    ok: missing.length === 0,
    what: "required secrets on the Worker",
    detail: missing.length ? `missing: ${missing.join(", ")}` : "all set",
    fix: "run `npm run secrets`",
  };
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
