import { describe, expect, it } from "vitest";
import { observe } from "../src/pipeline/forward/observe";
import { gateway, rowFor } from "./helpers";

const encoder = new TextEncoder();

function source(parts: string[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const part of parts) controller.enqueue(encoder.encode(part));
      controller.close();
    },
  });
}

const event = (body: object) => `data: ${JSON.stringify(body)}\n\n`;
const content = (text: string) => event({ choices: [{ index: 0, delta: { content: text } }] });
const finish = event({ choices: [{ index: 0, delta: {}, finish_reason: "stop" }] });
const usage = event({ choices: [], usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 } });

/** A Responses API event: an `event:` line naming its type, then its data. */
const typed = (type: string, body: object = {}) => `event: ${type}\ndata: ${JSON.stringify({ type, ...body })}\n\n`;
const responseUsage = { input_tokens: 6, output_tokens: 3, total_tokens: 9 };
const responseStart = [typed("response.created", { response: { status: "in_progress" } }),
  typed("response.output_text.delta", { delta: "Half" }), typed("response.output_text.delta", { delta: " an" })];

/** Each way either stream format ends as its upstream meant, and the outcome it must give. */
const terminalEndings = [
  { ending: "response.completed", parts: [...responseStart, typed("response.completed", { response: { status: "completed", usage: responseUsage } })],
    outcome: { endState: "complete", errorCode: null, usage: { prompt: 6, completion: 3 }, completionChars: 7 } },
  { ending: "response.incomplete (max_output_tokens)", parts: [...responseStart, typed("response.incomplete", {
    response: { status: "incomplete", incomplete_details: { reason: "max_output_tokens" }, usage: responseUsage } })],
    outcome: { endState: "complete", errorCode: null, usage: { prompt: 6, completion: 3 }, completionChars: 7 } },
  { ending: "response.failed", parts: [...responseStart, typed("response.failed", {
    response: { status: "failed", error: { code: "server_error", message: "The model failed." }, usage: responseUsage } })],
    outcome: { endState: "upstream_error", errorCode: "server_error", usage: { prompt: 6, completion: 3 } } },
  { ending: "an error event", parts: [...responseStart, typed("error", { code: "context_length_exceeded", message: "Too long.", param: null })],
    outcome: { endState: "upstream_error", errorCode: "context_length_exceeded", usage: null } },
  { ending: "chat's finish_reason and [DONE]", parts: [content("Hi"), finish, "data: [DONE]\n\n"],
    outcome: { endState: "complete", errorCode: null, completionChars: 2 } },
  { ending: "chat's finish_reason alone", parts: [content("Hi"), finish],
    outcome: { endState: "complete", errorCode: null, completionChars: 2 } },
  { ending: "chat's error chunk and [DONE]", parts: [content("Hi"),
    event({ error: { message: "upstream provider timeout", type: "server_error" } }), "data: [DONE]\n\n"],
    outcome: { endState: "upstream_error", errorCode: "server_error" } },
];

/** A body that sends `parts`, then fails as a dropped connection does. */
function failingAfter(parts: string[]): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    async pull(controller) {
      if (sent < parts.length) controller.enqueue(encoder.encode(parts[sent++]));
      else {
        await new Promise((resolve) => setTimeout(resolve, 10));
        controller.error(new Error("connection reset"));
      }
    },
  });
}

const paths = [
  { path: "piped natively (nothing to strip)", stripUsageChunk: false },
  { path: "rewritten (the usage chunk is stripped)", stripUsageChunk: true },
];

