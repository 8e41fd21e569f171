/**
 * The Responses API on the OpenClaw route. OpenClaw validates `/v1/responses` bodies with a
 * strict Zod schema (`CreateResponseBodySchema` in its dist/openresponses-http-*.mjs; every
 * object `.strict()`, so any key it does not list is a 400). This module rebuilds a body from
 * that schema's fields, converting what has a faithful equivalent and dropping the rest;
 * docs/openclaw-shaping.md lists both. Its answer (JSON or stream) is then given back in the
 * client's terms: renamed tools renamed back, a custom tool's call as a `custom_tool_call`, a
 * namespaced tool's call with its `namespace`.
 */
import { customInputOf, customToolParameters, flatName, isObject, ToolPlan, type ClientTool, type Json } from "./tool-plan";

/**
 * The top-level keys OpenClaw's schema accepts, and `conversation`, which it does not: the
 * route refuses `previous_response_id` and `conversation` in its own words (strategies.ts, run
 * after this), so neither may vanish here first.
 */
const ACCEPTED_KEYS = [
  "model", "input", "instructions", "tools", "tool_choice", "text", "stream", "max_output_tokens", "max_tool_calls",
  "user", "temperature", "top_p", "metadata", "store", "previous_response_id", "reasoning", "truncation", "conversation",
] as const;

const ROLES = new Set(["system", "developer", "user", "assistant"]);
const ITEM_STATUSES = new Set(["in_progress", "completed", "incomplete"]);
const IMAGE_TYPES = new Set(["image/jpeg", "image/png", "image/gif", "image/webp", "image/heic", "image/heif"]);
const EFFORTS = new Map<string, "low" | "medium" | "high">([
  ["none", "low"], ["minimal", "low"], ["low", "low"], ["medium", "medium"], ["high", "high"], ["xhigh", "high"],
]);
const SUMMARIES = new Set(["auto", "concise", "detailed"]);

export interface ResponsesShaping {
  plan: ToolPlan;
  dropped: string[];
}

/** Rebuilds `body` in place into what OpenClaw's schema accepts. */
export function shapeResponsesRequest(body: Json): ResponsesShaping {
  const dropped: string[] = [];
  const offered = offeredTools(body.tools);
  const plan = new ToolPlan(offered, historyNames(body.input));

  const kept: [string, unknown][] = [];
  for (const [key, value] of Object.entries(body)) {
    if (!(ACCEPTED_KEYS as readonly string[]).includes(key)) dropped.push(key);
    // Zod's optional() takes a missing key, not null.
    else if (value !== null) kept.push([key, value]);
  }
  replaceContents(body, kept);
  if (Array.isArray(body.input)) body.input = shapeInput(body.input as unknown[], plan, dropped);
  if (Array.isArray(body.tools)) {
    const allowed = allowedToolNames(body.tool_choice);
    body.tools = shapeTools(body.tools as unknown[], plan, dropped, allowed);
  }
  if (body.tool_choice !== undefined) body.tool_choice = shapeToolChoice(body.tool_choice, plan, body.tools as Json[] | undefined);
  if (body.text !== undefined) shapeText(body, dropped);
  if (body.reasoning !== undefined) shapeReasoning(body, dropped);
  if (body.metadata !== undefined) shapeMetadata(body, dropped);
  return { plan, dropped };
}

function offeredTools(tools: unknown): ClientTool[] {
  const offered: ClientTool[] = [];
  for (const tool of Array.isArray(tools) ? (tools as unknown[]) : []) {
    if (!isObject(tool)) continue;
    if ((tool.type === "function" || tool.type === "custom") && typeof tool.name === "string") {
      offered.push({ name: tool.name, kind: tool.type });
    } else if (tool.type === "namespace" && typeof tool.name === "string" && Array.isArray(tool.tools)) {
      for (const inner of tool.tools as unknown[]) {
        if (isObject(inner) && (inner.type === "function" || inner.type === "custom") && typeof inner.name === "string") {
          offered.push({ name: inner.name, namespace: tool.name, kind: inner.type });
        }
      }
    }
  }
  return offered;
}

function historyNames(input: unknown): string[] {
  const names: string[] = [];
  for (const item of Array.isArray(input) ? (input as unknown[]) : []) {
    if (isObject(item) && (item.type === "function_call" || item.type === "custom_tool_call") && typeof item.name === "string") {
      names.push(flatName(typeof item.namespace === "string" ? item.namespace : undefined, item.name));
    }
  }
  return names;
}

