// POST /v1/messages (Anthropic Messages) as a surface of the one pipeline, in workerd against
// the dev upstream: translated to the node's chat completions and back, Anthropic-shaped
// errors, admitted and logged like any call.
import { describe, expect, it } from "vitest";
import { gateway, issueKey, rowFor, seenWith } from "./helpers";

const ANTHROPIC = { "content-type": "application/json", "anthropic-version": "2023-06-01", "anthropic-beta": "interleaved-thinking-2025-05-14" };

function messagesInit(key: string | null, body: Record<string, unknown>, headers: Record<string, string> = {}): RequestInit {
  return { method: "POST", headers: { ...ANTHROPIC, ...(key ? { "x-api-key": key } : {}), ...headers }, body: JSON.stringify(body) };
}

const ask = (content: unknown, extra: Record<string, unknown> = {}) => ({ model: "claude-sonnet-4-5", max_tokens: 256, messages: [{ role: "user", content }], ...extra });

function events(text: string): { type: string; data: Record<string, any> }[] {
  return text.split("\n\n").filter((e) => e.trim() !== "").map((e) => {
    const [nameLine, dataLine] = e.split("\n");
    return { type: nameLine.slice("event: ".length), data: JSON.parse(dataLine.slice("data: ".length)) };
  });
}

