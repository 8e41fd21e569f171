/**
 * The gateway's one error type and its one way to answer: an OpenAI-shaped JSON body
 * (`{"error":{"message","type","code"}}`), so the official SDKs surface our messages as
 * their own typed errors, and an attendee reads a sentence that says what to do next.
 */

export type ErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "permission_error"
  | "rate_limit_error"
  | "insufficient_quota"
  | "not_found_error"
  | "server_error"
  | "upstream_error"
  | "timeout_error"
  | "configuration_error";

export class GatewayError extends Error {
  constructor(
    readonly status: number,
    readonly type: ErrorType,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
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
  return new GatewayError(
    500,
    "server_error",
    "internal_error",
    "The gateway hit an internal error. Try again; if it keeps happening, tell the organiser.",
  );
}
