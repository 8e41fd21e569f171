/**
 * The pipeline: one pass for every model call, whatever surface it came in by (surface.ts has
 * the contract a surface keeps). `modelCall(surface)` reads top to bottom as the steps:
 *
 *   start → identify → envelope → candidates → admit → route → forward → answer
 *
 * Each step is a function below over its own folder (identify/, admit/, route/, forward/,
 * settle/). The attendee's object is called once, before anything goes upstream, and its
 * grant holds every decision the route needs: the node and a slot on it, and whose model
 * credential pays (credentials/spend.ts). Nothing travels beside the grant. The log row is
 * `logged`'s (settle/logged.ts): the steps fill in its fields, and it is settled once, when the
 * answer has ended — with everything the grant holds released.
 */
import type { Context, Handler } from "hono";
import type { AppEnv } from "../app-env";
import { configFor, type Config } from "../settings/config";
import { credentialRejected, gatewayKeyRequired, noCredential } from "../credentials/errors";
import { KINDS } from "../credentials/kinds";
import { repairOwnAgent } from "../credentials/own-agent";
import type { SpendAsk, SpentCredential } from "../credentials/spend";
import { noteUse, openSpent } from "../credentials/store";
import { AttendeeGateClient } from "../objects/attendee-gate/client";
import { GatewayError, refusal } from "../errors";
import { ipHash } from "../shared/network";
import { CredentialRefused, admit, failover, keepLease, type Admission } from "./admit";
import { chargeRefusal, chargeUpstreamRefusal, requireRefusalBudget } from "./admit/refusals";
import { readJsonObject, type JsonObject } from "./envelope/body";
import { clientClosed, forward, isEventStream, normaliseUpstreamError, responseHeaders, type FailureWords } from "./forward";
import { observe, readWholeJson, type BodyOutcome } from "./forward/observe";
import { estimateTokens, promptChars } from "./forward/usage";
import type { Principal } from "./identify";
import { UNAUTHENTICATED, USER_ID_RULE, canonicalUserId } from "./identify/user-id";
import {
  buildUpstreamRequest, prepareBody, requireServedEndpoint, routeFor, routeTableFor, type PreparedBody, type RouteTable, type Upstream,
} from "./route";
import { mayServe, type ModelRoute } from "./route/pool";
import { upstreamSession } from "./route/session";
import type { StrategyContext } from "./route/strategies";
import { logged, type RequestLog } from "./settle/logged";
import type { RequestRow } from "./settle/request-row";
import type { Asked, Surface } from "./surface";

export type { Surface } from "./surface";

export function modelCall(surface: Surface): Handler<AppEnv> {
  return logged(async (c, log) => {
    const call = await start(c, log);
    const principal = await identifyCaller(call, surface);
    const envelope = readEnvelope(call, surface);
    const nodes = await candidates(call, surface, principal, envelope);
    const grant = await admitCall(call, surface, principal, nodes, envelope);
    const route = await routeCall(call, surface, principal, nodes, grant, envelope);
    const answered = await forwardCall(call, surface, route);
    return answer(call, surface, route, answered);
  }, surface.answerError);
}

/** What every step of one call shares. */
interface Call {
  c: Context<AppEnv>;
  log: RequestLog;
  config: Config;
  table: RouteTable;
  request: Request;
  url: URL;
  /** The refusal of a caller, charged to their network and logged under `unauthenticated`. */
  refused(thrown: unknown): Promise<unknown>;
}

async function start(c: Context<AppEnv>, log: RequestLog): Promise<Call> {
  const config = configFor(c.env);
  const request = c.req.raw;
  log.target.flushMs = config.logFlushMs;
  log.row.ip_hash = await ipHash(config.hashSecret, request.headers);
  return {
    c, log, config, table: routeTableFor(config), request, url: new URL(request.url),
    refused: async (thrown) => {
      log.row.user_id = UNAUTHENTICATED;
      return chargeRefusal(c.env, config, request.headers, thrown);
    },
  };
}

