#!/usr/bin/env node
// MOCK of the `wrangler` CLI's Cloudflare-account commands, for tests only: no Cloudflare
// account is reachable here. It keeps a pretend account (KV namespaces, D1 databases with
// their applied migrations, the Worker's secrets, deploys) in the JSON file named by
// MOCK_WRANGLER_STATE, records every call (arguments and stdin) there, and prints what
// wrangler 4.164 prints for the same commands (JSON where wrangler prints JSON).
// Any command it doesn't know fails loudly, so a script can't silently call something new.
import { randomBytes, randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parse } from "jsonc-parser";

const stateFile = process.env.MOCK_WRANGLER_STATE;
if (!stateFile) fail("MOCK_WRANGLER_STATE is not set (this is the test mock of wrangler).");
const state = JSON.parse(readFileSync(stateFile, "utf8"));
state.calls ??= [];
state.kv ??= [];
state.d1 ??= [];
state.secrets ??= {};
state.deploys ??= [];

const argv = process.argv.slice(2);
const option = (name) => {
  const i = argv.indexOf(name);
  return i === -1 ? undefined : argv[i + 1];
};
const flag = (name) => argv.includes(name);
const positionals = argv.filter((a, i) => !a.startsWith("--") && !(i > 0 && ["--config", "--outdir", "--format", "--name"].includes(argv[i - 1])));
const KNOWN = ["kv namespace list", "kv namespace create", "d1 migrations list", "d1 migrations apply", "d1 list",
  "d1 create", "secret list", "secret put", "deploy"];
const joined = positionals.join(" ");
const command = KNOWN.find((k) => joined === k || joined.startsWith(`${k} `));
/**
 * All of stdin (nothing at a terminal). Read as a stream: a synchronous read of a pipe whose
 * writer has not written yet fails with EAGAIN when the pipe is non-blocking, which made a
 * set-up step of the deploy tests fail now and then under load.
 */
async function readStdin() {
  if (process.stdin.isTTY) return "";
  process.stdin.setEncoding("utf8");
  let text = "";
  for await (const chunk of process.stdin) text += chunk;
  return text;
}
const stdin = await readStdin();
state.calls.push({ args: argv, stdin });

const configPath = option("--config") ?? path.resolve("wrangler.jsonc");
const config = existsSync(configPath) ? parse(readFileSync(configPath, "utf8")) : {};
const worker = option("--name") ?? config.name;

function save() {
  writeFileSync(stateFile, JSON.stringify(state, null, 2));
}
function fail(message) {
  if (state && stateFile) save();
  process.stderr.write(`\n✘ [ERROR] ${message}\n\n`);
  process.exit(1);
}
const banner = () => process.stdout.write("\n ⛅️ wrangler 4.164.0 (mock)\n──────────────────────────\n");

if (state.loggedIn === false) fail("You are not authenticated. Please run `wrangler login`.");

function databaseFromConfig(nameOrBinding) {
  const entry = (config.d1_databases ?? []).find((d) => d.database_name === nameOrBinding || d.binding === nameOrBinding);
  if (!entry) fail(`Couldn't find a D1 DB with the name or binding '${nameOrBinding}' in your wrangler.jsonc file.`);
  const db = state.d1.find((d) => d.uuid === entry.database_id);
  if (!db) fail(`A request to the Cloudflare API (/accounts/mock/d1/database/${entry.database_id}/query) failed.\n  The database ${entry.database_id} could not be found [code: 7404]`);
  const dir = path.join(path.dirname(configPath), entry.migrations_dir ?? "migrations");
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".sql")).sort() : [];
  return { db, pending: files.filter((f) => !db.applied.includes(f)) };
}

function table(rows) {
  const width = Math.max(4, ...rows.map((r) => r.length));
  return [`┌${"─".repeat(width + 2)}┐`, `│ ${"Name".padEnd(width)} │`, `├${"─".repeat(width + 2)}┤`,
    ...rows.map((r) => `│ ${r.padEnd(width)} │`), `└${"─".repeat(width + 2)}┘`].join("\n");
}