function shapeTools(tools: unknown[], plan: ToolPlan, dropped: string[], allowed: Set<string> | null): Json[] {
  const out: Json[] = [];
  const add = (tool: Json, namespace?: string) => {
    const name = tool.name as string;
    if (allowed && !allowed.has(name) && !(namespace && allowed.has(namespace))) return;
    const fn: Json = { type: "function", name: plan.upstreamName(name, namespace) };
    if (typeof tool.description === "string") fn.description = tool.description;
    if (tool.type === "custom") {
      fn.parameters = customToolParameters(tool.format);
    } else {
      if (isObject(tool.parameters)) fn.parameters = tool.parameters;
      if (typeof tool.strict === "boolean") fn.strict = tool.strict;
    }
    out.push(fn);
  };
  tools.forEach((tool, index) => {
    if (!isObject(tool)) return void dropped.push(`tools[${index}]`);
    if ((tool.type === "function" || tool.type === "custom") && typeof tool.name === "string" && tool.name !== "") return add(tool);
    if (tool.type === "namespace" && typeof tool.name === "string" && Array.isArray(tool.tools)) {
      (tool.tools as unknown[]).forEach((inner, innerIndex) => {
        if (isObject(inner) && (inner.type === "function" || inner.type === "custom") && typeof inner.name === "string") {
          add(inner, tool.name as string);
        } else {
          dropped.push(`tools[${index}].tools[${innerIndex}] (type ${isObject(inner) ? String(inner.type) : typeof inner})`);
        }
      });
      return;
    }
    dropped.push(`tools[${index}] (type ${String(tool.type)})`);
  });
  return out;
}

function allowedToolNames(choice: unknown): Set<string> | null {
  if (!isObject(choice) || choice.type !== "allowed_tools" || !Array.isArray(choice.tools)) return null;
  const names = new Set<string>();
  for (const tool of choice.tools as unknown[]) if (isObject(tool) && typeof tool.name === "string") names.add(tool.name);
  return names;
}

function shapeToolChoice(choice: unknown, plan: ToolPlan, tools: Json[] | undefined): unknown {
  if (typeof choice === "string") return choice;
  if (!isObject(choice)) return "auto";
  if (choice.type === "allowed_tools") return choice.mode === "required" ? "required" : "auto";
  const name = typeof choice.name === "string" ? choice.name
    : isObject(choice.function) && typeof choice.function.name === "string" ? choice.function.name : null;
  if ((choice.type === "function" || choice.type === "custom") && name !== null) {
    const upstream = plan.upstreamName(name, typeof choice.namespace === "string" ? choice.namespace : undefined);
    // A choice must name a tool OpenClaw is given; one that was dropped leaves the model free.
    if (tools && !tools.some((tool) => tool.name === upstream)) return "auto";
    return { type: "function", name: upstream };
  }
  // A hosted tool (web_search, file_search, …) was dropped with its tool.
  return "auto";
}

function shapeText(body: Json, dropped: string[]): void {
  const text = body.text;
  if (!isObject(text)) {
    delete body.text;
    return;
  }
  for (const key of Object.keys(text)) if (key !== "format") dropped.push(`text.${key}`);
  if (!isObject(text.format)) {
    delete body.text;
    return;
  }
  // A structured format (json_schema, json_object) is left for OpenClaw to refuse in its words:
  // dropping it would silently answer in prose where the client asked for JSON.
  body.text = { format: text.format.type === "text" ? { type: "text" } : text.format };
}

function shapeReasoning(body: Json, dropped: string[]): void {
  const reasoning = body.reasoning;
  if (!isObject(reasoning)) {
    delete body.reasoning;
    return;
  }
  const shaped: Json = {};
  if (typeof reasoning.effort === "string") {
    const effort = EFFORTS.get(reasoning.effort);
    if (effort) shaped.effort = effort;
    else dropped.push("reasoning.effort");
  }
  if (typeof reasoning.summary === "string") {
    if (SUMMARIES.has(reasoning.summary)) shaped.summary = reasoning.summary;
    else dropped.push("reasoning.summary");
  }
  body.reasoning = shaped;
}

