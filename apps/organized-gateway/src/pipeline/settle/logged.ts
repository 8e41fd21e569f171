/**
 * `logged(handler)`: the one piece every logged route (`/v1/*`, `/enroll`) is wrapped in.
 * It opens the request's log row, answers anything the handler throws OpenAI-shaped (with
 * the headers the handler earned so far, e.g. X-RateLimit-*), and settles the row in
 * `waitUntil` — at once, or when a streamed answer ends. Handlers only string their steps
 * together and fill in the row; none of them writes a row, a catch-all or a waitUntil.
 */
import type { Context, Handler } from "hono";
import type { AppEnv } from "../../app-env";
import { GatewayError, errorResponse, toGatewayError } from "../../errors";
import { endStateForStatus, settle, type SettleTarget } from "./index";
import { RequestClock } from "./request-clock";
import { newRequestRow, type RequestRow } from "./request-row";

export interface RequestLog {
  readonly row: RequestRow;
  readonly startedAt: number;
  /** Where the row settles (the attendee's object and what it releases), filled in as admission goes. */
  target: SettleTarget;
  /** Headers any answer carries from now on, errors included. */
  headers: Record<string, string>;
  /** The request's one timer (lease renewals, the upstream's deadline): stopped when the row settles. */
  readonly clock: RequestClock;
  /** Run just before the row settles (decide a binding). */
  readonly beforeSettle: (() => void)[];
  /** The answer is still streaming: the row settles with these fields when it ends. */
  deferred?: Promise<Partial<RequestRow>>;
}

/** `answerError`: a surface's own error shape (the Anthropic surface's); OpenAI-shaped by default. */
export function logged(
  handle: (c: Context<AppEnv>, log: RequestLog) => Promise<Response>,
  answerError: (error: GatewayError, headers: Record<string, string>) => Response = errorResponse,
): Handler<AppEnv> {
  return async (c) => {
    const startedAt = Date.now();
    const requestId = c.get("requestId");
    const log: RequestLog = {
      row: newRequestRow(requestId, new URL(c.req.url).pathname, c.req.method, startedAt),
      startedAt,
      target: { gate: null, leaseId: null, db: c.env.DB, flushMs: 0 },
      headers: { "x-request-id": requestId },
      clock: new RequestClock(),
      beforeSettle: [],
    };
    let response: Response;
    try {
      response = await handle(c, log);
    } catch (thrown) {
      const error = toGatewayError(thrown);
      if (error.status >= 500 && !(thrown instanceof GatewayError)) {
        console.error(JSON.stringify({ event: "internal_error", request_id: requestId, route: log.row.endpoint,
          error: (thrown as object | null)?.constructor?.name ?? typeof thrown }));
      }
      const { row } = log;
      Object.assign(row, {
        status: error.status, latency_ms: Date.now() - startedAt, end_state: endStateForStatus(error.status),
        error_code: error.code, completion_tokens: row.prompt_tokens === null ? null : 0,
        usage_source: row.prompt_tokens === null ? "none" : "estimated",
      });
      log.deferred = undefined;
      response = answerError(error, log.headers);
    }
    const finish = (outcome: Partial<RequestRow>) => {
      Object.assign(log.row, outcome);
      log.row.tokens_est = (log.row.prompt_tokens ?? 0) + (log.row.completion_tokens ?? 0);
      log.clock.stop();
      for (const hook of log.beforeSettle) hook();
      return settle(log.target, log.row);
    };
    c.executionCtx.waitUntil(log.deferred ? log.deferred.then(finish) : finish({}));
    return response;
  };
}
