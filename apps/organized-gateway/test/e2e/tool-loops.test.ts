// Whole tool loops through the gateway and a real OpenClaw (the documented hardened host config,
// /v1/responses on), with the official `openai` and `@anthropic-ai/sdk` clients: the client
// offers tools named like OpenClaw's own (`Bash`, `write`), the dev upstream's scripted model
// calls one, the client sends the tool's result back, and the final text quotes it — on chat
// completions, Responses and Messages, streamed and not. Also: what OpenClaw still refuses
// reaches the client as a 400 in OpenClaw's words, and every call has its row.
import Anthropic from "@anthropic-ai/sdk";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDevUpstream } from "@ocg/dev-upstream";
import { startLocalGateway } from "../../scripts/local-gateway.mjs";
import { startOpenClaw } from "../../scripts/openclaw-local.mjs";

const ADMIN = "tool-loops-e2e-admin-token";
const WRITE = '[[call write {"path":"hello.txt","content":"hi"}]]';
const RESULT = "wrote 2 bytes to hello.txt";
let provider: Awaited<ReturnType<typeof startDevUpstream>>;
let openclaw: Awaited<ReturnType<typeof startOpenClaw>>;
let gateway: Awaited<ReturnType<typeof startLocalGateway>>;
let stateDir: string;
let key: string;

beforeAll(async () => {
  provider = await startDevUpstream({ port: 18969 });
  openclaw = await startOpenClaw({ port: 18789, token: "tool-loops-operator-token", providerUrl: provider.url, responses: true });
  stateDir = mkdtempSync(path.join(tmpdir(), "ocg-tool-loops-"));
  gateway = await startLocalGateway({
    port: 18752,
    persistTo: stateDir,
    settings: {
      OPENCLAW_URL: openclaw.url, OPENCLAW_TOKEN: openclaw.token, HASH_SECRET: "tool-loops-hash-secret",
      ADMIN_TOKEN: ADMIN, UPSTREAM_TIMEOUT_MS: "120000",
    },
  });
  const issued = await fetch(`${gateway.url}/admin/api/users/loop-amy/keys`, { method: "POST", headers: { authorization: `Bearer ${ADMIN}` } });
  key = ((await issued.json()) as { key: string }).key;
}, 600_000);

