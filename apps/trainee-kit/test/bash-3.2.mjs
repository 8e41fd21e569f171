// bash 3.2 for the tests: macOS still ships bash 3.2.57 as /bin/bash (and as `sh`), so the
// kit's scripts must run there, not only in a current bash. This finds one, or says why
// there is none.
//
// It is not built here: its source cannot be had from the registries this project uses.
// Debian's packages carry only bash 5.2.15 (bookworm's source package; no older suite is
// served), and no npm package ships bash 3.2's source or a Linux build of it. So the tests
// that need it run where one exists:
//   - on macOS, /bin/bash itself;
//   - anywhere, OCG_BASH_3_2=/path/to/bash naming a bash 3.2 binary you built or have;
//   - a binary left in node_modules/.cache/ocg-bash-3.2/bin/bash.
// Elsewhere they are skipped, and `reason` says so in the test's name. Either way,
// macos-compat.test.mjs reads every kit script for what bash 3.2 (and macOS's BSD tools) lack.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

export const CACHED_BASH_3_2 = path.resolve(import.meta.dirname, "..", "..", "..", "node_modules", ".cache", "ocg-bash-3.2", "bin", "bash");

function versionOf(bash) {
  if (!bash || !existsSync(bash)) return null;
  const run = spawnSync(bash, ["-c", 'printf %s "$BASH_VERSION"'], { encoding: "utf8", timeout: 5_000 });
  return run.status === 0 ? run.stdout : null;
}

/** @returns {{ bash: string, version: string } | { bash: null, reason: string }} */
export function findBash32() {
  const candidates = [process.env.OCG_BASH_3_2, "/bin/bash", CACHED_BASH_3_2];
  for (const bash of candidates) {
    const version = versionOf(bash);
    if (version?.startsWith("3.2.")) return { bash, version };
  }
  if (process.env.OCG_BASH_3_2) {
    return { bash: null, reason: `OCG_BASH_3_2=${process.env.OCG_BASH_3_2} is not a bash 3.2 (it says ${versionOf(process.env.OCG_BASH_3_2) ?? "nothing"})` };
  }
  return {
    bash: null,
    reason: "no bash 3.2 on this machine (macOS has it as /bin/bash; elsewhere set OCG_BASH_3_2 to one: Debian and npm carry no bash 3.2 source to build)",
  };
}