function shapeMetadata(body: Json, dropped: string[]): void {
  const metadata = body.metadata;
  if (!isObject(metadata)) {
    delete body.metadata;
    return;
  }
  const kept: [string, unknown][] = [];
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value === "string") kept.push([key, value]);
    else dropped.push(`metadata.${key}`);
  }
  replaceContents(metadata, kept);
}

function shapeInput(items: unknown[], plan: ToolPlan, dropped: string[]): Json[] {
  const out: Json[] = [];
  items.forEach((item, index) => {
    const shaped = isObject(item) ? shapeItem(item, plan) : typeof item === "string" ? { type: "message", role: "user", content: item } : null;
    if (shaped) out.push(shaped);
    else dropped.push(`input[${index}] (type ${isObject(item) ? String(item.type ?? "message") : typeof item})`);
  });
  return out;
}

function shapeItem(item: Json, plan: ToolPlan): Json | null {
  const type = item.type ?? (typeof item.role === "string" ? "message" : undefined);
  const namespace = typeof item.namespace === "string" ? item.namespace : undefined;
  switch (type) {
    case "message":
      return shapeMessage(item);
    case "function_call": {
      if (typeof item.name !== "string") return null;
      const call: Json = { type: "function_call", name: plan.upstreamName(item.name, namespace), arguments: typeof item.arguments === "string" ? item.arguments : "{}" };
      copyStrings(item, call, ["id", "call_id"]);
      if (typeof item.status === "string" && ITEM_STATUSES.has(item.status)) call.status = item.status;
      return call;
    }
    case "custom_tool_call": {
      if (typeof item.name !== "string") return null;
      const call: Json = {
        type: "function_call", name: plan.upstreamName(item.name, namespace),
        arguments: JSON.stringify({ input: typeof item.input === "string" ? item.input : "" }),
      };
      copyStrings(item, call, ["id", "call_id"]);
      return call;
    }
    case "function_call_output":
    case "custom_tool_call_output":
      if (typeof item.call_id !== "string") return null;
      return { type: "function_call_output", call_id: item.call_id, output: outputText(item.output) };
    case "item_reference":
      return typeof item.id === "string" ? { type: "item_reference", id: item.id } : null;
    default:
      // reasoning (OpenClaw ignores it when it builds the prompt), hosted tools' calls
      // (web_search_call, tool_search_call, local_shell_call, …) and anything newer.
      return null;
  }
}

function shapeMessage(item: Json): Json | null {
  if (typeof item.role !== "string" || !ROLES.has(item.role)) return null;
  const message: Json = { type: "message", role: item.role };
  if (typeof item.id === "string") message.id = item.id;
  if (typeof item.status === "string" && ITEM_STATUSES.has(item.status)) message.status = item.status;
  if (item.role === "assistant" && (item.phase === "commentary" || item.phase === "final_answer")) message.phase = item.phase;
  if (typeof item.content === "string") message.content = item.content;
  else if (Array.isArray(item.content)) message.content = (item.content as unknown[]).map(shapePart).filter((p): p is Json => p !== null);
  else message.content = "";
  return message;
}

function shapePart(part: unknown): Json | null {
  if (typeof part === "string") return { type: "input_text", text: part };
  if (!isObject(part)) return null;
  switch (part.type) {
    case "input_text":
    case "output_text":
    case "text":
      return typeof part.text === "string" ? { type: part.type === "output_text" ? "output_text" : "input_text", text: part.text } : null;
    case "refusal":
      return typeof part.refusal === "string" ? { type: "output_text", text: part.refusal } : null;
    case "input_image": {
      if (isObject(part.source)) return { type: "input_image", source: part.source };
      const source = typeof part.image_url === "string" ? imageSource(part.image_url) : null;
      return source ? { type: "input_image", source } : null;
    }
    case "input_file": {
      if (isObject(part.source)) return { type: "input_file", source: part.source };
      if (typeof part.file_data === "string") {
        const data = dataUrl(part.file_data);
        const source: Json = data
          ? { type: "base64", media_type: data.mediaType, data: data.data }
          : { type: "base64", media_type: "application/octet-stream", data: part.file_data };
        if (typeof part.filename === "string") source.filename = part.filename;
        return { type: "input_file", source };
      }
      return typeof part.file_url === "string" ? { type: "input_file", source: { type: "url", url: part.file_url } } : null;
    }
    default:
      return null;
  }
}

function imageSource(url: string): Json | null {
  const data = dataUrl(url);
  if (data) return IMAGE_TYPES.has(data.mediaType) ? { type: "base64", media_type: data.mediaType, data: data.data } : null;
  return /^https?:\/\//i.test(url) ? { type: "url", url } : null;
}

