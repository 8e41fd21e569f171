/**
 * Errors on the Anthropic surface are Anthropic-shaped, so Anthropic's clients (Claude Code,
 * the SDKs) show the gateway's sentence as their own typed error:
 * `{"type":"error","error":{"type","message"},"request_id"}`. The status stays the gateway's;
 * the type is Anthropic's name for it. The same words as on /v1: an error body the gateway or
 * the node wrote OpenAI-shaped is re-shaped, its message kept (e.g. OpenClaw's reason for a 400).
 */

const TYPE_BY_STATUS: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  402: "billing_error",
  403: "permission_error",
  404: "not_found_error",
  405: "invalid_request_error",
  408: "timeout_error",
  413: "request_too_large",
  429: "rate_limit_error",
  503: "overloaded_error",
  504: "timeout_error",
  529: "overloaded_error",
};

export function anthropicErrorType(status: number): string {
  return TYPE_BY_STATUS[status] ?? (status >= 500 ? "api_error" : "invalid_request_error");
}

export function anthropicErrorBody(status: number, message: string, requestId?: string): string {
  const body: Record<string, unknown> = { type: "error", error: { type: anthropicErrorType(status), message } };
  if (requestId) body.request_id = requestId;
  return JSON.stringify(body);
}

/**
 * An error body as text (OpenAI-shaped `{"error":{"message",…}}`, or anything else) re-shaped
 * for this surface. A body that is not an OpenAI-shaped error keeps a sentence naming the status.
 */
export function reshapeErrorBody(status: number, text: string, requestId?: string): string {
  let message = `The agent server answered with an error (HTTP ${status}).`;
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown } | string; type?: unknown };
    if (parsed && parsed.type === "error" && typeof parsed.error === "object") return text;
    const inner = parsed?.error;
    if (typeof inner === "string" && inner !== "") message = inner;
    else if (inner && typeof inner === "object" && typeof inner.message === "string" && inner.message !== "") message = inner.message;
  } catch {
    // not JSON: keep the sentence above
  }
  return anthropicErrorBody(status, message, requestId);
}
