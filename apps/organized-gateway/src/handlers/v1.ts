/**
 * `ANY /v1/*`: one request, one pass — envelope, identify, admit, route, forward,
 * settle. Each step lives in its own folder; this handler only strings them together and
 * makes sure every outcome, refused or failed, is answered OpenAI-shaped and logged.
 */
import type { Context } from "hono";
import { CredentialRefused, admit, failover, gateFor, keepLease, type Admission, type Gate } from "../admit";
import type { NodeOutcome } from "../admit/node-gate";
import { chargeRefusal, chargeUpstreamRefusal, requireRefusalBudget } from "../admit/refusals";
import { configFor } from "../config";
import { readJsonObject, type JsonObject } from "../envelope/body";
import { forward, isEventStream, normaliseUpstreamError, responseHeaders } from "../forward";
import { observe, readWholeJson, type BodyOutcome } from "../forward/observe";
import { estimateTokens, promptChars } from "../forward/usage";
import { identify, type Principal } from "../identify";
import { UNAUTHENTICATED } from "../identify/user-id";
import { routeTableFor, buildUpstreamRequest, prepareBody, requireServedEndpoint, routeFor, type PreparedBody } from "../route";
import { upstreamSession } from "../route/session";
import { matchEndpoint, type Endpoint } from "../route/endpoints";
import { settle, endStateForStatus } from "../settle";
import { newRequestRow, type RequestRow } from "../settle/request-row";
import { ipHash } from "../shared/network";
import { GatewayError, errorResponse, toGatewayError } from "../shared/errors";
import type { AppEnv } from "../app-env";

