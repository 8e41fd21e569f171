#!/usr/bin/env node
// Your first agent: describe your business, get back a workflow you could hand to an AI
// agent, streamed as it is written. Uses the official `openai` SDK pointed at the gateway
// in your .env (run `bash setup.sh` first; it checks everything this needs).
//
//   npm run agent                                  asks you, then lets you ask follow-ups
//   npm run agent -- "I run a small bakery..."     one answer for this description
//   echo "I run a small bakery..." | node agent.mjs
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import OpenAI from "openai";

const KIT_DIR = path.dirname(fileURLToPath(import.meta.url));
const DEFAULT_MODEL = "gpt-4o-mini";
const OPENCLAW_MODEL = "openclaw/main";
const INSTRUCTIONS = [
  "You are a friendly business-process coach at a hands-on AI workshop.",
  "The user describes their business. Reply with one concrete workflow they could hand to an AI agent this week:",
  "a short title, then 5 to 7 numbered steps (who or what does each step, what goes in, what comes out),",
  "and one sentence on how they will know it works. Plain words, no jargon.",
].join(" ");

/** The settings in .env beside this file; variables already set in the shell win. */
function loadSettings() {
  const settings = {};
  let text = "";
  try {
    text = readFileSync(path.join(KIT_DIR, ".env"), "utf8");
  } catch {
    stop("There is no .env file in the kit folder.", "Run: bash setup.sh");
  }
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (match) settings[match[1]] = match[2].replace(/^(['"])(.*)\1$/, "$2");
  }
  for (const name of Object.keys(settings)) if (process.env[name]) settings[name] = process.env[name];
  return settings;
}

function stop(problem, next) {
  console.error(`\nProblem: ${problem}\nNext:    ${next}`);
  process.exit(1);
}

/** The same address rules as setup.sh: the join page's or the API's address works too. */
function baseUrlOf(raw) {
  return (raw ?? "").trim().replace(/\/+$/, "").replace(/\/kit\.zip$/, "").replace(/\/join$/, "").replace(/\/v1$/, "").replace(/\/+$/, "");
}

async function getJson(url) {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    return { status: response.status, body: await response.json().catch(() => null) };
  } catch {
    return { status: 0, body: null };
  }
}

/**
 * How to talk to the server at the URL, decided the same way setup.sh decides:
 * the workshop gateway says in /health whether it wants your gateway key (it pays for the
 * AI) or your own OpenAI key with your USER_ID; an OpenClaw run directly (path B) has no
 * /health but a /healthz, and takes its own gateway token and the model "openclaw/main".
 */
async function connection(settings) {
  const baseUrl = baseUrlOf(settings.OPENCLAW_GATEWAY_URL);
  if (!/^https?:\/\/\S+$/.test(baseUrl)) stop("OPENCLAW_GATEWAY_URL in .env is missing or not a web address.", "Run: bash setup.sh");
  const model = settings.MODEL || DEFAULT_MODEL;
  const health = await getJson(`${baseUrl}/health`);
  if (health.body?.gateway === "organized-gateway") {
    if (health.body.gateway_key_required) {
      if (!settings.OCG_KEY) stop("There is no gateway key (OCG_KEY) in .env yet.", "Run: bash setup.sh");
      return { baseUrl, model, apiKey: settings.OCG_KEY, headers: {} };
    }
    if (!settings.OPENAI_API_KEY || !settings.USER_ID) stop("OPENAI_API_KEY or USER_ID is empty in .env.", "Run: bash setup.sh");
    return { baseUrl, model, apiKey: settings.OPENAI_API_KEY, headers: { "X-User-ID": settings.USER_ID } };
  }
  const healthz = await getJson(`${baseUrl}/healthz`);
  if (healthz.status === 200) {
    if (!settings.OPENCLAW_TOKEN) stop("Your OpenClaw needs its gateway token in OPENCLAW_TOKEN in .env.", "Run: bash setup.sh");
    return { baseUrl, model: OPENCLAW_MODEL, apiKey: settings.OPENCLAW_TOKEN, headers: {}, user: settings.USER_ID || undefined };
  }
  stop(`Could not reach the gateway at ${baseUrl}.`, "Run: bash setup.sh (it says what is wrong and what to do)");
}

async function readStdin() {
  const parts = [];
  for await (const part of process.stdin) parts.push(part);
  return Buffer.concat(parts).toString("utf8").trim();
}

/** Streams one answer to the terminal and returns its text. */
async function streamAnswer(client, link, messages) {
  // include_usage: the gateway then logs real token counts and passes the stream through
  // untouched (the usage chunk has no choices, hence the ?. below).
  const stream = await client.chat.completions.create({
    model: link.model, messages, stream: true, stream_options: { include_usage: true }, user: link.user,
  });
  let text = "";
  for await (const chunk of stream) {
    const delta = chunk.choices[0]?.delta?.content ?? "";
    text += delta;
    process.stdout.write(delta);
  }
  process.stdout.write("\n");
  return text;
}

async function main() {
  const settings = loadSettings();
  const link = await connection(settings);
  const client = new OpenAI({ baseURL: `${link.baseUrl}/v1`, apiKey: link.apiKey, defaultHeaders: link.headers, maxRetries: 1, timeout: 120_000 });
  const messages = [{ role: "system", content: INSTRUCTIONS }];
  const interactive = process.stdin.isTTY && process.argv.length <= 2;
  const prompt = interactive ? createInterface({ input: process.stdin, output: process.stdout }) : null;

  let description = process.argv.slice(2).join(" ").trim();
  if (!description && !interactive) description = await readStdin();
  if (!description && prompt) description = (await prompt.question("Describe your business in a sentence or two:\n> ")).trim();
  if (!description) stop("No business description was given.", 'Run: npm run agent -- "I run a small bakery and ..."');

  messages.push({ role: "user", content: `My business: ${description}\n\nWhat workflow should my first AI agent run?` });
  console.log("\nYour workflow:\n");
  messages.push({ role: "assistant", content: await streamAnswer(client, link, messages) });

  while (prompt) {
    const followUp = (await prompt.question("\nAsk a follow-up (or press Enter to finish):\n> ")).trim();
    if (!followUp) break;
    messages.push({ role: "user", content: followUp });
    messages.push({ role: "assistant", content: await streamAnswer(client, link, messages) });
  }
  prompt?.close();
}

main().catch((error) => {
  if (error instanceof OpenAI.APIError && error.status) stop(error.error?.message ?? error.message, "Run: bash setup.sh (it checks your settings)");
  if (error instanceof OpenAI.APIConnectionError) stop("Lost the connection to the gateway.", "Check your internet connection, then run: bash setup.sh");
  stop(error instanceof Error ? error.message : String(error), "Run: bash setup.sh");
});
