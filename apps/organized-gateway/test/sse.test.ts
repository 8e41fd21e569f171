import { describe, expect, it } from "vitest";
import { SseScanner, classifyEvent } from "../src/pipeline/forward/sse";
import { completionChars, estimateTokens, promptChars, readUsage } from "../src/pipeline/forward/usage";

const chunk = (body: object) => `data: ${JSON.stringify(body)}`;
/** A Responses API event as OpenAI sends it: an `event:` line naming its type, then its data. */
const typed = (type: string, body: object = {}) => `event: ${type}\ndata: ${JSON.stringify({ type, ...body })}`;
const responseUsage = { input_tokens: 4, output_tokens: 9, total_tokens: 13 };

/** A value nested `n` arrays deep around `inner`, built without recursion. */
function nested(n: number, inner: unknown): unknown {
  let value = inner;
  for (let i = 0; i < n; i++) value = [value];
  return value;
}

describe("the SSE scanner", () => {
  it("returns only complete events, joining events split across network chunks", () => {
    const scanner = new SseScanner();
    const event = chunk({ choices: [{ delta: { content: "Hello" } }] });
    expect(scanner.push(event.slice(0, 10))).toEqual([]);
    const events = scanner.push(`${event.slice(10)}\n\ndata: [DO`);
    expect(events).toHaveLength(1);
    expect(events[0].contentChars).toBe(5);
    expect(scanner.push("NE]\r\n\r\n")[0].kind).toBe("done");
  });

  it("recognises the usage-only chunk that include_usage adds", () => {
    const event = classifyEvent(chunk({ choices: [], usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 } }));
    expect(event.kind).toBe("usage_only");
    expect(event.usage).toEqual({ prompt: 7, completion: 3 });
  });

  it("notices an error sent inside a 200 stream, as OpenClaw does when its provider fails", () => {
    const event = classifyEvent(chunk({ error: { message: "upstream provider timeout", type: "server_error" } }));
    expect(event.kind).toBe("error");
    expect(event.errorCode).toBe("server_error");
  });

  it("reads the final usage of a Responses API stream", () => {
    const event = classifyEvent(chunk({ type: "response.completed", response: { usage: { input_tokens: 4, output_tokens: 9 } } }));
    expect(event.finished).toBe(true);
    expect(event.usage).toEqual({ prompt: 4, completion: 9 });
  });

  it("marks the chunk carrying finish_reason as the end of the answer", () => {
    expect(classifyEvent(chunk({ choices: [{ delta: {}, finish_reason: "stop" }] })).finished).toBe(true);
  });

  it("ignores an event whose data is JSON but not an object", () => {
    expect(classifyEvent("data: null")).toMatchObject({ kind: "other", finished: false, errorCode: null });
    expect(classifyEvent("data: 5")).toMatchObject({ kind: "other", finished: false, errorCode: null });
  });
});

describe("the terminal events of a Responses API stream", () => {
  it("counts the text of output_text deltas sent with an event: line", () => {
    expect(classifyEvent(typed("response.output_text.delta", { delta: "Hello" }))).toMatchObject({ kind: "data", contentChars: 5 });
  });

  it("reads response.completed as a normal end with its usage", () => {
    const event = classifyEvent(typed("response.completed", { response: { status: "completed", usage: responseUsage } }));
    expect(event).toMatchObject({ kind: "data", finished: true, errorCode: null, usage: { prompt: 4, completion: 9 } });
  });

  it("reads response.incomplete (max_output_tokens reached) as a normal end with its usage", () => {
    const event = classifyEvent(typed("response.incomplete", {
      response: { status: "incomplete", incomplete_details: { reason: "max_output_tokens" }, usage: responseUsage },
    }));
    expect(event).toMatchObject({ kind: "data", finished: true, errorCode: null, usage: { prompt: 4, completion: 9 } });
  });

  it("reads response.failed as a failed end with its error code and usage", () => {
    const event = classifyEvent(typed("response.failed", {
      response: { status: "failed", error: { code: "server_error", message: "The model failed." }, usage: responseUsage },
    }));
    expect(event).toMatchObject({ kind: "error", finished: false, errorCode: "server_error", usage: { prompt: 4, completion: 9 } });
  });

  it("reads response.failed without an error code or usage as a failed end all the same", () => {
    const event = classifyEvent(typed("response.failed", { response: { status: "failed", error: null } }));
    expect(event).toMatchObject({ kind: "error", errorCode: "upstream_stream_error", usage: null });
  });

  it("reads an error event with its code, whether at the top level or nested", () => {
    expect(classifyEvent(typed("error", { code: "rate_limit_exceeded", message: "Slow down.", param: null })))
      .toMatchObject({ kind: "error", errorCode: "rate_limit_exceeded" });
    expect(classifyEvent(typed("error", { error: { type: "server_error", code: "overloaded", message: "Busy." } })))
      .toMatchObject({ kind: "error", errorCode: "overloaded" });
    expect(classifyEvent(typed("error", { message: "No code." }))).toMatchObject({ kind: "error", errorCode: "upstream_stream_error" });
  });

  it("takes the type from the event: line when the data does not name it", () => {
    const event = classifyEvent(`event: response.incomplete\ndata: ${JSON.stringify({ response: { usage: responseUsage } })}`);
    expect(event).toMatchObject({ finished: true, usage: { prompt: 4, completion: 9 } });
    expect(classifyEvent(`event: error\r\ndata: ${JSON.stringify({ code: "server_error", message: "x" })}`))
      .toMatchObject({ kind: "error", errorCode: "server_error" });
  });

  it("leaves other events of the stream as plain data that ends nothing", () => {
    for (const type of ["response.created", "response.in_progress", "response.output_text.done", "response.output_item.done"]) {
      expect(classifyEvent(typed(type, { response: { status: "in_progress" } }))).toMatchObject({ kind: "data", finished: false, errorCode: null });
    }
  });
});

describe("usage accounting", () => {
  it("reads chat and responses naming alike", () => {
    expect(readUsage({ prompt_tokens: 1, completion_tokens: 2 })).toEqual({ prompt: 1, completion: 2 });
    expect(readUsage({ input_tokens: 3, output_tokens: 4 })).toEqual({ prompt: 3, completion: 4 });
    expect(readUsage({ total_tokens: 3 })).toBeNull();
  });

  it("estimates about four characters per token from the prompt's text parts", () => {
    const chars = promptChars({ messages: [{ role: "user", content: "12345678" }, { role: "user", content: [{ type: "text", text: "abcd" }] }] });
    expect(chars).toBe(12);
    expect(estimateTokens(chars)).toBe(3);
  });

  it("counts text in parts nested any depth, a million levels too, without overflowing the stack", () => {
    expect(promptChars({ messages: [{ role: "user", content: nested(1_000_000, "abcd") }] })).toBe(4);
    expect(promptChars({ input: [{ content: [{ type: "input_text", text: nested(1_000_000, "ab") }] }] })).toBe(2);
    expect(promptChars({ prompt: nested(1_000_000, "abc") })).toBe(3);
  });

  it("counts the answer text of an upstream's JSON answer nested any depth without overflowing the stack", () => {
    expect(completionChars({ choices: [{ message: { content: nested(1_000_000, "four") } }] })).toBe(4);
  });
});
