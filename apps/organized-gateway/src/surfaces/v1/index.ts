/**
 * `ANY /v1/*`: one request, one pass — envelope, identify, admit, route, forward, settle.
 * Each step lives in its own folder; this handler only strings them together. Its log row,
 * the answer to anything it throws and the settling of the row are `logged`'s
 * (pipeline/settle/logged.ts).
 */
import type { Context } from "hono";
import { CredentialRefused, admit, failover, gateFor, keepLease, type Admission, type Gate } from "../../pipeline/admit";
import { chargeRefusal, chargeUpstreamRefusal, requireRefusalBudget } from "../../pipeline/admit/refusals";
import type { AppEnv } from "../../app-env";
import { configFor, type Config } from "../../settings/config";
import { readJsonObject, type JsonObject } from "../../pipeline/envelope/body";
import { repairOwnAgent } from "../../credentials/own-agent";
import { lacksAgent, refusalIn, useOwnCredential, type CredentialUse } from "../../credentials/use";
import { clientClosed, forward, isEventStream, normaliseUpstreamError, responseHeaders } from "../../pipeline/forward";
import { observe, readWholeJson, type BodyOutcome } from "../../pipeline/forward/observe";
import { estimateTokens, promptChars } from "../../pipeline/forward/usage";
import { identify, type Principal } from "../../pipeline/identify";
import { UNAUTHENTICATED, USER_ID_RULE, canonicalUserId } from "../../pipeline/identify/user-id";
import {
  buildUpstreamRequest, prepareBody, requireServedEndpoint, routeFor, routeTableFor,
  type PreparedBody, type RouteTable, type Upstream,
} from "../../pipeline/route";
import { matchEndpoint, type Endpoint } from "../../pipeline/route/endpoints";
import { withPoolModels } from "../../pipeline/route/models";
import type { ModelRoute } from "../../pipeline/route/pool";
import { upstreamSession } from "../../pipeline/route/session";
import { logged, type RequestLog } from "../../pipeline/settle/logged";
import type { RequestRow } from "../../pipeline/settle/request-row";
import { GatewayError } from "../../shared/errors";
import { ipHash } from "../../shared/network";

