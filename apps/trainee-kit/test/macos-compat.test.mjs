// The kit's shell scripts use nothing a Mac lacks — bash 3.2 is macOS's /bin/bash, and its
// tools are BSD's — checked by reading them, so it holds on a Linux machine with no bash 3.2
// to run them under (bash-3.2.mjs) and GNU tools that accept more than a Mac's.
import { describe, expect, it } from "vitest";
import { kitFiles } from "../src/build-kit.mjs";
import { macosProblems } from "./macos-compat.mjs";

const SCRIPTS = kitFiles({ gatewayUrl: "https://gateway.example" }).filter((file) => file.path.endsWith(".sh"));

describe("the kit's shell scripts on a Mac (bash 3.2, BSD tools), read", () => {
  it("are all read (setup.sh, agent.sh, the tools' launchers, Claude Code's key helper)", () => {
    expect(SCRIPTS.map((file) => file.path)).toEqual(expect.arrayContaining(["setup.sh", "agent.sh", "codex.sh", "opencode.sh", "with-key.sh", "editors.sh", ".claude/gateway-key.sh"]));
  });

  it.each(SCRIPTS.map((file) => [file.path, file.text]))("%s uses nothing a Mac lacks", (_path, text) => {
    expect(macosProblems(text)).toEqual([]);
  });
});

describe("what the check finds", () => {
  // Each: a line bash 3.2 fails on, and a line that does the same in a way 3.2 runs.
  const pairs = [
    ["declare -A seen=()", "seen=''"],
    ["local -n ref=$1", "local ref=$1"],
    ["mapfile -t lines < file", "while IFS= read -r line; do :; done < file"],
    ['name=${USER_ID,,}', "name=$(printf '%s' \"$USER_ID\" | tr '[:upper:]' '[:lower:]')"],
    ['echo "${greeting^^}"', 'echo "${greeting:-hi}"'],
    ["curl -s url |& tee log", "curl -s url 2>&1 | tee log"],
    ["echo hi &>> log", "echo hi >> log 2>&1"],
    ["  a) echo a ;&", "  a) echo a ;;"],
    ["shopt -s globstar", "shopt -s nocasematch"],
    ["for i in {1..9..2}; do :; done", "for i in 1 3 5 7 9; do :; done"],
    ["read -r -i default ANSWER", "read -r -s ANSWER"],
    ['echo "$EPOCHSECONDS"', 'echo "$(date +%s)"'],
    ["[[ -v OCG_KEY ]] && echo set", '[ -n "${OCG_KEY+x}" ] && echo set'],
    ['last=${parts[-1]}', 'last=${parts[${#parts[@]}-1]}'],
    ['short=${key:0:-4}', 'short=${key:0:$((${#key} - 4))}'],
    ["wait -n", "wait"],
    ['echo "${value@Q}"', 'printf "%q" "$value"'],
    ["printf '%(%F)T' -1", "date +%F"],
    ["sed -i 's/a/b/' .env", "sed 's/a/b/' .env > .env.tmp && mv .env.tmp .env"],
    ["sed -r 's/a+/b/' f", "sed -E 's/a+/b/' f"],
    ["grep -oP '(?<=key=)\\w+' f", "grep -oE 'key=[A-Za-z0-9_]+' f"],
    ['dir=$(readlink -f "$0")', 'dir=$(cd "$(dirname "$0")" && pwd)'],
    ["when=$(date -d '+1 hour' +%s)", "when=$(( $(date +%s) + 3600 ))"],
    ['size=$(stat -c %s "$f")', 'size=$(wc -c < "$f")'],
    ["printf %s \"$k\" | base64 -w0", "printf %s \"$k\" | base64 | tr -d '\\n'"],
    ["ls | xargs -r rm", "ls | xargs rm"],
    ["find . -name '*.sh' -printf '%f\\n'", "find . -name '*.sh'"],
    ["head -n -1 f", "head -n 1 f"],
    ["timeout 5 curl -s url", "curl -s --max-time 5 url"],
    ['sum=$(sha256sum f)', 'sum=$(shasum -a 256 f)'],
  ];

  it.each(pairs)("%s (and not its twin a Mac runs)", (bad, good) => {
    expect(macosProblems(bad)).toHaveLength(1);
    expect(macosProblems(good)).toEqual([]);
  });

  it("flags an array that may be empty, expanded under set -u, unless guarded or always filled", () => {
    const script = (body) => ["#!/usr/bin/env bash", "set -u", ...body].join("\n");
    expect(macosProblems(script(['ARGS=("$@")', 'exec bash other.sh "${ARGS[@]}"']))).toEqual([
      expect.objectContaining({ line: 4, why: expect.stringContaining('${ARGS[@]+"${ARGS[@]}"}') }),
    ]);
    expect(macosProblems(script(['ARGS=("$@")', 'exec bash other.sh ${ARGS[@]+"${ARGS[@]}"}']))).toEqual([]);
    expect(macosProblems(script(["args=(-sS -o out)", 'curl "${args[@]}" "$url"']))).toEqual([]);
    // Without set -u an empty array expands to nothing in every bash.
    expect(macosProblems(['ARGS=("$@")', 'exec bash other.sh "${ARGS[@]}"'].join("\n"))).toEqual([]);
  });

  it("does not read full-line comments", () => {
    expect(macosProblems("# mapfile would be shorter here, but macOS's bash has none\necho ok")).toEqual([]);
  });
});
