import { describe, expect, it } from "vitest";
import { shapeForOpenClaw } from "./index";
import { reshapeAnswer } from "./reshape-answer";
import { rewriteEvents } from "./sse-events";

function streamOf(pieces: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const piece of pieces) controller.enqueue(encoder.encode(piece));
      controller.close();
    },
  });
}

describe("rewriting an event stream event by event", () => {
  it("cuts events at blank lines across network chunks and CRLF, and reads an unterminated last event", async () => {
    const seen: string[] = [];
    const out = rewriteEvents(streamOf(["data: {\"a\"", ":1}\r\n\r\ndata: [D", "ONE]\n\nevent: x\ndata: tail"]), (raw) => {
      seen.push(raw);
      return [raw.toUpperCase()];
    }, () => ["data: end"]);
    const text = await new Response(out).text();
    expect(seen).toEqual(["data: {\"a\":1}", "data: [DONE]", "event: x\ndata: tail"]);
    expect(text).toBe("DATA: {\"A\":1}\n\nDATA: [DONE]\n\nEVENT: X\nDATA: TAIL\n\ndata: end\n\n");
  });

  it("sends each event on as soon as it is complete, before the stream ends", async () => {
    let push!: (text: string) => void;
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({ start(controller) { push = (text) => controller.enqueue(encoder.encode(text)); } });
    const reader = rewriteEvents(body, (raw) => [raw]).getReader();
    push("data: first\n\n");
    const { value } = await reader.read();
    expect(new TextDecoder().decode(value)).toBe("data: first\n\n");
    await reader.cancel();
  });
});

describe("a node's answer given back as a Response", () => {
  const body = () => ({ model: "m", messages: [], tools: [{ type: "function", function: { name: "Bash" } }] });

  it("renames a streamed call back and keeps the stream's headers", async () => {
    const reshaper = shapeForOpenClaw("chat", body()).answer!;
    const upstream = new Response(streamOf([
      `data: ${JSON.stringify({ choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: "c", function: { name: "client_Bash", arguments: "{}" } }] } }] })}\n\n`,
      "data: [DONE]\n\n",
    ]), { headers: { "content-type": "text/event-stream", "content-length": "999", "x-ocg-node": "n1" } });
    const answer = await reshapeAnswer(upstream, reshaper);
    expect(answer.headers.get("x-ocg-node")).toBe("n1");
    expect(answer.headers.has("content-length")).toBe(false);
    const text = await answer.text();
    expect(text).toContain("\"name\":\"Bash\"");
    expect(text.endsWith("data: [DONE]\n\n")).toBe(true);
  });

  it("renames a JSON answer's call back and passes an error answer untouched", async () => {
    const reshaper = shapeForOpenClaw("chat", body()).answer!;
    const json = await reshapeAnswer(Response.json({ choices: [{ message: { tool_calls: [{ id: "c", type: "function", function: { name: "client_Bash", arguments: "{}" } }] } }] }), reshaper);
    expect(((await json.json()) as { choices: { message: { tool_calls: { function: { name: string } }[] } }[] }).choices[0].message.tool_calls[0].function.name).toBe("Bash");
    const refusal = Response.json({ error: { message: "client tool name conflict: x" } }, { status: 400 });
    expect(await reshapeAnswer(refusal, reshaper)).toBe(refusal);
  });
});
