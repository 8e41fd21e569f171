// The OpenClaw route shapes /v1 requests into what OpenClaw accepts and gives its answers back
// in the client's terms (src/pipeline/route/openclaw-shape/), in workerd against the dev
// upstream standing in for OpenClaw (its scripted model calls the offered tools); each tool
// conversation gets its own session; a pass-through route is left as it is.
import { describe, expect, it } from "vitest";
import { gatewayWith, issueKey, sseData, upstreamSaw } from "./helpers";

const OPENCLAW = { OPENCLAW_TOKEN: "operator-token-shaping", OPENCLAW_AGENT: "main" };
const fnTool = (name: string) => ({ type: "function", function: { name, parameters: { type: "object", properties: { path: { type: "string" } } } } });

function post(key: string, path: string, body: unknown, headers: Record<string, string> = {}): RequestInit {
  return { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${key}`, ...headers }, body: JSON.stringify(body) };
}

describe("chat completions on the OpenClaw route", () => {
  it("offers clashing tools renamed and gives the model's call back under the client's name", async () => {
    const key = await issueKey("shape-amy");
    const response = await gatewayWith(OPENCLAW, "/v1/chat/completions", post(key, "", {
      model: "gpt-4o", tools: [fnTool("Bash"), fnTool("Read"), fnTool("read_file")],
      messages: [{ role: "user", content: '[[call read {"path":"a.txt"}]]' }],
    }));
    expect(response.status).toBe(200);
    const saw = await upstreamSaw();
    expect((saw.body!.tools as { function: { name: string } }[]).map((t) => t.function.name)).toEqual(["client_Bash", "client_Read", "read_file"]);
    const answer = await response.json() as { choices: { finish_reason: string; message: { tool_calls: { function: { name: string; arguments: string } }[] } }[] };
    expect(answer.choices[0].finish_reason).toBe("tool_calls");
    expect(answer.choices[0].message.tool_calls[0].function).toEqual({ name: "Read", arguments: "{\"path\":\"a.txt\"}" });
  });

  it("renames a streamed call back chunk by chunk", async () => {
    const key = await issueKey("shape-ben");
    const response = await gatewayWith(OPENCLAW, "/v1/chat/completions", post(key, "", {
      model: "gpt-4o", stream: true, tools: [fnTool("write")],
      messages: [{ role: "user", content: '[[call write {"path":"hello.txt"}]]' }],
    }));
    const chunks = sseData(await response.text()) as ({ choices: { delta: { tool_calls?: { function: { name?: string; arguments?: string } }[] } }[] } | "[DONE]")[];
    expect(chunks.at(-1)).toBe("[DONE]");
    const deltas = chunks.flatMap((c) => (c === "[DONE]" ? [] : c.choices[0]?.delta?.tool_calls ?? []));
    expect(deltas[0].function.name).toBe("write");
    expect(deltas.map((d) => d.function.arguments ?? "").join("")).toBe("{\"path\":\"hello.txt\"}");
  });

  it("renames the calls in the history the client sends back, and the tool result is quoted", async () => {
    const key = await issueKey("shape-cat");
    const response = await gatewayWith(OPENCLAW, "/v1/chat/completions", post(key, "", {
      model: "gpt-4o", tools: [fnTool("write")],
      messages: [
        { role: "user", content: '[[call write {"path":"hello.txt"}]]' },
        { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "write", arguments: "{}" } }] },
        { role: "tool", tool_call_id: "call_1", content: "saved hello.txt" },
      ],
    }));
    const saw = await upstreamSaw();
    expect((saw.body!.messages as { tool_calls?: { function: { name: string } }[] }[])[1].tool_calls![0].function.name).toBe("client_write");
    expect(((await response.json()) as { choices: { message: { content: string } }[] }).choices[0].message.content).toBe("The tool answered: saved hello.txt");
  });

  it("leaves tool names alone on a pass-through route", async () => {
    const key = await issueKey("shape-dan");
    await gatewayWith({}, "/v1/chat/completions", post(key, "", { model: "gpt-4o", tools: [fnTool("Bash")], messages: [{ role: "user", content: "hi" }] }));
    expect(((await upstreamSaw()).body!.tools as { function: { name: string } }[])[0].function.name).toBe("Bash");
  });
});

describe("Responses on the OpenClaw route", () => {
  it("sends only what OpenClaw's schema takes and gives a custom tool's call back as a custom_tool_call", async () => {
    const key = await issueKey("shape-eve");
    const patch = "*** Begin Patch\n*** End Patch";
    const response = await gatewayWith(OPENCLAW, "/v1/responses", post(key, "", {
      model: "gpt-5.5", stream: true, store: false, parallel_tool_calls: true, include: ["reasoning.encrypted_content"],
      prompt_cache_key: "thread-eve", client_metadata: { x: "y" }, text: { verbosity: "low" }, reasoning: { effort: "minimal" },
      tools: [{ type: "custom", name: "apply_patch" }, { type: "web_search" }, { type: "function", name: "shell", parameters: { type: "object" } }],
      input: [{ role: "user", content: `[[call apply_patch ${JSON.stringify(patch)}]]` }],
    }));
    expect(response.status).toBe(200);
    const saw = (await upstreamSaw()).body!;
    expect(Object.keys(saw).sort()).toEqual(["input", "model", "reasoning", "store", "stream", "tools", "user"]);
    expect(saw.reasoning).toEqual({ effort: "low" });
    expect((saw.tools as { name: string; type: string }[]).map((t) => `${t.type}:${t.name}`)).toEqual(["function:client_apply_patch", "function:shell"]);
    const text = await response.text();
    const completed = text.split("\n\n").find((e) => e.startsWith("event: response.completed"))!;
    const item = JSON.parse(completed.split("\n")[1].slice(6)).response.output[0];
    expect(item).toMatchObject({ type: "custom_tool_call", name: "apply_patch", input: patch });
  });
});

describe("one conversation, one session", () => {
  it("gives two conversations of one attendee two sessions, and one conversation the same one each time", async () => {
    const key = await issueKey("shape-fay");
    const sessionFor = async (thread: string) => {
      await gatewayWith(OPENCLAW, "/v1/responses", post(key, "", { model: "gpt-5.5", input: "hi", prompt_cache_key: thread }));
      return (await upstreamSaw()).body!.user as string;
    };
    const a = await sessionFor("thread-a");
    const b = await sessionFor("thread-b");
    expect(a).not.toBe(b);
    expect(await sessionFor("thread-a")).toBe(a);
  });

  it("never lets one attendee's conversation name reach another attendee's session", async () => {
    const amy = await issueKey("shape-gus");
    const ben = await issueKey("shape-hal");
    const sessions = [];
    for (const key of [amy, ben]) {
      await gatewayWith(OPENCLAW, "/v1/chat/completions", post(key, "", { model: "gpt-4o", messages: [{ role: "user", content: "x" }] }, { "x-session-id": "same-name" }));
      sessions.push((await upstreamSaw()).body!.user);
    }
    expect(sessions[0]).not.toBe(sessions[1]);
  });
});