export async function proxyV1(c: Context<AppEnv>): Promise<Response> {
  const startedAt = Date.now();
  const request = c.req.raw;
  const url = new URL(request.url);
  const requestId = c.get("requestId");
  const row = newRequestRow(requestId, url.pathname, request.method, startedAt);
  let gate: Gate | null = null;
  let admission: Admission | null = null;
  let nodeOutcome: NodeOutcome = "answered";
  let principal: Principal | null = null;
  let stopLease = () => {};
  let rateHeaders: Record<string, string> = {};
  let flushMs = 0;

  const finish = (outcome: Partial<RequestRow>) => {
    Object.assign(row, outcome);
    row.tokens_est = (row.prompt_tokens ?? 0) + (row.completion_tokens ?? 0);
    stopLease();
    // A BYOK id binds to its key only once the upstream accepted the key; until then the
    // caller has not shown they are this attendee, and a refusal is not theirs to carry.
    const accepted = row.status >= 200 && row.status < 300;
    const binding = admission?.provisional && accepted && principal?.credential.kind === "byok"
      ? { userId: principal.userId, keyHash: principal.credential.keyHash }
      : undefined;
    if (admission?.provisional && (row.status === 401 || row.status === 403)) {
      row.user_id = UNAUTHENTICATED;
      c.executionCtx.waitUntil(chargeUpstreamRefusal(c.env, configFor(c.env), request.headers));
    }
    c.executionCtx.waitUntil(settle({ gate, leaseId: admission?.leaseId ?? null, db: c.env.DB, flushMs, binding, nodeOutcome }, row));
  };

  try {
    const config = configFor(c.env);
    flushMs = config.logFlushMs;
    row.ip_hash = await ipHash(config.hashSecret, request.headers);
    const table = routeTableFor(config);
    try {
      principal = await identify(request.headers, config);
    } catch (refused) {
      row.user_id = UNAUTHENTICATED;
      throw await chargeRefusal(c.env, config, request.headers, refused);
    }

    // A wrong path or method is refused after admission, so its answer carries the
    // X-RateLimit-* headers too.
    let endpoint: Endpoint | undefined;
    let wrongEndpoint: unknown;
    try {
      endpoint = matchEndpoint(request.method, url.pathname);
    } catch (error) {
      wrongEndpoint = error;
    }
    // The body is read while the admission call is out (in production the attendee's
    // object may be a network hop away, and a long prompt takes time to arrive) — unless
    // the pool routes by model, which must then be known first. A refusal still wins over a
    // bad body; the early catch only keeps the rejection from going unhandled until then.
    const bodyRead = endpoint?.json ? readJsonObject(request, config.limits.maxBodyBytes) : null;
    bodyRead?.catch(() => {});
    const model = bodyRead && table.routesByModel ? modelOf(await bodyRead.catch(() => null)) : null;
    const route = routeFor(table, principal.userId, model);
    try {
      requireGatewayKeyWhereTheGatewayPays(route.order.some((node) => node.strategy.requiresGatewayKey), principal);
    } catch (refused) {
      row.user_id = UNAUTHENTICATED;
      throw await chargeRefusal(c.env, config, request.headers, refused);
    }
    row.user_id = principal.userId;
    row.auth = principal.credential.kind;
    row.free = route.free;

    gate = gateFor(c.env.ATTENDEE_GATE, principal.userId);
    try {
      admission = await admit(gate, principal, config, route.order, startedAt);
    } catch (refused) {
      if (!(refused instanceof CredentialRefused)) throw refused;
      row.user_id = UNAUTHENTICATED;
      throw await chargeRefusal(c.env, config, request.headers, refused);
    }
    stopLease = keepLease(gate, admission.leaseId);
    rateHeaders = admission.headers;
    let upstream = table.byName.get(admission.node)!;
    row.upstream = upstream.name;
    if (admission.provisional) await requireRefusalBudget(c.env, config, request.headers);
    if (!endpoint) throw wrongEndpoint;
    requireServedEndpoint(upstream, endpoint, url.pathname);

    const session = await upstreamSession(config.hashSecret, principal.userId, admission.generation);
    const json = bodyRead ? await bodyRead : null;
    if (json) {
      row.model = modelOf(json)?.slice(0, 128) ?? null;
      row.prompt_tokens = estimateTokens(promptChars(json));
    }
    // A pool may move the request to another node: each attempt rewrites a fresh copy.
    const pristine = json && route.order.length > 1 ? structuredClone(json) : null;
    let body: PreparedBody | null = null;
    let response: Response;
    for (;;) {
      if (json) {
        body = prepareBody(body && pristine ? structuredClone(pristine) : json, upstream, principal, endpoint, session, route.model);
        row.stream = body.stream;
      }
      const upstreamRequest = buildUpstreamRequest(upstream, principal, session, endpoint, request, url.pathname + url.search, body);
      try {
        response = await forward(upstreamRequest, config.limits.upstreamTimeoutMs, request.signal);
        break;
      } catch (failed) {
        if (!isUnreachable(failed)) throw failed;
        const remaining = route.order.slice(route.order.indexOf(upstream) + 1);
        if (remaining.length === 0) {
          nodeOutcome = "unreachable";
          throw failed;
        }
        // The node never took the request: it goes to the attendee's next node instead.
        upstream = table.byName.get(await failover(gate, admission, remaining, config))!;
        row.upstream = upstream.name;
        requireServedEndpoint(upstream, endpoint, url.pathname);
      }
    }
    const extra = { ...rateHeaders, "x-request-id": requestId };
    const replaced = normaliseUpstreamError(response, extra);
    if (replaced) {
      finish({ status: replaced.status, latency_ms: Date.now() - startedAt, end_state: "upstream_error",
        error_code: `upstream_http_${response.status}`, usage_source: "estimated" });
      return replaced;
    }
    if (!response.body) {
      finish({ status: response.status, latency_ms: Date.now() - startedAt, end_state: response.ok ? "complete" : "upstream_error" });
      return new Response(null, { status: response.status, headers: responseHeaders(response, extra) });
    }
    const sse = isEventStream(response);
    if (!sse) {
      const whole = await readWholeJson(response, startedAt, request.signal);
      if (whole) {
        finish(outcomeRow(whole.outcome, response.status, row, startedAt));
        return new Response(whole.text, { status: response.status, headers: responseHeaders(response, extra) });
      }
    }
    const observed = observe(response.body, {
      format: sse ? "sse" : "json",
      stripUsageChunk: body?.stripUsageChunk ?? false,
      startedAt,
    });
    c.executionCtx.waitUntil(observed.outcome.then((outcome) => finish(outcomeRow(outcome, response.status, row, startedAt))));
    return new Response(observed.body, { status: response.status, headers: responseHeaders(response, extra) });
  } catch (thrown) {
    const error = toGatewayError(thrown);
    if (error.status >= 500 && !(thrown instanceof GatewayError)) {
      console.error(JSON.stringify({ event: "internal_error", request_id: requestId, error: String(thrown) }));
    }
    finish({ status: error.status, latency_ms: Date.now() - startedAt, end_state: endStateForStatus(error.status),
      error_code: error.code, completion_tokens: row.prompt_tokens === null ? null : 0,
      usage_source: row.prompt_tokens === null ? "none" : "estimated" });
    return errorResponse(error, { ...rateHeaders, "x-request-id": requestId });
  }
}

function modelOf(json: JsonObject | null): string | null {
  return json && typeof json.model === "string" ? json.model : null;
}

function isUnreachable(thrown: unknown): boolean {
  return thrown instanceof GatewayError && thrown.code === "upstream_unreachable";
}

function requireGatewayKeyWhereTheGatewayPays(required: boolean, principal: Principal): void {
  if (required && principal.credential.kind !== "key") {
    throw new GatewayError(401, "authentication_error", "gateway_key_required",
      "This gateway needs a gateway key (OCG_KEY). Run 'bash setup.sh' to get one, or ask the organiser.");
  }
}

function outcomeRow(outcome: BodyOutcome, status: number, row: RequestRow, startedAt: number): Partial<RequestRow> {
  const reported = outcome.usage !== null;
  const upstreamFailed = status >= 400;
  return {
    status,
    latency_ms: Date.now() - startedAt,
    ttfb_ms: outcome.ttfbMs,
    prompt_tokens: reported ? outcome.usage!.prompt : row.prompt_tokens,
    completion_tokens: reported ? outcome.usage!.completion : estimateTokens(outcome.completionChars),
    usage_source: reported ? "reported" : "estimated",
    end_state: upstreamFailed && outcome.endState === "complete" ? "upstream_error" : outcome.endState,
    error_code: outcome.errorCode ?? (upstreamFailed ? `upstream_http_${status}` : null),
  };
}
