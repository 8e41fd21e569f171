/**
 * Route: the route table built from config (the upstream nodes, each with its auth
 * strategy), which nodes may serve a request and in which order for this attendee
 * (pool.ts), and the upstream request for one call. Upstreams are data: adding a node adds
 * an entry to `UPSTREAMS`, not a branch here.
 */
import type { Config } from "../../settings/config";
import type { JsonObject } from "../envelope/body";
import { refusal } from "../../errors";
import type { Endpoint } from "./endpoints";
import { routeModel, servingNodes, type ModelRoute, type PoolNode } from "./pool";
import { KINDS, type CredentialKind } from "../../credentials/kinds";
import { openclaw, passthrough, provider, type AuthStrategy, type StrategyContext } from "./strategies";

export interface Upstream extends PoolNode {
  baseUrl: string;
  strategy: AuthStrategy;
  maxConcurrent: number;
  /** Headers every call to this upstream carries (e.g. a Cloudflare Access service token). */
  fixedHeaders: Record<string, string>;
}

export interface RouteTable {
  upstreams: readonly Upstream[];
  byName: ReadonlyMap<string, Upstream>;
  /** Some node serves model patterns: a request's model must be read before its node is chosen. */
  routesByModel: boolean;
  /** The model providers the relay calls with attendees' own credentials, by credential kind. */
  providers: Readonly<Record<CredentialKind, Upstream>>;
}

const routeTables = new WeakMap<Config, RouteTable>();

/** The route table for a config, built once per config rather than on every request. */
export function routeTableFor(config: Config): RouteTable {
  let table = routeTables.get(config);
  if (!table) {
    table = buildRouteTable(config);
    routeTables.set(config, table);
  }
  return table;
}

function buildRouteTable(config: Config): RouteTable {
  // A tier's dedicated node serves that tier alone: it is in no one else's order.
  const dedicated = new Set(Object.values(config.tiers.overrides ?? {}).flatMap((tier) => (tier.node ? [tier.node] : [])));
  const upstreams = config.upstreams.map((node): Upstream => ({
    name: node.name,
    baseUrl: node.url,
    // In AUTH_MODE=codex a plain node takes the attendee's token in a header; a free route never does.
    strategy: node.token ? openclaw(node.token, node.agent)
      : passthrough(config.authMode === "codex" && !node.free ? config.credentials.tokenHeader : null),
    maxConcurrent: node.maxConcurrent,
    weight: dedicated.has(node.name) ? 0 : node.weight,
    models: node.models,
    free: node.free,
    customers: node.customers,
    fixedHeaders: node.access
      ? { "cf-access-client-id": node.access.clientId, "cf-access-client-secret": node.access.clientSecret }
      : {},
  }));
  const providers = Object.fromEntries(Object.values(KINDS).map((spec): [CredentialKind, Upstream] => [spec.kind, {
    name: `provider:${spec.kind}`, baseUrl: spec.baseUrl(config), strategy: provider(spec),
    maxConcurrent: 0, weight: 0, models: [], free: false, customers: null, fixedHeaders: {},
  }])) as Record<CredentialKind, Upstream>;
  return {
    upstreams, byName: new Map(upstreams.map((u) => [u.name, u])), routesByModel: upstreams.some((u) => u.models.length > 0), providers,
  };
}

/** The node that answers for the pool where one must (health probe, the join page's wording): the first default node. */
export function chooseUpstream(table: RouteTable): Upstream {
  return table.upstreams.find((u) => u.models.length === 0 && !u.customers) ?? table.upstreams.find((u) => u.models.length === 0) ?? table.upstreams[0];
}

/**
 * Whether callers of this node must show a gateway key: where the gateway pays, and where the
 * node spends the attendee's own credential (found by their key: an X-User-ID proves
 * nothing). What /health and the join page tell the kit, so setup.sh and the agent send it.
 */
export function callersNeedGatewayKey(upstream: Upstream): boolean {
  return upstream.strategy.requiresGatewayKey || upstream.strategy.takesCredential !== null;
}

/** The nodes that may serve this attendee's request for `model`, sticky order first. */
export function routeFor(table: RouteTable, userId: string, model: string | null): ModelRoute<Upstream> {
  const route = routeModel(servingNodes(table.upstreams, userId), userId, model);
  if (route.order.length === 0) {
    throw refusal("model_not_found", { model: model ?? "(none given)" });
  }
  return route;
}

export interface PreparedBody {
  json: JsonObject;
  stream: boolean;
  /**
   * The gateway asked the upstream for a usage chunk the caller did not ask for, so it must
   * take it out of the stream. Streams with nothing to strip (the caller asked for usage, or
   * a Responses stream, whose terminal event carries usage anyway) are piped natively.
   */
  stripUsageChunk: boolean;
}

/** Refuses an endpoint this route does not serve safely (see strategies.ts). */
export function requireServedEndpoint(upstream: Upstream, endpoint: Endpoint, path: string): void {
  if (upstream.strategy.endpoints.has(endpoint.kind)) return;
  throw refusal("unsupported_endpoint", { path });
}

/** Applies the route's rewrites and asks streaming upstreams for usage. May mutate `given`. */
export function prepareBody(
  given: JsonObject, upstream: Upstream, context: StrategyContext, endpoint: Endpoint, model: string | null = null,
): PreparedBody {
  // A model route's name for the node (`noclaw/gemma3:27b` → `gemma3:27b`); the strategy may still override it.
  if (model !== null) given.model = model;
  const body = upstream.strategy.rewrite(given, context) ?? given;
  const stream = body.stream === true;
  const options = body.stream_options;
  const callerWantsUsage =
    typeof options === "object" && options !== null && (options as JsonObject).include_usage === true;
  const asksForUsage = stream && (endpoint.kind === "chat" || endpoint.kind === "completion");
  if (asksForUsage) {
    body.stream_options = { ...(typeof options === "object" && options !== null ? options : {}), include_usage: true };
  }
  return { json: body, stream, stripUsageChunk: asksForUsage && !callerWantsUsage };
}

export interface UpstreamCall {
  url: string;
  init: RequestInit;
}

/**
 * The upstream call: the caller's headers that may pass (`passed`: everything else — x-openclaw-*,
 * cookies, cf-* — is dropped), the node's fixed headers, the strategy's authorization, the body.
 */
export function buildUpstreamRequest(
  upstream: Upstream,
  context: StrategyContext,
  method: string,
  incoming: Request,
  passed: readonly string[],
  query: string,
  body: PreparedBody | null,
): UpstreamCall {
  const headers = new Headers();
  for (const name of passed) {
    const value = incoming.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  for (const [name, value] of Object.entries(upstream.fixedHeaders)) headers.set(name, value);
  upstream.strategy.authorize(headers, context);
  if (body) headers.set("content-type", "application/json");
  return {
    url: `${upstream.baseUrl}${context.path}${query}`,
    init: { method, headers, body: body ? JSON.stringify(body.json) : undefined },
  };
}
