// The README and docs/, read as a new developer on a fresh clone reads them: every npm script
// they name is in the package.json it would run from, every `npx ocg` command and option
// exists, every `bash`/`node` file and named repository path is there, every `npx` tool is
// one `npm install` brings, and every relative link resolves (inside the repository, to a
// heading that exists). The reading itself (scripts/lib/doc-references.mjs) is specified first.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { loadCommands, GLOBAL_OPTIONS } from "../../apps/ocg-cli/src/cli.mjs";
import { codePieces, commandsIn, docReferences, headingAnchors, linksIn, pathsIn, workspaceOption } from "../lib/doc-references.mjs";
import { REPO_BIN, REPO_ROOT } from "../lib/paths.mjs";
import { workspaceDirs } from "../lib/test-jobs.mjs";

test("commands are read from fenced blocks and inline code, with the directory a block moved to", () => {
  const pieces = codePieces("Run `npm start` now.\n\n```sh\ncd apps/organized-gateway\nnpx wrangler d1 execute db --local\n```\nnpm test in prose is not a command.\n");
  assert.deepEqual(pieces, [
    { code: "npm start", line: 1, cd: null, inline: true },
    { code: "cd apps/organized-gateway", line: 4, cd: "apps/organized-gateway" },
    { code: "npx wrangler d1 execute db --local", line: 5, cd: "apps/organized-gateway" },
  ]);
});

test("a clone of the repository moved into is its root", () => {
  const pieces = codePieces("```sh\ngit clone https://github.com/you/my-gateway.git && cd my-gateway\nnpm run deploy\n```\n");
  assert.equal(pieces.at(-1).cd, ".");
  assert.equal(codePieces("```sh\ngit clone https://x/y.git mine\ncd mine\n```\n").at(-1).cd, ".");
});

test("npm run, npm start and npm test name a script, with the workspace -w or --workspace gives", () => {
  const scripts = (code) => commandsIn({ code, line: 1, cd: null }).filter((r) => r.kind === "npm-script").map((r) => [r.script, r.workspace]);
  assert.deepEqual(scripts("npm run capacity -w bench -- --quick"), [["capacity", "bench"]]);
  assert.deepEqual(scripts("npm test --workspace=@ocg/trainee-kit"), [["test", "@ocg/trainee-kit"]]);
  assert.deepEqual(scripts("npm install && npm start   # the gateway"), [["start", null]]);
  assert.deepEqual(scripts("npm run kit -- -w not-a-workspace"), [["kit", null]]);
  assert.deepEqual(workspaceOption(["-w", "bench"]), "bench");
});

test("npx ocg names a command, its subcommand and options; a bare ocg only when the code starts with it", () => {
  const ocg = (code) => commandsIn({ code, line: 1, cd: null }).filter((r) => r.kind === "ocg").map(({ command, sub, options }) => ({ command, sub, options }));
  assert.deepEqual(ocg("npx ocg users tier sam tier-2 --url https://x"), [{ command: "users", sub: "tier", options: ["url"] }]);
  assert.deepEqual(ocg("ocg report --csv"), [{ command: "report", sub: null, options: ["csv"] }]);
  assert.deepEqual(ocg("npx ocg smoke <url> --token <ADMIN_TOKEN>"), [{ command: "smoke", sub: null, options: ["token"] }]);
  assert.deepEqual(ocg("the ocg report"), []);
});

test("bash, sh and node name files; npx names the tool it runs", () => {
  const refs = commandsIn({ code: "bash setup.sh --auth codex && node scripts/start.mjs; npx wrangler login", line: 3, cd: "apps/x" });
  assert.deepEqual(refs.filter((r) => r.kind === "file").map((r) => [r.runner, r.file, r.cd]), [["bash", "setup.sh", "apps/x"], ["node", "scripts/start.mjs", "apps/x"]]);
  assert.deepEqual(refs.filter((r) => r.kind === "npx").map((r) => r.bin), ["wrangler"]);
});

