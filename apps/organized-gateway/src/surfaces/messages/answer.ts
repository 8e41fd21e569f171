/**
 * A chat completion (JSON) as an Anthropic Message: text, a thinking block where the node
 * sends reasoning (`reasoning_content` / `reasoning`), one `tool_use` block per tool call with
 * its arguments parsed, the stop reason mapped, and usage in Anthropic's terms (input tokens
 * exclude those read from cache, which are reported apart).
 */

type Json = Record<string, unknown>;

export type StopReason = "end_turn" | "max_tokens" | "stop_sequence" | "tool_use" | "refusal";

export interface MessagesUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

export function stopReasonOf(finishReason: unknown): StopReason {
  switch (finishReason) {
    case "length":
      return "max_tokens";
    case "tool_calls":
    case "function_call":
      return "tool_use";
    case "content_filter":
      return "refusal";
    default:
      return "end_turn";
  }
}

/** Chat usage (`prompt_tokens`, `completion_tokens`, cached details) in Anthropic's terms. */
export function usageOf(usage: unknown): MessagesUsage {
  const u = isObject(usage) ? usage : {};
  const prompt = count(u.prompt_tokens);
  const details = isObject(u.prompt_tokens_details) ? u.prompt_tokens_details : {};
  const cached = Math.min(prompt, count(details.cached_tokens));
  return { input_tokens: prompt - cached, output_tokens: count(u.completion_tokens), cache_creation_input_tokens: 0, cache_read_input_tokens: cached };
}

/** Tool arguments as the object Anthropic's `input` is; arguments that are not a JSON object are kept under `_raw`. */
export function toolInput(args: unknown): Json {
  if (typeof args !== "string" || args.trim() === "") return {};
  try {
    const parsed = JSON.parse(args) as unknown;
    if (isObject(parsed)) return parsed;
  } catch {
    // fall through
  }
  return { _raw: args };
}

export function messageId(chatId: unknown): string {
  const tail = typeof chatId === "string" && chatId !== "" ? chatId.replace(/^chatcmpl[-_]?/, "") : crypto.randomUUID().replaceAll("-", "");
  return `msg_${tail}`;
}

/** `model` is the caller's: an Anthropic client expects back the model it asked for. */
export function toMessage(completion: Json, model: string): Json {
  const choice = Array.isArray(completion.choices) && isObject(completion.choices[0]) ? completion.choices[0] : {};
  const message = isObject(choice.message) ? choice.message : {};
  const content: Json[] = [];
  const reasoning = typeof message.reasoning_content === "string" ? message.reasoning_content
    : typeof message.reasoning === "string" ? message.reasoning : "";
  if (reasoning !== "") content.push({ type: "thinking", thinking: reasoning, signature: "" });
  const text = typeof message.content === "string" ? message.content
    : typeof message.refusal === "string" ? message.refusal : "";
  if (text !== "") content.push({ type: "text", text });
  for (const call of Array.isArray(message.tool_calls) ? (message.tool_calls as unknown[]) : []) {
    if (!isObject(call) || !isObject(call.function)) continue;
    content.push({ type: "tool_use", id: call.id, name: call.function.name, input: toolInput(call.function.arguments) });
  }
  const hasCalls = content.some((block) => block.type === "tool_use");
  return {
    id: messageId(completion.id),
    type: "message",
    role: "assistant",
    model,
    content,
    stop_reason: hasCalls && choice.finish_reason === "stop" ? "tool_use" : stopReasonOf(choice.finish_reason),
    stop_sequence: null,
    usage: usageOf(completion.usage),
  };
}

function count(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