describe("POST /v1/messages", () => {
  it("answers a Message translated from the node's chat completion, with the caller's model and usage, and logs it", async () => {
    const key = await issueKey("msg-amy");
    const response = await gateway("/v1/messages", messagesInit(key, ask("hello from claude code", { system: [{ type: "text", text: "Be brief." }] })));
    expect(response.status).toBe(200);
    expect(response.headers.get("x-ratelimit-limit")).not.toBeNull();
    const message = await response.json() as Record<string, any>;
    expect(message).toMatchObject({ type: "message", role: "assistant", model: "claude-sonnet-4-5", stop_reason: "end_turn", stop_sequence: null });
    expect(message.id).toMatch(/^msg_/);
    expect(message.content).toEqual([{ type: "text", text: "Echo: hello from claude code" }]);
    expect(message.usage.output_tokens).toBeGreaterThan(0);
    const row = await rowFor(response);
    expect(row).toMatchObject({ user_id: "msg-amy", endpoint: "/v1/messages", status: 200, model: "claude-sonnet-4-5", end_state: "complete", usage_source: "reported" });
  });

  it("sends the node a chat completion without the caller's Anthropic headers or key", async () => {
    const key = await issueKey("msg-ben");
    await gateway("/v1/messages", messagesInit(key, ask("marker-msg-ben-1")));
    const [seen] = await seenWith("marker-msg-ben-1");
    expect(seen.path).toBe("/v1/chat/completions");
    expect(seen.body).toMatchObject({ messages: [{ role: "user", content: "marker-msg-ben-1" }], max_completion_tokens: 256 });
    expect(JSON.stringify(seen.headers)).not.toContain(key);
    expect(Object.keys(seen.headers).filter((h) => h.startsWith("anthropic-") || h === "x-api-key")).toEqual([]);
  });

  it("takes the gateway key as a bearer too, and Claude Code's ?beta=true query", async () => {
    const key = await issueKey("msg-cat");
    const response = await gateway("/v1/messages?beta=true", messagesInit(null, ask("bearer please"), { authorization: `Bearer ${key}` }));
    expect(response.status).toBe(200);
    expect(((await response.json()) as { content: { text: string }[] }).content[0].text).toBe("Echo: bearer please");
    const counted = await gateway("/v1/messages/count_tokens?beta=true", messagesInit(key, { model: "m", messages: [{ role: "user", content: "hi" }] }));
    expect(counted.status).toBe(200);
  });

  it("streams Anthropic's events in order, with the usage the node reported, and logs the stream", async () => {
    const key = await issueKey("msg-dan");
    const response = await gateway("/v1/messages", messagesInit(key, ask("stream this answer please", { stream: true })));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const list = events(await response.text());
    const types = list.map((e) => e.type);
    expect(types.slice(0, 3)).toEqual(["message_start", "ping", "content_block_start"]);
    expect(types.slice(-3)).toEqual(["content_block_stop", "message_delta", "message_stop"]);
    expect(list.filter((e) => e.type === "content_block_delta").map((e) => e.data.delta.text).join("")).toBe("Echo: stream this answer please");
    const delta = list.find((e) => e.type === "message_delta")!.data;
    expect(delta.delta.stop_reason).toBe("end_turn");
    expect(delta.usage.output_tokens).toBeGreaterThan(0);
    expect(await rowFor(response)).toMatchObject({ endpoint: "/v1/messages", stream: 1, end_state: "complete", usage_source: "reported" });
  });

  it("runs a tool loop: the model's call comes back as tool_use, the tool_result gets a text quoting it", async () => {
    const key = await issueKey("msg-eve");
    const tools = [{ name: "Write", description: "Write a file", input_schema: { type: "object", properties: { file_path: { type: "string" }, content: { type: "string" } } } }];
    const first = await gateway("/v1/messages", messagesInit(key, ask('save it [[call write {"file_path":"hello.txt","content":"hi"}]]', { tools })));
    const call = await first.json() as Record<string, any>;
    expect(call.stop_reason).toBe("tool_use");
    const use = call.content.find((b: { type: string }) => b.type === "tool_use");
    expect(use).toMatchObject({ name: "Write", input: { file_path: "hello.txt", content: "hi" } });

    const second = await gateway("/v1/messages", messagesInit(key, {
      model: "claude-sonnet-4-5", max_tokens: 256, tools, stream: true,
      messages: [
        { role: "user", content: 'save it [[call write {"file_path":"hello.txt","content":"hi"}]]' },
        { role: "assistant", content: call.content },
        { role: "user", content: [{ type: "tool_result", tool_use_id: use.id, content: [{ type: "text", text: "File created successfully at: hello.txt" }] }] },
      ],
    }));
    const text = events(await second.text()).filter((e) => e.type === "content_block_delta").map((e) => e.data.delta.text).join("");
    expect(text).toBe("The tool answered: File created successfully at: hello.txt");
  });

  it("answers a caller whose key is mistyped with Anthropic's error shape", async () => {
    const key = await issueKey("msg-kim");
    const response = await gateway("/v1/messages", messagesInit(key.slice(0, -3), ask("x")));
    expect(response.status).toBe(401);
    const body = await response.json() as Record<string, any>;
    expect(body).toMatchObject({ type: "error", error: { type: "authentication_error" } });
    expect(body.error.message).toMatch(/OCG_KEY|key/);
  });

  it("refuses a request without max_tokens as Anthropic would, naming the field, and logs it", async () => {
    const key = await issueKey("msg-fay");
    const response = await gateway("/v1/messages", messagesInit(key, { model: "claude-sonnet-4-5", messages: [{ role: "user", content: "x" }] }));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ type: "error", error: { type: "invalid_request_error", message: expect.stringContaining("max_tokens") } });
    expect(await rowFor(response)).toMatchObject({ status: 400, endpoint: "/v1/messages" });
  });

  it("answers a wrong method with an Anthropic-shaped 405", async () => {
    const key = await issueKey("msg-gus");
    const response = await gateway("/v1/messages", { method: "GET", headers: { "x-api-key": key } });
    expect(response.status).toBe(405);
    expect(await response.json()).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
  });

  it("passes a node's refusal on with its status and words, Anthropic-shaped", async () => {
    const key = await issueKey("msg-hal");
    const response = await gateway("/v1/messages", messagesInit(key, { ...ask("x"), model: "claude-sonnet-4-5@status=429" }));
    expect(response.status).toBe(429);
    const body = await response.json() as Record<string, any>;
    expect(body).toMatchObject({ type: "error", error: { type: "rate_limit_error" } });
    expect(body.error.message).not.toMatch(/organiser is on it/i);
  });

  it("estimates input tokens at /v1/messages/count_tokens without a model call", async () => {
    const key = await issueKey("msg-ida");
    const response = await gateway("/v1/messages/count_tokens", messagesInit(key, { model: "claude-sonnet-4-5", system: "x".repeat(400), messages: [{ role: "user", content: "marker-count-tokens" }] }));
    expect(response.status).toBe(200);
    const { input_tokens } = await response.json() as { input_tokens: number };
    expect(input_tokens).toBeGreaterThanOrEqual(100);
    expect(await seenWith("marker-count-tokens")).toEqual([]);
    const unauthenticated = await gateway("/v1/messages/count_tokens", messagesInit(key.slice(0, -3), { messages: [] }));
    expect(unauthenticated.status).toBe(401);
    expect(await unauthenticated.json()).toMatchObject({ type: "error", error: { type: "authentication_error" } });
  });
});
