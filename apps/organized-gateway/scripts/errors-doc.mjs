// Writes docs/errors.md from the catalog of error codes (src/errors/catalog.mjs): every code
// the gateway answers with its status, type, the attendee's sentence (each way it reads, with
// the catalog's example values) and the organiser's sentence, then the upstreams' codes the
// dashboard explains. `npm run errors -w organized-gateway` rewrites it; `-- --check` only
// says whether it is stale (scripts/test/errors-catalog.test.mjs runs it).
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { ERRORS, UPSTREAM_CODES, answerOf } from "../src/errors/catalog.mjs";

export const ERRORS_DOC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "docs", "errors.md");

const cell = (text) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** Each way a code reads: [status, type, sentence], one per example (one for a fixed sentence). */
export function renderings(entry) {
  return (entry.examples ?? [undefined]).map((values) => {
    const { status, type, message } = answerOf(entry, values);
    return [status, type, message];
  });
}

/** docs/errors.md, whole. */
export function errorsDoc() {
  const rows = Object.entries(ERRORS).flatMap(([code, entry]) => renderings(entry).map(([status, type, sentence], i) =>
    i === 0
      ? `| \`${code}\` | ${status} | \`${type}\` | ${cell(sentence)} | ${cell(entry.organiser)} |`
      : `| ″ | ${status} | \`${type}\` | ${cell(sentence)} | ″ |`));
  const upstream = Object.entries(UPSTREAM_CODES).map(([code, sentence]) => `| \`${code}\` | ${cell(sentence)} |`);
  return [
    "# Error codes",
    "",
    "<!-- Generated from apps/organized-gateway/src/errors/catalog.mjs by `npm run errors -w organized-gateway`: edit the catalog, not this file. -->",
    "",
    "Every error the gateway answers is OpenAI-shaped, `{\"error\":{\"message\",\"type\",\"code\",\"param\"}}`",
    "(the Anthropic surface answers Anthropic-shaped). `message` is the attendee's sentence, worded",
    "from the values of the moment (the examples below); the dashboard and the admin API",
    "(`last_error_message`, `error_message`) show the organiser's sentence for the same code.",
    "A code listed twice reads (or answers) differently by where it is answered.",
    "",
    "| code | status | type | the attendee reads (example) | the organiser reads |",
    "|---|---|---|---|---|",
    ...rows,
    "",
    "## Codes an upstream writes",
    "",
    "An upstream's own error (OpenAI, ChatGPT, the agent host) reaches the attendee in the upstream's",
    "words; the gateway logs its code, and the dashboard explains these. Any other upstream error is",
    "logged as `upstream_http_<status>` (or the upstream's own code) and explained by its HTTP status.",
    "",
    "| code | the organiser reads |",
    "|---|---|",
    ...upstream,
    "",
  ].join("\n");
}

/** True when docs/errors.md was stale (it is rewritten unless `check`). */
export function syncErrorsDoc({ check = false } = {}) {
  const doc = errorsDoc();
  let current = "";
  try { current = readFileSync(ERRORS_DOC, "utf8"); } catch { /* not written yet */ }
  if (current === doc) return false;
  if (!check) writeFileSync(ERRORS_DOC, doc);
  return true;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const check = process.argv.includes("--check");
  const stale = syncErrorsDoc({ check });
  if (check && stale) {
    console.error("docs/errors.md is stale against src/errors/catalog.mjs. Run: npm run errors -w organized-gateway");
    process.exit(1);
  }
  console.log(stale ? (check ? "" : "Rewrote docs/errors.md.") : "docs/errors.md matches the catalog.");
}
