// The bootstrap's steps, safe to repeat: find or create the KV namespace and the D1
// database on the Cloudflare account, write their ids into wrangler.jsonc (only those two
// values), and apply pending D1 migrations remotely. Returns what it did, step by step.
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { gatewayResources, readConfig, setValues, writeConfigIfChanged } from "./wrangler-config.mjs";

/** Finds a resource by name with `list`; creates it with `create` only when missing. */
async function findOrCreate({ list, create, name, dryRun }) {
  const existing = (await list()).find((r) => r.name === name);
  if (existing) return { id: existing.id, created: false };
  if (dryRun) return { id: null, created: false, wouldCreate: true };
  await create();
  // Read the id back from the account rather than from create's human-oriented text.
  const made = (await list()).find((r) => r.name === name);
  if (!made) throw new Error(`Created "${name}" but the account does not list it; run the bootstrap again.`);
  return { id: made.id, created: true };
}

/** Names of migrations `wrangler d1 migrations list` reports as unapplied. */
export function parsePendingMigrations(output) {
  if (/No migrations to apply/i.test(output)) return [];
  return [...output.matchAll(/([\w.-]+\.sql)/g)].map((m) => m[1]).filter((name, i, all) => all.indexOf(name) === i);
}

export function localMigrations(configFile, config) {
  const db = config.d1_databases?.find((d) => d.binding === "DB");
  const dir = path.join(path.dirname(configFile), db?.migrations_dir ?? "migrations");
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".sql")).sort() : [];
}

export async function pendingRemoteMigrations(wrangler, dbName) {
  const { stdout } = await wrangler.run(["d1", "migrations", "list", dbName, "--remote"]);
  return parsePendingMigrations(stdout);
}

/**
 * Runs the bootstrap. `wrangler` is from wranglerFor(configFile). With `dryRun`, only
 * reads the account: nothing is created, written or applied.
 * Returns { steps: [{what, outcome, detail}], configChanged }.
 */
export async function bootstrap({ wrangler, configFile, dryRun = false }) {
  const { text, value: config } = readConfig(configFile);
  const resources = gatewayResources(config);
  const steps = [];

  const kv = await findOrCreate({
    name: resources.kv.name,
    dryRun,
    list: async () => (await wrangler.json(["kv", "namespace", "list"])).map((ns) => ({ name: ns.title, id: ns.id })),
    create: () => wrangler.run(["kv", "namespace", "create", resources.kv.name]),
  });
  steps.push(resourceStep("KV namespace", resources.kv.name, kv));

  const d1 = await findOrCreate({
    name: resources.d1.name,
    dryRun,
    list: async () => (await wrangler.json(["d1", "list", "--json"])).map((db) => ({ name: db.name, id: db.uuid })),
    create: () => wrangler.run(["d1", "create", resources.d1.name]),
  });
  steps.push(resourceStep("D1 database", resources.d1.name, d1));

  const assignments = [[resources.kv.path, kv.id], [resources.d1.path, d1.id]].filter(([, id]) => id);
  const edited = setValues(text, assignments);
  const idsMatch = edited.changed.length === 0 && assignments.length === 2;
  const configChanged = !dryRun && writeConfigIfChanged(configFile, text, edited.text);
  const toCreate = [kv, d1].filter((r) => r.wouldCreate).length;
  let outcome = "unchanged";
  let detail = "already match the account";
  if (edited.changed.length || toCreate) {
    outcome = dryRun ? "would write" : "written";
    detail = [...edited.changed.map((p) => p.join(".")), ...(toCreate ? [`${toCreate} id(s) of resources to create`] : [])].join(", ");
  }
  steps.push({ what: `ids in ${path.basename(configFile)}`, outcome, detail });

  if (dryRun && !idsMatch) {
    // wrangler finds the remote database through the id in the config, which isn't there yet.
    const files = localMigrations(configFile, config);
    steps.push({ what: "D1 migrations (remote)", outcome: "would apply", detail: files.join(", ") || "none in the migrations folder" });
  } else {
    const pending = await pendingRemoteMigrations(wrangler, resources.d1.name);
    if (pending.length === 0) {
      steps.push({ what: "D1 migrations (remote)", outcome: "up to date", detail: "nothing to apply" });
    } else if (dryRun) {
      steps.push({ what: "D1 migrations (remote)", outcome: "would apply", detail: pending.join(", ") });
    } else {
      await wrangler.run(["d1", "migrations", "apply", resources.d1.name, "--remote"]);
      const still = await pendingRemoteMigrations(wrangler, resources.d1.name);
      if (still.length) throw new Error(`These migrations are still unapplied after applying: ${still.join(", ")}.`);
      steps.push({ what: "D1 migrations (remote)", outcome: "applied", detail: pending.join(", ") });
    }
  }
  return { steps, configChanged };
}

function resourceStep(kind, name, result) {
  if (result.wouldCreate) return { what: `${kind} ${name}`, outcome: "would create", detail: "not on the account yet" };
  return { what: `${kind} ${name}`, outcome: result.created ? "created" : "found", detail: `id ${result.id}` };
}
