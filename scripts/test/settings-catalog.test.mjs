// The settings the Worker parses (apps/organized-gateway/src/config.ts, its one declaration
// of each setting's name, default and validation) are the ones `npm start` passes on and the
// README documents: this holds the three to each other so none drifts.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { GATEWAY_DIR, SETTINGS } from "../../apps/organized-gateway/scripts/local-gateway.mjs";
import { SECRET_SPECS } from "../lib/secret-specs.mjs";

const config = readFileSync(path.join(GATEWAY_DIR, "src", "config.ts"), "utf8");
const schema = config.slice(config.indexOf("const settingsSchema = z.object({"), config.indexOf("}).superRefine("));
const parsed = [...schema.matchAll(/^\s{2}([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]);
const readme = readFileSync(path.join(GATEWAY_DIR, "..", "..", "README.md"), "utf8");

test("config.ts parses a non-trivial list of settings", () => {
  assert.ok(parsed.length > 20, parsed.join(" "));
  assert.ok(parsed.includes("UPSTREAMS") && parsed.includes("HASH_SECRET"));
});

test("every setting the Worker parses can be given to npm start", () => {
  for (const name of parsed) assert.ok(SETTINGS.includes(name), `${name} is missing from SETTINGS in local-gateway.mjs`);
});

test("every setting the Worker parses is in the README's settings table", () => {
  const firstCells = readme.split("\n").filter((line) => line.startsWith("| `")).map((line) => line.split("|")[1]);
  for (const name of parsed) assert.ok(firstCells.some((cell) => cell.includes(`\`${name}\``)), `${name} has no row in the README's table`);
});

test("every secret npm run secrets asks for is parsed by the Worker", () => {
  for (const spec of SECRET_SPECS) assert.ok(parsed.includes(spec.name), spec.name);
});
