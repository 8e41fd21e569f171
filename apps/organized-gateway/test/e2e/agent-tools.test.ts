// The coding tools attendees open — the real Claude Code, Codex CLI, opencode and Continue's
// `cn` from the npm registry (scripts/agent-tools-local.mjs) — run headless from a kit
// downloaded from /kit.zip and set up with `bash setup.sh`, through the gateway and a real
// OpenClaw with the host config docs/exposing-openclaw.md documents, whose model is the dev
// upstream's scripted model. One OpenClaw and one gateway serve every test here (each start
// costs tens of seconds on 2 cores). A recording proxy between the tools and the gateway keeps
// what each tool sent and what it got, so a failing turn names its request and answer.
// Prints a table (tool, version, plain turn, tool turn, seconds) for the closing note.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { execFile } from "node:child_process";
import { startDevUpstream } from "@ocg/dev-upstream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AGENT_TOOLS, installAgentTools } from "../../scripts/agent-tools-local.mjs";
import { queryLocalD1, startLocalGateway } from "../../scripts/local-gateway.mjs";
import { startOpenClaw } from "../../scripts/openclaw-local.mjs";
import { runHeadless, startRecordingProxy, startTogether, type HeadlessRun, type RecordedCall } from "./harness";
// The dev upstream's own answer rule, so a test knows the model's words for a request it saw.
import { answerFor } from "../../../dev-upstream/src/answers.mjs";
import { lastUserText } from "../../../dev-upstream/src/messages.mjs";

const run = promisify(execFile);
const ADMIN = "agent-tools-e2e-admin-token";
const EVENT_CODE = "TOOLS-ROOM";
const TURN_TIMEOUT_MS = 150_000;

type ToolName = keyof typeof AGENT_TOOLS;
interface Tool {
  label: string;
  /** The command an attendee types in the kit folder, as the kit README and setup.sh say. */
  command: (prompt: string) => [string, string[]];
  /** The same for a turn allowed to change the project (its write/shell tool without asking). */
  writing: (prompt: string) => [string, string[]];
  /** How its requests are told apart in the proxy's record (user-agent). */
  agent: RegExp;
  endpoint: string;
  /** The scripted-model directive that makes it write `file` (absolute) saying `text` with its own tool. */
  write: (file: string, text: string) => string;
}

const CN_CONFIG = ".continue/assistants/openclaw-workshop.yaml";
const TOOLS: Record<ToolName, Tool> = {
  claude: {
    label: "Claude Code", agent: /^claude-cli\//, endpoint: "/v1/messages",
    command: (prompt) => ["claude", ["-p", prompt]],
    writing: (prompt) => ["claude", ["-p", "--permission-mode", "acceptEdits", prompt]],
    write: (file, text) => `[[call Write ${JSON.stringify({ file_path: file, content: text })}]]`,
  },
  codex: {
    label: "Codex CLI", agent: /^codex_exec\//, endpoint: "/v1/responses",
    command: (prompt) => ["bash", ["codex.sh", "exec", prompt]],
    writing: (prompt) => ["bash", ["codex.sh", "exec", "--dangerously-bypass-approvals-and-sandbox", prompt]],
    write: (file, text) => `[[call exec_command|shell ${JSON.stringify({ cmd: `printf '%s' '${text}' > '${file}'` })}]]`,
  },
  opencode: {
    label: "opencode", agent: /^opencode\//, endpoint: "/v1/chat/completions",
    // `opencode run` sends an argument holding a space JSON-quoted ("\"Please save…\""), which
    // would hide the scripted model's JSON: the words go as separate arguments, as typed unquoted.
    command: (prompt) => ["bash", ["opencode.sh", "run", ...prompt.split(" ")]],
    writing: (prompt) => ["bash", ["opencode.sh", "run", ...prompt.split(" ")]],
    write: (file, text) => `[[call write ${JSON.stringify({ filePath: file, content: text })}]]`,
  },
  cn: {
    label: "Continue (cn)", agent: /^ls\/JS /, endpoint: "/v1/chat/completions",
    command: (prompt) => ["cn", ["-p", "--config", CN_CONFIG, prompt]],
    writing: (prompt) => ["cn", ["-p", "--auto", "--config", CN_CONFIG, prompt]],
    write: (file, text) => `[[call Write ${JSON.stringify({ filepath: file, content: text })}]]`,
  },
};
const NAMES = Object.keys(TOOLS) as ToolName[];