describe("the stream observer", () => {
  it("passes a stream through byte for byte when nothing is stripped, even an unterminated last event", async () => {
    const parts = [content("Hel"), content("lo").slice(0, 9), content("lo").slice(9), finish, usage, "data: [DONE]"];
    const observed = observe(source(parts), { format: "sse", stripUsageChunk: false, startedAt: Date.now() });
    expect(await new Response(observed.body).text()).toBe(parts.join(""));
    const outcome = await observed.outcome;
    expect(outcome).toMatchObject({ endState: "complete", usage: { prompt: 5, completion: 2 }, completionChars: 5, errorCode: null });
    expect(outcome.ttfbMs).not.toBeNull();
  });

  it("strips the usage chunk and keeps everything else in order", async () => {
    const parts = [content("Hi"), finish, usage, "data: [DONE]\n\n"];
    const observed = observe(source(parts), { format: "sse", stripUsageChunk: true, startedAt: Date.now() });
    expect(await new Response(observed.body).text()).toBe(content("Hi") + finish + "data: [DONE]\n\n");
    expect((await observed.outcome).usage).toEqual({ prompt: 5, completion: 2 });
  });

  it("strips a usage chunk split across network chunks, after whole events passed untouched", async () => {
    const parts = [content("Hi"), content(" there").slice(0, 7), content(" there").slice(7) + finish + usage.slice(0, 12),
      usage.slice(12) + "data: [DONE]\n\n"];
    const observed = observe(source(parts), { format: "sse", stripUsageChunk: true, startedAt: Date.now() });
    expect(await new Response(observed.body).text()).toBe(content("Hi") + content(" there") + finish + "data: [DONE]\n\n");
    expect(await observed.outcome).toMatchObject({ usage: { prompt: 5, completion: 2 }, completionChars: 8, endState: "complete" });
  });

  it("ends a stream that stops before its finish with a stream_cut error event", async () => {
    const observed = observe(source([content("Half an ans")]), { format: "sse", stripUsageChunk: true, startedAt: Date.now() });
    const text = await new Response(observed.body).text();
    expect(text.startsWith(content("Half an ans"))).toBe(true);
    expect(text).toContain('"code":"stream_cut"');
    expect(await observed.outcome).toMatchObject({ endState: "upstream_error", errorCode: "stream_cut", usage: null, completionChars: 11 });
  });

  it("reads usage and answer length from a JSON body split across chunks", async () => {
    const body = JSON.stringify({ choices: [{ message: { content: "four" } }], usage: { prompt_tokens: 3, completion_tokens: 1 } });
    const observed = observe(source([body.slice(0, 10), body.slice(10)]), { format: "json", stripUsageChunk: false, startedAt: Date.now() });
    expect(await new Response(observed.body).text()).toBe(body);
    expect(await observed.outcome).toMatchObject({ endState: "complete", usage: { prompt: 3, completion: 1 }, completionChars: 4 });
  });

  it("records a reader that goes away as client_abort and cancels the upstream", async () => {
    let cancelled = false;
    const upstream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode(content("first")));
      },
      cancel() {
        cancelled = true;
      },
    });
    const observed = observe(upstream, { format: "sse", stripUsageChunk: true, startedAt: Date.now() });
    const reader = observed.body.getReader();
    await reader.read();
    await reader.cancel();
    expect((await observed.outcome).endState).toBe("client_abort");
    expect(cancelled).toBe(true);
  });

  describe.each(paths)("when $path", ({ stripUsageChunk }) => {
    const options = () => ({ format: "sse" as const, stripUsageChunk, startedAt: Date.now() });

    it.each(terminalEndings)("ends a stream that ends with $ending as the upstream sent it, with that outcome", async ({ parts, outcome }) => {
      const observed = observe(source(parts), options());
      expect(await new Response(observed.body).text()).toBe(parts.join(""));
      expect(await observed.outcome).toMatchObject(outcome);
    });

    it.each(terminalEndings)("adds no stream_cut when the connection drops after $ending", async ({ parts, outcome }) => {
      const observed = observe(failingAfter(parts), options());
      expect(await new Response(observed.body).text()).toBe(parts.join(""));
      expect(await observed.outcome).toMatchObject(outcome);
    });

    it("ends a Responses API stream that stops before its terminal event with stream_cut", async () => {
      const observed = observe(source(responseStart), options());
      const text = await new Response(observed.body).text();
      expect(text.startsWith(responseStart.join(""))).toBe(true);
      expect(text).toContain('"code":"stream_cut"');
      expect(await observed.outcome).toMatchObject({ endState: "upstream_error", errorCode: "stream_cut", usage: null, completionChars: 7 });
    });

    it("ends a Responses API stream whose connection drops before its terminal event with stream_cut", async () => {
      const observed = observe(failingAfter(responseStart), options());
      expect(await new Response(observed.body).text()).toContain('"code":"stream_cut"');
      expect(await observed.outcome).toMatchObject({ endState: "upstream_error", errorCode: "stream_cut" });
    });
  });

  describe("on the native path (nothing to strip)", () => {
    const piped = { format: "sse" as const, stripUsageChunk: false };

    it("appends stream_cut to a stream that closes before its finish", async () => {
      const observed = observe(source([content("Half")]), { ...piped, startedAt: Date.now() });
      const text = await new Response(observed.body).text();
      expect(text.startsWith(content("Half"))).toBe(true);
      expect(text).toContain('"code":"stream_cut"');
      expect(await observed.outcome).toMatchObject({ endState: "upstream_error", errorCode: "stream_cut", completionChars: 4 });
    });

    it("appends stream_cut when the upstream fails mid-stream", async () => {
      const failing = new ReadableStream<Uint8Array>({
        async pull(controller) {
          controller.enqueue(encoder.encode(content("Hel")));
          await new Promise((resolve) => setTimeout(resolve, 20));
          controller.error(new Error("connection reset"));
        },
      });
      const observed = observe(failing, { ...piped, startedAt: Date.now() });
      const text = await new Response(observed.body).text();
      expect(text.startsWith(content("Hel"))).toBe(true);
      expect(text).toContain('"code":"stream_cut"');
      expect(await observed.outcome).toMatchObject({ endState: "upstream_error", errorCode: "stream_cut" });
    });

    it("records a reader that goes away as client_abort and cancels the upstream", async () => {
      // The native pipe notices a departed reader at the upstream's next chunk.
      let cancelled = false;
      const upstream = new ReadableStream<Uint8Array>({
        async pull(controller) {
          await new Promise((resolve) => setTimeout(resolve, 10));
          controller.enqueue(encoder.encode(content("more")));
        },
        cancel() {
          cancelled = true;
        },
      });
      const observed = observe(upstream, { ...piped, startedAt: Date.now() });
      const reader = observed.body.getReader();
      await reader.read();
      await reader.cancel();
      expect((await observed.outcome).endState).toBe("client_abort");
      expect(cancelled).toBe(true);
    });
  });
});