test("a path is named when it starts in one of the repository's top-level folders and is not made at run time", () => {
  const paths = (code) => pathsIn({ code, line: 1 }).map((r) => r.path);
  assert.deepEqual(paths("apps/ocg-cli/README.md"), ["apps/ocg-cli/README.md"]);
  assert.deepEqual(paths("scripts/test/"), ["scripts/test/"]);
  assert.deepEqual(paths("openclaw/docs/gateway/multi-tenant-hosting.md"), []);
  assert.deepEqual(paths("apps/organized-gateway/.wrangler/state"), []);
  assert.deepEqual(paths("bench/results/<timestamp>.json"), []);
  assert.deepEqual(paths("/admin/api/users/{id}"), []);
});

test("relative links are read with their anchors; web addresses and links inside code are not", () => {
  const links = linksIn("See [a](docs/a.md#one-two), [b](#here) and [c](https://x.example/y).\n`[d](not-a-link.md)`\n```\n[e](nor-this.md)\n```\n");
  assert.deepEqual(links.map(({ target, anchor }) => [target, anchor]), [["docs/a.md", "one-two"], ["", "here"]]);
});

test("headings give GitHub's anchors: lower case, punctuation dropped, spaces as dashes, repeats numbered", () => {
  const anchors = headingAnchors("# 3. One OpenClaw is one trust boundary: a cell per paying customer\n## `npm run secrets`\n## Notes\n## Notes\n```\n# not a heading\n```\n");
  assert.deepEqual([...anchors], ["3-one-openclaw-is-one-trust-boundary-a-cell-per-paying-customer", "npm-run-secrets", "notes", "notes-1"]);
});

// ---------- this repository's README and docs/ ----------

const readJson = (file) => JSON.parse(readFileSync(file, "utf8"));
const ROOT_PACKAGE = readJson(path.join(REPO_ROOT, "package.json"));
/** Every workspace, by its directory and by its package name. */
const WORKSPACES = new Map(workspaceDirs(ROOT_PACKAGE.workspaces, (dir) => readdirSync(path.join(REPO_ROOT, dir)))
  .filter((dir) => existsSync(path.join(REPO_ROOT, dir, "package.json")))
  .flatMap((dir) => [[dir, dir], [readJson(path.join(REPO_ROOT, dir, "package.json")).name, dir]]));
/** Where an attendee runs the kit's commands (`bash setup.sh`, `npm run agent`): the kit folder. */
const KIT_DIR = "apps/trainee-kit/kit";

