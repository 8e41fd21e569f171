// Reading the gateway's own files the way wrangler does: wrangler.jsonc (JSON with
// comments), the resources it binds, and D1 migration files (several statements each).

/** Parses JSONC: drops line and block comments, and trailing commas, outside strings. */
export function parseJsonc(text) {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === "\\") i++;
      out += text.slice(start, i + 1);
    } else if (ch === "/" && text[i + 1] === "/") {
      while (i < text.length && text[i] !== "\n") i++;
      out += "\n";
    } else if (ch === "/" && text[i + 1] === "*") {
      i = text.indexOf("*/", i + 2) + 1;
      if (i === 0) throw new Error("unterminated /* comment in JSONC");
    } else {
      out += ch;
    }
  }
  return JSON.parse(out.replace(/,(\s*[}\]])/g, "$1"));
}

/**
 * Splits a migration into statements: `--` comments dropped, `;` outside quotes ends a
 * statement, except inside CREATE TRIGGER ... BEGIN ... END.
 */
export function splitSqlStatements(sql) {
  const statements = [];
  let current = "";
  let quote = null;
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i];
    if (quote) {
      current += ch;
      if (ch === quote) quote = null;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      current += ch;
    } else if (ch === "-" && sql[i + 1] === "-") {
      while (i < sql.length && sql[i] !== "\n") i++;
      current += "\n";
    } else if (ch === ";" && !(/\bCREATE\s+TRIGGER\b/i.test(current) && !/\bEND\s*$/i.test(current))) {
      if (current.trim()) statements.push(current.trim());
      current = "";
    } else {
      current += ch;
    }
  }
  if (current.trim()) statements.push(current.trim());
  return statements;
}

/**
 * The D1, KV and Durable Object bindings a wrangler config declares, in Miniflare's (v4)
 * option shape. Every Durable Object binding is taken, so a class the gateway adds
 * (NODE_GATE, NETWORK_GUARD) is bound without a change here; a class runs on SQLite when a
 * migration created it as `new_sqlite_classes`, as it does in production.
 */
export function resourceBindings(config) {
  const migrations = config.migrations ?? [];
  return {
    d1Databases: Object.fromEntries((config.d1_databases ?? []).map((d1) => [d1.binding, d1.database_id])),
    kvNamespaces: Object.fromEntries((config.kv_namespaces ?? []).map((kv) => [kv.binding, kv.id])),
    durableObjects: Object.fromEntries((config.durable_objects?.bindings ?? []).map((b) => [b.name, {
      className: b.class_name,
      useSQLite: migrations.some((m) => m.new_sqlite_classes?.includes(b.class_name)),
    }])),
  };
}