let provider: Awaited<ReturnType<typeof startDevUpstream>> | undefined;
let openclaw: Awaited<ReturnType<typeof startOpenClaw>> | undefined;
let gateway: Awaited<ReturnType<typeof startLocalGateway>> | undefined;
let proxy: Awaited<ReturnType<typeof startRecordingProxy>> | undefined;
let work: string;
let kit: string;
let bin: string;
let key: string;
/** The table for the closing note: per tool, each turn's outcome and wall-clock seconds. */
const results: Record<string, { plain?: string; tool?: string; seconds: { plain?: number; tool?: number; together?: number } }> = {};

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "ocg-agent-tools-"));
  // Needs the npm registry the first time (outside a network namespace); cached after that.
  const installed = installAgentTools();
  bin = path.join(work, "bin");
  mkdirSync(bin);
  for (const [name, file] of Object.entries(installed)) symlinkSync(file, path.join(bin, AGENT_TOOLS[name as ToolName].bin));
  symlinkSync(process.execPath, path.join(bin, "node")); // Codex's and cn's launchers are Node scripts

  provider = await startDevUpstream({ port: 19270 });
  await startTogether([
    // The documented host config (responses on, attendees kept apart): startOpenClaw's default.
    startOpenClaw({ port: 19271, token: "agent-tools-operator-token", providerUrl: provider.url }),
  ], ([started]) => (openclaw = started));
  gateway = await startLocalGateway({
    port: 19272, persistTo: path.join(work, "state"),
    settings: {
      OPENCLAW_URL: openclaw!.url, OPENCLAW_TOKEN: openclaw!.token, HASH_SECRET: "agent-tools-e2e-hash-secret",
      ADMIN_TOKEN: ADMIN, EVENT_CODE, EVENT_NAME: "Agent tools", UPSTREAM_TIMEOUT_MS: "120000", LOG_FLUSH_MS: "100",
      RATE_LIMIT_PER_MINUTE: "1000",
    },
  });
  proxy = await startRecordingProxy(19273, gateway.url);

  // The attendee's kit, as downloaded and set up; its tools reach the gateway through the proxy.
  const zip = path.join(work, "kit.zip");
  writeFileSync(zip, new Uint8Array(await (await fetch(`${gateway.url}/kit.zip`)).arrayBuffer()));
  await run("unzip", ["-q", zip, "-d", work]);
  kit = path.join(work, "openclaw-kit");
  const example = readFileSync(path.join(kit, ".env.example"), "utf8");
  writeFileSync(path.join(kit, ".env"), example
    .replace(/^OPENCLAW_GATEWAY_URL=.*$/m, `OPENCLAW_GATEWAY_URL=${proxy.url}`)
    .replace(/^EVENT_CODE=.*$/m, `EVENT_CODE=${EVENT_CODE}`)
    .replace(/^USER_ID=.*$/m, "USER_ID=tess"));
  const setup = await runIn(kit, "bash", ["setup.sh"], path.join(work, "home-setup"));
  expect(setup.code, setup.output).toBe(0);
  expect(setup.stdout).toContain("Agent ready.");
  key = /^OCG_KEY=(\S+)$/m.exec(readFileSync(path.join(kit, ".env"), "utf8"))![1];
}, 900_000);

