import { describe, expect, it } from "vitest";
import { SseScanner, classifyEvent } from "../src/forward/sse";
import { estimateTokens, promptChars, readUsage } from "../src/forward/usage";

const chunk = (body: object) => `data: ${JSON.stringify(body)}`;

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
});