switch (command) {
  case "kv namespace list":
    process.stdout.write(`${JSON.stringify(state.kv.map(({ id, title }) => ({ id, title, supports_url_encoding: true })), null, "  ")}\n`);
    break;
  case "kv namespace create": {
    const title = positionals[3];
    if (state.kv.some((ns) => ns.title === title)) fail(`A KV namespace with the title "${title}" already exists.`);
    const id = randomBytes(16).toString("hex");
    state.kv.push({ id, title });
    banner();
    process.stdout.write(`Resource location: remote\n🌀 Creating namespace with title "${title}"\n✨ Success!\nTo access your new KV Namespace in your Worker, add the following snippet to your configuration file:\n{\n  "kv_namespaces": [\n    {\n      "binding": "${title.replace(/-/g, "_")}",\n      "id": "${id}"\n    }\n  ]\n}\n`);
    break;
  }
  case "d1 list":
    if (flag("--json")) process.stdout.write(`${JSON.stringify(state.d1.map(({ uuid, name }) => ({ uuid, name, created_at: "2026-11-24T09:00:00.000Z", version: "production", num_tables: 0, file_size: 0 })), null, 2)}\n`);
    else { banner(); process.stdout.write(state.d1.map((d) => `${d.uuid} ${d.name}`).join("\n") + "\n"); }
    break;
  case "d1 create": {
    const name = positionals[2];
    if (state.d1.some((d) => d.name === name)) fail(`A database with that name already exists [code: 7502]`);
    const uuid = randomUUID();
    state.d1.push({ uuid, name, applied: [] });
    banner();
    process.stdout.write(`✅ Successfully created DB '${name}' in region WEUR\nCreated your new D1 database.\n\nTo access your new D1 Database in your Worker, add the following snippet to your configuration file:\n{\n  "d1_databases": [\n    {\n      "binding": "${name.replace(/-/g, "_")}",\n      "database_name": "${name}",\n      "database_id": "${uuid}"\n    }\n  ]\n}\n`);
    break;
  }
  case "d1 migrations list": {
    if (!flag("--remote")) fail("mock-wrangler only answers `d1 migrations list --remote`.");
    const { pending } = databaseFromConfig(positionals[3]);
    banner();
    process.stdout.write("Resource location: remote \n\n");
    process.stdout.write(pending.length ? `Migrations to be applied:\n${table(pending)}\n` : "✅ No migrations to apply!\n");
    break;
  }
  case "d1 migrations apply": {
    if (!flag("--remote")) fail("mock-wrangler only answers `d1 migrations apply --remote`.");
    const { db, pending } = databaseFromConfig(positionals[3]);
    banner();
    if (!pending.length) { process.stdout.write("✅ No migrations to apply!\n"); break; }
    process.stdout.write(`Migrations to be applied:\n${table(pending)}\n`);
    for (const file of pending) { db.applied.push(file); process.stdout.write(`🌀 Executing on remote database ${db.name} (${db.uuid}):\n🚣 ${file} ✅\n`); }
    break;
  }
  case "secret list":
    if (!state.secrets[worker]) fail(`A request to the Cloudflare API (/accounts/mock/workers/scripts/${worker}/secrets) failed.\n  This Worker does not exist on your account. [code: 10007]`);
    process.stdout.write(`${JSON.stringify(Object.keys(state.secrets[worker]).map((name) => ({ name, type: "secret_text" })), null, 2)}\n`);
    break;
  case "secret put": {
    const name = positionals[2];
    banner();
    if (!state.secrets[worker]) {
      process.stdout.write(`🌀 Creating new Worker "${worker}"...\n`);
      state.secrets[worker] = {};
    }
    // wrangler trims trailing whitespace of a value read from stdin.
    state.secrets[worker][name] = stdin.trimEnd();
    process.stdout.write(`🌀 Creating the secret for the Worker "${worker}" \n✨ Success! Uploaded secret ${name}\n`);
    break;
  }
  case "deploy": {
    banner();
    if (flag("--dry-run")) fail("mock-wrangler does not bundle: run the real wrangler for --dry-run.");
    state.deploys.push({ worker, at: new Date().toISOString() });
    // The workers.dev address unless the config turns it off; then only its routes, if any.
    const targets = config.workers_dev === false
      ? (config.routes ?? []).map((route) => `  ${typeof route === "string" ? route : route.pattern}`)
      : [`  https://${worker}.mock-account.workers.dev`];
    const triggers = targets.length ? `Deployed ${worker} triggers (0.50 sec)\n${targets.join("\n")}` : `No deploy targets for ${worker} (0.50 sec)`;
    process.stdout.write(`Uploaded ${worker} (1.00 sec)\n${triggers}\nCurrent Version ID: ${randomUUID()}\n`);
    break;
  }
  default:
    fail(`mock-wrangler does not know \`wrangler ${argv.join(" ")}\`.`);
}
save();
