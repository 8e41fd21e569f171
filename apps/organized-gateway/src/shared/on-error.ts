/**
 * The Worker's last answer for anything a route did not answer itself: OpenAI-shaped, with
 * the request id. A 5xx nobody caught is logged as one JSON line that `wrangler tail` finds
 * by request id: the error's class and the route only, never its message, headers or body
 * (any could hold a secret).
 */
import type { ErrorHandler } from "hono";
import type { AppEnv } from "../app-env";
import { errorResponse, toGatewayError } from "../errors";

export const answerUncaught: ErrorHandler<AppEnv> = (thrown, c) => {
  const error = toGatewayError(thrown);
  if (error.status >= 500) {
    console.error(JSON.stringify({
      event: "request_failed", request_id: c.get("requestId"), method: c.req.method, route: c.req.routePath,
      status: error.status, code: error.code, error: (thrown as object | null)?.constructor?.name ?? typeof thrown,
    }));
  }
  return errorResponse(error, { "x-request-id": c.get("requestId") });
};
