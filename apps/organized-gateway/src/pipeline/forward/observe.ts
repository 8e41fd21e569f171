/**
 * The stream observer: passes an upstream body to the caller chunk by chunk (the first
 * byte leaves as soon as it arrives) while noting time to first byte, usage and how the
 * body ended. For streams it strips the usage-only chunk the gateway asked for when the
 * caller didn't, and turns a stream that stops mid-answer into an explicit error event
 * instead of a silent, successful-looking end. A stream that did end as the upstream
 * meant (any terminal event of either format, see sse.ts) is left as it is, even if the
 * connection then drops, and its outcome takes the usage and end state that event
 * reported. A caller that goes away cancels the upstream read and is recorded as
 * `client_abort`. A stream with nothing to strip is piped natively and observed from a
 * copy; only one that must be rewritten goes through JavaScript chunk by chunk.
 */
import type { JsonObject } from "../envelope/body";
import type { EndState } from "../settle/request-row";
import { refusal } from "../../errors";
import { clientClosed } from "./index";
import { SseScanner, type ScannedEvent } from "./sse";
import { completionChars, readUsage, type Usage } from "./usage";

export interface BodyOutcome {
  ttfbMs: number | null;
  usage: Usage | null;
  completionChars: number;
  endState: Extract<EndState, "complete" | "client_abort" | "upstream_error">;
  errorCode: string | null;
}

export interface ObserveOptions {
  format: "sse" | "json";
  /** Drop the `choices: []` usage chunk (the caller did not ask for it). */
  stripUsageChunk: boolean;
  startedAt: number;
}

/** Bodies larger than this are still passed through, but not parsed for usage. */
export const MAX_PARSED_JSON_CHARS = 4 * 1024 * 1024;

const encoder = new TextEncoder();
const CUT_EVENT = encoder.encode(
  `data: ${JSON.stringify({
    error: {
      message: "The agent's answer was cut off before it finished (the agent server stopped sending). Ask again.",
      type: "upstream_error",
      code: "stream_cut",
    },
  })}\n\n`,
);

/** What a body has said so far: the figures its log row needs. */
class Tally {
  ttfbMs: number | null = null;
  usage: Usage | null = null;
  chars = 0;
  finished = false;
  sawDone = false;
  errorCode: string | null = null;

  constructor(private readonly startedAt: number) {}

  firstByte(): void {
    this.ttfbMs ??= Date.now() - this.startedAt;
  }

  note(event: ScannedEvent): void {
    this.chars += event.contentChars;
    if (event.usage) this.usage = event.usage;
    if (event.finished) this.finished = true;
    if (event.kind === "done") this.sawDone = true;
    if (event.kind === "error") this.errorCode ??= event.errorCode;
  }

  /** The stream has said how it ends: a finish, a [DONE], or an error of its own. */
  get ended(): boolean {
    return this.sawDone || this.finished || this.errorCode !== null;
  }

  /** An event stream that stopped before it said how it ends was cut. */
  get cutShort(): boolean {
    return !this.ended;
  }

  /** How the body ended, if the caller stayed: an error of its own or of ours, or complete. */
  get endState(): "complete" | "upstream_error" {
    return this.errorCode === null ? "complete" : "upstream_error";
  }

  outcome(endState: BodyOutcome["endState"]): BodyOutcome {
    return { ttfbMs: this.ttfbMs, usage: this.usage, completionChars: this.chars, endState, errorCode: this.errorCode };
  }
}

/**
 * Observes an upstream body on its way to the caller. An event stream the gateway need not
 * rewrite (nothing to strip) is piped natively; anything else goes through JavaScript.
 */
export function observe(
  body: ReadableStream<Uint8Array>,
  options: ObserveOptions,
): { body: ReadableStream<Uint8Array>; outcome: Promise<BodyOutcome> } {
  return options.format === "sse" && !options.stripUsageChunk ? observePiped(body, options) : observeRewriting(body, options);
}

