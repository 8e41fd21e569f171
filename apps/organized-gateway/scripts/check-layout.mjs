// The layout's rules, checked by `npm run typecheck` and before the test suites run:
// - no import cycle in the Worker's source (madge, type-only imports included);
// - no folder reaching back up into the surfaces: a surface (src/surfaces/<door>/) is imported
//   only by the entry files (src/index.ts, and src/scheduled.ts for the cron) and by other
//   surfaces, so the pipeline, the objects, the credentials and the shared pieces never depend
//   on one door;
// - a Durable Object stub is made only in src/objects/ (each class's typed client), so every
//   call to an object goes through methods that say what they do;
// - nobody decides by a strategy's name: callers ask it what it can do (route/strategies.ts),
//   and its name is shown by /health only.
import { readFileSync } from "node:fs";
import path from "node:path";
import madge from "madge";

const SRC = path.resolve(import.meta.dirname, "..", "src");

const graph = await madge(SRC, {
  fileExtensions: ["ts"],
  excludeRegExp: [/\.test\.ts$/, /\.d\.m?ts$/],
  detectiveOptions: { ts: { skipTypeImports: false }, tsx: { skipTypeImports: false } },
});

const problems = [];
for (const cycle of graph.circular()) problems.push(`import cycle: ${[...cycle, cycle[0]].join(" → ")}`);

const ENTRY_FILES = new Set(["index.ts", "scheduled.ts"]);
const doorOf = (file) => (file.startsWith("surfaces/") ? file.split("/").slice(0, 2).join("/") : null);
for (const [file, imports] of Object.entries(graph.obj())) {
  for (const imported of imports) {
    const door = doorOf(imported);
    if (door === null || ENTRY_FILES.has(file) || doorOf(file) !== null) continue;
    problems.push(`${file} reaches up into ${imported}: only the entry files and the surfaces import a surface`);
  }
}

const STUB = /\.(idFromName|idFromString|newUniqueId|getByName)\(/;
const STRATEGY_NAME = /strategy\.name\b/;
const NAME_SHOWN_BY = new Set(["pipeline/route/strategies.ts", "surfaces/health/index.ts"]);
for (const file of Object.keys(graph.obj())) {
  const lines = readFileSync(path.join(SRC, file), "utf8").split("\n");
  for (const [i, line] of lines.entries()) {
    if (STUB.test(line) && !file.startsWith("objects/")) {
      problems.push(`${file}:${i + 1} makes a Durable Object stub: go through the object's typed client in src/objects/`);
    }
    if (STRATEGY_NAME.test(line) && !NAME_SHOWN_BY.has(file)) {
      problems.push(`${file}:${i + 1} asks a strategy its name: ask what it can do (route/strategies.ts)`);
    }
  }
}

if (problems.length > 0) {
  console.error(`The layout of apps/organized-gateway/src is broken:\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
