// `npm run bench -- --baseline <git-ref>`: the gateway as it was at another commit, built
// and measured in the same run as today's, so a change's before and after share one machine
// state. The commit is checked out as a temporary, detached `git worktree` outside the
// repository and removed when the run ends, however it ends. A worktree has no
// node_modules; it borrows the main checkout's, entry by entry, except that workspace
// packages (node_modules/@ocg/trainee-kit -> apps/trainee-kit) point into the worktree:
// the baseline bundle is then that commit's code throughout, built with today's tools.
import { spawnSync } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository this bench belongs to (bench/ is one of its workspaces). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The target name a baseline is reported under: the ref as the caller wrote it. */
export const baselineTarget = (ref) => `gateway@${ref}`;

function git(repo, args) {
  return spawnSync("git", ["-C", repo, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** The full commit id `ref` names in `repo`; throws a message naming the ref if none. */
export function resolveCommit(repo, ref) {
  const result = git(repo, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
  if (result.status !== 0) throw new Error(`--baseline ${ref}: no such commit in ${repo}`);
  return result.stdout.trim();
}

/**
 * Checks `ref` out as a detached worktree in a new temporary directory, with node_modules
 * linked from `repo`. Returns `{ ref, commit, dir, remove }`; `remove` is idempotent and
 * leaves no worktree registered. Nothing is left behind when this throws.
 */
export function addWorktree(repo, ref, parent = tmpdir()) {
  const commit = resolveCommit(repo, ref);
  const dir = mkdtempSync(path.join(parent, "ocg-bench-baseline-"));
  let removed = false;
  const remove = () => {
    if (removed) return;
    removed = true;
    // Links first, so nothing below can reach the main checkout's node_modules.
    for (const nm of workspaceDirs(dir).map((ws) => path.join(dir, ws, "node_modules"))) rmSync(nm, { recursive: true, force: true });
    git(repo, ["worktree", "remove", "--force", dir]);
    rmSync(dir, { recursive: true, force: true });
    git(repo, ["worktree", "prune"]);
  };
  try {
    const added = git(repo, ["worktree", "add", "--detach", dir, commit]);
    if (added.status !== 0) throw new Error(`git worktree add ${ref} failed:\n${added.stderr}`);
    linkNodeModules(repo, dir);
  } catch (error) {
    remove();
    throw error;
  }
  return { ref, commit, dir, remove };
}

/** The workspace directories of a checkout, relative to it, the root ("") first. */
export function workspaceDirs(root) {
  let patterns = [];
  try {
    patterns = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).workspaces ?? [];
  } catch {
    return [""];
  }
  const dirs = [""];
  for (const pattern of patterns) {
    if (pattern.endsWith("/*")) {
      const base = pattern.slice(0, -2);
      const entries = existsSync(path.join(root, base)) ? readdirSync(path.join(root, base), { withFileTypes: true }) : [];
      for (const entry of entries) if (entry.isDirectory()) dirs.push(path.join(base, entry.name));
    } else if (existsSync(path.join(root, pattern))) {
      dirs.push(pattern);
    }
  }
  return dirs;
}

/**
 * Gives every workspace of the checkout `to` that `from` has a node_modules for a
 * node_modules of links into `from`'s, remapping workspace packages into `to`.
 */
export function linkNodeModules(from, to) {
  for (const ws of workspaceDirs(to)) {
    const source = path.join(from, ws, "node_modules");
    const target = path.join(to, ws, "node_modules");
    if (existsSync(source) && !existsSync(target)) mirrorEntries(source, target, from, to);
  }
}

function mirrorEntries(source, target, from, to) {
  mkdirSync(target, { recursive: true });
  for (const name of readdirSync(source)) {
    const entry = path.join(source, name);
    const stat = lstatSync(entry);
    // A scope (@ocg) holds packages of both kinds: decide per package inside it.
    if (name.startsWith("@") && stat.isDirectory()) {
      mirrorEntries(entry, path.join(target, name), from, to);
      continue;
    }
    const linkTo = stat.isSymbolicLink() ? workspaceCounterpart(entry, from, to) : entry;
    if (linkTo) symlinkSync(linkTo, path.join(target, name));
  }
}

/**
 * Where a symlinked package should point in the worktree: a workspace package (its real
 * path inside `from`, outside any node_modules) is the worktree's own copy — or nothing when
 * that commit has no such workspace; any other link is used as it is.
 */
function workspaceCounterpart(entry, from, to) {
  let real;
  try {
    real = realpathSync(entry);
  } catch {
    return null; // a dangling link: nothing to borrow
  }
  const relative = path.relative(realpathSync(from), real);
  const insideRepo = relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative);
  if (!insideRepo || relative.split(path.sep).includes("node_modules")) return entry;
  const counterpart = path.join(to, relative);
  return existsSync(counterpart) ? counterpart : null;
}