function dataUrl(value: string): { mediaType: string; data: string } | null {
  const match = /^data:([^;,]+)(?:;[^,]*)?;base64,(.*)$/s.exec(value);
  return match ? { mediaType: match[1].toLowerCase(), data: match[2] } : null;
}

/** A tool's output as the one string OpenClaw takes: text parts joined, anything else named. */
function outputText(output: unknown): string {
  if (typeof output === "string") return output;
  if (Array.isArray(output)) {
    return (output as unknown[]).map((part) => {
      if (typeof part === "string") return part;
      if (isObject(part) && typeof part.text === "string") return part.text;
      if (isObject(part) && part.type === "input_image") return "[image]";
      return "";
    }).filter(Boolean).join("\n");
  }
  if (isObject(output) && typeof output.content === "string") return output.content;
  return output === undefined || output === null ? "" : JSON.stringify(output);
}

/** Makes `target` hold exactly `entries` (the caller keeps its reference to the same object). */
function replaceContents(target: Json, entries: [string, unknown][]): void {
  for (const key of Object.keys(target)) Reflect.deleteProperty(target, key);
  // defineProperty, not assignment: a caller's `__proto__` key stays a plain key.
  for (const [key, value] of entries) Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function copyStrings(from: Json, to: Json, keys: readonly ("id" | "call_id")[]): void {
  for (const key of keys) if (typeof from[key] === "string") to[key] = from[key];
}

/** One output item of OpenClaw's answer in the client's terms. */
export function clientItem(item: unknown, plan: ToolPlan): unknown {
  if (!isObject(item) || item.type !== "function_call" || typeof item.name !== "string") return item;
  const tool = plan.clientTool(item.name);
  if (tool.kind === "custom") {
    const call: Json = { type: "custom_tool_call", call_id: item.call_id, name: tool.name, input: customInputOf(item.arguments) };
    if (item.id !== undefined) call.id = item.id;
    if (item.status !== undefined) call.status = item.status;
    if (tool.namespace) call.namespace = tool.namespace;
    return call;
  }
  const call: Json = { ...item, name: tool.name };
  if (tool.namespace) call.namespace = tool.namespace;
  return call;
}

/** A whole response (JSON) in the client's terms. Mutates and returns it. */
export function reshapeResponse(response: Json, plan: ToolPlan): Json {
  if (Array.isArray(response.output)) response.output = response.output.map((item) => clientItem(item, plan));
  return response;
}

/**
 * A Responses event stream in the client's terms, event by event: items in
 * `response.output_item.added/done` and in the response objects of `response.*` events are
 * given back, `function_call_arguments` events name the client's tool; a custom tool's
 * argument fragments are held and its input is sent whole as `custom_tool_call_input`
 * events when OpenClaw says the arguments are done.
 */
export class ResponsesStreamReshaper {
  private readonly customItems = new Map<string, string>();

  constructor(private readonly plan: ToolPlan) {}

  /** One parsed event in; the events to send instead. */
  event(event: Json): Json[] {
    const type = event.type;
    if ((type === "response.output_item.added" || type === "response.output_item.done") && isObject(event.item)) {
      const item = clientItem(event.item, this.plan);
      if (isObject(item) && item.type === "custom_tool_call" && typeof event.item.id === "string") {
        this.customItems.set(event.item.id, typeof item.input === "string" ? item.input : "");
      }
      return [{ ...event, item }];
    }
    if (typeof type === "string" && type.startsWith("response.function_call_arguments.")) {
      const itemId = typeof event.item_id === "string" ? event.item_id : "";
      if (this.customItems.has(itemId)) {
        if (type.endsWith(".delta")) return [];
        const input = customInputOf(event.arguments);
        const at = { item_id: event.item_id, output_index: event.output_index };
        return [
          { type: "response.custom_tool_call_input.delta", ...at, delta: input },
          { type: "response.custom_tool_call_input.done", ...at, input },
        ];
      }
      if (typeof event.name === "string") return [{ ...event, name: this.plan.clientTool(event.name).name }];
      return [event];
    }
    if (typeof type === "string" && type.startsWith("response.") && isObject(event.response)) {
      return [{ ...event, response: reshapeResponse({ ...event.response }, this.plan) }];
    }
    return [event];
  }
}
