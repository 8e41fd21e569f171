import { describe, expect, it } from "vitest";
import { shapeForOpenClaw } from "./index";

const fn = (name: string) => ({ type: "function", function: { name, description: `${name} tool`, parameters: { type: "object", properties: {} } } });

function chatBody() {
  return {
    model: "gpt-4o",
    messages: [
      { role: "user", content: "write hello.txt" },
      { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "Write", arguments: "{\"file_path\":\"a\"}" } }] },
      { role: "tool", tool_call_id: "call_1", content: "done" },
    ],
    tools: [fn("Bash"), fn("Write"), fn("Glob")],
    tool_choice: { type: "function", function: { name: "Bash" } },
  } as Record<string, unknown>;
}

describe("chat completions shaped for OpenClaw", () => {
  it("renames clashing tools in tools, tool_choice and the history's calls", () => {
    const body = chatBody();
    const { dropped, answer } = shapeForOpenClaw("chat", body);
    expect(dropped).toEqual([]);
    expect(answer).not.toBeNull();
    expect((body.tools as { function: { name: string } }[]).map((t) => t.function.name)).toEqual(["client_Bash", "client_Write", "Glob"]);
    expect(body.tool_choice).toEqual({ type: "function", function: { name: "client_Bash" } });
    const history = body.messages as { tool_calls?: { function: { name: string; arguments: string } }[] }[];
    expect(history[1].tool_calls![0].function).toEqual({ name: "client_Write", arguments: "{\"file_path\":\"a\"}" });
  });

  it("renames OpenClaw's tool calls back in a JSON answer", () => {
    const body = chatBody();
    const { answer } = shapeForOpenClaw("chat", body);
    const completion = answer!.json({
      choices: [{ index: 0, finish_reason: "tool_calls", message: { role: "assistant", content: "", tool_calls: [
        { id: "call_2", type: "function", function: { name: "client_Bash", arguments: "{\"command\":\"ls\"}" } },
        { id: "call_3", type: "function", function: { name: "Glob", arguments: "{}" } },
      ] } }],
    });
    const calls = (completion.choices as { message: { tool_calls: { function: { name: string; arguments: string } }[] } }[])[0].message.tool_calls;
    expect(calls.map((c) => c.function.name)).toEqual(["Bash", "Glob"]);
    expect(calls[0].function.arguments).toBe("{\"command\":\"ls\"}");
  });

  it("renames a streamed tool call's name back and passes its argument fragments as they come", () => {
    const { answer } = shapeForOpenClaw("chat", chatBody());
    const reshape = answer!.stream();
    const chunk = (delta: unknown, finish: string | null = null) =>
      `data: ${JSON.stringify({ id: "c", object: "chat.completion.chunk", choices: [{ index: 0, delta, finish_reason: finish }] })}`;
    const out = [
      chunk({ role: "assistant", content: "" }),
      chunk({ tool_calls: [{ index: 0, id: "call_9", type: "function", function: { name: "client_Bash", arguments: "" } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: "{\"command\":" } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: "\"ls\"}" } }] }),
      chunk({}, "tool_calls"),
      "data: [DONE]",
    ].flatMap(reshape);
    expect(out).toHaveLength(6);
    expect(out[5]).toBe("data: [DONE]");
    const deltas = out.slice(1, 4).map((raw) => JSON.parse(raw.slice(6)).choices[0].delta.tool_calls[0]);
    expect(deltas[0].function.name).toBe("Bash");
    expect(deltas.map((d) => d.function.arguments).join("")).toBe("{\"command\":\"ls\"}");
  });

  it("offers a custom tool as a function taking one string and gives its call back as a custom call", () => {
    const body = {
      model: "m",
      messages: [
        { role: "user", content: "patch it" },
        { role: "assistant", tool_calls: [{ id: "call_0", type: "custom", custom: { name: "apply_patch", input: "*** Begin Patch" } }] },
        { role: "tool", tool_call_id: "call_0", content: "ok" },
      ],
      tools: [{ type: "custom", custom: { name: "apply_patch", description: "Patch files", format: { type: "grammar", syntax: "lark", definition: "start: x" } } }],
      tool_choice: { type: "custom", custom: { name: "apply_patch" } },
    } as Record<string, unknown>;
    const { answer } = shapeForOpenClaw("chat", body);
    const [tool] = body.tools as { type: string; function: { name: string; description: string; parameters: { required: string[]; properties: { input: { description: string } } } } }[];
    expect(tool.type).toBe("function");
    expect(tool.function.name).toBe("client_apply_patch");
    expect(tool.function.parameters.required).toEqual(["input"]);
    expect(tool.function.parameters.properties.input.description).toContain("start: x");
    expect(body.tool_choice).toEqual({ type: "function", function: { name: "client_apply_patch" } });
    const history = (body.messages as { tool_calls?: unknown[] }[])[1].tool_calls![0];
    expect(history).toEqual({ id: "call_0", type: "function", function: { name: "client_apply_patch", arguments: JSON.stringify({ input: "*** Begin Patch" }) } });

    const completion = answer!.json({ choices: [{ index: 0, message: { tool_calls: [
      { id: "call_5", type: "function", function: { name: "client_apply_patch", arguments: JSON.stringify({ input: "*** Begin Patch\n*** End Patch" }) } },
    ] } }] });
    expect((completion.choices as { message: { tool_calls: unknown[] } }[])[0].message.tool_calls[0])
      .toEqual({ id: "call_5", type: "custom", custom: { name: "apply_patch", input: "*** Begin Patch\n*** End Patch" } });
  });

  it("holds a streamed custom call's fragments and sends the call whole before the finishing chunk", () => {
    const body = { model: "m", messages: [{ role: "user", content: "x" }], tools: [{ type: "custom", custom: { name: "apply_patch" } }] };
    const reshape = shapeForOpenClaw("chat", body).answer!.stream();
    const chunk = (delta: unknown, finish: string | null = null) => `data: ${JSON.stringify({ id: "c", choices: [{ index: 0, delta, finish_reason: finish }] })}`;
    const out = [
      chunk({ tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "client_apply_patch", arguments: "{\"inp" } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: "ut\":\"line one\\nline two\"}" } }] }),
      chunk({}, "tool_calls"),
    ].flatMap(reshape).map((raw) => JSON.parse(raw.slice(6)));
    const calls = out.flatMap((c) => c.choices[0].delta.tool_calls ?? []);
    expect(calls).toEqual([{ index: 0, id: "call_1", type: "custom", custom: { name: "apply_patch", input: "line one\nline two" } }]);
    expect(out.at(-1).choices[0].finish_reason).toBe("tool_calls");
    expect(out.at(-2).choices[0].delta.tool_calls).toHaveLength(1);
  });

  it("turns tool_choice allowed_tools into its mode over just the allowed tools", () => {
    const body = { model: "m", messages: [], tools: [fn("Read"), fn("Glob"), fn("Grep")],
      tool_choice: { type: "allowed_tools", allowed_tools: { mode: "required", tools: [{ type: "function", function: { name: "Read" } }, { type: "function", function: { name: "Glob" } }] } } } as Record<string, unknown>;
    shapeForOpenClaw("chat", body);
    expect(body.tool_choice).toBe("required");
    expect((body.tools as { function: { name: string } }[]).map((t) => t.function.name)).toEqual(["client_Read", "Glob"]);
  });

  it("needs no answer reshaping when no tool was renamed or converted", () => {
    const body = { model: "m", messages: [{ role: "user", content: "hi" }], tools: [fn("read_file")] };
    expect(shapeForOpenClaw("chat", body).answer).toBeNull();
    expect(shapeForOpenClaw("chat", { model: "m", messages: [] }).answer).toBeNull();
  });
});
