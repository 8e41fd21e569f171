// Asks the organiser questions on the terminal. Hidden answers (tokens) are not echoed.
// Reads answers line by line from any stream, so the same walk-through can be driven by a
// pipe in tests.
import readline from "node:readline";

export function createPrompter({ input = process.stdin, output = process.stderr } = {}) {
  const rl = readline.createInterface({ input, output, terminal: Boolean(input.isTTY) });
  let muted = false;
  // readline echoes keystrokes through this method; swallow them while a secret is typed.
  const write = rl._writeToOutput?.bind(rl);
  if (write) rl._writeToOutput = (text) => { if (!muted) write(text); };
  const lines = rl[Symbol.asyncIterator]();
  return {
    async ask(question, { hidden = false } = {}) {
      output.write(`${question}: `);
      muted = hidden;
      const { value, done } = await lines.next();
      muted = false;
      if (hidden && input.isTTY) output.write("\n");
      if (done) throw new Error("the input ended before every question was answered");
      return value.trim();
    },
    async confirm(question, defaultYes) {
      const answer = (await this.ask(`${question} [${defaultYes ? "Y/n" : "y/N"}]`)).toLowerCase();
      return answer === "" ? defaultYes : answer.startsWith("y");
    },
    close: () => rl.close(),
  };
}
