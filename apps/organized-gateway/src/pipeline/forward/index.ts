/**
 * Forward: send the prepared request upstream and wait at most UPSTREAM_TIMEOUT_MS for its
 * response to start. An unreachable upstream is a 502 and a silent one a 504, both with
 * words an attendee can act on; an upstream's own error passes through with its status,
 * unless its body is not JSON (an HTML error page from a tunnel), which becomes OpenAI-shaped.
 */
import type { UpstreamCall } from "../route";
import { type GatewayError, errorBody, refusal } from "../../errors";
import type { RequestClock } from "../settle/request-clock";

export interface ForwardOptions {
  /** How long the upstream may take to start its answer. */
  timeoutMs: number;
  /** The request's clock (settle/request-clock.ts), which keeps that deadline with its others. */
  clock: RequestClock;
  /**
   * The incoming request's signal (compatibility flag enable_request_signal): a caller who
   * leaves while the upstream is still thinking cancels the upstream call too.
   */
  callerSignal?: AbortSignal;
  words?: FailureWords;
}

export async function forward(call: UpstreamCall, { timeoutMs, clock, callerSignal, words = NODE_WORDS }: ForwardOptions): Promise<Response> {
  // Not AbortSignal.timeout(): that would also cut a long stream after its headers arrived.
  const timeout = new AbortController();
  const cancel = clock.at(timeoutMs, () => timeout.abort());
  const signal = callerSignal ? AbortSignal.any([timeout.signal, callerSignal]) : timeout.signal;
  try {
    return await fetch(call.url, { ...call.init, signal });
  } catch {
    if (callerSignal?.aborted) throw clientClosed();
    if (timeout.signal.aborted) throw words.timeout(timeoutMs);
    throw words.unreachable();
  } finally {
    cancel();
  }
}

/** How a failed call is told: an agent server of the pool, or a model provider the relay calls. */
export interface FailureWords {
  unreachable(): GatewayError;
  timeout(timeoutMs: number): GatewayError;
}

export const NODE_WORDS: FailureWords = {
  unreachable: () => refusal("upstream_unreachable"),
  timeout: (timeoutMs) => refusal("upstream_timeout", { seconds: Math.round(timeoutMs / 1000) }),
};

export const PROVIDER_WORDS: FailureWords = {
  unreachable: () => refusal("provider_unreachable", { why: "relay" }),
  timeout: () => refusal("provider_timeout"),
};

/** The caller hung up before the answer reached it (logged as client_abort, status 499). */
export function clientClosed(): GatewayError {
  return refusal("client_closed_request");
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

/** How much of a node's plain-text refusal is quoted to the caller. */
const REASON_CHARS = 300;

/**
 * An upstream error the caller should not get as it came: a body that is not JSON is
 * replaced by an OpenAI-shaped one, and a failure of the upstream itself is always a 502 (or
 * the 503/504 it said) — never a 500, which would read as the gateway's own fault. A JSON
 * body, the upstream's own words about the error, passes.
 *
 * A refusal (4xx) keeps its status and quotes the node's reason: it is the request's fault,
 * not an outage, so it must not read "the organiser is on it" nor invite a retry — tools
 * retry what looks like an outage and burn the attendee's rate limit doing so.
 */
export async function normaliseUpstreamError(upstream: Response, extra: Record<string, string>): Promise<Response | null> {
  if (upstream.ok) return null;
  const status = upstream.status < 500 || upstream.status === 503 || upstream.status === 504 ? upstream.status : 502;
  if (isJson(upstream)) {
    return status === upstream.status ? null : new Response(upstream.body, { status, headers: responseHeaders(upstream, extra) });
  }
  const headers = new Headers(extra);
  headers.set("content-type", "application/json; charset=utf-8");
  if (upstream.status >= 400 && upstream.status < 500 && upstream.status !== 408 && upstream.status !== 429) {
    const reason = await shortText(upstream);
    const said = reason ? `: ${reason}` : "";
    const message = upstream.status === 404
      ? `The agent server does not serve this endpoint (HTTP 404${said}). Use /v1/chat/completions, or ask the organiser to turn this endpoint on.`
      : `The agent server refused the request (HTTP ${upstream.status}${said}). Change the request; sending it again as it is will be refused again.`;
    return new Response(errorBody("invalid_request_error", `upstream_http_${upstream.status}`, message), { status, headers });
  }
  upstream.body?.cancel().catch(() => {});
  return new Response(
    errorBody("upstream_error", `upstream_http_${upstream.status}`,
      `The agent server answered with an error (HTTP ${upstream.status}). The organiser is on it; try again in a minute.`),
    { status, headers },
  );
}

/** The start of a small text body, on one line (an HTML page's tags are not a reason). */
async function shortText(response: Response): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  try {
    while (text.length < REASON_CHARS * 4) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    reader.cancel().catch(() => {});
  }
  if (/<\s*(html|!doctype|body)/i.test(text)) return "";
  return text.replace(/\s+/g, " ").trim().slice(0, REASON_CHARS);
}
