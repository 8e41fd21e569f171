/**
 * An Anthropic Messages request (`POST /v1/messages`) as the chat completion the node serves.
 *
 * Written here rather than taken from a library: `@musistudio/llms` (claude-code-router's
 * transformers) ships only as its server bundle (fastify, undici, google-auth-library), which
 * does not load in workerd, and the official `@anthropic-ai/sdk` has the types and a stream
 * reader but no conversion. The tests read our answers with that SDK's own MessageStream.
 *
 * What maps to what:
 * - `system` (a string or text blocks) → one leading `system` message.
 * - a `role: "system"` turn inside `messages` (Claude Code sends one from 2.1.3xx on: its
 *   environment, and the MCP tools it found, with an `output_config` effort hint) → a `system`
 *   message in the same place, its text only (the chat API takes system messages anywhere).
 *   One that carries anything but text (`tool_addition`, …: tools changed mid-conversation) is
 *   refused in words Claude Code recognises, so it resends the turn with no system turns.
 * - user `text` / `image` blocks → content parts (`image_url`, a data URL for base64 images);
 *   `tool_result` blocks → `role: "tool"` messages placed first, right after the assistant's
 *   calls as the chat API requires; their content arrays flattened to text (`is_error` results
 *   say so in their first words); images in a result follow in a user message, since a chat
 *   tool message carries text only; `document` blocks with text → text.
 * - assistant `text` → content; `tool_use` → `tool_calls` with JSON arguments; `thinking` /
 *   `redacted_thinking` are left out (the chat API has no place for them on the way in).
 * - `tools` (custom tools) → function tools; Anthropic's server and built-in tools (typed
 *   `web_search_…`, `bash_…`, `text_editor_…`, …) are left out. `tool_choice` auto / any /
 *   tool / none → "auto" / "required" / that function / "none"; `disable_parallel_tool_use` →
 *   `parallel_tool_calls: false`.
 * - `max_tokens` → `max_completion_tokens` up to MAX_FORWARDED_TOKENS; a larger cap is left out
 *   (Claude Code asks for 32,000–128,000, which chat models refuse outright: above their own
 *   output limit it caps nothing anyway); `stop_sequences` → `stop`; `temperature`, `top_p`,
 *   `stream` as they are; `top_k`, `metadata`, `thinking`, `service_tier` have no chat field.
 */
import { refusal, type GatewayError } from "../../errors";

type Json = Record<string, unknown>;

/** The smallest output limit of today's common chat models (gpt-4o: 16,384): a cap up to it is kept. */
export const MAX_FORWARDED_TOKENS = 16_384;

export function toChatRequest(body: Json): Json {
  if (typeof body.model !== "string" || body.model === "") throw invalid("model", "a model name is required.");
  if (!Array.isArray(body.messages)) throw invalid("messages", "an array of messages is required.");
  if (typeof body.max_tokens !== "number" || !Number.isInteger(body.max_tokens) || body.max_tokens < 1) {
    throw invalid("max_tokens", "a positive whole number is required.");
  }
  const messages: Json[] = [];
  const system = systemText(body.system);
  if (system) messages.push({ role: "system", content: system });
  body.messages.forEach((message, index) => messages.push(...chatMessages(message, index)));

  const chat: Json = { model: body.model, messages };
  if (body.max_tokens <= MAX_FORWARDED_TOKENS) chat.max_completion_tokens = body.max_tokens;
  if (body.stream === true) chat.stream = true;
  if (typeof body.temperature === "number") chat.temperature = body.temperature;
  if (typeof body.top_p === "number") chat.top_p = body.top_p;
  if (Array.isArray(body.stop_sequences) && body.stop_sequences.length > 0) chat.stop = body.stop_sequences;
  const tools = Array.isArray(body.tools) ? body.tools.flatMap(chatTool) : [];
  if (tools.length > 0) {
    chat.tools = tools;
    const choice = toolChoice(body.tool_choice);
    if (choice !== undefined) chat.tool_choice = choice;
    if (isObject(body.tool_choice) && body.tool_choice.disable_parallel_tool_use === true) chat.parallel_tool_calls = false;
  }
  return chat;
}

function invalid(field: string, rule: string): GatewayError {
  return refusal("invalid_request", { field, rule });
}

/**
 * Claude Code puts a billing line first in `system` (`x-anthropic-billing-header: …`), meant for
 * Anthropic's servers: it is not the model's instructions, and it changes per request.
 */
const BILLING_LINE = /^x-anthropic-billing-header:/;

function systemText(system: unknown): string {
  if (typeof system === "string") return system;
  if (!Array.isArray(system)) return "";
  return system
    .map((block) => (isObject(block) && typeof block.text === "string" && !BILLING_LINE.test(block.text) ? block.text : ""))
    .filter(Boolean).join("\n\n");
}

