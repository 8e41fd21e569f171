/**
 * Server-sent events, as a pure incremental scanner: bytes in, complete events out, each
 * classified for the observer (content, usage-only chunk, error, end). Handles events
 * split across network chunks and CRLF line endings.
 *
 * Both stream formats end in their own ways, and each is an end the upstream meant:
 * chat and legacy completions with a `finish_reason` chunk and `data: [DONE]`, or an
 * `{"error":{...}}` chunk; the Responses API with `response.completed`,
 * `response.incomplete` (a normal end, e.g. max_output_tokens reached), `response.failed`
 * or an `error` event. Only a stream that stops before any of these was cut.
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
  /** The answer ended normally here (finish_reason, response.completed or response.incomplete). */
  finished: boolean;
  /** Set on kind "error": the answer ended in a failure here. */
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

/** The event's `event:` name (null without one) and its data lines joined. */
function fieldsOf(raw: string): { name: string | null; data: string } {
  // The usual event is one `data: {...}` line: no need to split it into lines.
  if (raw.startsWith("data: ") && !raw.includes("\n")) return { name: null, data: raw.slice(6) };
  let name: string | null = null;
  const data: string[] = [];
  for (const line of raw.split(/\r?\n/)) {
    if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
    else if (line.startsWith("event:")) name = line.slice(6).trim();
  }
  return { name, data: data.join("\n") };
}

const stringOr = (value: unknown, fallback: string): string => (typeof value === "string" && value !== "" ? value : fallback);

export function classifyEvent(raw: string): ScannedEvent {
  const event: ScannedEvent = { raw, kind: "other", usage: null, contentChars: 0, finished: false, errorCode: null };
  const { name, data } = fieldsOf(raw);
  if (data === "") return event;
  if (data.trim() === "[DONE]") return { ...event, kind: "done" };
  let chunk: JsonObject;
  try {
    chunk = JSON.parse(data) as JsonObject;
  } catch {
    return event;
  }
  if (chunk === null || typeof chunk !== "object") return event;
  // A chat stream's error chunk, or a Responses `error` event that nests its error.
  if (chunk.error) {
    const error = (typeof chunk.error === "object" ? chunk.error : {}) as JsonObject;
    return { ...event, kind: "error", errorCode: stringOr(error.code, stringOr(error.type, "upstream_stream_error")) };
  }
  // Responses API events carry a `type`, and an `event:` line naming it.
  const type = typeof chunk.type === "string" ? chunk.type : name;
  if (type !== null) {
    const response = (chunk.response ?? {}) as JsonObject;
    switch (type) {
      case "response.output_text.delta":
        return { ...event, kind: "data", contentChars: typeof chunk.delta === "string" ? chunk.delta.length : 0 };
      case "response.completed":
      case "response.incomplete":
        return { ...event, kind: "data", finished: true, usage: readUsage(response.usage) };
      case "response.failed":
        return { ...event, kind: "error", usage: readUsage(response.usage),
          errorCode: stringOr((response.error as JsonObject | null)?.code, "upstream_stream_error") };
      case "error":
        return { ...event, kind: "error", errorCode: stringOr(chunk.code, "upstream_stream_error") };
    }
    if (typeof chunk.type === "string") return { ...event, kind: "data" };
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
