/**
 * Chat completions on the OpenClaw route: the request shaped into what OpenClaw's
 * `/v1/chat/completions` takes, and its answer (JSON or stream) given back in the client's
 * terms. OpenClaw takes only `function` tools and the tool choices "auto" / "none" /
 * "required" / one named function (its docs, "Chat tool contract"); so
 * - a clashing tool name is renamed (tool-names.ts), in `tools`, `tool_choice` and the calls
 *   in the history, and renamed back in `tool_calls` of the answer;
 * - a `custom` (freeform) tool becomes a function taking one string `input`, its calls in the
 *   history become function calls, and its calls in the answer become custom calls again;
 * - `tool_choice: {type:"allowed_tools"}` becomes its mode over just the allowed tools, and a
 *   choice naming a custom tool names its function;
 * - any other tool kind is dropped (there is none in the chat API today; listed if one comes).
 */
import { customInputOf, customToolParameters, isObject, ToolPlan, type ClientTool, type Json } from "./tool-plan";

export interface ChatShaping {
  plan: ToolPlan;
  /** What was left out, for docs and logs: e.g. `tools[2] (type web_search)`. */
  dropped: string[];
}

export function shapeChatRequest(body: Json): ChatShaping {
  const dropped: string[] = [];
  const offered: ClientTool[] = [];
  const tools = Array.isArray(body.tools) ? (body.tools as unknown[]) : [];
  for (const tool of tools) {
    if (!isObject(tool)) continue;
    if (tool.type === "function" && isObject(tool.function) && typeof tool.function.name === "string") {
      offered.push({ name: tool.function.name, kind: "function" });
    } else if (tool.type === "custom" && isObject(tool.custom) && typeof tool.custom.name === "string") {
      offered.push({ name: tool.custom.name, kind: "custom" });
    }
  }
  const messages = Array.isArray(body.messages) ? (body.messages as unknown[]) : [];
  const plan = new ToolPlan(offered, historyNames(messages));

  if (Array.isArray(body.tools)) {
    const allowed = allowedToolNames(body.tool_choice);
    const kept: Json[] = [];
    (body.tools as unknown[]).forEach((tool, index) => {
      const shaped = shapeTool(tool, plan);
      if (!shaped) {
        dropped.push(`tools[${index}] (type ${isObject(tool) ? String(tool.type) : typeof tool})`);
        return;
      }
      if (allowed && !allowed.has(shaped.clientName)) return;
      kept.push(shaped.tool);
    });
    body.tools = kept;
  }
  if (body.tool_choice !== undefined) body.tool_choice = shapeToolChoice(body.tool_choice, plan);
  for (const message of messages) if (isObject(message)) shapeHistoryMessage(message, plan);
  return { plan, dropped };
}

function shapeTool(tool: unknown, plan: ToolPlan): { tool: Json; clientName: string } | null {
  if (!isObject(tool)) return null;
  if (tool.type === "function" && isObject(tool.function) && typeof tool.function.name === "string") {
    return { tool: { ...tool, function: { ...tool.function, name: plan.upstreamName(tool.function.name) } }, clientName: tool.function.name };
  }
  if (tool.type === "custom" && isObject(tool.custom) && typeof tool.custom.name === "string") {
    const { name, description, format } = tool.custom;
    const fn: Json = { name: plan.upstreamName(name), parameters: customToolParameters(format) };
    if (typeof description === "string") fn.description = description;
    return { tool: { type: "function", function: fn }, clientName: name };
  }
  return null;
}

/** The names `tool_choice: {type:"allowed_tools"}` allows, or null for no such choice. */
function allowedToolNames(choice: unknown): Set<string> | null {
  if (!isObject(choice) || choice.type !== "allowed_tools") return null;
  const spec = isObject(choice.allowed_tools) ? choice.allowed_tools : choice;
  const names = new Set<string>();
  for (const tool of Array.isArray(spec.tools) ? (spec.tools as unknown[]) : []) {
    if (!isObject(tool)) continue;
    const inner = isObject(tool.function) ? tool.function : isObject(tool.custom) ? tool.custom : tool;
    if (typeof inner.name === "string") names.add(inner.name);
  }
  return names;
}

function shapeToolChoice(choice: unknown, plan: ToolPlan): unknown {
  if (!isObject(choice)) return choice;
  if (choice.type === "allowed_tools") {
    const spec = isObject(choice.allowed_tools) ? choice.allowed_tools : choice;
    return spec.mode === "required" ? "required" : "auto";
  }
  const named = choice.type === "function" && isObject(choice.function) ? choice.function.name
    : choice.type === "custom" && isObject(choice.custom) ? choice.custom.name : undefined;
  if (typeof named === "string") return { type: "function", function: { name: plan.upstreamName(named) } };
  return choice;
}

function historyNames(messages: unknown[]): string[] {
  const names: string[] = [];
  for (const message of messages) {
    if (!isObject(message)) continue;
    for (const call of Array.isArray(message.tool_calls) ? (message.tool_calls as unknown[]) : []) {
      if (!isObject(call)) continue;
      const inner = isObject(call.function) ? call.function : isObject(call.custom) ? call.custom : null;
      if (inner && typeof inner.name === "string") names.push(inner.name);
    }
    if (message.role === "function" && typeof message.name === "string") names.push(message.name);
  }
  return names;
}

