// What the README and docs/ tell a reader to run or open, read out of their Markdown: the npm
// scripts, `npx ocg` commands, `bash`/`node` files and relative links. Pure: text in, a list
// of references out; scripts/test/docs-references.test.mjs checks each against the repository
// (the script is in the right package.json, the file exists, the link resolves, the ocg
// command and its options exist), so a doc cannot name a command a new developer would find
// missing.

/**
 * One thing a document tells the reader to run or open:
 * - `{ kind: "npm-script", script, workspace, cd, line, text }` (`npm run X`, `npm start`,
 *   `npm test`; `workspace` from `-w`/`--workspace`, `cd` from a `cd <dir>` earlier in the block);
 * - `{ kind: "ocg", command, sub, options, line, text }` (`npx ocg <command> [<sub>] [--option]`);
 * - `{ kind: "file", runner, file, cd, line, text }` (`bash <file>`, `node <file>`);
 * - `{ kind: "npx", bin, line, text }` (`npx <bin>`: a tool `npm install` puts in node_modules/.bin);
 * - `{ kind: "path", path, line, text }` (a repository path named as code: `apps/…`, `scripts/…`);
 * - `{ kind: "link", target, anchor, line, text }` (a Markdown link that is not a web address).
 * @typedef {{ kind: string, line: number, text: string } & Record<string, any>} DocReference
 */

/** npm's own commands that run the package's script of the same name. */
const NPM_SCRIPT_ALIASES = new Set(["start", "test", "stop", "restart"]);

/**
 * The code a document holds, each piece with its line number: every line of a fenced block
 * (with the directory a `cd` earlier in that block moved to) and every inline code span.
 * Commands are only ever written as code; prose that mentions `npm` is not an instruction.
 * @param {string} markdown
 * @returns {{ code: string, line: number, cd: string | null, inline?: boolean }[]}
 */
export function codePieces(markdown) {
  const pieces = [];
  let fence = null;
  let cd = null;
  let cloned = null;
  markdown.split("\n").forEach((text, index) => {
    const line = index + 1;
    const marker = text.match(/^\s*(`{3,}|~{3,})/);
    if (marker) {
      if (fence === null) {
        fence = marker[1];
        cd = null;
        cloned = null;
      } else if (marker[1].startsWith(fence)) fence = null;
      return;
    }
    if (fence !== null) {
      // A clone of this repository is its root: `git clone <url> [dir] && cd dir`.
      const clone = text.match(/^\s*git\s+clone\s+(\S+)(?:\s+([^\s;&|#][^\s;&|]*))?/);
      if (clone) cloned = clone[2] ?? clone[1].replace(/\/+$/, "").replace(/\.git$/, "").split("/").pop();
      const moved = text.match(/(?:^|&&|;)\s*cd\s+([^\s;&|]+)/);
      if (moved) cd = moved[1] === cloned ? "." : moved[1];
      pieces.push({ code: text, line, cd });
      return;
    }
    for (const span of text.matchAll(/(`+)(.+?)\1/g)) pieces.push({ code: span[2], line, cd: null, inline: true });
  });
  return pieces;
}

/** The workspace a `-w x`, `-w=x`, `--workspace x` or `--workspace=x` in these words names, or null. */
export function workspaceOption(words) {
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (word === "--") break;
    const joined = word.match(/^(?:-w|--workspace)=(.+)$/);
    if (joined) return joined[1];
    if ((word === "-w" || word === "--workspace") && words[i + 1]) return words[i + 1];
  }
  return null;
}

/**
 * Every command a piece of code names.
 * @param {{ code: string, line: number, cd: string | null }} piece
 * @returns {DocReference[]}
 */
