// The `ocg` dispatcher: finds the commands (one file each in ./commands), parses the global
// options (--url, --token) together with the command's own, prints help, and turns
// failures into one clear line on stderr and an exit code.
//
// A command file exports: name, summary (one line), usage (the --help text),
// options (a node:util parseArgs spec, optional) and run({ values, positionals, context }).
import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { GatewayClient } from "./admin-client.mjs";
import { CliError } from "./errors.mjs";

const COMMANDS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "commands");
const DEFAULT_URL = "http://127.0.0.1:8787";

export const GLOBAL_OPTIONS = {
  url: { type: "string" },
  token: { type: "string" },
  help: { type: "boolean", short: "h" },
};

const GLOBAL_HELP = `Global options:
  --url <url>      the gateway's base URL (default: $OCG_URL or ${DEFAULT_URL})
  --token <token>  the gateway's ADMIN_TOKEN (default: $OCG_ADMIN_TOKEN or $ADMIN_TOKEN)
  -h, --help       help for a command`;

/** Loads every command in ./commands, checking each keeps the contract. */
export async function loadCommands(dir = COMMANDS_DIR) {
  const commands = new Map();
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".mjs")).sort()) {
    const command = await import(pathToFileURL(path.join(dir, file)).href);
    for (const field of ["name", "summary", "usage", "run"]) {
      if (!command[field]) throw new Error(`commands/${file} does not export '${field}'`);
    }
    commands.set(command.name, command);
  }
  return commands;
}

function overview(commands) {
  const width = Math.max(...[...commands.keys()].map((n) => n.length));
  return [
    "ocg — the organiser's console for organized-gateway",
    "",
    "Usage: ocg <command> [options]      ocg <command> --help",
    "",
    "Commands:",
    ...[...commands.values()].map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    GLOBAL_HELP,
  ].join("\n");
}

function commandHelp(command) {
  return `${command.usage.trimEnd()}\n\n${GLOBAL_HELP}`;
}

/** Runs one command line; resolves with the exit code. */
export async function main(argv, { stdout = process.stdout, stderr = process.stderr, env = process.env } = {}) {
  const commands = await loadCommands();
  const [first, ...rest] = argv;
  if (first === undefined || first === "--help" || first === "-h" || first === "help") {
    const topic = first === "help" ? commands.get(rest[0]) : undefined;
    stdout.write(`${topic ? commandHelp(topic) : overview(commands)}\n`);
    return 0;
  }
  const command = commands.get(first);
  if (!command) {
    stderr.write(`ocg: unknown command '${first}'. Commands: ${[...commands.keys()].join(", ")}. See 'ocg --help'.\n`);
    return 2;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: { ...GLOBAL_OPTIONS, ...command.options }, allowPositionals: true, strict: true });
  } catch (error) {
    stderr.write(`ocg ${command.name}: ${error.message}\nSee 'ocg ${command.name} --help'.\n`);
    return 2;
  }
  if (parsed.values.help) {
    stdout.write(`${commandHelp(command)}\n`);
    return 0;
  }
  try {
    const url = parsed.values.url ?? env.OCG_URL ?? DEFAULT_URL;
    const token = parsed.values.token ?? env.OCG_ADMIN_TOKEN ?? env.ADMIN_TOKEN;
    const context = { url, token, stdout, stderr, env, gateway: new GatewayClient({ url, token }) };
    return (await command.run({ values: parsed.values, positionals: parsed.positionals, context })) ?? 0;
  } catch (error) {
    if (error instanceof CliError) {
      stderr.write(`ocg ${command.name}: ${error.message}\n`);
      if (error.exitCode === 2) stderr.write(`See 'ocg ${command.name} --help'.\n`);
      return error.exitCode;
    }
    stderr.write(`ocg ${command.name}: unexpected error: ${error?.stack ?? error}\n`);
    return 1;
  }
}
