// Writes what the settings catalog (src/settings/catalog.mjs) decides into the files that
// cannot import it: docs/settings.md (the table the README links to), the `vars` block of
// wrangler.jsonc (each setting kept there, at its default) and worker-configuration.d.ts
// (`wrangler types`, whose Env lists those vars). `npm run settings -w organized-gateway`
// rewrites them after a change to the catalog; `-- --check` only says which are stale
// (scripts/test/settings-catalog.test.mjs runs it, so a stale file fails the tests).
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { applyEdits, modify, parse } from "jsonc-parser";
import { LOCAL_SETTINGS, SETTINGS, wranglerVars } from "../src/settings/catalog.mjs";

export const GATEWAY_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const SETTINGS_DOC = path.join(GATEWAY_DIR, "..", "..", "docs", "settings.md");
const WRANGLER_CONFIG = path.join(GATEWAY_DIR, "wrangler.jsonc");

/** A table cell: one line, its pipes escaped. */
function cell(text) {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function defaultCell(entry) {
  if (entry.default !== undefined) return `\`${entry.default}\``;
  return entry.defaultDoc ?? "—";
}

function keptCell(entry) {
  if (entry.keptIn === "vars") return "`vars`";
  return entry.secret ? "secret (hidden)" : "secret";
}

/** docs/settings.md, whole. */
export function settingsDoc() {
  const rows = Object.entries(SETTINGS).map(([name, entry]) =>
    `| \`${name}\` | ${cell(defaultCell(entry))} | ${keptCell(entry)} | ${cell(entry.neededWhen?.doc ?? "—")} | ${cell(entry.doc)} |`);
  const local = Object.entries(LOCAL_SETTINGS).map(([name, entry]) =>
    `| \`${name}\` | ${cell(defaultCell(entry))} | ${cell(entry.doc)} |`);
  return [
    "# Settings",
    "",
    "<!-- Generated from apps/organized-gateway/src/settings/catalog.mjs by `npm run settings -w organized-gateway`: edit the catalog, not this file. -->",
    "",
    "Every setting can come from the process environment (`ADMIN_TOKEN=... npm start`) or from",
    "`apps/organized-gateway/.dev.vars`; the environment wins, and an empty value is the default.",
    "Deployed, a setting kept in `vars` is in `wrangler.jsonc` (at its default; edit it there), and",
    "one kept as a secret is set on the Worker by `npm run secrets` (a hidden one is never echoed).",
    "A setting the Worker cannot parse, or one its mode needs and lacks, makes every request answer",
    "503 `gateway_misconfigured` naming the setting, never its value.",
    "",
    "| setting | default | deployed as | needed | what it does |",
    "|---|---|---|---|---|",
    ...rows,
    "",
    "## `npm start` only",
    "",
    "| setting | default | what it does |",
    "|---|---|---|",
    ...local,
    "",
  ].join("\n");
}

/** wrangler.jsonc's text with its `vars` exactly the catalog's (comments and the rest kept). */
export function wranglerConfigText(text) {
  const edits = modify(text, ["vars"], wranglerVars(), { formattingOptions: { insertSpaces: true, tabSize: 2 } });
  return applyEdits(text, edits);
}

/** The vars wrangler.jsonc holds now. */
export function wranglerConfigVars(text = readFileSync(WRANGLER_CONFIG, "utf8")) {
  return parse(text).vars ?? {};
}

function wranglerTypes(check) {
  const wrangler = path.join(GATEWAY_DIR, "..", "..", "node_modules", ".bin", "wrangler");
  // An empty settings file: a developer's .dev.vars must not become part of the committed types.
  const args = ["types", "--env-file", "/dev/null", ...(check ? ["--check"] : [])];
  return spawnSync(wrangler, args, {
    cwd: GATEWAY_DIR, encoding: "utf8",
    // wrangler runs on this Node (the project's, >= 22), whatever `node` is first on PATH.
    env: { ...process.env, PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH}`, CI: "true", WRANGLER_SEND_METRICS: "false", WRANGLER_SEND_ERROR_REPORTS: "false", NO_COLOR: "1" },
  });
}

/** The generated files that differ from what the catalog says (all of them are rewritten unless `check`). */
export function syncSettingsFiles({ check = false } = {}) {
  const stale = [];
  const doc = settingsDoc();
  let current = "";
  try { current = readFileSync(SETTINGS_DOC, "utf8"); } catch { /* not written yet */ }
  if (current !== doc) {
    stale.push("docs/settings.md");
    if (!check) writeFileSync(SETTINGS_DOC, doc);
  }
  const config = readFileSync(WRANGLER_CONFIG, "utf8");
  const synced = wranglerConfigText(config);
  if (synced !== config) {
    stale.push("apps/organized-gateway/wrangler.jsonc (vars)");
    if (!check) writeFileSync(WRANGLER_CONFIG, synced);
  }
  const typesFile = path.join(GATEWAY_DIR, "worker-configuration.d.ts");
  const typesBefore = readFileSync(typesFile, "utf8");
  const types = wranglerTypes(check);
  if (types.status !== 0 && !check) throw new Error(`wrangler types failed:\n${types.stdout}\n${types.stderr}`);
  if (types.status !== 0 || readFileSync(typesFile, "utf8") !== typesBefore) stale.push("apps/organized-gateway/worker-configuration.d.ts");
  return stale;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const check = process.argv.includes("--check");
  const stale = syncSettingsFiles({ check });
  if (check && stale.length) {
    console.error(`Stale against src/settings/catalog.mjs: ${stale.join(", ")}. Run: npm run settings -w organized-gateway`);
    process.exit(1);
  }
  console.log(check ? "The settings files match the catalog." : stale.length ? `Rewrote: ${stale.join(", ")}.` : "Nothing to rewrite.");
}
