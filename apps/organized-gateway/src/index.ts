/**
 * organized-gateway: the Worker's entry. Wiring only — middleware first, then one line
 * per route. The request's path through the gateway is in surfaces/v1/ and pipeline/.
 */
import { Hono } from "hono";
import { adminApi } from "./surfaces/admin/api";
import { adminConsole } from "./surfaces/admin/console";
import type { AppEnv } from "./app-env";
import { billingAdminApi, billingPages, stripeWebhook } from "./surfaces/billing";
import { credentialsAdminApi } from "./surfaces/admin/credentials";
import { meRoutes } from "./surfaces/me";
import { relayModelCall } from "./surfaces/relay";
import { enroll } from "./surfaces/enroll";
import { health } from "./surfaces/health";
import { proxyV1 } from "./surfaces/v1";
import { countTokens, messages } from "./surfaces/messages";
import { joinPage, kitZip } from "./surfaces/join";
import { errorResponse, refusal } from "./errors";
import { scheduled } from "./scheduled";
import { mcpRoutes } from "./surfaces/mcp";
import { answerUncaught } from "./shared/on-error";

const app = new Hono<AppEnv>();

app.use("*", async (c, next) => {
  c.set("requestId", `req_${crypto.randomUUID().replaceAll("-", "")}`);
  await next();
});

app.get("/health", health);
app.post("/enroll", enroll);
app.route("/admin/api/billing", billingAdminApi());
app.route("/admin/api", credentialsAdminApi());
app.route("/admin/api", adminApi);
app.route("/admin", adminConsole);
app.all("/v1/messages", messages);
app.all("/v1/messages/count_tokens", countTokens);
app.all("/v1/*", proxyV1);
app.route("/me", meRoutes());
app.all("/relay/:kind/*", relayModelCall);
app.route("/mcp", mcpRoutes());
app.get("/join", joinPage);
app.get("/kit.zip", kitZip);
app.post("/stripe/webhook", stripeWebhook());
app.route("/billing", billingPages());

app.notFound((c) =>
  errorResponse(refusal("not_found", { path: new URL(c.req.url).pathname })));
app.onError(answerUncaught);

export default { fetch: app.fetch, scheduled } satisfies ExportedHandler<Env>;
export { AttendeeGate } from "./objects/attendee-gate";
export { NetworkGuard } from "./objects/network-guard";
export { NodeGate } from "./objects/node-gate";
export { AgentRoster } from "./objects/agent-roster";
export { KeyWindow } from "./objects/key-window";
