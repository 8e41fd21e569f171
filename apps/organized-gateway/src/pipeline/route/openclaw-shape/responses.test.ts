import { describe, expect, it } from "vitest";
import { shapeForOpenClaw } from "./index";
import { OpenClawResponsesBody } from "./openclaw-responses-schema.test-support";

/** A body shaped like Codex CLI 0.171's first request (its tools and keys; the prompt shortened). */
function codexBody(): Record<string, unknown> {
  return {
    model: "gpt-5.5",
    instructions: "You are Codex.",
    input: [
      { type: "message", role: "developer", content: [{ type: "input_text", text: "<permissions>…</permissions>" }] },
      { type: "message", role: "user", content: [{ type: "input_text", text: "make hello.txt" }, { type: "input_image", image_url: "data:image/png;base64,iVBORw0KGgo=" }] },
      { type: "reasoning", id: "rs_1", summary: [{ type: "summary_text", text: "thinking" }], encrypted_content: "gAAA" },
      { type: "message", role: "assistant", id: "msg_1", content: [{ type: "output_text", text: "On it.", annotations: [], logprobs: [] }] },
      { type: "custom_tool_call", id: "ctc_1", status: "completed", call_id: "call_a", name: "apply_patch", input: "*** Begin Patch\n*** End Patch" },
      { type: "custom_tool_call_output", call_id: "call_a", output: "Success." },
      { type: "function_call", id: "fc_1", call_id: "call_b", name: "exec_command", arguments: "{\"cmd\":\"ls\"}", namespace: "mcp_fs" },
      { type: "function_call_output", call_id: "call_b", output: [{ type: "input_text", text: "hello.txt" }] },
      { type: "web_search_call", id: "ws_1", status: "completed", action: { type: "search", query: "x" } },
    ],
    tools: [
      { type: "function", name: "shell", description: "Runs a command", strict: false, parameters: { type: "object", properties: { command: { type: "array" } } } },
      { type: "custom", name: "apply_patch", description: "Edit files", format: { type: "grammar", syntax: "lark", definition: "start: begin_patch" } },
      { type: "namespace", name: "mcp_fs", description: "Shell tools", tools: [{ type: "function", name: "exec_command", parameters: { type: "object" } }] },
      { type: "web_search", external_web_access: false },
      { type: "tool_search" },
      { type: "function", name: "Read", parameters: { type: "object" } },
    ],
    tool_choice: "auto",
    parallel_tool_calls: true,
    reasoning: { effort: "xhigh", summary: "none" },
    store: false,
    stream: true,
    include: ["reasoning.encrypted_content"],
    prompt_cache_key: "019a-thread",
    client_metadata: { origin: "codex" },
    text: { verbosity: "low" },
    service_tier: null,
    user: "ocg-session",
  };
}