export const proxyV1 = logged(async (c, log) => {
  const { row, startedAt } = log;
  const request = c.req.raw;
  const url = new URL(request.url);
  const config = configFor(c.env);
  log.target.flushMs = config.logFlushMs;
  row.ip_hash = await ipHash(config.hashSecret, request.headers);
  const table = routeTableFor(config);
  const refused = async (thrown: unknown) => {
    row.user_id = UNAUTHENTICATED;
    return chargeRefusal(c.env, config, request.headers, thrown);
  };
  const principal = await identify(request.headers, config).catch(async (thrown) => { throw await refused(thrown); });

  // A wrong path or method is refused after admission, so its answer carries the
  // X-RateLimit-* headers too.
  let endpoint: Endpoint | undefined;
  let wrongEndpoint: unknown;
  try {
    endpoint = matchEndpoint(request.method, url.pathname);
  } catch (error) {
    wrongEndpoint = error;
  }
  // The body is read while the admission call is out (in production the attendee's object
  // may be a network hop away, and a long prompt takes time to arrive) — unless the pool
  // routes by model, which must then be known first. A refusal still wins over a bad body;
  // the early catch only keeps the rejection from going unhandled until then.
  const bodyRead = endpoint?.json ? readJsonObject(request, config.limits.maxBodyBytes) : null;
  bodyRead?.catch(() => {});
  const model = bodyRead && table.routesByModel ? modelOf(await bodyRead.catch(() => null)) : null;
  const route = routeFor(table, principal.userId, model);
  try {
    requireGatewayKeyWhereTheGatewayPays(route.order.some((node) => node.strategy.requiresGatewayKey), principal);
  } catch (thrown) {
    throw await refused(thrown);
  }
  Object.assign(row, { user_id: principal.userId, auth: principal.credential.kind, free: route.free });

  const gate = gateFor(c.env.ATTENDEE_GATE, principal.userId);
  log.target.gate = gate;
  const ask = { project: projectOf(request.headers), free: route.free, billingUrl: `${config.kit.publicUrl ?? url.origin}/billing` };
  const admission = await admit(gate, principal, config, route.order, ask, startedAt).catch(async (thrown) => {
    throw thrown instanceof CredentialRefused ? await refused(thrown) : thrown;
  });
  row.queue_ms = Date.now() - startedAt;
  log.target.leaseId = admission.leaseId;
  log.beforeSettle.push(keepLease(gate, admission.leaseId), () => settleCredential(c, config, log, principal, admission));
  Object.assign(log.headers, admission.headers);
  if (admission.provisional) await requireRefusalBudget(c.env, config, request.headers);
  if (!endpoint) throw wrongEndpoint;

  // Whose model credential pays (credentials/use.ts): the attendee's own, or the gateway's.
  const own = await useOwnCredential(config, principal, admission, route, endpoint.kind);
  const session = await upstreamSession(config.hashSecret, principal.userId, admission.generation);
  const json = bodyRead ? await bodyRead : null;
  if (json) {
    row.model = modelOf(json)?.slice(0, 128) ?? null;
    row.prompt_tokens = estimateTokens(promptChars(json));
  }
  const forwarded = await forwardWithFailover({
    c, log, config, table, route, gate, admission, principal, session, endpoint, json, url, own,
  });
  const { body } = forwarded;
  const credentialRefusal = await refusalIn(config, own, table.byName.get(row.upstream!)!, forwarded.response);
  if (credentialRefusal) {
    log.target.credentialUse = { sealed: own!.sealed, result: "rejected" };
    await forwarded.response.body?.cancel().catch(() => {});
    throw credentialRefusal;
  }
  if (own?.header && forwarded.response.ok) log.target.credentialUse = { sealed: own.sealed, result: "ok" };
  // The model list covers the whole pool: what the attendee's node serves, and every model route.
  const response = url.pathname === "/v1/models" && table.routesByModel
    ? await withPoolModels(forwarded.response, table.upstreams, principal, session)
    : forwarded.response;

  const extra = log.headers;
  const replaced = normaliseUpstreamError(response, extra);
  if (replaced) {
    Object.assign(row, { status: replaced.status, latency_ms: Date.now() - startedAt, end_state: "upstream_error",
      error_code: `upstream_http_${response.status}`, usage_source: "estimated" });
    return replaced;
  }
  if (!response.body) {
    Object.assign(row, { status: response.status, latency_ms: Date.now() - startedAt, end_state: response.ok ? "complete" : "upstream_error" });
    return new Response(null, { status: response.status, headers: responseHeaders(response, extra) });
  }
  const sse = isEventStream(response);
  if (!sse) {
    const whole = await readWholeJson(response, startedAt, request.signal);
    if (whole) {
      Object.assign(row, outcomeRow(whole.outcome, response.status, row, startedAt));
      return new Response(whole.text, { status: response.status, headers: responseHeaders(response, extra) });
    }
  }
  const observed = observe(response.body, { format: sse ? "sse" : "json", stripUsageChunk: body?.stripUsageChunk ?? false, startedAt });
  log.deferred = observed.outcome.then((outcome) => outcomeRow(outcome, response.status, row, startedAt));
  return new Response(observed.body, { status: response.status, headers: responseHeaders(response, extra) });
});

interface Attempt {
  c: Context<AppEnv>;
  log: RequestLog;
  config: Config;
  table: RouteTable;
  route: ModelRoute<Upstream>;
  gate: Gate;
  admission: Admission;
  principal: Principal;
  session: string;
  endpoint: Endpoint;
  json: JsonObject | null;
  url: URL;
  /** The attendee's own credential this request spends, if any (their own agent). */
  own: CredentialUse | null;
}

/** After a node's config gained an attendee's agent, how often and how far apart to look for it there. */
const AGENT_APPEARS = { tries: 4, everyMs: 750 };

/**
 * Sends the request to the granted node. A node that cannot be reached never took the
 * request, so it moves to the attendee's next node (the node is marked down); only when
 * none is left does the caller get the 502. A node that does not know the attendee's own
 * agent (added to the pool after they registered, or its config reset) is given it, and the
 * request goes to it again: the attendee never has to register twice.
 */