function chatMessages(message: unknown, index: number): Json[] {
  if (isObject(message) && message.role === "system") return [systemTurn(message, index)];
  if (!isObject(message) || (message.role !== "user" && message.role !== "assistant")) {
    throw invalid(`messages.${index}.role`, 'must be "user", "assistant" or "system".');
  }
  const blocks = typeof message.content === "string" ? [{ type: "text", text: message.content }]
    : Array.isArray(message.content) ? (message.content as unknown[]) : null;
  if (blocks === null) throw invalid(`messages.${index}.content`, "must be a string or an array of content blocks.");
  return message.role === "assistant" ? [assistantMessage(blocks)] : userMessages(blocks);
}

/**
 * A system turn inside the conversation, as a chat system message. Its wording when refused
 * is what Claude Code reads as "this server takes no system turns" (it then resends without
 * them, for the rest of the conversation): any other 400 would end its turn with the error.
 */
function systemTurn(message: Json, index: number): Json {
  const blocks = typeof message.content === "string" ? [{ type: "text", text: message.content }]
    : Array.isArray(message.content) ? (message.content as unknown[]) : null;
  const onlyText = blocks !== null && blocks.every((block) => isObject(block) && block.type === "text" && typeof block.text === "string");
  if (!onlyText) {
    throw invalid(`messages.${index}.content`,
      'a system turn may hold only text here: use the top-level "system" parameter for the initial system prompt.');
  }
  return { role: "system", content: (blocks as { text: string }[]).map((block) => block.text).join("\n\n") };
}

function assistantMessage(blocks: unknown[]): Json {
  let text = "";
  const calls: Json[] = [];
  for (const block of blocks) {
    if (!isObject(block)) continue;
    if (block.type === "text" && typeof block.text === "string") text += block.text;
    if (block.type === "tool_use" && typeof block.name === "string") {
      calls.push({ id: block.id, type: "function", function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) } });
    }
  }
  const message: Json = { role: "assistant", content: text === "" && calls.length > 0 ? null : text };
  if (calls.length > 0) message.tool_calls = calls;
  return message;
}

function userMessages(blocks: unknown[]): Json[] {
  const results: Json[] = [];
  const parts: Json[] = [];
  for (const block of blocks) {
    if (!isObject(block)) continue;
    if (block.type === "tool_result") {
      const { text, images } = resultContent(block.content);
      results.push({ role: "tool", tool_call_id: block.tool_use_id, content: block.is_error === true ? `Error: ${text}` : text });
      parts.push(...images);
      continue;
    }
    const part = userPart(block);
    if (part) parts.push(part);
  }
  if (parts.length === 0) return results;
  const onlyText = parts.every((p) => p.type === "text");
  const content = onlyText ? parts.map((p) => p.text as string).join("\n\n") : parts;
  return [...results, { role: "user", content }];
}

function userPart(block: Json): Json | null {
  if (block.type === "text" && typeof block.text === "string") return { type: "text", text: block.text };
  if (block.type === "image") {
    const url = imageUrl(block.source);
    return url ? { type: "image_url", image_url: { url } } : null;
  }
  if (block.type === "document" && isObject(block.source) && block.source.type === "text" && typeof block.source.data === "string") {
    return { type: "text", text: typeof block.title === "string" ? `${block.title}\n\n${block.source.data}` : block.source.data };
  }
  return null;
}

function imageUrl(source: unknown): string | null {
  if (!isObject(source)) return null;
  if (source.type === "base64" && typeof source.data === "string" && typeof source.media_type === "string") {
    return `data:${source.media_type};base64,${source.data}`;
  }
  if (source.type === "url" && typeof source.url === "string") return source.url;
  return null;
}

/** A tool result's text, and the images in it (which a chat tool message cannot carry). */
function resultContent(content: unknown): { text: string; images: Json[] } {
  if (typeof content === "string") return { text: content, images: [] };
  const texts: string[] = [];
  const images: Json[] = [];
  for (const block of Array.isArray(content) ? (content as unknown[]) : []) {
    if (!isObject(block)) continue;
    if (block.type === "text" && typeof block.text === "string") texts.push(block.text);
    if (block.type === "image") {
      const url = imageUrl(block.source);
      if (url) images.push({ type: "image_url", image_url: { url } });
    }
  }
  return { text: texts.join("\n"), images };
}

function chatTool(tool: unknown): Json[] {
  if (!isObject(tool) || typeof tool.name !== "string") return [];
  if (tool.type !== undefined && tool.type !== "custom") return [];
  const fn: Json = { name: tool.name, parameters: isObject(tool.input_schema) ? tool.input_schema : { type: "object", properties: {} } };
  if (typeof tool.description === "string") fn.description = tool.description;
  return [{ type: "function", function: fn }];
}

function toolChoice(choice: unknown): unknown {
  if (!isObject(choice)) return undefined;
  switch (choice.type) {
    case "auto":
      return "auto";
    case "any":
      return "required";
    case "none":
      return "none";
    case "tool":
      return typeof choice.name === "string" ? { type: "function", function: { name: choice.name } } : undefined;
    default:
      return undefined;
  }
}

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
