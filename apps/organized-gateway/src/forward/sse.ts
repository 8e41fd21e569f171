/**
 * Server-sent events, as a pure incremental scanner: bytes in, complete events out, each
 * classified for the observer (content, usage-only chunk, error, end). Handles events
 * split across network chunks and CRLF line endings.
 */
import type { JsonObject } from "../envelope/body";
import { readUsage, type Usage } from "./usage";

export type EventKind = "data" | "usage_only" | "error" | "done" | "other";

export interface ScannedEvent {
  /** The event's text, without its terminating blank line. */
  raw: string;
  kind: EventKind;
  usage: Usage | null;
  contentChars: number;
  finished: boolean;
  errorCode: string | null;
}

const EVENT_BOUNDARY = /\r?\n\r?\n/;

export class SseScanner {
  private pending = "";

  /** Adds text; returns the events completed by it. */
  push(text: string): ScannedEvent[] {
    this.pending += text;
    const parts = this.pending.split(EVENT_BOUNDARY);
    this.pending = parts.pop() ?? "";
    return parts.filter((p) => p.trim() !== "").map(classifyEvent);
  }

  /** The unterminated tail at end of stream, if any. */
  rest(): string {
    return this.pending;
  }
}

function dataOf(raw: string): string {
  // The usual event is one `data: {...}` line: no need to split it into lines.
  if (raw.startsWith("data: ") && !raw.includes("\n")) return raw.slice(6);
  return raw
    .split(/\r?\n/)
    .filter((line) => line.startsWith("data:"))
    .map((line) => line.slice(5).replace(/^ /, ""))
    .join("\n");
}

export function classifyEvent(raw: string): ScannedEvent {
  const event: ScannedEvent = { raw, kind: "other", usage: null, contentChars: 0, finished: false, errorCode: null };
  const data = dataOf(raw);
  if (data === "") return event;
  if (data.trim() === "[DONE]") return { ...event, kind: "done" };
  let chunk: JsonObject;
  try {
    chunk = JSON.parse(data) as JsonObject;
  } catch {
    return event;
  }
  if (chunk.error) {
    const code = (chunk.error as JsonObject).code ?? (chunk.error as JsonObject).type;
    return { ...event, kind: "error", errorCode: typeof code === "string" ? code : "upstream_stream_error" };
  }
  // Responses API events carry a `type`.
  if (typeof chunk.type === "string") {
    if (chunk.type === "response.output_text.delta" && typeof chunk.delta === "string") {
      return { ...event, kind: "data", contentChars: chunk.delta.length };
    }
    if (chunk.type === "response.completed") {
      return { ...event, kind: "data", finished: true, usage: readUsage((chunk.response as JsonObject)?.usage) };
    }
    if (chunk.type === "response.failed" || chunk.type === "error") {
      return { ...event, kind: "error", errorCode: "upstream_stream_error" };
    }
    return { ...event, kind: "data" };
  }
  const choices = Array.isArray(chunk.choices) ? (chunk.choices as JsonObject[]) : [];
  const usage = readUsage(chunk.usage);
  if (choices.length === 0 && usage) return { ...event, kind: "usage_only", usage };
  let contentChars = 0;
  let finished = false;
  for (const choice of choices) {
    const delta = choice?.delta as JsonObject | undefined;
    if (typeof delta?.content === "string") contentChars += delta.content.length;
    if (typeof choice?.text === "string") contentChars += choice.text.length;
    if (choice?.finish_reason) finished = true;
  }
  return { ...event, kind: "data", usage, contentChars, finished };
}
