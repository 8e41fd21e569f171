/**
 * Reading the pipeline's answer to an MCP tool call: the text of a streamed chat answer,
 * delta by delta (each becomes a progress notification), or the refusal the pipeline made
 * — the same `{"error":{"message","type","code"}}` any /v1 caller gets — as what the tool
 * returns: the sentence the attendee should read, with its code beside it.
 */
import { SseScanner } from "../../pipeline/forward/sse";

/** A refusal or failure of the pipeline, as the tool reports it. */
export interface AgentRefusal {
  status: number;
  type: string;
  code: string;
  message: string;
  /** Seconds to wait before trying again, when the pipeline said so (429, 503). */
  retryAfterSeconds: number | null;
}

const FALLBACK_MESSAGE = "The gateway could not get an answer from your agent. Try again; if it keeps happening, tell the organiser.";

/** The pipeline's error answer (any status ≥ 400) as a refusal; its body is read whole (it is small). */
export async function refusalOf(response: Response): Promise<AgentRefusal> {
  const retryAfter = Number(response.headers.get("retry-after"));
  const fields = errorFields(await response.text().catch(() => ""));
  return {
    status: response.status,
    type: fields.type ?? "upstream_error",
    code: fields.code ?? `http_${response.status}`,
    message: fields.message ?? FALLBACK_MESSAGE,
    retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null,
  };
}

function errorFields(text: string): { type?: string; code?: string; message?: string } {
  try {
    const error = (JSON.parse(text) as { error?: unknown }).error;
    if (error === null || typeof error !== "object") return {};
    const { type, code, message } = error as Record<string, unknown>;
    return {
      type: typeof type === "string" ? type : undefined,
      code: typeof code === "string" ? code : undefined,
      message: typeof message === "string" && message !== "" ? message : undefined,
    };
  } catch {
    return {};
  }
}

/** What one piece of a chat completion stream added. */
export interface StreamStep {
  /** Text the agent added to its answer. */
  text: string;
  /** The stream reported an error (an `{"error":…}` chunk) with this code and sentence. */
  failure: { code: string; message: string } | null;
  /** The answer ended as meant (a finish_reason or `[DONE]`). */
  finished: boolean;
}

/**
 * An incremental reader of an OpenAI chat completion stream: text in, steps out. Built on
 * the pipeline's own SSE scanner, so events split across network chunks read the same.
 */
export class ChatStreamReader {
  private readonly scanner = new SseScanner();

  push(chunk: string): StreamStep {
    const step: StreamStep = { text: "", failure: null, finished: false };
    for (const event of this.scanner.push(chunk)) {
      if (event.kind === "done") step.finished = true;
      if (event.kind === "error") {
        const error = chunkOf(event.raw)?.error as Record<string, unknown> | undefined;
        step.failure = {
          code: event.errorCode ?? "upstream_stream_error",
          message: typeof error?.message === "string" && error.message !== "" ? error.message : FALLBACK_MESSAGE,
        };
      }
      if (event.kind !== "data") continue;
      if (event.finished) step.finished = true;
      if (event.contentChars === 0) continue;
      const choices = chunkOf(event.raw)?.choices;
      for (const choice of Array.isArray(choices) ? choices : []) {
        const content = (choice as { delta?: { content?: unknown } })?.delta?.content;
        if (typeof content === "string") step.text += content;
      }
    }
    return step;
  }
}

function chunkOf(raw: string): Record<string, unknown> | null {
  const data = raw.split(/\r?\n/).filter((line) => line.startsWith("data:")).map((line) => line.slice(5).replace(/^ /, "")).join("\n");
  try {
    const parsed = JSON.parse(data) as unknown;
    return parsed !== null && typeof parsed === "object" ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