describe("a Responses API stream through the gateway, from the dev upstream", () => {
  /** The stream's events as [name, data] pairs. */
  const typedEvents = (text: string) => text.split("\n\n").filter((e) => e.trim() !== "").map((e) => {
    const lines = e.split("\n");
    const name = lines.find((l) => l.startsWith("event: "))?.slice(7) ?? null;
    const data = lines.filter((l) => l.startsWith("data: ")).map((l) => l.slice(6)).join("\n");
    return { name, data: JSON.parse(data) as Record<string, any> };
  });

  const ask = (end: string, includeUsage: boolean) => gateway("/v1/responses", {
    method: "POST",
    headers: { "x-user-id": "rita", authorization: "Bearer sk-rita-0001", "content-type": "application/json" },
    body: JSON.stringify({ model: `gpt-4o@end=${end}`, input: "tell me about streams", stream: true,
      ...(includeUsage ? { stream_options: { include_usage: true } } : {}) }),
  });

  describe.each(paths)("$path", ({ stripUsageChunk }) => {
    it.each([
      { end: "completed", terminal: "response.completed", row: { end_state: "complete", error_code: null } },
      { end: "incomplete", terminal: "response.incomplete", row: { end_state: "complete", error_code: null } },
      { end: "failed", terminal: "response.failed", row: { end_state: "upstream_error", error_code: "server_error" } },
    ])("ends with $terminal as the upstream sent it, and logs its usage and end state", async ({ end, terminal, row }) => {
      const response = await ask(end, !stripUsageChunk);
      expect(response.status).toBe(200);
      const text = await response.text();
      expect(text).not.toContain("stream_cut");
      const events = typedEvents(text);
      const last = events.at(-1)!;
      expect(last.name).toBe(terminal);
      const usage = last.data.response.usage as { input_tokens: number; output_tokens: number };
      expect(await rowFor(response)).toMatchObject({
        ...row, status: 200, stream: 1, usage_source: "reported",
        prompt_tokens: usage.input_tokens, completion_tokens: usage.output_tokens,
      });
    });

    it("ends with the upstream's error event, and logs an upstream error with its code", async () => {
      const response = await ask("error", !stripUsageChunk);
      const text = await response.text();
      expect(text).not.toContain("stream_cut");
      expect(typedEvents(text).at(-1)).toMatchObject({ name: "error", data: { type: "error", code: "server_error" } });
      expect(await rowFor(response)).toMatchObject({ status: 200, end_state: "upstream_error", error_code: "server_error", usage_source: "estimated" });
    });
  });
});