async function identifyCaller(call: Call, surface: Surface): Promise<Principal> {
  const principal = await surface.identify(call.request, call.config).catch(async (thrown) => { throw await call.refused(thrown); });
  Object.assign(call.log.row, { user_id: principal.userId, auth: principal.credential.kind });
  return principal;
}

interface Envelope {
  asked: Asked | null;
  /** A wrong path or method: refused after admission, so its answer carries the X-RateLimit-* headers too. */
  wrongEndpoint: unknown;
  /**
   * The body, read while the admission call is out (in production the attendee's object may
   * be a network hop away, and a long prompt takes time to arrive). A refusal still wins over
   * a bad body; the early catch only keeps the rejection from going unhandled until then.
   */
  body: Promise<JsonObject> | null;
  /** The conversation the surface names (null: the attendee's one session), once read. */
  conversation?: string | null;
}

async function conversationOf(call: Call, surface: Surface, envelope: Envelope): Promise<string | null> {
  if (!surface.conversation) return null;
  const json = envelope.body ? await envelope.body.catch(() => null) : null;
  return surface.conversation(json, call.request);
}

function readEnvelope(call: Call, surface: Surface): Envelope {
  let asked: Asked | null = null;
  let wrongEndpoint: unknown;
  try {
    asked = surface.endpoint(call.request, call.url);
  } catch (error) {
    wrongEndpoint = error;
  }
  const body = asked?.endpoint.json
    ? readJsonObject(call.request, surface.maxBodyBytes?.(call.config) ?? call.config.limits.maxBodyBytes)
    : null;
  body?.catch(() => {});
  return { asked, wrongEndpoint, body };
}

/** The nodes that may serve the call, best first; a pool that routes by model must read the body's model first. */
async function candidates(call: Call, surface: Surface, principal: Principal, envelope: Envelope): Promise<ModelRoute<Upstream>> {
  const { asked, body } = envelope;
  const route = asked && surface.route
    ? surface.route(call.table, asked)
    : routeFor(call.table, principal.userId, body && call.table.routesByModel ? modelOf(await body.catch(() => null)) : null);
  try {
    requireGatewayKey(route, principal, spendAsk(call.config, route, asked));
  } catch (thrown) {
    throw await call.refused(thrown);
  }
  call.log.row.free = route.free;
  return route;
}

/** One call to the attendee's object: credential, limits, whose credential pays, the session's turn, a slot on a node. */
async function admitCall(call: Call, surface: Surface, principal: Principal, route: ModelRoute<Upstream>, envelope: Envelope): Promise<Admission> {
  const { c, log, config, url, request } = call;
  const gate = AttendeeGateClient.of(c.env, principal.userId);
  log.target.gate = gate;
  const keepsSessions = route.order.some((node) => node.strategy.keepsSessions);
  const runsTurn = envelope.asked !== null && TURN_ENDPOINTS.has(envelope.asked.endpoint.kind);
  // A surface that names conversations must have its body read before admission, on a route that keeps sessions only.
  if (runsTurn && keepsSessions) envelope.conversation = await conversationOf(call, surface, envelope);
  const ask = {
    project: projectOf(request.headers),
    free: route.free,
    billingUrl: `${config.kit.publicUrl ?? url.origin}/billing`,
    requestId: log.row.request_id,
    spend: spendAsk(config, route, envelope.asked),
    turn: runsTurn && route.order.some((node) => node.strategy.takesCredential === "agent"),
    session: runsTurn && keepsSessions ? (envelope.conversation ?? "") : null,
  };
  const admission = await admit(gate, principal, config, route.order, ask, log.startedAt).catch(async (thrown) => {
    throw thrown instanceof CredentialRefused ? await call.refused(thrown) : thrown;
  });
  log.row.queue_ms = Date.now() - log.startedAt;
  log.row.turn_id = admission.turn;
  log.target.leaseId = admission.leaseId;
  keepLease(gate, admission.leaseId, log.clock);
  log.beforeSettle.push(() => settleBinding(call, principal, admission));
  Object.assign(log.headers, admission.headers);
  if (admission.provisional) await requireRefusalBudget(c.env, config, request.headers);
  if (!envelope.asked) throw envelope.wrongEndpoint;
  return admission;
}