export function commandsIn({ code, line, cd }) {
  const found = [];
  // One shell command at a time: `a && b; c | d`, a comment ending the line.
  let here = cd;
  for (const command of code.replace(/(^|\s)#.*$/, "").split(/&&|\|\||;|\|/)) {
    // Settings given before a command (`ADMIN_TOKEN=… npm start`) and a subshell's `(` are not it.
    const text = command.trim().replace(/^\(\s*/, "").replace(/^(?:[A-Z_][A-Z0-9_]*=(?:"[^"]*"|'[^']*'|<[^>]*>|\S*)\s+)+/, "");
    // `[--user sam]` in a usage line is the option --user.
    const [first, ...words] = text.split(/\s+/).map((word) => word.replace(/^\[|\]$/g, ""));
    if (first === "cd" && words[0]) here = words[0];
    if (first === "npm") {
      const [verb, named] = words;
      const script = verb === "run" || verb === "run-script" ? named : NPM_SCRIPT_ALIASES.has(verb) ? verb : null;
      if (script) found.push({ kind: "npm-script", script, workspace: workspaceOption(words.slice(1)), cd: here, line, text });
    }
    // A bare `ocg x` is the command only where the code starts with it; after npx, anywhere.
    const ocg = first === "npx" && words[0] === "ocg" ? words.slice(1) : first === "ocg" && found.length === 0 && code.trim().startsWith("ocg") ? words : null;
    if (ocg && /^[a-z][\w-]*$/.test(ocg[0] ?? "")) {
      const rest = ocg.slice(1);
      const sub = rest[0] && /^[a-z][\w-]*$/.test(rest[0]) ? rest[0] : null;
      const options = rest.filter((word) => /^--[a-z]/.test(word)).map((word) => word.slice(2).split("=")[0]);
      found.push({ kind: "ocg", command: ocg[0], sub, options, line, text });
    } else if (first === "npx") {
      const bin = words.find((word) => !word.startsWith("-"));
      if (bin && bin !== "ocg") found.push({ kind: "npx", bin, line, text });
    }
    if ((first === "bash" || first === "sh" || first === "node") && /^[\w./-]+\.(?:sh|m?js)$/.test(words[0] ?? "")) {
      found.push({ kind: "file", runner: first, file: words[0], cd: here, line, text });
    }
  }
  return found;
}

/** Where a path named in a doc can only be this repository's own: its top-level folders. */
const OWN_TOP_FOLDERS = ["apps", "scripts", "bench", "docs", ".ci"];
/** Made by `npm install`, `npm start` or a test run, never committed: named, not checked. */
const MADE_AT_RUN_TIME = /(^|\/)(node_modules|\.wrangler|\.dev\.vars|test-artifacts|kit-out)(\/|$)/;

/**
 * Every repository path an inline code span names (`apps/ocg-cli/README.md`, `scripts/test/`):
 * it starts with one of the repository's top-level folders and holds no placeholder.
 * @param {{ code: string, line: number }} piece
 * @returns {DocReference[]}
 */
export function pathsIn({ code, line }) {
  const text = code.trim().replace(/[.,:;]$/, "");
  if (!/^[\w.@-]+(?:\/[\w.@-]+)+\/?$/.test(text)) return [];
  if (!OWN_TOP_FOLDERS.includes(text.split("/")[0]) || MADE_AT_RUN_TIME.test(text)) return [];
  return [{ kind: "path", path: text, line, text }];
}

/**
 * Every relative link (`[text](target)`, `[text](target#anchor)`, `[text](#anchor)`) outside
 * code; web addresses and mail links are not the repository's to check.
 * @param {string} markdown
 * @returns {DocReference[]}
 */
export function linksIn(markdown) {
  const found = [];
  let fence = null;
  markdown.split("\n").forEach((text, index) => {
    const marker = text.match(/^\s*(`{3,}|~{3,})/);
    if (marker) {
      fence = fence === null ? marker[1] : marker[1].startsWith(fence) ? null : fence;
      return;
    }
    if (fence !== null) return;
    const prose = text.replace(/(`+).+?\1/g, (span) => " ".repeat(span.length));
    for (const match of prose.matchAll(/\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      const href = match[1];
      if (/^[a-z][a-z0-9+.-]*:/i.test(href)) continue;
      const hash = href.indexOf("#");
      found.push({
        kind: "link", target: hash === -1 ? href : href.slice(0, hash), anchor: hash === -1 ? null : decodeURIComponent(href.slice(hash + 1)),
        line: index + 1, text: text.slice(match.index, match.index + match[0].length),
      });
    }
  });
  return found;
}

/**
 * The anchors GitHub gives a document's headings: lower case, punctuation other than `-` and
 * `_` dropped, spaces as `-`, a repeated heading numbered (`-1`, `-2`).
 * @param {string} markdown
 * @returns {Set<string>}
 */
export function headingAnchors(markdown) {
  const anchors = new Set();
  const seen = new Map();
  let fence = null;
  for (const text of markdown.split("\n")) {
    const marker = text.match(/^\s*(`{3,}|~{3,})/);
    if (marker) {
      fence = fence === null ? marker[1] : marker[1].startsWith(fence) ? null : fence;
      continue;
    }
    const heading = fence === null && text.match(/^#{1,6}\s+(.+?)\s*#*\s*$/);
    if (!heading) continue;
    const slug = heading[1].replace(/\[([^\]]*)\]\([^)]*\)/g, "$1").toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-");
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/**
 * Everything a document tells its reader to run or open.
 * @param {string} markdown
 * @returns {DocReference[]}
 */
export function docReferences(markdown) {
  const pieces = codePieces(markdown);
  return [...pieces.flatMap(commandsIn), ...pieces.filter((piece) => piece.inline).flatMap(pathsIn), ...linksIn(markdown)];
}
