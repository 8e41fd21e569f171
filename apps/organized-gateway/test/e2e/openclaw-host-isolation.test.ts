// What a real OpenClaw (the npm package, headless on loopback) offers its model provider on an
// attendee's HTTP turn, with startOpenClaw's default config (ATTENDEE_ISOLATION, the settings
// docs/exposing-openclaw.md tells organisers to use) and with OpenClaw's own defaults.
//
// Why it matters: the gateway gives each attendee their own OpenClaw session, but inside
// OpenClaw an agent tool can cross it. By default the model is offered `sessions_list` /
// `sessions_history` / `sessions_search` (they read every session on the gateway, other
// attendees' included) and `exec` / `read` / `write` / ... (they run on the OpenClaw host with
// owner rights, where the session transcripts live). A tool the model is never offered cannot
// be called (OpenClaw answers "Tool exec not found"), so these tests read the offer itself:
// the `tools` of each request the dev upstream recorded, plus the "deferred" tool directory
// OpenClaw puts in the system prompt when Tool Search hides tools behind `tool_search`.
// If an OpenClaw upgrade or a config edit brings any of them back, these tests fail.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDevUpstream } from "@ocg/dev-upstream";
import { startOpenClaw } from "../../scripts/openclaw-local.mjs";
import { servesResponses } from "../../src/credentials/host-setup";
import { startTogether } from "./harness";

const TOKEN = "host-isolation-openclaw-operator-token";
const TURN_TIMEOUT_MS = 180_000;

/** Tools that let one session reach another's conversation, or the host it is stored on. */
const CROSS_SESSION_TOOLS = [
  "sessions_list", "sessions_history", "sessions_search", "sessions_send", "sessions_spawn", "sessions",
  "session_status", "subagents", "sessions_yield", "conversations_list", "conversations_send", "conversations_turn",
  "memory_search", "memory_get",
];
const HOST_TOOLS = [
  "exec", "process", "code_execution", "read", "write", "edit", "apply_patch", "ls",
  "gateway", "openclaw", "plugins", "automations", "cron", "secrets", "nodes",
  "file_fetch", "file_write", "dir_fetch", "dir_list",
];
/** Tool Search's bridge: it calls any tool in the deferred catalog, offered or not. */
const TOOL_SEARCH_BRIDGE = ["tool_search", "tool_describe", "tool_call", "tool_search_code"];
const FORBIDDEN = [...CROSS_SESSION_TOOLS, ...HOST_TOOLS, ...TOOL_SEARCH_BRIDGE];

let provider: Awaited<ReturnType<typeof startDevUpstream>>;
let hardened: Awaited<ReturnType<typeof startOpenClaw>> | undefined;
let defaults: Awaited<ReturnType<typeof startOpenClaw>> | undefined;

beforeAll(async () => {
  provider = await startDevUpstream({ port: 18949, quiet: true });
  await startTogether([
    startOpenClaw({ port: 18739, token: TOKEN, providerUrl: provider.url }),
    // OpenClaw's own defaults, /v1/responses (off unless a config turns it on) included.
    startOpenClaw({
      port: 18729, token: TOKEN, providerUrl: provider.url, hardened: false,
      config: { gateway: { http: { endpoints: { responses: { enabled: false } } } } },
    }),
  ] as const, ([hard, open]) => { hardened = hard; defaults = open; });
}, 600_000);

afterAll(async () => {
  await hardened?.stop();
  await defaults?.stop();
  await provider?.close();
});

/** The gateway's session value for an attendee: `ocg-` + 32 hex. */
function attendeeSession(): string {
  return `ocg-${randomBytes(16).toString("hex")}`;
}

interface Turn {
  status: number;
  body: any;
  /** Bodies of the model-provider chat requests OpenClaw made for this turn. */
  reached: any[];
}

async function turn(claw: { url: string }, route: "/v1/chat/completions" | "/v1/responses", user: string, text: string): Promise<Turn> {
  const before = provider.stats.requestCount;
  const body = route === "/v1/chat/completions"
    ? { model: "openclaw/main", user, messages: [{ role: "user", content: text }] }
    : { model: "openclaw/main", user, input: text };
  const response = await fetch(`${claw.url}${route}`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const answer = await response.json();
  const reached = provider.stats.requests
    .filter((r) => r.seq > before && r.path.endsWith("/chat/completions"))
    .map((r) => r.body);
  return { status: response.status, body: answer, reached };
}

function systemPrompt(request: any): string {
  const system = (request.messages ?? []).find((m: any) => m.role === "system");
  if (!system) return "";
  return typeof system.content === "string" ? system.content : system.content.map((part: any) => part.text ?? "").join("\n");
}

/** Tools the model may call: those in the request, and those listed as deferred behind Tool Search. */
function offeredTools(request: any): { direct: string[]; deferred: string[] } {
  const direct = (request.tools ?? []).map((tool: any) => tool.function?.name ?? tool.name);
  // Directory lines read `- sessions_list (core): List visible session metadata ...`.
  const deferred = [...systemPrompt(request).matchAll(/^- ([a-z][a-z0-9_]*) \([^)\n]+\):/gm)].map((m) => m[1]);
  return { direct, deferred };
}

/** Calls one tool directly through OpenClaw's own /tools/invoke API, as the given session. */
async function invokeTool(claw: { url: string }, tool: string, args: Record<string, unknown>, sessionKey: string) {
  const response = await fetch(`${claw.url}/tools/invoke`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ tool, args, sessionKey }),
  });
  return { status: response.status, text: await response.text() };
}

/** OpenClaw's session key for an HTTP chat turn's `user` (see /work/notes/openclaw-facts.md). */
const chatSessionKey = (user: string) => `agent:main:openai-user:${user}`;

