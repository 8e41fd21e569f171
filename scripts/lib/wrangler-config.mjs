// Reads the Worker's wrangler.jsonc and writes resource ids into it without touching
// anything else: comments, order and formatting stay as they were (jsonc-parser edits
// only the bytes of the value that changes, and nothing when the value is already right).
import { readFileSync, writeFileSync } from "node:fs";
import { applyEdits, modify, parse, printParseErrorCode } from "jsonc-parser";

/** Placeholder ids the repository ships with: local dev ignores them, a deploy can't. */
export const PLACEHOLDER_IDS = new Set(["00000000-0000-0000-0000-000000000000", "00000000000000000000000000000000"]);

export function readConfig(file) {
  const text = readFileSync(file, "utf8");
  const errors = [];
  const value = parse(text, errors, { allowTrailingComma: true });
  if (errors.length) {
    const { error, offset } = errors[0];
    throw new Error(`${file} is not valid JSONC (${printParseErrorCode(error)} at character ${offset}).`);
  }
  return { text, value };
}

/** The D1 database and KV namespace the gateway binds, with where their ids live. */
export function gatewayResources(config, { d1Binding = "DB", kvBinding = "GATEWAY_KV" } = {}) {
  const d1Index = (config.d1_databases ?? []).findIndex((db) => db.binding === d1Binding);
  const kvIndex = (config.kv_namespaces ?? []).findIndex((ns) => ns.binding === kvBinding);
  if (d1Index === -1) throw new Error(`wrangler.jsonc has no d1_databases entry with binding "${d1Binding}".`);
  if (kvIndex === -1) throw new Error(`wrangler.jsonc has no kv_namespaces entry with binding "${kvBinding}".`);
  const d1 = config.d1_databases[d1Index];
  const kv = config.kv_namespaces[kvIndex];
  return {
    d1: { binding: d1Binding, name: d1.database_name, id: d1.database_id, path: ["d1_databases", d1Index, "database_id"] },
    // KV namespaces have no name in the config: by convention they are titled after the Worker.
    kv: { binding: kvBinding, name: `${config.name}-kv`, id: kv.id, path: ["kv_namespaces", kvIndex, "id"] },
  };
}

/**
 * Sets each [path, value] in the JSONC text. Returns the new text (identical when every
 * value was already right) and the paths that changed.
 */
export function setValues(text, assignments) {
  let next = text;
  const changed = [];
  for (const [path, value] of assignments) {
    const current = valueAt(parse(next, [], { allowTrailingComma: true }), path);
    if (current === value) continue;
    const edits = modify(next, path, value, { formattingOptions: { insertSpaces: true, tabSize: 2, eol: "\n" } });
    next = applyEdits(next, edits);
    changed.push(path);
  }
  return { text: next, changed };
}

/** Writes only when something changed, so a re-run leaves the file (and its mtime) alone. */
export function writeConfigIfChanged(file, before, after) {
  if (before === after) return false;
  writeFileSync(file, after);
  return true;
}

function valueAt(value, path) {
  return path.reduce((node, key) => (node == null ? undefined : node[key]), value);
}
