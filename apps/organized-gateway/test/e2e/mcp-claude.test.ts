// A real editor-side MCP client: Claude Code (the npm package at the version
// scripts/agent-tools-local.mjs pins and installs), run headless (`claude -p`) from a kit
// downloaded from this gateway's /kit.zip and set up with `bash setup.sh`, exactly as the kit's
// README says: started with `bash with-key.sh claude`, so its MCP server `openclaw` is the one
// the kit's own `.mcp.json` declares (the gateway's /mcp, the key as `${OCG_KEY}`), and its
// model is the gateway (the `.claude/settings.local.json` setup.sh wrote). The model is the dev
// upstream's scripted model: asked to `[[call ask_agent …]]`, it calls the tool Claude Code
// offers for it (`mcp__openclaw__ask_agent`), and given the tool's result, answers quoting it —
// so what Claude Code prints shows the agent's answer came back through the MCP tool. The
// gateway's agent route is the dev upstream itself (as in mcp-codex.test.ts): Claude Code's own
// model calls and the agent's turn are both plain model calls of the one pipeline.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDevUpstream } from "@ocg/dev-upstream";
import { installAgentTool } from "../../scripts/agent-tools-local.mjs";
import { startLocalGateway } from "../../scripts/local-gateway.mjs";
import { loggedEndpoints, runHeadless, startRecordingProxy, startTogether, type HeadlessRun, type RecordedCall } from "./harness";

const ADMIN = "mcp-claude-e2e-admin-token";
const EVENT_CODE = "MCP-CLAUDE";
const RUN_TIMEOUT_MS = 180_000;

let provider: Awaited<ReturnType<typeof startDevUpstream>> | undefined;
let gateway: Awaited<ReturnType<typeof startLocalGateway>> | undefined;
let proxy: Awaited<ReturnType<typeof startRecordingProxy>> | undefined;
let work: string;
let kit: string;
let bin: string;
let key: string;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "ocg-mcp-claude-"));
  bin = path.join(work, "bin");
  mkdirSync(bin);
  symlinkSync(installAgentTool("claude"), path.join(bin, "claude"));
  await startTogether([
    startDevUpstream({ port: 18916, quiet: true }),
    startLocalGateway({
      port: 18716, persistTo: path.join(work, "state"),
      settings: {
        OPENCLAW_URL: "http://127.0.0.1:18916", OPENCLAW_TOKEN: "mcp-claude-e2e-operator-token", HASH_SECRET: "mcp-claude-e2e-hash-secret", ADMIN_TOKEN: ADMIN,
        EVENT_CODE, EVENT_NAME: "MCP with Claude Code", LOG_FLUSH_MS: "100", RATE_LIMIT_PER_MINUTE: "1000",
      },
    }),
  ] as const, ([dev, gw]) => {
    provider = dev;
    gateway = gw;
  });
  // Between Claude Code and the gateway (.env names it, and setup.sh points the kit's settings,
  // its MCP files included, there): what it sent, and what it got, name a failing turn.
  proxy = await startRecordingProxy(18816, gateway!.url);

  const zip = path.join(work, "kit.zip");
  writeFileSync(zip, new Uint8Array(await (await fetch(`${gateway!.url}/kit.zip`)).arrayBuffer()));
  await promisify(execFile)("unzip", ["-q", zip, "-d", work]);
  kit = path.join(work, "openclaw-kit");
  writeFileSync(path.join(kit, ".env"), readFileSync(path.join(kit, ".env.example"), "utf8")
    .replace(/^OPENCLAW_GATEWAY_URL=.*$/m, `OPENCLAW_GATEWAY_URL=${proxy.url}`)
    .replace(/^EVENT_CODE=.*$/m, `EVENT_CODE=${EVENT_CODE}`)
    .replace(/^USER_ID=.*$/m, "USER_ID=mae"));
  const setup = await runIn("bash", ["setup.sh"], "home-setup");
  expect(setup.code, setup.stdout + setup.stderr).toBe(0);
  expect(setup.stdout).toContain("Agent ready.");
  key = /^OCG_KEY=(\S+)$/m.exec(readFileSync(path.join(kit, ".env"), "utf8"))![1];
}, 600_000);

afterAll(async () => {
  await new Promise((resolve) => (proxy ? proxy.server.close(resolve) : resolve(undefined)));
  await gateway?.stop();
  await provider?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Runs a command in the kit folder as the attendee would (harness.ts's runHeadless), with the tools on PATH. */
function runIn(command: string, args: string[], homeName: string): Promise<HeadlessRun> {
  return runHeadless(kit, command, args, { home: path.join(work, homeName), bin, timeoutMs: RUN_TIMEOUT_MS - 10_000 });
}

function described(calls: RecordedCall[]): string {
  return calls.map((c) => `${c.method} ${c.url} -> ${c.status} ${c.answer.slice(0, 300)}`).join("\n");
}

describe("Claude Code, started as the kit says, calls ask_agent through the gateway with the kit's .mcp.json", () => {
  it("calls the tool `openclaw` offers, and prints the agent's answer that came back through it", async () => {
    const since = proxy!.calls.length;
    // No flag, nothing approved by hand: the settings setup.sh wrote enable the kit's server and its tools.
    const ran = await runIn("bash", ["with-key.sh", "claude", "-p", '[[call ask_agent {"prompt": "hello from claude code"}]]'], "home-claude");
    const calls = proxy!.calls.slice(since);
    expect(ran.code, `${ran.stdout}\n${ran.stderr}\n${described(calls)}`).toBe(0);
    // Claude Code offered the agent's tools to its model, by their MCP names, up front.
    const offered = calls.filter((call) => call.url.startsWith("/v1/messages")).map((call) => JSON.parse(call.body) as { tools?: { name: string }[] });
    expect(offered.length, described(calls)).toBeGreaterThan(0);
    expect(offered[0].tools?.map((tool) => tool.name)).toEqual(expect.arrayContaining(["mcp__openclaw__ask_agent", "mcp__openclaw__new_conversation", "mcp__openclaw__list_models"]));
    // The tool call went to /mcp with the key from .env, as the kit's .mcp.json says to send it (`Bearer ${OCG_KEY}`).
    const toolCalls = calls.filter((call) => call.url === "/mcp" && call.body.includes('"tools/call"'));
    expect(toolCalls.length, described(calls)).toBe(1);
    expect(toolCalls[0].headers.authorization).toBe(`Bearer ${key}`);
    expect(JSON.parse(toolCalls[0].body)).toMatchObject({ method: "tools/call", params: { name: "ask_agent", arguments: { prompt: "hello from claude code" } } });
    // The scripted model quotes the tool's result: the agent's own answer to the prompt.
    expect(ran.stdout, described(calls)).toContain("The tool answered:");
    expect(ran.stdout).toContain("Echo: hello from claude code");
    expect(ran.stdout + ran.stderr).not.toContain(key);
    // The tool call is a model call of the attendee's own, with its row (rows settle after the answer).
    expect(await loggedEndpoints(gateway!.url, ADMIN, "mae", "/mcp/ask_agent 200")).toContain("/mcp/ask_agent 200");
  }, RUN_TIMEOUT_MS);
});
