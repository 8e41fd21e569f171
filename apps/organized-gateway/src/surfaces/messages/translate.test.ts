// The Anthropic surface's translations, checked the way Anthropic's own client reads them: a
// translated stream is fed to the official SDK's MessageStream through a fetch that answers
// with it, so an event the SDK would reject or mis-accumulate fails here.
import Anthropic from "@anthropic-ai/sdk";
import { describe, expect, it } from "vitest";
import { toMessage } from "./answer";
import { estimateInputTokens } from "./count-tokens";
import { anthropicErrorBody, reshapeErrorBody } from "./errors";
import { toChatRequest } from "./request";
import { MessagesStreamTranslator } from "./stream";
import { shapeForOpenClaw } from "../../pipeline/route/openclaw-shape";

const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: "chatcmpl-abc", object: "chat.completion.chunk", choices: [{ index: 0, delta, finish_reason: finish }] })}`;
const usageChunk = (prompt: number, completion: number, cached = 0) =>
  `data: ${JSON.stringify({ id: "chatcmpl-abc", choices: [], usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion, prompt_tokens_details: { cached_tokens: cached } } })}`;

function translate(events: string[], { end = true } = {}): string[] {
  const translator = new MessagesStreamTranslator("claude-sonnet-4-5", 12);
  return [...events.flatMap((e) => translator.event(e)), ...(end ? translator.end() : [])];
}

/** The official client reading `events` as the body of a streamed /v1/messages answer. */
function officialClient(events: string[]): Anthropic {
  const body = events.map((e) => `${e}\n\n`).join("");
  return new Anthropic({
    apiKey: "test", baseURL: "http://gateway.test", maxRetries: 0,
    fetch: async () => new Response(body, { headers: { "content-type": "text/event-stream" } }),
  });
}

const streamParams = { model: "claude-sonnet-4-5", max_tokens: 100, messages: [{ role: "user" as const, content: "hi" }] };
const typesOf = (events: string[]) => events.map((e) => e.split("\n")[0].slice("event: ".length));
const dataOf = (event: string) => JSON.parse(event.split("\n")[1].slice("data: ".length));

describe("Anthropic Messages requests as chat completions", () => {
  it("puts a string or block system prompt first and keeps the turns in order", () => {
    const chat = toChatRequest({
      model: "claude-sonnet-4-5", max_tokens: 512, stream: true, temperature: 0.2, stop_sequences: ["END"],
      system: [{ type: "text", text: "You are helpful." }, { type: "text", text: "Be brief.", cache_control: { type: "ephemeral" } }],
      messages: [{ role: "user", content: "hello" }, { role: "assistant", content: [{ type: "text", text: "hi" }] }, { role: "user", content: [{ type: "text", text: "again" }] }],
    });
    expect(chat).toEqual({
      model: "claude-sonnet-4-5", max_completion_tokens: 512, stream: true, temperature: 0.2, stop: ["END"],
      messages: [
        { role: "system", content: "You are helpful.\n\nBe brief." },
        { role: "user", content: "hello" },
        { role: "assistant", content: "hi" },
        { role: "user", content: "again" },
      ],
    });
    expect(toChatRequest({ model: "m", max_tokens: 1, system: "plain", messages: [] }).messages).toEqual([{ role: "system", content: "plain" }]);
    const claudeCode = toChatRequest({ model: "m", max_tokens: 1, messages: [],
      system: [{ type: "text", text: "x-anthropic-billing-header: cc_version=2.1.332; cch=1" }, { type: "text", text: "You are Claude Code." }] });
    expect(claudeCode.messages).toEqual([{ role: "system", content: "You are Claude Code." }]);
  });

  it("turns a tool_use / tool_result round trip into tool_calls and tool messages right after them", () => {
    const chat = toChatRequest({
      model: "m", max_tokens: 100,
      tools: [{ name: "Bash", description: "Run a command", input_schema: { type: "object", properties: { command: { type: "string" } } } },
        { type: "web_search_20250305", name: "web_search" }],
      tool_choice: { type: "any", disable_parallel_tool_use: true },
      messages: [
        { role: "user", content: "list files" },
        { role: "assistant", content: [{ type: "thinking", thinking: "…", signature: "s" }, { type: "text", text: "Listing." },
          { type: "tool_use", id: "toolu_1", name: "Bash", input: { command: "ls" } }] },
        { role: "user", content: [
          { type: "tool_result", tool_use_id: "toolu_1", content: [{ type: "text", text: "a.txt" }, { type: "text", text: "b.txt" },
            { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBO" } }] },
          { type: "text", text: "and now?" },
        ] },
        { role: "assistant", content: [{ type: "tool_use", id: "toolu_2", name: "Bash", input: { command: "false" } }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_2", is_error: true, content: "exit 1" }] },
      ],
    });
    expect(chat.tools).toEqual([{ type: "function", function: { name: "Bash", description: "Run a command", parameters: { type: "object", properties: { command: { type: "string" } } } } }]);
    expect(chat.tool_choice).toBe("required");
    expect(chat.parallel_tool_calls).toBe(false);
    expect(chat.messages).toEqual([
      { role: "user", content: "list files" },
      { role: "assistant", content: "Listing.", tool_calls: [{ id: "toolu_1", type: "function", function: { name: "Bash", arguments: "{\"command\":\"ls\"}" } }] },
      { role: "tool", tool_call_id: "toolu_1", content: "a.txt\nb.txt" },
      { role: "user", content: [{ type: "image_url", image_url: { url: "data:image/png;base64,iVBO" } }, { type: "text", text: "and now?" }] },
      { role: "assistant", content: null, tool_calls: [{ id: "toolu_2", type: "function", function: { name: "Bash", arguments: "{\"command\":\"false\"}" } }] },
      { role: "tool", tool_call_id: "toolu_2", content: "Error: exit 1" },
    ]);
  });

  it("passes images as the chat API takes them, base64 as data URLs and URLs as they are", () => {
    const chat = toChatRequest({ model: "m", max_tokens: 5, messages: [{ role: "user", content: [
      { type: "image", source: { type: "url", url: "https://example.com/cat.png" } },
      { type: "image", source: { type: "base64", media_type: "image/jpeg", data: "/9j/" } },
      { type: "text", text: "what is this?" },
    ] }] });
    expect((chat.messages as { content: unknown }[])[0].content).toEqual([
      { type: "image_url", image_url: { url: "https://example.com/cat.png" } },
      { type: "image_url", image_url: { url: "data:image/jpeg;base64,/9j/" } },
      { type: "text", text: "what is this?" },
    ]);
  });

  it("keeps a token cap a chat model takes and leaves out one above any model's output limit", () => {
    expect(toChatRequest({ model: "m", max_tokens: 1, messages: [] }).max_completion_tokens).toBe(1);
    expect(toChatRequest({ model: "m", max_tokens: 16_384, messages: [] }).max_completion_tokens).toBe(16_384);
    expect(toChatRequest({ model: "m", max_tokens: 128_000, messages: [] })).not.toHaveProperty("max_completion_tokens");
  });

  it("maps tool_choice auto, tool and none", () => {
    const base = { model: "m", max_tokens: 5, messages: [], tools: [{ name: "Read", input_schema: { type: "object" } }] };
    expect(toChatRequest({ ...base, tool_choice: { type: "auto" } }).tool_choice).toBe("auto");
    expect(toChatRequest({ ...base, tool_choice: { type: "none" } }).tool_choice).toBe("none");
    expect(toChatRequest({ ...base, tool_choice: { type: "tool", name: "Read" } }).tool_choice).toEqual({ type: "function", function: { name: "Read" } });
  });

  it("refuses a request without model, max_tokens or messages with a sentence naming the field", () => {
    expect(() => toChatRequest({ max_tokens: 5, messages: [] })).toThrow(/model/);
    expect(() => toChatRequest({ model: "m", messages: [] })).toThrow(/max_tokens/);
    expect(() => toChatRequest({ model: "m", max_tokens: 5 })).toThrow(/messages/);
    expect(() => toChatRequest({ model: "m", max_tokens: 5, messages: [{ role: "developer", content: "x" }] })).toThrow(/messages\.0\.role/);
  });

  it("keeps a text system turn inside the conversation (Claude Code's environment, with its effort hint) as a system message in place", () => {
    const chat = toChatRequest({ model: "m", max_tokens: 5, system: "first", messages: [
      { role: "user", content: "hi" },
      { role: "system", content: [{ type: "text", text: "# Environment", cache_control: { type: "ephemeral" } }, { type: "text", text: "tools: a, b" }],
        output_config: { effort: "medium" } },
      { role: "user", content: "go on" },
    ] });
    expect(chat.messages).toEqual([
      { role: "system", content: "first" }, { role: "user", content: "hi" },
      { role: "system", content: "# Environment\n\ntools: a, b" }, { role: "user", content: "go on" },
    ]);
  });

  it("refuses a system turn that changes tools mid-conversation in the words Claude Code reads as 'resend without system turns'", () => {
    const turn = { role: "system", content: [{ type: "tool_addition", tool: { type: "tool_definition", definition: { name: "x" } } }] };
    let thrown: unknown;
    try {
      toChatRequest({ model: "m", max_tokens: 5, messages: [{ role: "user", content: "hi" }, turn] });
    } catch (error) {
      thrown = error;
    }
    const message = (thrown as Error).message;
    expect(message).toMatch(/messages\.1\.content/);
    // Claude Code 2.1.332's own test of such a refusal (its fallback to no system turns).
    expect(message).toMatch(/use the top-level .{0,2}system.{0,2} parameter for the initial system prompt/i);
  });
});

describe("chat completions as Anthropic Messages", () => {
  it("gives text, tool calls with parsed input, the stop reason and usage in Anthropic's terms", () => {
    const message = toMessage({
      id: "chatcmpl-xyz",
      choices: [{ index: 0, finish_reason: "tool_calls", message: { role: "assistant", content: "Let me look.", tool_calls: [
        { id: "call_1", type: "function", function: { name: "Read", arguments: "{\"file_path\":\"a.txt\"}" } },
      ] } }],
      usage: { prompt_tokens: 100, completion_tokens: 7, total_tokens: 107, prompt_tokens_details: { cached_tokens: 40 } },
    }, "claude-sonnet-4-5");
    expect(message).toEqual({
      id: "msg_xyz", type: "message", role: "assistant", model: "claude-sonnet-4-5",
      content: [{ type: "text", text: "Let me look." }, { type: "tool_use", id: "call_1", name: "Read", input: { file_path: "a.txt" } }],
      stop_reason: "tool_use", stop_sequence: null,
      usage: { input_tokens: 60, output_tokens: 7, cache_creation_input_tokens: 0, cache_read_input_tokens: 40 },
    });
  });

  it("maps each finish reason to its stop reason", () => {
    const stop = (finish: string) => toMessage({ choices: [{ message: { content: "x" }, finish_reason: finish }] }, "m").stop_reason;
    expect(stop("stop")).toBe("end_turn");
    expect(stop("length")).toBe("max_tokens");
    expect(stop("tool_calls")).toBe("tool_use");
    expect(stop("content_filter")).toBe("refusal");
  });

  it("shows a node's reasoning as a thinking block before the text", () => {
    const message = toMessage({ choices: [{ message: { content: "42", reasoning_content: "6 times 7" }, finish_reason: "stop" }] }, "m");
    expect(message.content).toEqual([{ type: "thinking", thinking: "6 times 7", signature: "" }, { type: "text", text: "42" }]);
  });
});

describe("a chat stream as Anthropic's event stream", () => {
  const textStream = [
    chunk({ role: "assistant", content: "" }),
    chunk({ content: "Hello" }),
    chunk({ content: " there" }),
    chunk({}, "stop"),
    usageChunk(20, 2),
    "data: [DONE]",
  ];

  it("sends message_start, ping, one text block, message_delta with stop reason and usage, message_stop", () => {
    const events = translate(textStream);
    expect(typesOf(events)).toEqual([
      "message_start", "ping", "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop", "message_delta", "message_stop",
    ]);
    expect(dataOf(events[0]).message).toMatchObject({ id: "msg_abc", role: "assistant", model: "claude-sonnet-4-5", content: [], usage: { input_tokens: 12, output_tokens: 0 } });
    expect(dataOf(events[3]).delta).toEqual({ type: "text_delta", text: "Hello" });
    expect(dataOf(events[6])).toEqual({
      type: "message_delta", delta: { stop_reason: "end_turn", stop_sequence: null },
      usage: { input_tokens: 20, output_tokens: 2, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    });
  });

  it("reads as the same message in the official SDK's MessageStream", async () => {
    const message = await officialClient(translate(textStream)).messages.stream(streamParams).finalMessage();
    expect(message.content).toEqual([{ type: "text", text: "Hello there" }]);
    expect(message.stop_reason).toBe("end_turn");
    expect(message.usage).toMatchObject({ input_tokens: 20, output_tokens: 2 });
  });

  it("streams a tool call as a tool_use block with input_json_delta fragments the SDK assembles", async () => {
    const events = translate([
      chunk({ role: "assistant", content: "" }),
      chunk({ content: "Writing it." }),
      chunk({ tool_calls: [{ index: 0, id: "call_w", type: "function", function: { name: "Write", arguments: "" } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: "{\"file_path\":\"hello.txt\"," } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: "\"content\":\"hi\"}" } }] }),
      chunk({ tool_calls: [{ index: 1, id: "call_r", type: "function", function: { name: "Read", arguments: "{\"file_path\":\"x\"}" } }] }),
      chunk({}, "tool_calls"),
      usageChunk(50, 9),
      "data: [DONE]",
    ]);
    expect(typesOf(events)).toEqual([
      "message_start", "ping",
      "content_block_start", "content_block_delta", "content_block_stop",
      "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop",
      "content_block_start", "content_block_delta", "content_block_stop",
      "message_delta", "message_stop",
    ]);
    expect(dataOf(events[5]).content_block).toEqual({ type: "tool_use", id: "call_w", name: "Write", input: {} });
    expect(dataOf(events[6])).toEqual({ type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: "{\"file_path\":\"hello.txt\"," } });
    const message = await officialClient(events).messages.stream(streamParams).finalMessage();
    expect(message.stop_reason).toBe("tool_use");
    expect(message.content.map((b) => b.type)).toEqual(["text", "tool_use", "tool_use"]);
    expect(message.content[1]).toMatchObject({ type: "tool_use", id: "call_w", name: "Write", input: { file_path: "hello.txt", content: "hi" } });
    expect(message.content[2]).toMatchObject({ name: "Read", input: { file_path: "x" } });
  });

  it("streams a node's reasoning as a thinking block", async () => {
    const events = translate([chunk({ reasoning_content: "Let me " }), chunk({ reasoning_content: "think." }), chunk({ content: "Done." }), chunk({}, "stop"), "data: [DONE]"]);
    expect(dataOf(events[2]).content_block).toEqual({ type: "thinking", thinking: "", signature: "" });
    expect(dataOf(events[3]).delta).toEqual({ type: "thinking_delta", thinking: "Let me " });
    const message = await officialClient(events).messages.stream(streamParams).finalMessage();
    expect(message.content.map((b) => b.type)).toEqual(["thinking", "text"]);
    expect(message.content[0]).toMatchObject({ thinking: "Let me think." });
  });

  it("turns an error chunk into an error event the SDK raises, with the node's words", async () => {
    const events = translate([chunk({ content: "Hel" }), `data: ${JSON.stringify({ error: { message: "upstream provider timeout", type: "server_error" } })}`, "data: [DONE]"]);
    expect(typesOf(events).at(-1)).toBe("error");
    expect(dataOf(events.at(-1)!)).toEqual({ type: "error", error: { type: "api_error", message: "upstream provider timeout" } });
    await expect(officialClient(events).messages.stream(streamParams).finalMessage()).rejects.toThrow(/upstream provider timeout/);
  });

  it("ends a stream that stopped before finishing with an error event, never a short answer", () => {
    const events = translate([chunk({ content: "Hel" })]);
    expect(typesOf(events).at(-1)).toBe("error");
    expect(dataOf(events.at(-1)!).error.message).toMatch(/cut off/);
  });

  it("still closes a message whose node ended after the finish chunk without [DONE]", () => {
    const events = translate([chunk({ content: "ok" }), chunk({}, "length")]);
    expect(typesOf(events).slice(-2)).toEqual(["message_delta", "message_stop"]);
    expect(dataOf(events.at(-2)!).delta.stop_reason).toBe("max_tokens");
  });
});

describe("Claude Code's tools through OpenClaw: Messages to chat and back, names included", () => {
  // Claude Code offers Bash, Read and Write, which OpenClaw reserves: the chat request OpenClaw
  // gets names them otherwise, and the Message the tool gets back names them as it offered them.
  const claudeTurn = () => toChatRequest({
    model: "claude-opus-5-5", max_tokens: 1000, stream: true,
    tools: [{ name: "Bash", input_schema: { type: "object", properties: { command: { type: "string" } } } },
      { name: "Write", input_schema: { type: "object" } }, { name: "Skill", input_schema: { type: "object" } }],
    tool_choice: { type: "tool", name: "Bash" },
    messages: [
      { role: "user", content: "run it" },
      { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: "Write", input: { file_path: "/p/a.txt", content: "x" } }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: "File created" }] },
    ],
  });

  it("offers the reserved tools renamed, in tools, tool_choice and the history's tool_use", () => {
    const chat = claudeTurn();
    shapeForOpenClaw("chat", chat);
    expect((chat.tools as { function: { name: string } }[]).map((t) => t.function.name)).toEqual(["client_Bash", "client_Write", "Skill"]);
    expect(chat.tool_choice).toEqual({ type: "function", function: { name: "client_Bash" } });
    const history = chat.messages as { role: string; tool_calls?: { id: string; function: { name: string } }[]; tool_call_id?: string }[];
    expect(history[1].tool_calls![0]).toMatchObject({ id: "toolu_1", function: { name: "client_Write" } });
    expect(history[2]).toEqual({ role: "tool", tool_call_id: "toolu_1", content: "File created" });
  });

  it("gives a whole answer's call of a renamed tool back as a tool_use under the client's name", () => {
    const { answer } = shapeForOpenClaw("chat", claudeTurn());
    const message = toMessage(answer!.json({
      id: "chatcmpl-r", choices: [{ index: 0, finish_reason: "tool_calls", message: { role: "assistant", content: null, tool_calls: [
        { id: "call_b", type: "function", function: { name: "client_Bash", arguments: "{\"command\":\"ls\"}" } },
      ] } }],
    }), "claude-opus-5-5");
    expect(message.content).toEqual([{ type: "tool_use", id: "call_b", name: "Bash", input: { command: "ls" } }]);
    expect(message.stop_reason).toBe("tool_use");
  });

  it("streams a renamed call back event by event as a tool_use block named as offered, its input assembled by the SDK", async () => {
    const { answer } = shapeForOpenClaw("chat", claudeTurn());
    const renamed = answer!.stream();
    const events = translate([
      chunk({ role: "assistant", content: "" }),
      chunk({ tool_calls: [{ index: 0, id: "call_b", type: "function", function: { name: "client_Bash", arguments: "" } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: "{\"command\":" } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: "\"ls -l\"}" } }] }),
      chunk({}, "tool_calls"),
      usageChunk(30, 5),
      "data: [DONE]",
    ].flatMap((raw) => renamed(raw)));
    expect(typesOf(events)).toEqual([
      "message_start", "ping", "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop", "message_delta", "message_stop",
    ]);
    expect(dataOf(events[2]).content_block).toEqual({ type: "tool_use", id: "call_b", name: "Bash", input: {} });
    expect(dataOf(events[3]).delta).toEqual({ type: "input_json_delta", partial_json: "{\"command\":" });
    expect(events.join("\n")).not.toContain("client_Bash");
    const message = await officialClient(events).messages.stream(streamParams).finalMessage();
    expect(message.content).toEqual([{ type: "tool_use", id: "call_b", name: "Bash", input: { command: "ls -l" } }]);
    expect(message.stop_reason).toBe("tool_use");
  });
});

describe("errors and token counts on the Anthropic surface", () => {
  it("shapes errors as Anthropic's, with its type for the status", () => {
    expect(JSON.parse(anthropicErrorBody(429, "Slow down.", "req_1"))).toEqual({ type: "error", error: { type: "rate_limit_error", message: "Slow down." }, request_id: "req_1" });
    expect(JSON.parse(anthropicErrorBody(401, "x")).error.type).toBe("authentication_error");
    expect(JSON.parse(anthropicErrorBody(502, "x")).error.type).toBe("api_error");
    expect(JSON.parse(anthropicErrorBody(503, "x")).error.type).toBe("overloaded_error");
  });

  it("keeps the node's reason when it re-shapes an OpenAI-shaped error", () => {
    const reshaped = JSON.parse(reshapeErrorBody(400, JSON.stringify({ error: { message: "Invalid `model`.", type: "invalid_request_error" } })));
    expect(reshaped).toEqual({ type: "error", error: { type: "invalid_request_error", message: "Invalid `model`." } });
    expect(JSON.parse(reshapeErrorBody(502, "<html>bad gateway</html>")).error.message).toMatch(/HTTP 502/);
  });

  it("estimates input tokens from the system prompt, messages and tools", () => {
    const small = estimateInputTokens({ messages: [{ role: "user", content: "hi" }] });
    const big = estimateInputTokens({ system: "x".repeat(400), messages: [{ role: "user", content: "y".repeat(400) }], tools: [{ name: "Read" }] });
    expect(small).toBe(1);
    expect(big).toBeGreaterThanOrEqual(200);
  });
});
