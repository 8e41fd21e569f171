// `--baseline <ref>`: a commit checked out as a temporary worktree with the main checkout's
// node_modules borrowed, and nothing left behind afterwards.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { addWorktree, baselineTarget, linkNodeModules, workspaceDirs } from "../src/baseline.mjs";

const git = (repo, ...args) => {
  const result = spawnSync("git", ["-C", repo, "-c", "user.name=bench", "-c", "user.email=bench@example.invalid", ...args], { encoding: "utf8" });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.trim();
};

function write(file, text) {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/** A checkout like this one: workspaces apps/*, an installed package and workspace links. */
function fakeCheckout(root, { withGone = true } = {}) {
  write(path.join(root, "package.json"), JSON.stringify({ workspaces: ["apps/*", "bench"] }));
  write(path.join(root, "apps", "gateway", "package.json"), "{}");
  write(path.join(root, "apps", "kit", "index.js"), "export const kit = 'main';\n");
  if (withGone) write(path.join(root, "apps", "gone", "package.json"), "{}");
  write(path.join(root, "bench", "package.json"), "{}");
}

function installModules(root) {
  write(path.join(root, "node_modules", "hono", "index.js"), "export {};\n");
  write(path.join(root, "node_modules", ".bin", "wrangler"), "#!/bin/sh\n");
  mkdirSync(path.join(root, "node_modules", "@ocg"), { recursive: true });
  symlinkSync("../../apps/kit", path.join(root, "node_modules", "@ocg", "kit"));
  symlinkSync("../../apps/gone", path.join(root, "node_modules", "@ocg", "gone"));
  symlinkSync("../apps/gateway", path.join(root, "node_modules", "organized-gateway"));
  write(path.join(root, "apps", "gateway", "node_modules", "nested", "index.js"), "export {};\n");
}

test("the baseline is reported as gateway@ the ref as given", () => {
  assert.equal(baselineTarget("3a67ef5"), "gateway@3a67ef5");
  assert.equal(baselineTarget("HEAD~2"), "gateway@HEAD~2");
});

test("a checkout's workspace directories come from its package.json, the root first", () => {
  const root = mkdtempSync(path.join(tmpdir(), "ocg-bench-test-"));
  try {
    fakeCheckout(root);
    assert.deepEqual(workspaceDirs(root).sort(), ["", "apps/gateway", "apps/gone", "apps/kit", "bench"].sort());
    assert.equal(workspaceDirs(root)[0], "");
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("a worktree borrows installed packages from the main checkout, but its workspace packages are its own", () => {
  const main = mkdtempSync(path.join(tmpdir(), "ocg-bench-main-"));
  const worktree = mkdtempSync(path.join(tmpdir(), "ocg-bench-wt-"));
  try {
    fakeCheckout(main);
    installModules(main);
    fakeCheckout(worktree, { withGone: false });
    linkNodeModules(main, worktree);
    const nm = path.join(worktree, "node_modules");
    assert.equal(realpathSync(path.join(nm, "hono")), realpathSync(path.join(main, "node_modules", "hono")));
    assert.equal(realpathSync(path.join(nm, ".bin")), realpathSync(path.join(main, "node_modules", ".bin")));
    // A scope is a directory of its own, so each package in it is decided apart.
    assert.ok(lstatSync(path.join(nm, "@ocg")).isDirectory() && !lstatSync(path.join(nm, "@ocg")).isSymbolicLink());
    assert.equal(realpathSync(path.join(nm, "@ocg", "kit")), realpathSync(path.join(worktree, "apps", "kit")));
    assert.equal(realpathSync(path.join(nm, "organized-gateway")), realpathSync(path.join(worktree, "apps", "gateway")));
    // That commit had no apps/gone: nothing of today's stands in for it.
    assert.equal(existsSync(path.join(nm, "@ocg", "gone")), false);
    // A workspace's own node_modules is borrowed too.
    assert.equal(realpathSync(path.join(worktree, "apps", "gateway", "node_modules", "nested")),
      realpathSync(path.join(main, "apps", "gateway", "node_modules", "nested")));
    assert.equal(existsSync(path.join(worktree, "apps", "kit", "node_modules")), false);
  } finally {
    rmSync(main, { recursive: true, force: true });
    rmSync(worktree, { recursive: true, force: true });
  }
});

test("a baseline worktree holds the commit's files and, once removed, leaves no directory, no registration and the main node_modules intact", () => {
  const repo = mkdtempSync(path.join(tmpdir(), "ocg-bench-repo-"));
  const parent = mkdtempSync(path.join(tmpdir(), "ocg-bench-parent-"));
  try {
    git(repo, "init", "-q");
    fakeCheckout(repo);
    write(path.join(repo, ".gitignore"), "node_modules/\n");
    git(repo, "add", ".");
    git(repo, "commit", "-qm", "before");
    write(path.join(repo, "apps", "kit", "index.js"), "export const kit = 'after';\n");
    git(repo, "commit", "-qam", "after");
    installModules(repo);

    const baseline = addWorktree(repo, "HEAD~1", parent);
    assert.equal(baseline.commit, git(repo, "rev-parse", "HEAD~1"));
    assert.match(readFileSync(path.join(baseline.dir, "apps", "kit", "index.js"), "utf8"), /'main'/);
    assert.equal(realpathSync(path.join(baseline.dir, "node_modules", "@ocg", "kit")), realpathSync(path.join(baseline.dir, "apps", "kit")));
    assert.match(git(repo, "worktree", "list"), new RegExp(path.basename(baseline.dir)));

    baseline.remove();
    baseline.remove(); // a second call (the run's final cleanup) is harmless
    assert.equal(existsSync(baseline.dir), false);
    assert.equal(git(repo, "worktree", "list", "--porcelain").split("\n").filter((l) => l.startsWith("worktree ")).length, 1);
    assert.ok(existsSync(path.join(repo, "node_modules", "hono", "index.js")));
    assert.equal(readlinkSync(path.join(repo, "node_modules", "@ocg", "kit")), "../../apps/kit");
    assert.match(readFileSync(path.join(repo, "apps", "kit", "index.js"), "utf8"), /'after'/);
  } finally {
    rmSync(repo, { recursive: true, force: true });
    rmSync(parent, { recursive: true, force: true });
  }
});

test("a ref that names no commit is refused by name, before any directory is made", () => {
  const repo = mkdtempSync(path.join(tmpdir(), "ocg-bench-repo-"));
  const parent = mkdtempSync(path.join(tmpdir(), "ocg-bench-parent-"));
  try {
    git(repo, "init", "-q");
    write(path.join(repo, "a.txt"), "a\n");
    git(repo, "add", ".");
    git(repo, "commit", "-qm", "one");
    assert.throws(() => addWorktree(repo, "no-such-ref", parent), /--baseline no-such-ref: no such commit/);
    assert.equal(spawnSync("ls", ["-A", parent], { encoding: "utf8" }).stdout, "");
  } finally {
    rmSync(repo, { recursive: true, force: true });
    rmSync(parent, { recursive: true, force: true });
  }
});