function shapeHistoryMessage(message: Json, plan: ToolPlan): void {
  if (Array.isArray(message.tool_calls)) {
    message.tool_calls = (message.tool_calls as unknown[]).map((call) => {
      if (!isObject(call)) return call;
      if (isObject(call.function) && typeof call.function.name === "string") {
        return { ...call, function: { ...call.function, name: plan.upstreamName(call.function.name) } };
      }
      if (call.type === "custom" && isObject(call.custom) && typeof call.custom.name === "string") {
        const input = typeof call.custom.input === "string" ? call.custom.input : "";
        return { id: call.id, type: "function", function: { name: plan.upstreamName(call.custom.name), arguments: JSON.stringify({ input }) } };
      }
      return call;
    });
  }
  if (message.role === "function" && typeof message.name === "string") message.name = plan.upstreamName(message.name);
}

/** One tool call of an answer (`message.tool_calls[i]`), in the client's terms. */
function clientToolCall(call: unknown, plan: ToolPlan): unknown {
  if (!isObject(call) || !isObject(call.function) || typeof call.function.name !== "string") return call;
  const tool = plan.clientTool(call.function.name);
  if (tool.kind === "custom") {
    return { id: call.id, type: "custom", custom: { name: tool.name, input: customInputOf(call.function.arguments) } };
  }
  return { ...call, function: { ...call.function, name: tool.name } };
}

/** A whole chat completion (JSON) with its tool calls given back. Mutates and returns `completion`. */
export function reshapeChatCompletion(completion: Json, plan: ToolPlan): Json {
  for (const choice of Array.isArray(completion.choices) ? (completion.choices as unknown[]) : []) {
    if (!isObject(choice) || !isObject(choice.message) || !Array.isArray(choice.message.tool_calls)) continue;
    choice.message.tool_calls = choice.message.tool_calls.map((call) => clientToolCall(call, plan));
  }
  return completion;
}

/**
 * A chat stream's chunks with their tool calls given back, chunk by chunk. A function call's
 * name arrives whole in the chunk that opens it and is renamed there; its argument fragments
 * pass as they come. A custom tool's call cannot be shown before its arguments are complete
 * (its input is the string inside them), so its fragments are held and the call is sent whole,
 * as one custom tool-call delta, just before the chunk that finishes the choice.
 */
export class ChatStreamReshaper {
  /** Per choice index and tool-call index: the custom calls being held. */
  private readonly held = new Map<string, { id: unknown; name: string; args: string; index: unknown }>();

  constructor(private readonly plan: ToolPlan) {}

  /** One parsed chunk in; the chunks to send instead (usually the same one, changed). */
  chunk(chunk: Json): Json[] {
    const choices = Array.isArray(chunk.choices) ? (chunk.choices as unknown[]) : [];
    const before: Json[] = [];
    for (const choice of choices) {
      if (!isObject(choice)) continue;
      const delta = isObject(choice.delta) ? choice.delta : null;
      if (delta && Array.isArray(delta.tool_calls)) {
        const kept: unknown[] = [];
        for (const call of delta.tool_calls as unknown[]) {
          const shown = this.toolCallDelta(choice.index, call);
          if (shown) kept.push(shown);
        }
        if (kept.length > 0) delta.tool_calls = kept;
        else delete delta.tool_calls;
      }
      if (choice.finish_reason) {
        const released = this.release(choice.index);
        if (released.length > 0) {
          before.push({ ...chunk, choices: [{ index: choice.index, delta: { tool_calls: released }, finish_reason: null }], usage: undefined });
        }
      }
    }
    return [...before.map(withoutUndefined), chunk];
  }

  private toolCallDelta(choiceIndex: unknown, call: unknown): unknown {
    if (!isObject(call)) return call;
    const key = `${String(choiceIndex)}:${String(call.index)}`;
    const fn = isObject(call.function) ? call.function : null;
    const held = this.held.get(key);
    if (held) {
      if (fn && typeof fn.arguments === "string") held.args += fn.arguments;
      return null;
    }
    if (fn && typeof fn.name === "string") {
      const tool = this.plan.clientTool(fn.name);
      if (tool.kind === "custom") {
        this.held.set(key, { id: call.id, name: tool.name, args: typeof fn.arguments === "string" ? fn.arguments : "", index: call.index });
        return null;
      }
      return { ...call, function: { ...fn, name: tool.name } };
    }
    return call;
  }

  private release(choiceIndex: unknown): Json[] {
    const out: Json[] = [];
    for (const [key, call] of this.held) {
      if (!key.startsWith(`${String(choiceIndex)}:`)) continue;
      out.push({ index: call.index, id: call.id, type: "custom", custom: { name: call.name, input: customInputOf(call.args) } });
      this.held.delete(key);
    }
    return out;
  }
}

function withoutUndefined(chunk: Json): Json {
  return Object.fromEntries(Object.entries(chunk).filter(([, value]) => value !== undefined));
}