/** Everything the upstream call is built from: the grant, the opened credential, the session, the body. */
interface Route {
  principal: Principal;
  nodes: ModelRoute<Upstream>;
  grant: Admission;
  asked: Asked;
  spent: SpentCredential | null;
  session: string;
  json: JsonObject | null;
}

async function routeCall(
  call: Call, surface: Surface, principal: Principal, nodes: ModelRoute<Upstream>, grant: Admission, envelope: Envelope,
): Promise<Route> {
  const { config, log } = call;
  const owner = { userId: principal.userId, generation: grant.generation };
  const spent = grant.credential ? await openSpent(config, owner, grant.credential) : null;
  // A credential that does not open for this holder (the id changed hands) counts as none.
  if (grant.credential && !spent && config.paidBy === "attendee") throw noCredential({ authMode: config.authMode });
  if (spent && KINDS[spent.kind].expired(spent.token, Date.now())) {
    call.c.executionCtx.waitUntil(noteUse(log.target.gate!, grant.credential!, "rejected").catch(() => {}));
    throw credentialRejected({ authMode: config.authMode, kind: spent.kind });
  }
  const json = envelope.body ? await envelope.body : null;
  if (json) {
    log.row.model = modelOf(json)?.slice(0, 128) ?? null;
    log.row.prompt_tokens = estimateTokens(promptChars(json));
  }
  const conversation = envelope.conversation !== undefined ? envelope.conversation : await conversationOf(call, surface, envelope);
  const session = await upstreamSession(config.hashSecret, principal.userId, grant.generation, conversation);
  return { principal, nodes, grant, asked: envelope.asked!, spent, session, json };
}

/** After a node's config gained an attendee's agent, how often and how far apart to look for it there. */
const AGENT_APPEARS = { tries: 4, everyMs: 750 };

interface Answered {
  response: Response;
  node: Upstream;
  body: PreparedBody | null;
}

/**
 * Sends the call to the granted node. A node that cannot be reached never took the call, so
 * it moves to the attendee's next node (the node is marked down); only when none is left
 * does the caller get the 502. A node that does not know the attendee's own agent (added to
 * the pool after they registered, or its config reset) is given it, and the call goes to it
 * again: the attendee never has to register twice. A node that took the attendee's
 * credential and answers that it was refused notes it — only that node can.
 */
