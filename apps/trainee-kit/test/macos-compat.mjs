// What a Mac lacks, found by reading a script: the kit's scripts must run on macOS, whose
// /bin/bash is bash 3.2 and whose tools (sed, grep, date, stat...) are BSD's, while the tests
// run them on Linux with a current bash and GNU's tools. Where no bash 3.2 can be had
// (bash-3.2.mjs says why) the tests that run the scripts under one are skipped; this check
// always runs. It knows the constructs bash added after 3.2 that a script might reach for,
// each with the version that brought it; the one failure 3.2 has with valid syntax
// (`"${list[@]}"` of an empty array under `set -u` stops the script, "unbound variable",
// before bash 4.4); and the GNU-only options and commands a Mac does not have.
// Full-line comments are not read.

/** A command word: at a line's start, or after ; & | ( ` or $( . */
const COMMAND = "(?:^|[;&|(\\x60]\\s*|\\$\\(\\s*)";

/** Each rule: what it finds, and why a Mac fails on it. */
const RULES = [
  { pattern: /\b(?:declare|local|typeset)\s+(?:-[a-zA-Z]*\s+)*-[a-zA-Z]*[AnluNg]/, why: "declare/local -A, -n, -l, -u or -g (bash 4.0-4.3)" },
  { pattern: /\b(?:mapfile|readarray)\b/, why: "mapfile / readarray (bash 4.0)" },
  { pattern: /\$\{[A-Za-z_]\w*(?:\[[^\]]*\])?(?:,,?|\^\^?)[^}]*\}/, why: "${var,,} / ${var^^} case changes (bash 4.0)" },
  { pattern: /\|&/, why: "|& (bash 4.0)" },
  { pattern: /&>>/, why: "&>> (bash 4.0)" },
  { pattern: /;;&|;&\s*$/, why: ";& / ;;& in case (bash 4.0)" },
  { pattern: /\bcoproc\b/, why: "coproc (bash 4.0)" },
  { pattern: /\bshopt\s+-s\s+(?:globstar|lastpipe|direxpand|globasciiranges|autocd|checkjobs)\b/, why: "a shopt option bash 3.2 does not have (4.0+)" },
  { pattern: /\{-?\d+\.\.-?\d+\.\.-?\d+\}|\{0\d+\.\.\d+\}/, why: "{a..b..step} or zero-padded {01..10} (bash 4.0)" },
  { pattern: /\bread\s+(?:-[a-zA-Z]+\s+(?:\S+\s+)?)*-[a-zA-Z]*[iN]\b/, why: "read -i / -N (bash 4.0-4.1)" },
  { pattern: /\$\{?(?:BASHPID|EPOCHSECONDS|EPOCHREALTIME|BASH_ARGV0|SRANDOM)\b/, why: "a variable bash 3.2 does not set (BASHPID, EPOCHSECONDS...: bash 4.0-5.1)" },
  { pattern: /(?:\[\[?|\btest)\s+-v\s/, why: "-v NAME tests (bash 4.2)" },
  { pattern: /\$\{[A-Za-z_]\w*\[-\d+\]\}/, why: "negative array index (bash 4.3)" },
  { pattern: /\$\{[A-Za-z_]\w*:[^:}\-][^:}]*:\s*-\d+\}/, why: "negative substring length ${v:0:-1} (bash 4.2)" },
  { pattern: /\bwait\s+-[a-zA-Z]*[nfp]\b/, why: "wait -n / -f / -p (bash 4.3-5.1)" },
  { pattern: /\$\{[^}]*@[QEPAaKkUuL]\}/, why: "${var@Q} transformations (bash 4.4)" },
  { pattern: /%\([^)]*\)T/, why: "printf %(...)T (bash 4.2)" },
  // macOS's own tools are BSD's: GNU-only options and commands fail there.
  { pattern: /\bsed\s+(?:-[a-zA-Z]+\s+)*-[a-zA-Z]*i\b|\bsed\b.*--in-place/, why: "sed -i (GNU and BSD sed take it differently: write a temporary file, then mv)" },
  { pattern: /\bsed\s+(?:-[a-zA-Z]+\s+)*-[a-zA-Z]*r\b/, why: "sed -r (GNU; sed -E works on both)" },
  { pattern: /\bgrep\s+(?:-[a-zA-Z]+\s+)*-[a-zA-Z]*P/, why: "grep -P (GNU only)" },
  { pattern: /\breadlink\s+-[a-zA-Z]*f/, why: "readlink -f (not on older macOS: cd and pwd instead)" },
  { pattern: /\bdate\s+(?:[-+][^\s]*\s+)*(?:-d\b|--date)/, why: "date -d (GNU; BSD date -d means something else)" },
  { pattern: /\bstat\s+(?:-c\b|--format|--printf)/, why: "stat -c (GNU; BSD stat -f)" },
  { pattern: /\bbase64\s+(?:-[a-zA-Z]*\s+)*-w/, why: "base64 -w (GNU only)" },
  { pattern: /\bxargs\s+(?:-[a-zA-Z]+\s+)*-[a-zA-Z]*r\b/, why: "xargs -r (GNU only)" },
  { pattern: /\bfind\b.*\s-printf\b/, why: "find -printf (GNU only)" },
  { pattern: /\bhead\s+(?:-n\s*)?-\d/, why: "head -n -N (GNU only)" },
  { pattern: new RegExp(`${COMMAND}(?:timeout|tac|sha256sum|md5sum|nproc|numfmt)\\b`), why: "a GNU coreutils command macOS does not have (timeout, tac, sha256sum, md5sum, nproc, numfmt)" },
];

/** Arrays some line assigns a literal list that is never empty (`x=(-sS ...)`, not `x=()` or `x=("$@")`). */
function neverEmptyArrays(lines) {
  const names = new Set();
  for (const line of lines) {
    for (const match of line.matchAll(/\b([A-Za-z_]\w*)=\(\s*([^)\s][^)]*)\)/g)) {
      if (match[2].trim() !== '"$@"') names.add(match[1]);
    }
  }
  return names;
}

/**
 * The places in `text` (a bash script) a Mac would fail on: [{ line, text, why }], in line
 * order. `"${list[@]}"` counts only in a script with `set -u`, and not for an array the
 * script always fills, nor when guarded as `${list[@]+"${list[@]}"}`.
 */
export function macosProblems(text) {
  const lines = text.split("\n");
  const strict = lines.some((line) => /^\s*set\s+(?:-[a-zA-Z]*u|-o\s+nounset)/.test(line));
  const filled = neverEmptyArrays(lines);
  const found = [];
  lines.forEach((line, index) => {
    if (/^\s*#/.test(line)) return;
    for (const rule of RULES) {
      if (rule.pattern.test(line)) found.push({ line: index + 1, text: line.trim(), why: rule.why });
    }
    if (!strict) return;
    const unguarded = line.replace(/\$\{([A-Za-z_]\w*)\[[@*]\]\+"\$\{\1\[[@*]\]\}"\}/g, "");
    for (const match of unguarded.matchAll(/\$\{([A-Za-z_]\w*)\[[@*]\]\}/g)) {
      if (!filled.has(match[1])) {
        found.push({ line: index + 1, text: line.trim(), why: `"\${${match[1]}[@]}" of an empty array stops a script under set -u before bash 4.4: write \${${match[1]}[@]+"\${${match[1]}[@]}"}` });
      }
    }
  });
  return found;
}
