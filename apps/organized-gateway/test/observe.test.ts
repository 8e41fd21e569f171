import { describe, expect, it } from "vitest";
import { observe } from "../src/forward/observe";

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
