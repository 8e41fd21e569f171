/**
 * Usage accounting, as pure functions: read real token counts from OpenAI-shaped bodies
 * and stream chunks (chat, completions, responses), and estimate them (≈4 characters per
 * token) when an upstream never reports them — a cut stream, or an upstream without usage.
 */
import type { JsonObject } from "../envelope/body";

export interface Usage {
  prompt: number;
  completion: number;
}

const CHARS_PER_TOKEN = 4;

export function estimateTokens(chars: number): number {
  return Math.ceil(chars / CHARS_PER_TOKEN);
}

/** Real counts from a `usage` object, in either the chat or the responses API's naming. */
export function readUsage(value: unknown): Usage | null {
  if (!value || typeof value !== "object") return null;
  const u = value as Record<string, unknown>;
  const prompt = u.prompt_tokens ?? u.input_tokens;
  const completion = u.completion_tokens ?? u.output_tokens ?? 0;
  if (typeof prompt !== "number" || typeof completion !== "number") return null;
  return { prompt, completion };
}

/**
 * Characters of text in a content value: a string, or a list of parts (`{text}` or strings,
 * lists in lists too). Iterative, with its own stack: the value comes from a caller or an
 * upstream, and recursion over it would let a few kilobytes of brackets overflow the call
 * stack.
 */
function textLength(content: unknown): number {
  let chars = 0;
  const pending: unknown[] = [content];
  while (pending.length > 0) {
    const item = pending.pop();
    if (typeof item === "string") chars += item.length;
    else if (Array.isArray(item)) {
      for (const part of item) pending.push((part as JsonObject)?.text ?? part);
    }
  }
  return chars;
}

/** Characters of prompt text in a request body (messages, prompt, input, instructions). */
export function promptChars(body: JsonObject): number {
  let chars = 0;
  if (Array.isArray(body.messages)) {
    for (const message of body.messages) chars += textLength((message as JsonObject)?.content);
  }
  chars += textLength(body.prompt) + textLength(body.instructions);
  if (typeof body.input === "string") chars += body.input.length;
  else if (Array.isArray(body.input)) {
    for (const item of body.input) chars += typeof item === "string" ? item.length : textLength((item as JsonObject)?.content);
  }
  return chars;
}

/** Characters of answer text in a non-streamed response body. */
export function completionChars(body: JsonObject): number {
  let chars = 0;
  if (Array.isArray(body.choices)) {
    for (const choice of body.choices as JsonObject[]) {
      chars += textLength((choice?.message as JsonObject)?.content) + textLength(choice?.text);
    }
  }
  if (typeof body.output_text === "string") chars += body.output_text.length;
  return chars;
}
