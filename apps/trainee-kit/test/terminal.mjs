// The kit's scripts at a terminal: util-linux `script` gives the real `bash setup.sh` a
// pseudo-terminal (so `[ -t 0 ]` is true and `read -s` hides what is typed), and the test
// types each answer once the question it answers is on the screen, as a person would.
import { spawn } from "node:child_process";

/** What a terminal shows: no carriage returns. */
const screen = (text) => text.replace(/\r/g, "");

/**
 * Runs `bash <script>` in `dir` at a pseudo-terminal. `answers` are typed in order, each once
 * its `after` pattern has appeared on the screen since the previous answer (`before`, an
 * optional async function, runs just before it is typed). Resolves with the exit code and
 * everything the terminal showed (stdout and stderr together, as a terminal shows them).
 */
export function runAtTerminal(dir, script, answers = [], { args = [], path: searchPath, env = {}, timeoutMs = 90_000 } = {}) {
  return new Promise((resolve, reject) => {
    const command = ["bash", script, ...args].map((word) => `'${word.replace(/'/g, `'\\''`)}'`).join(" ");
    const child = spawn("/usr/bin/script", ["-qefc", command, "/dev/null"], {
      cwd: dir,
      env: { PATH: searchPath ?? process.env.PATH, HOME: process.env.HOME ?? dir, LANG: "C", SHELL: "/bin/sh", TERM: "dumb", ...env },
    });
    let output = "";
    let seenUpTo = 0;
    let next = 0;
    let typing = false;
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`no end within ${timeoutMs / 1000} s; waiting for ${answers[next]?.after ?? "the end"}; the terminal showed:\n${screen(output)}`));
    }, timeoutMs);
    const typeWhenAsked = async () => {
      if (typing || next >= answers.length) return;
      const answer = answers[next];
      const match = answer.after.exec(screen(output).slice(seenUpTo));
      if (!match) return;
      typing = true;
      seenUpTo += match.index + match[0].length;
      next++;
      try {
        await answer.before?.();
        child.stdin.write(`${answer.type}\r`);
      } catch (error) {
        reject(error);
      }
      typing = false;
      await typeWhenAsked();
    };
    const take = (data) => {
      output += data;
      void typeWhenAsked();
    };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output: screen(output), answered: next });
    });
  });
}