describe("Responses requests shaped for OpenClaw's strict schema", () => {
  it("makes Codex's first request one OpenClaw's own schema accepts", () => {
    const body = codexBody();
    shapeForOpenClaw("response", body);
    const checked = OpenClawResponsesBody.safeParse(body);
    expect(checked.error?.issues ?? []).toEqual([]);
  });

  it("drops the keys and tool kinds OpenClaw refuses and says which", () => {
    const body = codexBody();
    const { dropped } = shapeForOpenClaw("response", body);
    expect(dropped).toEqual(expect.arrayContaining([
      "parallel_tool_calls", "include", "prompt_cache_key", "client_metadata", "text.verbosity", "reasoning.summary",
      "tools[3] (type web_search)", "tools[4] (type tool_search)", "input[2] (type reasoning)", "input[8] (type web_search_call)",
    ]));
    expect(body).not.toHaveProperty("text");
    expect(body).not.toHaveProperty("service_tier");
    expect(body.reasoning).toEqual({ effort: "high" });
  });

  it("offers a custom tool as a function taking one string and flattens a namespace's tools", () => {
    const body = codexBody();
    shapeForOpenClaw("response", body);
    const tools = body.tools as { name: string; type: string; parameters?: { required?: string[] } }[];
    expect(tools.map((t) => t.name)).toEqual(["shell", "client_apply_patch", "mcp_fs__exec_command", "client_Read"]);
    expect(tools.every((t) => t.type === "function")).toBe(true);
    expect(tools[1].parameters?.required).toEqual(["input"]);
  });

  it("turns the history's custom calls, namespaced calls and rich outputs into what OpenClaw reads", () => {
    const body = codexBody();
    shapeForOpenClaw("response", body);
    const input = body.input as Record<string, unknown>[];
    expect(input.find((i) => i.call_id === "call_a" && i.type === "function_call")).toEqual({
      type: "function_call", id: "ctc_1", call_id: "call_a", name: "client_apply_patch", arguments: JSON.stringify({ input: "*** Begin Patch\n*** End Patch" }),
    });
    expect(input.find((i) => i.call_id === "call_b" && i.type === "function_call")?.name).toBe("mcp_fs__exec_command");
    expect(input.filter((i) => i.type === "function_call_output").map((i) => i.output)).toEqual(["Success.", "hello.txt"]);
    const user = input.find((i) => i.role === "user") as { content: unknown[] };
    expect(user.content[1]).toEqual({ type: "input_image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } });
    const assistant = input.find((i) => i.role === "assistant") as { content: unknown[] };
    expect(assistant.content).toEqual([{ type: "output_text", text: "On it." }]);
  });

  it("gives a message without a type its type, and leaves a string input alone", () => {
    const body: Record<string, unknown> = { model: "m", input: [{ role: "user", content: "hi" }] };
    shapeForOpenClaw("response", body);
    expect(body.input).toEqual([{ type: "message", role: "user", content: "hi" }]);
    const plain: Record<string, unknown> = { model: "m", input: "hello", temperature: null };
    shapeForOpenClaw("response", plain);
    expect(plain).toEqual({ model: "m", input: "hello" });
    expect(OpenClawResponsesBody.safeParse(plain).success).toBe(true);
  });

  it("treats a caller's __proto__ keys as plain keys, never as the body's prototype", () => {
    const body = JSON.parse('{"model":"m","input":"x","__proto__":{"polluted":1},"metadata":{"__proto__":{"polluted":1},"origin":"cli"}}');
    const { dropped } = shapeForOpenClaw("response", body);
    expect(Object.getPrototypeOf(body)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(body.metadata)).toBe(Object.prototype);
    expect(dropped).toEqual(expect.arrayContaining(["__proto__", "metadata.__proto__"]));
    expect(JSON.parse(JSON.stringify(body))).toEqual({ model: "m", input: "x", metadata: { origin: "cli" } });
  });

  it("keeps previous_response_id and conversation for the route to refuse in its own words", () => {
    const body: Record<string, unknown> = { model: "m", input: "x", previous_response_id: "resp_1", conversation: "conv_1" };
    const { dropped } = shapeForOpenClaw("response", body);
    expect(body).toMatchObject({ previous_response_id: "resp_1", conversation: "conv_1" });
    expect(dropped).toEqual([]);
  });

  it("leaves a structured output format for OpenClaw to refuse in its own words", () => {
    const body: Record<string, unknown> = { model: "m", input: "x", text: { format: { type: "json_schema", name: "a", schema: {} }, verbosity: "low" } };
    shapeForOpenClaw("response", body);
    expect(body.text).toEqual({ format: { type: "json_schema", name: "a", schema: {} } });
  });

  it("turns allowed_tools and a custom tool choice into choices OpenClaw takes", () => {
    const body = codexBody();
    body.tool_choice = { type: "allowed_tools", mode: "required", tools: [{ type: "function", name: "shell" }] };
    shapeForOpenClaw("response", body);
    expect(body.tool_choice).toBe("required");
    expect((body.tools as { name: string }[]).map((t) => t.name)).toEqual(["shell"]);

    const custom = codexBody();
    custom.tool_choice = { type: "custom", name: "apply_patch" };
    shapeForOpenClaw("response", custom);
    expect(custom.tool_choice).toEqual({ type: "function", name: "client_apply_patch" });

    const hosted = codexBody();
    hosted.tool_choice = { type: "web_search" };
    shapeForOpenClaw("response", hosted);
    expect(hosted.tool_choice).toBe("auto");
  });
});

describe("OpenClaw's Responses answers given back in the client's terms", () => {
  it("renames a function call back, turns a custom tool's call into a custom_tool_call and restores a namespace", () => {
    const { answer } = shapeForOpenClaw("response", codexBody());
    const response = answer!.json({
      id: "resp_1", object: "response", status: "completed",
      output: [
        { type: "message", id: "msg_1", role: "assistant", content: [{ type: "output_text", text: "" }] },
        { type: "function_call", id: "call_x", call_id: "c1", name: "client_Read", arguments: "{\"path\":\"a\"}", status: "completed" },
        { type: "function_call", id: "call_y", call_id: "c2", name: "client_apply_patch", arguments: JSON.stringify({ input: "*** Begin Patch" }), status: "completed" },
        { type: "function_call", id: "call_z", call_id: "c3", name: "mcp_fs__exec_command", arguments: "{}", status: "completed" },
      ],
    });
    const output = response.output as Record<string, unknown>[];
    expect(output[1]).toMatchObject({ type: "function_call", name: "Read", call_id: "c1", arguments: "{\"path\":\"a\"}" });
    expect(output[2]).toEqual({ type: "custom_tool_call", id: "call_y", call_id: "c2", name: "apply_patch", input: "*** Begin Patch", status: "completed" });
    expect(output[3]).toMatchObject({ type: "function_call", name: "exec_command", namespace: "mcp_fs" });
  });

  it("reshapes OpenClaw's event stream event by event", () => {
    const reshape = shapeForOpenClaw("response", codexBody()).answer!.stream();
    const event = (data: Record<string, unknown>) => `event: ${data.type}\ndata: ${JSON.stringify(data)}`;
    const call = { type: "function_call", id: "call_1", call_id: "c1", name: "client_apply_patch", arguments: JSON.stringify({ input: "PATCH" }) };
    const raw = [
      event({ type: "response.created", response: { id: "r", output: [] } }),
      event({ type: "response.output_item.added", output_index: 1, item: call }),
      event({ type: "response.output_item.done", output_index: 1, item: { ...call, status: "completed" } }),
      event({ type: "response.completed", response: { id: "r", output: [{ ...call, status: "completed" }] } }),
    ].flatMap(reshape);
    expect(raw).toHaveLength(4);
    expect(raw[1].split("\n")[0]).toBe("event: response.output_item.added");
    const events = raw.map((r) => JSON.parse(r.split("\n")[1].slice(6)));
    expect(events[1].item).toEqual({ type: "custom_tool_call", id: "call_1", call_id: "c1", name: "apply_patch", input: "PATCH" });
    expect(events[2].item).toMatchObject({ type: "custom_tool_call", input: "PATCH", status: "completed" });
    expect(events[3].response.output[0]).toMatchObject({ type: "custom_tool_call", name: "apply_patch" });
  });

  it("renames a streamed function call back in each event that names it and passes its argument fragments as they come", () => {
    const reshape = shapeForOpenClaw("response", codexBody()).answer!.stream();
    const event = (data: Record<string, unknown>) => `event: ${data.type}\ndata: ${JSON.stringify(data)}`;
    const call = { type: "function_call", id: "fc_r", call_id: "c9", name: "client_Read", arguments: "" };
    const sent = [
      event({ type: "response.output_item.added", output_index: 0, item: call }),
      event({ type: "response.function_call_arguments.delta", item_id: "fc_r", output_index: 0, delta: "{\"path\":" }),
      event({ type: "response.function_call_arguments.delta", item_id: "fc_r", output_index: 0, delta: "\"a.txt\"}" }),
      event({ type: "response.function_call_arguments.done", item_id: "fc_r", output_index: 0, name: "client_Read", arguments: "{\"path\":\"a.txt\"}" }),
      event({ type: "response.output_item.done", output_index: 0, item: { ...call, arguments: "{\"path\":\"a.txt\"}", status: "completed" } }),
      event({ type: "response.completed", response: { id: "r", output: [{ ...call, arguments: "{\"path\":\"a.txt\"}", status: "completed" }] } }),
    ];
    const raw = sent.flatMap(reshape);
    expect(raw.map((r) => r.split("\n")[0])).toEqual(sent.map((r) => r.split("\n")[0]));
    const events = raw.map((r) => JSON.parse(r.split("\n")[1].slice(6)));
    expect(events[0].item).toMatchObject({ type: "function_call", call_id: "c9", name: "Read" });
    expect([events[1].delta, events[2].delta]).toEqual(["{\"path\":", "\"a.txt\"}"]);
    expect(events[3]).toMatchObject({ name: "Read", arguments: "{\"path\":\"a.txt\"}" });
    expect(events[4].item).toMatchObject({ name: "Read", status: "completed" });
    expect(events[5].response.output[0]).toMatchObject({ type: "function_call", name: "Read" });
    expect(raw.join("\n")).not.toContain("client_Read");
  });

  it("holds a custom call's streamed argument fragments and sends its input when they are done", () => {
    const reshape = shapeForOpenClaw("response", codexBody()).answer!.stream();
    const event = (data: Record<string, unknown>) => `event: ${data.type}\ndata: ${JSON.stringify(data)}`;
    const raw = [
      event({ type: "response.output_item.added", output_index: 0, item: { type: "function_call", id: "fc_1", call_id: "c1", name: "client_apply_patch", arguments: "" } }),
      event({ type: "response.function_call_arguments.delta", item_id: "fc_1", output_index: 0, delta: "{\"input\":\"li" }),
      event({ type: "response.function_call_arguments.delta", item_id: "fc_1", output_index: 0, delta: "ne\"}" }),
      event({ type: "response.function_call_arguments.done", item_id: "fc_1", output_index: 0, arguments: "{\"input\":\"line\"}" }),
      event({ type: "response.function_call_arguments.done", item_id: "fc_2", output_index: 1, name: "client_Read", arguments: "{}" }),
    ].flatMap(reshape);
    const types = raw.map((r) => r.split("\n")[0].slice(7));
    expect(types).toEqual([
      "response.output_item.added", "response.custom_tool_call_input.delta", "response.custom_tool_call_input.done",
      "response.function_call_arguments.done",
    ]);
    expect(JSON.parse(raw[2].split("\n")[1].slice(6)).input).toBe("line");
    expect(JSON.parse(raw[3].split("\n")[1].slice(6)).name).toBe("Read");
  });
});
