// The layout's two rules, checked by `npm run typecheck` and before the test suites run:
// no import cycle in the Worker's source (madge, type-only imports included), and no folder
// reaching back up into the surfaces: a surface (src/surfaces/<door>/) is imported only by
// the entry files (src/index.ts, and src/scheduled.ts for the cron) and by other surfaces, so the pipeline, the objects, the
// credentials and the shared pieces never depend on one door.
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

if (problems.length > 0) {
  console.error(`The layout of apps/organized-gateway/src is broken:\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