/** Every tool name offered in any of the turn's provider requests. */
function allOffered(t: Turn): string[] {
  const names = t.reached.flatMap((request) => {
    const { direct, deferred } = offeredTools(request);
    return [...direct, ...deferred];
  });
  return [...new Set(names)];
}

describe("OpenClaw offers an attendee's turn no tool that reaches another session or the host", () => {
  it("offers, with OpenClaw's own defaults, the host tools directly and the session tools behind tool_search (what the default config must take away)", async () => {
    const answered = await turn(defaults!, "/v1/chat/completions", attendeeSession(), "hello from an attendee");
    expect(answered.status, JSON.stringify(answered.body)).toBe(200);
    expect(answered.reached.length).toBeGreaterThan(0);
    const { direct, deferred } = offeredTools(answered.reached[0]);
    expect(direct).toEqual(expect.arrayContaining(["exec", "process", "read", "write", "edit", "apply_patch", "ls", "tool_search", "tool_call"]));
    expect(deferred).toEqual(expect.arrayContaining(["sessions_list", "sessions_history", "sessions_search", "sessions_send"]));
  }, TURN_TIMEOUT_MS);

  it("lets, with OpenClaw's own defaults, one session's sessions_history read another attendee's words", async () => {
    const alice = attendeeSession();
    const secret = `word${randomBytes(6).toString("hex")}`;
    expect((await turn(defaults!, "/v1/chat/completions", alice, `my secret word is ${secret}`)).status).toBe(200);
    const read = await invokeTool(defaults!, "sessions_history", { sessionKey: chatSessionKey(alice) }, chatSessionKey(attendeeSession()));
    expect(read.status, read.text).toBe(200);
    expect(read.text).toContain(secret);
  }, TURN_TIMEOUT_MS);

  it("offers none of the cross-session, host or Tool Search tools on a chat-completions turn with startOpenClaw's default config, and still answers it", async () => {
    const answered = await turn(hardened!, "/v1/chat/completions", attendeeSession(), "hello from an attendee");
    expect(answered.status, JSON.stringify(answered.body)).toBe(200);
    expect(answered.body.choices[0].message.content).toContain("hello from an attendee");
    expect(answered.reached.length).toBeGreaterThan(0);
    expect(allOffered(answered).filter((name) => FORBIDDEN.includes(name))).toEqual([]);
  }, TURN_TIMEOUT_MS);

  it("offers none of them on a /v1/responses turn either", async () => {
    const answered = await turn(hardened!, "/v1/responses", attendeeSession(), "hello over responses");
    expect(answered.status, JSON.stringify(answered.body)).toBe(200);
    expect(answered.body).toMatchObject({ object: "response", status: "completed" });
    expect(answered.reached.length).toBeGreaterThan(0);
    expect(allOffered(answered).filter((name) => FORBIDDEN.includes(name))).toEqual([]);
  }, TURN_TIMEOUT_MS);

  it("offers no tool at all with the default config, so a tool that a later OpenClaw adds is caught until someone decides to allow it", async () => {
    const answered = await turn(hardened!, "/v1/chat/completions", attendeeSession(), "anything new?");
    expect(answered.status, JSON.stringify(answered.body)).toBe(200);
    expect(answered.reached.length).toBeGreaterThan(0);
    expect(allOffered(answered)).toEqual([]);
  }, TURN_TIMEOUT_MS);

  it("refuses the session and host tools by name with the default config, also through OpenClaw's /tools/invoke: they are denied, not only hidden", async () => {
    const alice = attendeeSession();
    expect((await turn(hardened!, "/v1/chat/completions", alice, "my secret word is kept")).status).toBe(200);
    const bob = chatSessionKey(attendeeSession());
    for (const [tool, args] of [
      ["sessions_list", {}], ["sessions_history", { sessionKey: chatSessionKey(alice) }], ["sessions_search", { query: "secret" }],
      ["sessions_send", { sessionKey: chatSessionKey(alice), message: "hi" }], ["memory_search", { query: "secret" }],
      ["exec", { command: "id" }], ["read", { path: "/etc/hostname" }], ["write", { path: "x.txt", content: "x" }], ["ls", { path: "." }],
    ] as const) {
      const refused = await invokeTool(hardened!, tool, args, bob);
      expect(refused.status, `${tool}: ${refused.text}`).toBe(404);
      expect(refused.text).toContain(`Tool not available: ${tool}`);
    }
  }, TURN_TIMEOUT_MS);

  it("keeps a session's own history with the default config: the second turn carries the first turn's words", async () => {
    const user = attendeeSession();
    const secret = `word${randomBytes(6).toString("hex")}`;
    expect((await turn(hardened!, "/v1/chat/completions", user, `my secret word is ${secret}`)).status).toBe(200);
    const asked = await turn(hardened!, "/v1/chat/completions", user, "what did I tell you earlier?");
    expect(asked.status).toBe(200);
    expect(asked.reached.some((body) => JSON.stringify(body).includes(secret))).toBe(true);
  }, TURN_TIMEOUT_MS);
});

describe("the host config's HTTP endpoints", () => {
  const node = (claw: { url: string }) => ({ name: "openclaw", url: claw.url, token: TOKEN, agent: "main", maxConcurrent: 1, weight: 1, models: [], free: false });

  it("serves /v1/responses (Codex CLI's endpoint) with the documented config, and ocg host's check says so; OpenClaw's default has it off, and the check says that", async () => {
    expect(await servesResponses(node(hardened!))).toBe(true);
    expect(await servesResponses(node(defaults!))).toBe(false);
  });
});