/**
 * The fast path. In workerd every chunk a JavaScript stream hands to the response costs
 * about ten times what a native pipe costs (`npm run bench`), so the caller's copy is
 * piped natively (tee, then pipeTo into an IdentityTransformStream) while the observer
 * reads the other copy. JavaScript touches the caller's stream once, at the end: to append
 * the `stream_cut` event to a stream that was cut, then to close it.
 */
function observePiped(
  body: ReadableStream<Uint8Array>,
  options: ObserveOptions,
): { body: ReadableStream<Uint8Array>; outcome: Promise<BodyOutcome> } {
  const [forCaller, forObserver] = body.tee();
  const { readable, writable } = new IdentityTransformStream();
  const tally = new Tally(options.startedAt);
  const reader = forObserver.getReader();

  const watched = (async (): Promise<void> => {
    const decoder = new TextDecoder();
    const scanner = new SseScanner();
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch {
        return; // the pipe's side of the tee fails too, and says how
      }
      if (chunk.done) {
        const tail = scanner.rest() + decoder.decode();
        if (tail.trim() !== "") scanner.push(`${tail}\n\n`).forEach((e) => tally.note(e));
        return;
      }
      tally.firstByte();
      scanner.push(decoder.decode(chunk.value, { stream: true })).forEach((e) => tally.note(e));
    }
  })();

  const outcome = forCaller.pipeTo(writable, { preventClose: true, preventAbort: true }).then(
    async () => {
      const writer = writable.getWriter();
      await watched;
      if (tally.cutShort) {
        tally.errorCode = "stream_cut";
        await writer.write(CUT_EVENT).catch(() => {});
      }
      await writer.close().catch(() => {});
      return tally.outcome(tally.endState);
    },
    async () => {
      // The caller left (its side of the pipe is errored, desiredSize null), or the upstream
      // failed mid-stream.
      const writer = writable.getWriter();
      if (writer.desiredSize === null) {
        await reader.cancel().catch(() => {});
        await watched;
        return tally.outcome("client_abort");
      }
      // The upstream failed, so the observer's copy fails too, once it has read everything
      // that came before: a stream whose terminal event had arrived ended as the upstream
      // meant, and only one that had not gets the stream_cut event.
      await watched;
      if (tally.cutShort) {
        const callerGone = await writer.write(CUT_EVENT).then(() => false, () => true);
        if (callerGone) return tally.outcome("client_abort");
        tally.errorCode = "stream_cut";
      }
      await writer.close().catch(() => {});
      return tally.outcome(tally.endState);
    },
  );
  return { body: readable, outcome };
}