async function forwardWithFailover(a: Attempt): Promise<{ response: Response; body: PreparedBody | null }> {
  const request = a.c.req.raw;
  let upstream = a.table.byName.get(a.admission.node)!;
  // Each attempt rewrites a fresh copy of the body: nodes may rewrite differently.
  const pristine = a.json && (a.route.order.length > 1 || a.own) ? structuredClone(a.json) : null;
  let agentWaits = 0;
  for (let attempt = 0; ; attempt++) {
    a.log.row.upstream = upstream.name;
    // Which node answered, and how long admission queued: what `ocg loadtest` reports per node.
    Object.assign(a.log.headers, { "x-ocg-node": upstream.name, "x-ocg-queue-ms": String(a.log.row.queue_ms ?? 0) });
    requireServedEndpoint(upstream, a.endpoint, a.url.pathname);
    const fresh = attempt > 0 && pristine ? structuredClone(pristine) : a.json;
    const body = fresh ? prepareBody(fresh, upstream, a.principal, a.endpoint, a.session, a.route.model) : null;
    if (body) a.log.row.stream = body.stream;
    const call = buildUpstreamRequest(upstream, a.principal, a.session, a.endpoint, request, a.url.pathname + a.url.search, body);
    // A caller gone before anything was sent is the one hang-up the month gives back.
    if (request.signal.aborted) throw clientClosed();
    try {
      const response = await forward(call, a.config.limits.upstreamTimeoutMs, request.signal);
      a.log.target.reachedUpstream = true;
      if (a.own && upstream.strategy.name === "openclaw" && agentWaits < AGENT_APPEARS.tries && await lacksAgent(response, a.own.agent)) {
        await response.body?.cancel().catch(() => {});
        if (agentWaits === 0) {
          await repairOwnAgent(a.c.env, a.config, request.url, upstream.name, { userId: a.principal.userId, generation: a.admission.generation }, a.admission.credential!);
        } else {
          await new Promise((resolve) => setTimeout(resolve, AGENT_APPEARS.everyMs));
        }
        agentWaits++;
        continue;
      }
      return { response, body };
    } catch (failed) {
      // Only a node that could not be reached never took the request. A timeout or a caller
      // who hung up came after the node had it (and may still be serving it): the month counts it.
      if (!isUnreachable(failed)) {
        a.log.target.reachedUpstream = true;
        throw failed;
      }
      const remaining = a.route.order.slice(a.route.order.indexOf(upstream) + 1);
      if (remaining.length === 0) {
        a.log.target.nodeOutcome = "unreachable";
        throw failed;
      }
      upstream = a.table.byName.get(await failover(a.gate, a.admission, remaining, a.config))!;
    }
  }
}

/**
 * A BYOK id binds to its key only once the upstream accepted the key; until then the caller
 * has not shown they are this attendee, and a refusal by the upstream is not theirs to carry.
 */
function settleCredential(c: Context<AppEnv>, config: Config, log: RequestLog, principal: Principal, admission: Admission): void {
  if (!admission.provisional || principal.credential.kind !== "byok") return;
  const { status } = log.row;
  if (status >= 200 && status < 300) log.target.binding = { userId: principal.userId, keyHash: principal.credential.keyHash };
  if (status === 401 || status === 403) {
    log.row.user_id = UNAUTHENTICATED;
    c.executionCtx.waitUntil(chargeUpstreamRefusal(c.env, config, c.req.raw.headers));
  }
}

/**
 * The project a request counts against: `X-Project-ID` (the same rule as user ids), or
 * `default`. A tier's project count limits how many a month.
 */
function projectOf(headers: Headers): string {
  const typed = headers.get("x-project-id");
  if (typed === null || typed.trim() === "") return "default";
  const project = canonicalUserId(typed);
  if (project === null) {
    throw new GatewayError(400, "invalid_request_error", "invalid_project_id",
      `X-Project-ID must be ${USER_ID_RULE}.`);
  }
  return project;
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
