/**
 * Forward: send the prepared request upstream and wait at most UPSTREAM_TIMEOUT_MS for its
 * response to start. An unreachable upstream is a 502 and a silent one a 504, both with
 * words an attendee can act on; an upstream's own error passes through with its status,
 * unless its body is not JSON (an HTML error page from a tunnel), which becomes OpenAI-shaped.
 */
import type { UpstreamCall } from "../route";
import { GatewayError, errorBody } from "../shared/errors";

/**
 * `callerSignal` is the incoming request's signal (compatibility flag enable_request_signal):
 * a caller who leaves while the upstream is still thinking cancels the upstream call too.
 */
export async function forward(call: UpstreamCall, timeoutMs: number, callerSignal?: AbortSignal): Promise<Response> {
  // Not AbortSignal.timeout(): that would also cut a long stream after its headers arrived.
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), timeoutMs);
  const signal = callerSignal ? AbortSignal.any([timeout.signal, callerSignal]) : timeout.signal;
  try {
    return await fetch(call.url, { ...call.init, signal });
  } catch {
    if (callerSignal?.aborted) throw clientClosed();
    if (timeout.signal.aborted) {
      throw new GatewayError(504, "timeout_error", "upstream_timeout",
        `The agent server did not answer within ${Math.round(timeoutMs / 1000)} seconds. Try again in a minute; the organiser can see this in the logs.`);
    }
    throw new GatewayError(502, "upstream_error", "upstream_unreachable",
      "The gateway could not reach the agent server. The organiser is on it; try again in a minute.");
  } finally {
    clearTimeout(timer);
  }
}

/** The caller hung up before the answer reached it (logged as client_abort, status 499). */
export function clientClosed(): GatewayError {
  return new GatewayError(499, "invalid_request_error", "client_closed_request",
    "The request was cancelled by the caller before the answer arrived.");
}

const HOP_BY_HOP = ["connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding", "set-cookie"];

export function isEventStream(response: Response): boolean {
  return (response.headers.get("content-type") ?? "").includes("text/event-stream");
}

export function isJson(response: Response): boolean {
  return (response.headers.get("content-type") ?? "").includes("json");
}

/** Headers to send back: the upstream's, minus hop-by-hop and encoding ones we re-do. */
export function responseHeaders(upstream: Response, extra: Record<string, string>): Headers {
  const headers = new Headers(upstream.headers);
  for (const name of HOP_BY_HOP) headers.delete(name);
  for (const [name, value] of Object.entries(extra)) headers.set(name, value);
  if (isEventStream(upstream)) headers.set("cache-control", "no-cache");
  return headers;
}

/** An upstream error whose body is not JSON, replaced by an OpenAI-shaped one. */
export function normaliseUpstreamError(upstream: Response, extra: Record<string, string>): Response | null {
  if (upstream.ok || isJson(upstream)) return null;
  upstream.body?.cancel().catch(() => {});
  const status = upstream.status >= 500 ? 502 : upstream.status;
  const headers = new Headers(extra);
  headers.set("content-type", "application/json; charset=utf-8");
  return new Response(
    errorBody("upstream_error", `upstream_http_${upstream.status}`,
      `The agent server answered with an error (HTTP ${upstream.status}). The organiser is on it; try again in a minute.`),
    { status, headers },
  );
}