/** The README, docs/*.md and each workspace's README: what a new developer reads. */
function documents() {
  const docs = readdirSync(path.join(REPO_ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`);
  const readmes = [...new Set(WORKSPACES.values())].map((dir) => `${dir}/README.md`).filter((file) => existsSync(path.join(REPO_ROOT, file)));
  return ["README.md", ...docs, ...readmes, `${KIT_DIR}/README.md`];
}

/** The nearest directory at or above the document's own that has a package.json. */
function packageDirOf(doc) {
  let dir = path.dirname(doc);
  while (dir !== "." && !existsSync(path.join(REPO_ROOT, dir, "package.json"))) dir = path.dirname(dir);
  return dir;
}

/**
 * The directories a command without its own directory may be meant for, in order: the one its
 * block moved to; or the document's package, the repository root and the kit folder.
 */
function placesFor(doc, cd) {
  if (cd) return [cd];
  return [...new Set([path.dirname(doc), packageDirOf(doc), ".", KIT_DIR])];
}

const scriptsOf = (dir) => {
  const file = path.join(REPO_ROOT, dir, "package.json");
  return existsSync(file) ? readJson(file).scripts ?? {} : {};
};

/** What is wrong with one reference, or null. */
function problemWith(doc, ref, ocgCommands) {
  switch (ref.kind) {
    case "npm-script": {
      if (ref.workspace) {
        const dir = WORKSPACES.get(ref.workspace.replace(/\/$/, ""));
        if (!dir) return `-w ${ref.workspace} is not a workspace (${[...WORKSPACES.keys()].join(", ")})`;
        return ref.script in scriptsOf(dir) ? null : `${dir}/package.json has no "${ref.script}" script`;
      }
      const places = placesFor(doc, ref.cd);
      return places.some((dir) => ref.script in scriptsOf(dir)) ? null : `no "${ref.script}" script in ${places.map((dir) => `${dir}/package.json`).join(" or ")}`;
    }
    case "ocg": {
      const command = ocgCommands.get(ref.command);
      if (!command) return `ocg has no command "${ref.command}" (${[...ocgCommands.keys()].join(", ")})`;
      const subs = [...command.usage.matchAll(new RegExp(`ocg ${ref.command} ([a-z][\\w-]*)`, "g"))].map((m) => m[1]);
      if (subs.length > 0 && ref.sub && !subs.includes(ref.sub)) return `ocg ${ref.command} has no "${ref.sub}" (${[...new Set(subs)].join(", ")})`;
      const unknown = ref.options.filter((option) => !(option in GLOBAL_OPTIONS) && !(option in (command.options ?? {})));
      return unknown.length === 0 ? null : `ocg ${ref.command} has no option ${unknown.map((o) => `--${o}`).join(", ")}`;
    }
    case "file": {
      const places = placesFor(doc, ref.cd);
      return places.some((dir) => existsSync(path.join(REPO_ROOT, dir, ref.file))) ? null : `${ref.file} is in none of ${places.join(", ")}`;
    }
    case "npx":
      return existsSync(path.join(REPO_BIN, ref.bin)) ? null : `npm install brings no "${ref.bin}" (node_modules/.bin)`;
    case "path": {
      const places = [".", packageDirOf(doc), ...new Set(WORKSPACES.values())];
      return places.some((dir) => existsSync(path.join(REPO_ROOT, dir, ref.path))) ? null : `${ref.path} does not exist`;
    }
    case "link": {
      const target = ref.target === "" ? path.join(REPO_ROOT, doc) : path.resolve(REPO_ROOT, path.dirname(doc), ref.target);
      const inside = path.relative(REPO_ROOT, target);
      if (inside.startsWith("..") || path.isAbsolute(inside)) return `${ref.target} is outside the repository: a clone does not have it`;
      if (!existsSync(target)) return `${ref.target} does not exist`;
      if (ref.anchor && statSync(target).isFile() && target.endsWith(".md")) {
        const anchors = headingAnchors(readFileSync(target, "utf8"));
        if (!anchors.has(ref.anchor)) return `${inside} has no heading #${ref.anchor}`;
      }
      return null;
    }
    default:
      return `unknown reference ${ref.kind}`;
  }
}

test("every script, ocg command, file, tool, path and link the README and docs/ name exists where a reader would run or open it", async () => {
  const ocgCommands = await loadCommands();
  const problems = [];
  let checked = 0;
  for (const doc of documents()) {
    for (const ref of docReferences(readFileSync(path.join(REPO_ROOT, doc), "utf8"))) {
      checked++;
      const problem = problemWith(doc, ref, ocgCommands);
      if (problem) problems.push(`${doc}:${ref.line}: ${ref.text} — ${problem}`);
    }
  }
  assert.deepEqual(problems, []);
  assert.ok(checked > 200, `only ${checked} references were read: is the reading broken?`);
});

test("a reference that does not exist is reported, so the check can fail", async () => {
  const ocgCommands = await loadCommands();
  const doc = "docs/deploying.md";
  const wrong = [
    ...docReferences("`npm run no-such-script`, `npm run capacity -w bench`, `npm run capacity`, `npx ocg keys fly`, `npx ocg report --colour`, `bash scripts/nothing.sh`, `npx no-such-tool`, `apps/ocg-cli/src/nothing.mjs`\n[design](../../shared/DESIGN.md) [x](settings.md#no-such-heading) [y](missing.md)\n"),
  ];
  const found = wrong.map((ref) => [ref.text, problemWith(doc, ref, ocgCommands) !== null]);
  assert.deepEqual(found.filter(([, failed]) => !failed).map(([text]) => text), ["npm run capacity -w bench"]);
});
