/**
 * The gateway's one error type and its one way to answer: an OpenAI-shaped JSON body
 * (`{"error":{"message","type","code"}}`), so the official SDKs surface our messages as
 * their own typed errors, and an attendee reads a sentence that says what to do next.
 * `refusal(code, values)` takes the status, the type and the sentence from the catalog of
 * codes (errors/catalog.mjs); a GatewayError's code is typed to that catalog, so a code
 * that is not in it does not compile.
 */
import { ERRORS, answerOf, type ERROR_TYPES } from "./catalog.mjs";

export type ErrorType = (typeof ERROR_TYPES)[number];

/** Every code the gateway answers (errors/catalog.mjs). */
export type ErrorCode = keyof typeof ERRORS;

type Template<C extends ErrorCode> = (typeof ERRORS)[C]["attendee"];

/** The values a code's sentence names (`{ limit, retryAfter }`), or nothing for a fixed sentence. */
export type ErrorValues<C extends ErrorCode> = Parameters<Template<C>>[0];

type RefusalArgs<C extends ErrorCode> = unknown extends ErrorValues<C>
  ? [values?: undefined, headers?: Record<string, string>]
  : [values: ErrorValues<C>, headers?: Record<string, string>];

/**
 * A refusal the gateway answers. Its constructor is not public: an error is made by
 * `refusal(code, values)` from the catalog, or rebuilt from the parts of one that crossed a
 * Durable Object's RPC boundary (`GatewayError.rebuilt`), so no status, type or sentence is
 * ever typed anywhere but in the catalog.
 */
export class GatewayError extends Error {
  protected constructor(
    readonly status: number,
    readonly type: ErrorType,
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  /** The catalog's answer for `code`, worded from `values` (see `refusal`). */
  static of<C extends ErrorCode>(code: C, ...[values, headers]: RefusalArgs<C>): GatewayError {
    const { status, type, message } = answerOf(ERRORS[code], values);
    return new GatewayError(status, type, code, message, headers ?? {});
  }

  /** A refusal made from the catalog elsewhere (another isolate's Durable Object), from its parts. */
  static rebuilt(parts: Pick<GatewayError, "status" | "type" | "code" | "message" | "headers">): GatewayError {
    return new GatewayError(parts.status, parts.type, parts.code, parts.message, parts.headers);
  }

  /** The same refusal with more headers (the rate headers admission adds). */
  withHeaders(headers: Record<string, string>): GatewayError {
    return new GatewayError(this.status, this.type, this.code, this.message, { ...this.headers, ...headers });
  }
}

/**
 * The gateway's answer for `code`: status, type and the attendee's sentence from the catalog,
 * worded from `values`; `headers` ride along (Retry-After, the rate headers).
 * @example throw refusal("rate_limit_exceeded", { limit: 50, retryAfter: 12 }, retryAfterHeaders(12_000));
 */
export function refusal<C extends ErrorCode>(code: C, ...args: RefusalArgs<C>): GatewayError {
  return GatewayError.of(code, ...args);
}

export function errorBody(type: string, code: string | null, message: string): string {
  return JSON.stringify({ error: { message, type, code, param: null } });
}

export function errorResponse(error: GatewayError, extraHeaders?: HeadersInit): Response {
  const headers = new Headers(extraHeaders);
  headers.set("content-type", "application/json; charset=utf-8");
  for (const [name, value] of Object.entries(error.headers)) headers.set(name, value);
  return new Response(errorBody(error.type, error.code, error.message), {
    status: error.status,
    headers,
  });
}

/**
 * The wait a refusal asks for, in both forms clients read: `retry-after-ms` (the `openai`
 * and Vercel AI SDKs read it first and honour any value) and `retry-after` in whole seconds
 * (everyone else). The AI SDK ignores values of 60 s or more (its own 2 s backoff then hits
 * another 429), and a refusal in the same millisecond as the window's oldest request would
 * say exactly 60 s: the wait is capped just under it, at the cost of one more short 429.
 */
const RETRY_AFTER_MS_MAX = 59_999;

export function retryAfterHeaders(waitMs: number): Record<string, string> {
  const ms = Math.min(RETRY_AFTER_MS_MAX, Math.max(1, Math.ceil(waitMs)));
  return { "retry-after": String(Math.max(1, Math.ceil(ms / 1000))), "retry-after-ms": String(ms) };
}

/** Anything thrown that is not a GatewayError is our bug: answer 500 without details. */
export function toGatewayError(thrown: unknown): GatewayError {
  if (thrown instanceof GatewayError) return thrown;
  return refusal("internal_error");
}