async function forwardCall(call: Call, surface: Surface, route: Route): Promise<Answered> {
  const { c, log, config, table, request, url } = call;
  const { grant, asked, spent } = route;
  let node = nodeNamed(table, route, grant.node);
  // Each attempt shapes and rewrites a fresh copy of the body: nodes may rewrite differently.
  // Only a call that can be sent twice (another node, or the attendee's agent given to the
  // node first) needs the pristine copy: with one attempt the body is shaped in place, and the
  // /v1 surface (which shapes every call on an OpenClaw node) pays for no copy.
  const pristine = route.json && (route.nodes.order.length > 1 || spent) ? structuredClone(route.json) : null;
  const words: FailureWords | undefined = surface.failureWords;
  let agentWaits = 0;
  for (let attempt = 0; ; attempt++) {
    log.row.upstream = node.name;
    // Which node answered, and how long admission queued: what `ocg loadtest` reports per node.
    Object.assign(log.headers, { "x-ocg-node": node.name, "x-ocg-queue-ms": String(log.row.queue_ms ?? 0) });
    requireServedEndpoint(node, asked.endpoint, url.pathname);
    // The pool's trust rule, checked again where a request leaves: a cell serves its customers
    // alone. (The relay's providers are not pool nodes: they serve the attendee's own account.)
    if (call.table.upstreams.includes(node) && !mayServe(call.table.upstreams, node, route.principal.userId)) throw refusal("internal_error");
    const context: StrategyContext = {
      principal: route.principal, endpoint: asked.endpoint.kind, session: route.session, path: asked.path,
      credential: node.strategy.takesCredential ? spent : null,
    };
    const fresh = attempt > 0 && pristine ? structuredClone(pristine) : route.json;
    const shaped = fresh && surface.shapeRequest ? surface.shapeRequest(fresh, node, asked) : fresh;
    const body = shaped ? prepareBody(shaped, node, context, asked.endpoint, route.nodes.model) : null;
    if (body) log.row.stream = body.stream;
    const upstreamCall = buildUpstreamRequest(node, context, asked.endpoint.method, request, surface.forwardedHeaders, url.search, body);
    // A caller gone before anything was sent is the one hang-up the month gives back.
    if (request.signal.aborted) throw clientClosed();
    let response: Response;
    try {
      response = await forward(upstreamCall, { timeoutMs: surface.timeoutMs?.(config) ?? config.limits.upstreamTimeoutMs, clock: log.clock, callerSignal: request.signal, words });
    } catch (failed) {
      // Only a node that could not be reached never took the call. A timeout or a caller who
      // hung up came after the node had it (and may still be serving it): the month counts it.
      if (!isUnreachable(failed)) {
        log.target.reachedUpstream = true;
        throw failed;
      }
      // A node outside the attendee's order is their tier's dedicated node: it has no "next"
      // (failing over to a shared node would put them in another trust boundary unasked).
      const at = route.nodes.order.indexOf(node);
      const remaining = at < 0 ? [] : route.nodes.order.slice(at + 1);
      if (remaining.length === 0) {
        log.target.nodeOutcome = "unreachable";
        throw failed;
      }
      node = nodeNamed(table, route, await failover(log.target.gate!, grant, remaining, config));
      continue;
    }
    log.target.reachedUpstream = true;
    if (context.credential && agentWaits < AGENT_APPEARS.tries && await node.strategy.lacksAgent(response, context.credential.agent)) {
      await response.body?.cancel().catch(() => {});
      if (agentWaits === 0) {
        await repairOwnAgent(c.env, config, node.name, { userId: route.principal.userId, generation: grant.generation }, grant.credential!);
      } else {
        await new Promise((resolve) => setTimeout(resolve, AGENT_APPEARS.everyMs));
      }
      agentWaits++;
      continue;
    }
    await judgeCredential(call, node, context.credential, response);
    return { response, node, body };
  }
}

/** How the node took the attendee's credential, when it took it: noted at settle; a refusal is answered now. */
async function judgeCredential(call: Call, node: Upstream, credential: SpentCredential | null, response: Response): Promise<void> {
  const blocked = node.strategy.blockedBy?.(response) ?? null;
  if (blocked) {
    await response.body?.cancel().catch(() => {});
    throw blocked;
  }
  if (!credential) return;
  const refusal = await node.strategy.isCredentialRefusal(response, { authMode: call.config.authMode, kind: credential.kind });
  if (refusal) {
    // Noted on the attendee's object before the refusal is answered, not only at settle: the
    // caller of a relay call (OpenClaw) ends the attendee's turn the moment it reads this
    // answer, and the attendee's next request must already find the credential refused.
    const note = { sealed: credential.sealed, result: "rejected", since: call.log.startedAt } as const;
    call.log.target.credentialUse = note;
    // The provider's own words may quote part of the token: they stay here.
    await Promise.all([response.body?.cancel().catch(() => {}), call.log.target.gate?.noteCredentialUse(note).catch(() => {})]);
    throw refusal;
  }
  if (response.ok) call.log.target.credentialUse = { sealed: credential.sealed, result: "ok", since: call.log.startedAt };
}

