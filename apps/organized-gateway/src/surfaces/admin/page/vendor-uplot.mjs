// Copies uPlot (the dashboard's chart library, from node_modules) into uplot.ts as text, so
// the Worker serves it itself: the dashboard must work with no CDN and no internet.
// Run after upgrading uplot: node src/surfaces/admin/page/vendor-uplot.mjs (a test checks the copy is current).
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);
const dist = path.dirname(require.resolve("uplot/dist/uPlot.iife.min.js"));
const version = JSON.parse(readFileSync(path.join(dist, "..", "package.json"), "utf8")).version;

export function vendoredSource() {
  return [
    `// uPlot ${version} (MIT, https://github.com/leeoniya/uPlot), copied from node_modules by vendor-uplot.mjs.`,
    "// Generated: do not edit by hand.",
    `export const UPLOT_VERSION = ${JSON.stringify(version)};`,
    `export const UPLOT_JS = ${JSON.stringify(readFileSync(path.join(dist, "uPlot.iife.min.js"), "utf8"))};`,
    `export const UPLOT_CSS = ${JSON.stringify(readFileSync(path.join(dist, "uPlot.min.css"), "utf8"))};`,
    "",
  ].join("\n");
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  writeFileSync(new URL("./uplot.ts", import.meta.url), vendoredSource());
  console.log(`wrote uplot.ts (uPlot ${version})`);
}