afterAll(async () => {
  if (Object.keys(results).length > 0) {
    const rows = NAMES.filter((name) => results[name]).map((name) => {
      const r = results[name];
      const seconds = [r.seconds.plain, r.seconds.tool, r.seconds.together].map((s) => (s === undefined ? "—" : s.toFixed(1))).join(" / ");
      return `| ${TOOLS[name].label} | ${AGENT_TOOLS[name].version} | ${r.plain ?? "—"} | ${r.tool ?? "—"} | ${seconds} |`;
    });
    console.log(["| tool | version | plain turn | tool turn | seconds (plain / tool / two at once) |", "|---|---|---|---|---|", ...rows].join("\n"));
  }
  await new Promise((resolve) => (proxy ? proxy.server.close(resolve) : resolve(undefined)));
  await gateway?.stop();
  await openclaw?.stop();
  await provider?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Runs a command in `dir` as the attendee would (harness.ts's runHeadless), with the tools on PATH. */
function runIn(dir: string, command: string, args: string[], home: string): Promise<HeadlessRun> {
  return runHeadless(dir, command, args, { home, bin, timeoutMs: TURN_TIMEOUT_MS });
}

/** The calls a tool made, each named with what it got: what a failing assertion shows. */
function callsOf(name: ToolName, since: number): RecordedCall[] {
  return proxy!.calls.slice(since).filter((call) => TOOLS[name].agent.test(call.headers["user-agent"] ?? ""));
}

function described(calls: RecordedCall[]): string {
  const openclawLog = openclaw!.logs.join("").split("\n").filter((line) => /error|refus|invalid|conflict/i.test(line)).slice(-5).join("\n");
  return calls.map((c) => `${c.method} ${c.url} (sent ${c.body.length} bytes, ending ${JSON.stringify(c.body.slice(-300))}) -> ${c.status} ${c.answer.slice(0, 400)}`)
    .join("\n") + `\nOpenClaw's log:\n${openclawLog}`;
}

async function turn(name: ToolName, prompt: string, writing = false, options: string[] = []): Promise<HeadlessRun & { calls: RecordedCall[] }> {
  const since = proxy!.calls.length;
  const [command, args] = (writing ? TOOLS[name].writing : TOOLS[name].command)(prompt);
  const ran = await runIn(kit, command, [...options, ...args], path.join(work, `home-${name}`));
  return { ...ran, calls: callsOf(name, since) };
}

/** What the provider (the model behind OpenClaw) was sent whose text includes `marker`. */
function providerRequestsWith(marker: string): unknown[] {
  return provider!.stats.requests.filter((request: { body: unknown }) => JSON.stringify(request.body).includes(marker));
}

/**
 * The turn's prompt (holding `marker`) reached the model through OpenClaw, and the tool printed
 * the model's own words for it: the dev upstream echoes the start of the prompt OpenClaw built
 * around the tool's message (for Claude Code, the notes it puts before the user's words).
 */
function expectModelWords(ran: HeadlessRun & { calls: RecordedCall[] }, marker: string): void {
  const reached = providerRequestsWith(marker) as { body: { messages: unknown[] } }[];
  expect(reached.length, described(ran.calls)).toBeGreaterThan(0);
  const answers = reached.map((request) => oneLine(answerFor(lastUserText(request.body.messages))).slice(0, 60));
  expect(answers.some((answer) => oneLine(ran.stdout).includes(answer)), `${ran.stdout}\nexpected one of:\n${answers.join("\n")}`).toBe(true);
}

describe("the attendee's coding tools through the gateway and a real OpenClaw", () => {
  it.each(NAMES)("%s: a plain turn shows the model's text", async (name) => {
    const marker = `plain-${name}-lighthouse`;
    const ran = await turn(name, `Say something about ${marker}`);
    results[name] = { plain: "failed", seconds: { plain: ran.seconds } };
    expect(ran.calls.length, `${TOOLS[name].label} sent nothing:\n${ran.output}`).toBeGreaterThan(0);
    expect(ran.calls.every((call) => call.url.startsWith(TOOLS[name].endpoint)), described(ran.calls)).toBe(true);
    expect(ran.code, `${ran.output}\n${described(ran.calls)}`).toBe(0);
    expectModelWords(ran, marker);
    results[name].plain = "ok";
  }, TURN_TIMEOUT_MS + 10_000);

  it.each(NAMES)("%s: a tool turn writes a file in the project with the tool's own write or shell tool and ends quoting its result", async (name) => {
    const file = path.join(kit, `written-by-${name}.txt`);
    const text = `hello from ${name}`;
    const ran = await turn(name, `Please save a note. ${TOOLS[name].write(file, text)}`, true);
    const row = (results[name] ??= { seconds: {} });
    row.tool = "failed";
    row.seconds.tool = ran.seconds;
    expect(ran.code, `${ran.output}\n${described(ran.calls)}`).toBe(0);
    expect(existsSync(file), `${ran.output}\n${described(ran.calls)}`).toBe(true);
    expect(readFileSync(file, "utf8")).toBe(text);
    // The scripted model's last answer quotes what the tool returned to it: the result the tool
    // sent back (its own words: "File created…", the command's output) is in what it printed.
    const result = lastToolResult(ran.calls);
    expect(result, `no tool result sent back:\n${described(ran.calls)}`).not.toBeNull();
    const quoted = `The tool answered: ${Array.from(oneLine(result!.trim().split(/\n\s*\n/)[0])).slice(0, 40).join("")}`;
    expect(oneLine(ran.stdout), `${ran.stdout}\nexpected: ${quoted}\n${described(ran.calls)}`).toContain(quoted);
    results[name].tool = "ok";
  }, TURN_TIMEOUT_MS + 10_000);

  // Every tool once beside another: Claude Code with Codex, opencode with cn.
  it.each([["claude", "codex", "saffron-quokka", "cobalt-narwhal"], ["opencode", "cn", "amber-pangolin", "violet-axolotl"]] as const)(
    "two tools of one attendee at once, %s and %s, both answer, and neither's conversation reaches the other's", async (a, b, wordA, wordB) => {
      const [ranA, ranB] = await Promise.all([turn(a, `Remember the word ${wordA}`), turn(b, `Remember the word ${wordB}`)]);
      (results[a] ??= { seconds: {} }).seconds.together = ranA.seconds;
      (results[b] ??= { seconds: {} }).seconds.together = ranB.seconds;
      expect(ranA.code, `${ranA.output}\n${described(ranA.calls)}`).toBe(0);
      expect(ranB.code, `${ranB.output}\n${described(ranB.calls)}`).toBe(0);
      expectModelWords(ranA, wordA);
      expectModelWords(ranB, wordB);
      expect(ranA.stdout).not.toContain(wordB);
      expect(ranB.stdout).not.toContain(wordA);
      // What OpenClaw sent the model for one tool's turn holds nothing of the other's conversation.
      expect(providerRequestsWith(wordA).length).toBeGreaterThan(0);
      expect(providerRequestsWith(wordB).length).toBeGreaterThan(0);
      for (const request of providerRequestsWith(wordA)) expect(JSON.stringify(request)).not.toContain(wordB);
      for (const request of providerRequestsWith(wordB)) expect(JSON.stringify(request)).not.toContain(wordA);
    }, TURN_TIMEOUT_MS + 10_000);

  it("claude --agent project-agent runs as the kit's workshop agent, from its subagent file, and CLAUDE.md reaches the model", async () => {
    const marker = "agent-file-bakery";
    const ran = await turn("claude", `My business: ${marker}`, false, ["--agent", "project-agent"]);
    expect(ran.code, `${ran.output}\n${described(ran.calls)}`).toBe(0);
    // What OpenClaw sent the model for this turn holds the subagent's prompt and the kit's CLAUDE.md.
    const reached = JSON.stringify(providerRequestsWith(marker));
    expect(reached, described(ran.calls)).toContain("You are a friendly business-process coach");
    expect(reached).toContain("The OpenClaw workshop kit");
  }, TURN_TIMEOUT_MS + 10_000);

  it("the attendee's gateway key reaches neither OpenClaw nor the model", () => {
    const secret = key.slice(key.lastIndexOf("_") + 1);
    expect(proxy!.calls.length).toBeGreaterThan(0);
    expect(JSON.stringify(provider!.stats.requests)).not.toContain(secret);
    expect(openclaw!.logs.join("")).not.toContain(secret);
    // OpenClaw's whole state: its config, sessions and transcripts.
    for (const file of filesUnder(openclaw!.home)) expect(readFileSync(file, "latin1"), file).not.toContain(secret);
  });

  it("every call the tools made has its row in D1", async () => {
    const ids = proxy!.calls.filter((call) => call.url.startsWith("/v1/")).map((call) => call.requestId);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.every((id) => typeof id === "string")).toBe(true);
    const list = ids.map((id) => `'${id}'`).join(",");
    let rows: { request_id: string; user_id: string }[] = [];
    for (const deadline = Date.now() + 30_000; Date.now() < deadline;) {
      rows = queryLocalD1(`SELECT request_id, user_id FROM requests WHERE request_id IN (${list})`, { persistTo: path.join(work, "state") });
      if (rows.length === ids.length) break;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    expect(rows.map((row) => row.request_id).sort()).toEqual([...ids].sort());
    expect(new Set(rows.map((row) => row.user_id))).toEqual(new Set(["tess"]));
  });
});

/**
 * The newest tool result a tool sent back, in its own API's terms: a chat `tool` message, a
 * Responses `function_call_output` / `custom_tool_call_output` item, or an Anthropic
 * `tool_result` block.
 */
function lastToolResult(calls: RecordedCall[]): string | null {
  const text = (content: unknown): string => typeof content === "string" ? content
    : Array.isArray(content) ? content.map((part) => (typeof part?.text === "string" ? part.text : "")).join("\n") : "";
  for (const call of [...calls].reverse()) {
    let body: { messages?: { role?: string; content?: unknown }[]; input?: unknown };
    try {
      body = JSON.parse(call.body);
    } catch {
      continue;
    }
    const last = Array.isArray(body.messages) ? body.messages.at(-1) : Array.isArray(body.input) ? body.input.at(-1) : null;
    if (!last || typeof last !== "object") continue;
    const entry = last as { role?: string; type?: string; content?: unknown; output?: unknown };
    if (entry.role === "tool") return text(entry.content);
    if (entry.type === "function_call_output" || entry.type === "custom_tool_call_output") return text(entry.output);
    const block = Array.isArray(entry.content) ? entry.content.find((b) => b?.type === "tool_result") : null;
    if (entry.role === "user" && block) return text(block.content);
  }
  return null;
}

/** Whitespace collapsed: tools wrap and indent what they print. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true }).map((name) => path.join(dir, String(name)))
    .filter((file) => statSync(file, { throwIfNoEntry: false })?.isFile() && statSync(file).size < 20_000_000);
}
