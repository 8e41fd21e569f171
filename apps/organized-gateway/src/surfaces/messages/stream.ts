/**
 * A chat completions stream as Anthropic's Messages event stream, event by event:
 * `message_start` (then a `ping`) when the node's first chunk arrives; each run of reasoning,
 * text or one tool call as its own content block (`content_block_start`, `thinking_delta` /
 * `text_delta` / `input_json_delta` deltas, `content_block_stop`); at the end `message_delta`
 * with the stop reason and the usage (cumulative, as Anthropic sends it) and `message_stop`.
 * The node's usage chunk comes after its finishing chunk, so the message ends at `[DONE]`.
 * An error chunk (the node's, or the gateway's own for a cut stream) becomes an `error` event
 * and ends the stream: Anthropic's clients then raise it as an error, not as a short answer.
 *
 * Tool calls arrive one after the other (index 0 whole, then 1): a fragment of a call whose
 * block was already closed cannot be sent any more in Anthropic's format and is left out.
 */
import { messageId, stopReasonOf, usageOf, type MessagesUsage, type StopReason } from "./answer";

type Json = Record<string, unknown>;
type BlockKind = "thinking" | "text" | "tool_use";

export function anthropicEvent(data: Json): string {
  return `event: ${String(data.type)}\ndata: ${JSON.stringify(data)}`;
}

export class MessagesStreamTranslator {
  private started = false;
  private ended = false;
  private blockIndex = -1;
  private open: { kind: BlockKind; toolIndex?: number } | null = null;
  private readonly toolBlocks = new Map<number, number>();
  private stopReason: StopReason | null = null;
  private usage: MessagesUsage | null = null;
  private sawToolCall = false;

  /** `inputTokens`: the prompt's estimate, for `message_start` (the node reports real usage only at the end). */
  constructor(private readonly model: string, private readonly inputTokens: number) {}

  /** Whether the stream has said how it ends (a `message_stop` or an `error`). */
  get finished(): boolean {
    return this.ended;
  }

  /** One raw chat SSE event (no trailing blank line) in; raw Anthropic events out. */
  event(raw: string): string[] {
    if (this.ended) return [];
    const data = dataOf(raw);
    if (data === null) return [];
    if (data === "[DONE]") return this.finish();
    let chunk: Json;
    try {
      chunk = JSON.parse(data) as Json;
    } catch {
      return [];
    }
    if (!isObject(chunk)) return [];
    if (chunk.error !== undefined) return this.fail(chunk.error);
    const out = this.start(chunk.id);
    if (chunk.usage) this.usage = usageOf(chunk.usage);
    const choice = Array.isArray(chunk.choices) && isObject(chunk.choices[0]) ? chunk.choices[0] : null;
    const delta = choice && isObject(choice.delta) ? choice.delta : null;
    if (delta) {
      const reasoning = typeof delta.reasoning_content === "string" ? delta.reasoning_content
        : typeof delta.reasoning === "string" ? delta.reasoning : "";
      if (reasoning !== "") out.push(...this.into("thinking"), this.delta({ type: "thinking_delta", thinking: reasoning }));
      if (typeof delta.content === "string" && delta.content !== "") {
        out.push(...this.into("text"), this.delta({ type: "text_delta", text: delta.content }));
      }
      for (const call of Array.isArray(delta.tool_calls) ? (delta.tool_calls as unknown[]) : []) out.push(...this.toolCall(call));
    }
    if (choice?.finish_reason) {
      this.stopReason = this.sawToolCall && choice.finish_reason === "stop" ? "tool_use" : stopReasonOf(choice.finish_reason);
      out.push(...this.close());
    }
    return out;
  }

  /** The node's stream ended: a stream that never said how it ends gets an error event. */
  end(): string[] {
    if (this.ended) return [];
    if (this.stopReason !== null) return this.finish();
    return this.fail({ type: "upstream_error", message: "The agent's answer was cut off before it finished (the agent server stopped sending). Ask again." });
  }

  private start(chatId: unknown): string[] {
    if (this.started) return [];
    this.started = true;
    const message = {
      id: messageId(chatId), type: "message", role: "assistant", model: this.model, content: [],
      stop_reason: null, stop_sequence: null,
      usage: { input_tokens: this.inputTokens, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    };
    return [anthropicEvent({ type: "message_start", message }), anthropicEvent({ type: "ping" })];
  }

  private finish(): string[] {
    const out = [...this.start(null), ...this.close()];
    const usage = this.usage ?? { input_tokens: this.inputTokens, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
    out.push(
      anthropicEvent({ type: "message_delta", delta: { stop_reason: this.stopReason ?? "end_turn", stop_sequence: null }, usage }),
      anthropicEvent({ type: "message_stop" }),
    );
    this.ended = true;
    return out;
  }

  private fail(error: unknown): string[] {
    this.ended = true;
    const e = isObject(error) ? error : {};
    const message = typeof e.message === "string" && e.message !== "" ? e.message : "The agent server failed while answering. Ask again.";
    return [anthropicEvent({ type: "error", error: { type: streamErrorType(e), message } })];
  }

  private into(kind: BlockKind): string[] {
    if (this.open?.kind === kind && kind !== "tool_use") return [];
    const out = this.close();
    this.blockIndex++;
    this.open = { kind };
    const block = kind === "thinking" ? { type: "thinking", thinking: "", signature: "" } : { type: "text", text: "" };
    out.push(anthropicEvent({ type: "content_block_start", index: this.blockIndex, content_block: block }));
    return out;
  }

  private toolCall(call: unknown): string[] {
    if (!isObject(call)) return [];
    const toolIndex = typeof call.index === "number" ? call.index : 0;
    const fn = isObject(call.function) ? call.function : {};
    const out: string[] = [];
    if (!this.toolBlocks.has(toolIndex)) {
      out.push(...this.close());
      this.blockIndex++;
      this.toolBlocks.set(toolIndex, this.blockIndex);
      this.open = { kind: "tool_use", toolIndex };
      this.sawToolCall = true;
      const id = typeof call.id === "string" && call.id !== "" ? call.id : `toolu_${crypto.randomUUID().replaceAll("-", "")}`;
      out.push(anthropicEvent({
        type: "content_block_start", index: this.blockIndex,
        content_block: { type: "tool_use", id, name: typeof fn.name === "string" ? fn.name : "", input: {} },
      }));
    } else if (this.open?.kind !== "tool_use" || this.open.toolIndex !== toolIndex) {
      return [];
    }
    if (typeof fn.arguments === "string" && fn.arguments !== "") out.push(this.delta({ type: "input_json_delta", partial_json: fn.arguments }));
    return out;
  }

  private delta(delta: Json): string {
    return anthropicEvent({ type: "content_block_delta", index: this.blockIndex, delta });
  }

  private close(): string[] {
    if (!this.open) return [];
    this.open = null;
    return [anthropicEvent({ type: "content_block_stop", index: this.blockIndex })];
  }
}

/** Anthropic's error type for a failure inside a stream. */
function streamErrorType(error: Json): string {
  const code = `${String(error.code ?? "")} ${String(error.type ?? "")}`;
  if (/overload|capacity|503/.test(code)) return "overloaded_error";
  if (/timeout/.test(code)) return "timeout_error";
  if (/rate_limit/.test(code)) return "rate_limit_error";
  return "api_error";
}

function dataOf(raw: string): string | null {
  const lines: string[] = [];
  for (const line of raw.split(/\r?\n/)) if (line.startsWith("data:")) lines.push(line.slice(5).replace(/^ /, ""));
  return lines.length === 0 ? null : lines.join("\n").trim();
}

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