afterAll(async () => {
  await gateway?.stop();
  await openclaw?.stop();
  await provider?.close();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

const fnTool = (name: string) => ({
  type: "function" as const,
  function: { name, description: `The client's ${name} tool`, parameters: { type: "object", properties: { path: { type: "string" }, content: { type: "string" } } } },
});

/** The tool names the model was offered in OpenClaw's latest call to it. */
function offeredToModel(): string[] {
  const calls = provider.stats.requests.filter((r: { path: string }) => r.path.endsWith("/chat/completions"));
  const last = calls.at(-1) as { body: { tools?: { function: { name: string } }[] } } | undefined;
  return (last?.body.tools ?? []).map((t) => t.function.name);
}

/** The attendee's rows, once there are at least `count` (rows are written after the answers, in batches). */
async function rows(count: number): Promise<{ endpoint: string; status: number; user_id: string }[]> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const response = await fetch(`${gateway.url}/admin/api/requests?user_id=loop-amy&limit=500`, { headers: { authorization: `Bearer ${ADMIN}` } });
    const { data } = (await response.json()) as { data: { endpoint: string; status: number; user_id: string }[] };
    if (data.length >= count || Date.now() > deadline) return data;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

describe("tool loops through the gateway and a real OpenClaw", () => {
  it("chat completions: a client tool named write is called and its result quoted, streamed", async () => {
    const sdk = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: key, maxRetries: 0, timeout: 120_000 });
    const tools = [fnTool("Bash"), fnTool("write")];
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: "user", content: `chat loop ${WRITE}` }];
    const stream = await sdk.chat.completions.create({ model: "gpt-4o", stream: true, tools, messages });
    const calls = new Map<number, { id: string; name: string; args: string }>();
    let finish: string | null = null;
    for await (const chunk of stream) {
      for (const delta of chunk.choices[0]?.delta?.tool_calls ?? []) {
        const call = calls.get(delta.index) ?? { id: "", name: "", args: "" };
        call.id ||= delta.id ?? "";
        call.name += delta.function?.name ?? "";
        call.args += delta.function?.arguments ?? "";
        calls.set(delta.index, call);
      }
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(finish).toBe("tool_calls");
    const [call] = [...calls.values()];
    expect(call.name).toBe("write");
    expect(JSON.parse(call.args)).toEqual({ path: "hello.txt", content: "hi" });
    expect(offeredToModel()).toEqual(expect.arrayContaining(["client_Bash", "client_write"]));

    messages.push({ role: "assistant", content: null, tool_calls: [{ id: call.id, type: "function", function: { name: call.name, arguments: call.args } }] });
    messages.push({ role: "tool", tool_call_id: call.id, content: RESULT });
    const final = await sdk.chat.completions.create({ model: "gpt-4o", tools, messages });
    expect(final.choices[0].message.content).toContain(RESULT);
  }, 240_000);

  it("Responses: Codex-shaped requests are accepted, the call comes back named Bash, its output is quoted", async () => {
    const sdk = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: key, maxRetries: 0, timeout: 120_000 });
    const tools = [
      { type: "function" as const, name: "Bash", description: "Run a command", strict: false, parameters: { type: "object", properties: { command: { type: "string" } } } },
      { type: "custom" as const, name: "apply_patch", description: "Edit files" },
      { type: "web_search" as const },
    ];
    const extras = { parallel_tool_calls: true, include: ["reasoning.encrypted_content"], prompt_cache_key: "loop-thread-1", text: { verbosity: "low" as const }, store: false };
    const script = 'responses loop [[call bash {"command":"echo hi > hello.txt"}]]';
    const stream = await sdk.responses.create({ model: "gpt-5.5", stream: true, tools, input: [{ role: "user", content: script }], ...extras });
    let completed: OpenAI.Responses.Response | null = null;
    for await (const event of stream) if (event.type === "response.completed") completed = event.response;
    const call = completed!.output.find((item) => item.type === "function_call") as OpenAI.Responses.ResponseFunctionToolCall;
    expect(call.name).toBe("Bash");
    expect(JSON.parse(call.arguments)).toEqual({ command: "echo hi > hello.txt" });

    const final = await sdk.responses.create({
      model: "gpt-5.5", tools, ...extras,
      input: [
        { role: "user", content: script },
        { type: "function_call", call_id: call.call_id, name: call.name, arguments: call.arguments },
        { type: "function_call_output", call_id: call.call_id, output: RESULT },
      ],
    });
    expect(final.output_text).toContain(RESULT);
  }, 240_000);

  it("Messages: Claude Code's tools (Bash, Write) through the official Anthropic client, streamed and not", async () => {
    const client = new Anthropic({ baseURL: gateway.url, apiKey: key, maxRetries: 0, timeout: 120_000 });
    const tools = [
      { name: "Bash", description: "Run a command", input_schema: { type: "object" as const, properties: { command: { type: "string" } } } },
      { name: "Write", description: "Write a file", input_schema: { type: "object" as const, properties: { path: { type: "string" }, content: { type: "string" } } } },
    ];
    const messages: Anthropic.MessageParam[] = [{ role: "user", content: `messages loop ${WRITE}` }];
    const first = await client.messages.stream({ model: "claude-sonnet-4-5", max_tokens: 1024, tools, messages, metadata: { user_id: "user_x_account__session_11111111-2222-4333-8444-555555555555" } }).finalMessage();
    expect(first.stop_reason).toBe("tool_use");
    const use = first.content.find((block) => block.type === "tool_use") as Anthropic.ToolUseBlock;
    expect(use).toMatchObject({ name: "Write", input: { path: "hello.txt", content: "hi" } });

    messages.push({ role: "assistant", content: first.content }, { role: "user", content: [{ type: "tool_result", tool_use_id: use.id, content: [{ type: "text", text: RESULT }] }] });
    const final = await client.messages.create({ model: "claude-sonnet-4-5", max_tokens: 1024, tools, messages });
    expect(final.content.map((block) => (block.type === "text" ? block.text : "")).join("")).toContain(RESULT);
  }, 240_000);

  it("a refusal OpenClaw still makes reaches the client as a 400 in OpenClaw's words, on /v1 and on Messages", async () => {
    const sdk = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: key, maxRetries: 0, timeout: 120_000 });
    const refused = await sdk.responses.create({ model: "gpt-5.5", input: "x", text: { format: { type: "json_object" } } }).catch((error: unknown) => error);
    expect(refused).toMatchObject({ status: 400 });
    expect(String((refused as Error).message)).not.toMatch(/organiser is on it/i);

    const client = new Anthropic({ baseURL: gateway.url, apiKey: key, maxRetries: 0, timeout: 120_000 });
    const bad = await client.messages.create({ model: "claude-sonnet-4-5", max_tokens: 10, messages: [{ role: "user", content: "x" }], temperature: 5 }).catch((error: unknown) => error);
    expect(bad).toBeInstanceOf(Anthropic.BadRequestError);
  }, 240_000);

  it("two tools of one attendee at once both succeed, each in its own session that never shows the other's turns", async () => {
    const anthropic = new Anthropic({ baseURL: gateway.url, apiKey: key, maxRetries: 0, timeout: 120_000 });
    const openai = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: key, maxRetries: 0, timeout: 120_000 });
    const claudeCode = (content: string) => anthropic.messages.create({
      model: "claude-sonnet-4-5", max_tokens: 100, messages: [{ role: "user", content }],
    }, { headers: { "x-claude-code-session-id": "cc-session-parallel" } });
    const codex = (input: string) => openai.responses.create({ model: "gpt-5.5", input, prompt_cache_key: "codex-thread-parallel" });
    const [first, second] = await Promise.all([claudeCode("marker-claude-one"), codex("marker-codex-one")]);
    expect(first.content[0]).toMatchObject({ type: "text", text: expect.stringContaining("marker-claude-one") });
    expect(second.output_text).toContain("marker-codex-one");

    await codex("marker-codex-two");
    const prompts = provider.stats.requests
      .filter((r: { path: string }) => r.path.endsWith("/chat/completions"))
      .map((r: { body: unknown }) => JSON.stringify(r.body))
      .filter((body: string) => body.includes("marker-codex-two"));
    expect(prompts.length).toBeGreaterThan(0);
    for (const prompt of prompts) expect(prompt).not.toContain("marker-claude-one");
  }, 240_000);

  it("logged every call under the attendee: two per loop, the two refusals, the three parallel turns", async () => {
    const logged = await rows(11);
    expect(logged.filter((row) => row.endpoint === "/v1/chat/completions")).toHaveLength(2);
    expect(logged.filter((row) => row.endpoint === "/v1/responses").map((row) => row.status).sort()).toEqual([200, 200, 200, 200, 400]);
    expect(logged.filter((row) => row.endpoint === "/v1/messages").map((row) => row.status).sort()).toEqual([200, 200, 200, 400]);
  }, 90_000);
});