/** The answer as the caller takes it, observed to its end for the row's last fields. */
async function answer(call: Call, surface: Surface, route: Route, answered: Answered): Promise<Response> {
  const { log, request } = call;
  const { row, startedAt } = log;
  const shaping = { requestId: row.request_id, node: answered.node, asked: route.asked, sent: answered.body?.json ?? null, table: call.table, principal: route.principal, session: route.session, ownAgent: route.spent?.agent ?? null };
  const response = answered.response;
  const extra = log.headers;
  const shape = (answer: Response) => (surface.shapeResponse ? surface.shapeResponse(answer, shaping) : answer);
  const replaced = await normaliseUpstreamError(response, extra);
  if (replaced) {
    Object.assign(row, { status: replaced.status, latency_ms: Date.now() - startedAt, end_state: "upstream_error",
      error_code: `upstream_http_${response.status}`, usage_source: "estimated" });
    // Through the surface too: an Anthropic caller gets the node's failure in Anthropic's shape.
    return shape(replaced);
  }
  if (!response.body) {
    Object.assign(row, { status: response.status, latency_ms: Date.now() - startedAt, end_state: response.ok ? "complete" : "upstream_error" });
    return shape(new Response(null, { status: response.status, headers: responseHeaders(response, extra) }));
  }
  const sse = isEventStream(response);
  if (!sse) {
    const whole = await readWholeJson(response, startedAt, request.signal);
    if (whole) {
      Object.assign(row, outcomeRow(whole.outcome, response.status, row, startedAt));
      return shape(new Response(whole.text, { status: response.status, headers: responseHeaders(response, extra) }));
    }
  }
  const observed = observe(response.body, { format: sse ? "sse" : "json", stripUsageChunk: answered.body?.stripUsageChunk ?? false, startedAt });
  log.deferred = observed.outcome.then((outcome) => outcomeRow(outcome, response.status, row, startedAt));
  return shape(new Response(observed.body, { status: response.status, headers: responseHeaders(response, extra) }));
}

/** Endpoints that run an agent turn (a session's turn on OpenClaw; the relay's calls belong to one). */
const TURN_ENDPOINTS: ReadonlySet<string> = new Set(["chat", "completion", "response", "messages"]);

/**
 * What the call's route may spend of the attendee's own credential: nothing when no node takes
 * one (or a node's model listing, which calls no provider); a provider the relay calls always
 * takes the credential of the kind its path names.
 */
function spendAsk(config: Config, route: ModelRoute<Upstream>, asked: Asked | null): SpendAsk | null {
  const takes = route.order.map((node) => node.strategy.takesCredential);
  if (takes.includes("token")) return { required: true, kind: asked?.provider };
  if (asked?.endpoint.kind === "models" || !takes.some((how) => how !== null)) return null;
  return { required: config.paidBy === "attendee" };
}

/** Routes where the gateway pays, and attendees' own credentials, need a gateway key: an X-User-ID alone proves nothing. */
function requireGatewayKey(route: ModelRoute<Upstream>, principal: Principal, spend: SpendAsk | null): void {
  const kind = principal.credential.kind;
  if (kind === "key" || kind === "relay") return;
  if (route.order.some((node) => node.strategy.requiresGatewayKey)) {
    throw refusal("gateway_key_required", { why: "gateway_pays" });
  }
  if (spend) throw gatewayKeyRequired();
}

/**
 * A BYOK id binds to its key only once the upstream accepted the key; until then the caller
 * has not shown they are this attendee, and a refusal by the upstream is not theirs to carry.
 */
function settleBinding(call: Call, principal: Principal, admission: Admission): void {
  if (!admission.provisional || principal.credential.kind !== "byok") return;
  const { log, c, config, request } = call;
  const { status } = log.row;
  if (status >= 200 && status < 300) log.target.binding = { userId: principal.userId, keyHash: principal.credential.keyHash };
  if (status === 401 || status === 403) {
    Object.assign(log.row, { user_id: UNAUTHENTICATED, claimed_user_id: principal.userId });
    c.executionCtx.waitUntil(chargeUpstreamRefusal(c.env, config, request.headers));
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
    throw refusal("invalid_project_id", { rule: USER_ID_RULE });
  }
  return project;
}

function nodeNamed(table: RouteTable, route: Route, name: string): Upstream {
  return table.byName.get(name) ?? route.nodes.order[0];
}

function modelOf(json: JsonObject | null): string | null {
  return json && typeof json.model === "string" ? json.model : null;
}

function isUnreachable(thrown: unknown): boolean {
  return thrown instanceof GatewayError && thrown.code === "upstream_unreachable";
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
