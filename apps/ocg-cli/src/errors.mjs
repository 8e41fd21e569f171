// The CLI's one error type: a sentence for the organiser and the exit code that goes with it.
export class CliError extends Error {
  /** @param {string} message @param {number} [exitCode] 1 = it failed, 2 = the command line was wrong */
  constructor(message, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}