/** The JavaScript path: for a stream whose usage chunk must go, and a JSON body of unknown length. */
function observeRewriting(
  body: ReadableStream<Uint8Array>,
  options: ObserveOptions,
): { body: ReadableStream<Uint8Array>; outcome: Promise<BodyOutcome> } {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const scanner = new SseScanner();
  const tally = new Tally(options.startedAt);
  let resolveOutcome!: (outcome: BodyOutcome) => void;
  const outcome = new Promise<BodyOutcome>((resolve) => (resolveOutcome = resolve));
  let jsonText = "";
  let settled = false;

  const settle = (endState: BodyOutcome["endState"]) => {
    if (settled) return;
    settled = true;
    resolveOutcome(tally.outcome(endState));
  };

  /** Scans SSE text; returns the bytes to send on (null: nothing this time). */
  const passSse = (text: string, original: Uint8Array | null): Uint8Array | null => {
    const nothingHeldBack = scanner.rest() === "";
    const events = scanner.push(text);
    events.forEach((e) => tally.note(e));
    if (!options.stripUsageChunk) return original;
    // Whole events with nothing to strip (the usual chunk): its bytes go on untouched.
    if (original && nothingHeldBack && scanner.rest() === "" && !events.some((e) => e.kind === "usage_only")) return original;
    const kept = events.filter((e) => e.kind !== "usage_only");
    return kept.length ? encoder.encode(kept.map((e) => `${e.raw}\n\n`).join("")) : null;
  };

  const endOfSse = (controller: ReadableStreamDefaultController<Uint8Array>) => {
    const tail = scanner.rest() + decoder.decode();
    if (tail.trim() !== "") {
      // An unterminated last event: when stripping it was held back, so it goes out now;
      // otherwise its bytes already went through and it is only scanned.
      const out = passSse(`${tail}\n\n`, null);
      if (out) controller.enqueue(out);
    }
    if (tally.cutShort) {
      tally.errorCode = "stream_cut";
      controller.enqueue(CUT_EVENT);
    }
  };

  const endOfJson = () => {
    jsonText += decoder.decode();
    const answer = readJsonAnswer(jsonText);
    tally.usage = answer.usage;
    tally.chars = answer.completionChars;
    tally.errorCode = answer.errorCode;
  };

  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      // Loop until something is sent: a pull that enqueues nothing would stall the reader.
      for (;;) {
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await reader.read();
        } catch {
          // The upstream failed mid-body. A stream whose terminal event had arrived ended as
          // the upstream meant; anything else was cut.
          if (options.format === "json") tally.errorCode ??= "stream_cut";
          else if (tally.cutShort) {
            tally.errorCode = "stream_cut";
            controller.enqueue(CUT_EVENT);
          }
          controller.close();
          settle(tally.endState);
          return;
        }
        if (chunk.done) {
          if (options.format === "sse") endOfSse(controller);
          else endOfJson();
          controller.close();
          settle(tally.endState);
          return;
        }
        tally.firstByte();
        const text = decoder.decode(chunk.value, { stream: true });
        if (options.format === "json") {
          if (jsonText.length < MAX_PARSED_JSON_CHARS) jsonText += text;
          controller.enqueue(chunk.value);
          return;
        }
        const out = passSse(text, chunk.value);
        if (out) {
          controller.enqueue(out);
          return;
        }
      }
    },
    async cancel(reason) {
      settle("client_abort");
      await reader.cancel(reason);
    },
  });
  return { body: stream, outcome };
}

/** What a whole JSON answer says about usage and errors; anything unparseable says nothing. */
export function readJsonAnswer(text: string): Pick<BodyOutcome, "usage" | "completionChars" | "errorCode"> {
  try {
    const parsed = JSON.parse(text) as JsonObject;
    const error = parsed.error as JsonObject | undefined;
    return {
      usage: readUsage(parsed.usage),
      completionChars: completionChars(parsed),
      errorCode: error ? String(error.code ?? error.type ?? "upstream_error") : null,
    };
  } catch {
    // Not JSON (or too large to parse): the answer still went through; usage stays unknown.
    return { usage: null, completionChars: 0, errorCode: null };
  }
}

/**
 * A JSON answer of known, modest length is read whole by the runtime rather than piped
 * through a JavaScript stream: the caller can use none of it before the end anyway, and
 * the native read costs a fraction of the per-chunk observer (`npm run bench`). Returns
 * null for a body that should be streamed (no Content-Length, or too large to parse).
 */
export async function readWholeJson(
  response: Response,
  startedAt: number,
  callerSignal?: AbortSignal,
): Promise<{ text: string; outcome: BodyOutcome } | null> {
  const length = Number(response.headers.get("content-length") ?? NaN);
  if (!Number.isFinite(length) || length > MAX_PARSED_JSON_CHARS) return null;
  let text: string;
  try {
    text = await response.text();
  } catch {
    if (callerSignal?.aborted) throw clientClosed();
    throw refusal("stream_cut");
  }
  const answer = readJsonAnswer(text);
  return {
    text,
    outcome: { ttfbMs: Date.now() - startedAt, ...answer, endState: answer.errorCode === null ? "complete" : "upstream_error" },
  };
}
