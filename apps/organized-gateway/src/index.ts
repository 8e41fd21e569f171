/**
 * organized-gateway: the Worker's entry. Wiring only — middleware first, then one line
 * per route. The request's path through the gateway is in handlers/v1.ts.
 */
import { Hono } from "hono";
import { adminApi } from "./admin/api";
import { adminConsole } from "./admin/console";
import type { AppEnv } from "./app-env";
import { enroll } from "./handlers/enroll";
import { health } from "./handlers/health";
import { proxyV1 } from "./handlers/v1";
import { joinPage, kitZip } from "./join";
import { GatewayError, errorResponse, toGatewayError } from "./shared/errors";

const app = new Hono<AppEnv>();

app.use("*", async (c, next) => {
  c.set("requestId", `req_${crypto.randomUUID().replaceAll("-", "")}`);
  await next();
});

app.get("/health", health);
app.post("/enroll", enroll);
app.route("/admin/api", adminApi);
app.route("/admin", adminConsole);
app.all("/v1/*", proxyV1);
app.get("/join", joinPage);
app.get("/kit.zip", kitZip);

app.notFound((c) =>
  errorResponse(new GatewayError(404, "not_found_error", "not_found",
    `Nothing at ${new URL(c.req.url).pathname}. The API is under /v1 (e.g. /v1/chat/completions); /health tells if the gateway is up.`)));
app.onError((thrown, c) => {
  // A 5xx nobody caught is logged as one JSON line that `wrangler tail` finds by request id:
  // the error's class and the route only, never its message, headers or body (any could hold a secret).
  const error = toGatewayError(thrown);
  if (error.status >= 500) {
    console.error(JSON.stringify({
      event: "request_failed", request_id: c.get("requestId"), method: c.req.method, route: c.req.routePath,
      status: error.status, code: error.code, error: (thrown as object | null)?.constructor?.name ?? typeof thrown,
    }));
  }
  return errorResponse(error, { "x-request-id": c.get("requestId") });
});

export default app;
export { AttendeeGate } from "./admit/attendee-gate";
export { NetworkGuard } from "./admit/network-guard";
