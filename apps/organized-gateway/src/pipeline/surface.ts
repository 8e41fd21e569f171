/**
 * A surface: one door into the pipeline (pipeline/index.ts). Every model call — `/v1/*`,
 * `/relay/<kind>/*`, `/v1/messages`, `/mcp` — runs the same steps: envelope → identify →
 * admit → route → forward (with failover) → settle. A surface says only how its caller is
 * identified, which endpoint it asks for, and how request and answer are shaped; admission,
 * routing, forwarding and the log row are the pipeline's, so a new surface cannot forget a
 * limit, a refusal or a row. `modelCall(surface)` (index.ts) makes the Hono handler.
 *
 * The contract, for whoever writes a surface:
 * - `identify(request, config)` reads headers only (no object, D1 or KV call: the attendee's
 *   object checks the credential during admission) and returns a principal. What it throws
 *   is a refusal of the caller: logged under `unauthenticated`, charged to the caller's
 *   network (past a budget the answer becomes a 429), never under the id it claimed.
 * - `endpoint(request, url)` names the endpoint asked for and the path it takes on the node;
 *   a GatewayError it throws (404, 405) is answered after admission, so the answer carries
 *   the X-RateLimit-* headers too. A JSON endpoint's body is read (size cap, JSON object,
 *   depth) while admission is out.
 * - `route(table, asked)` (optional) names the nodes the call may go to; by default the
 *   attendee's sticky order in the pool for the body's model (pipeline/route/pool.ts).
 * - `conversation(json)` (optional): the conversation this call belongs to. The upstream
 *   session is derived from (user id, generation, conversation) with a keyed hash
 *   (route/session.ts): a caller's string can only ever name another session of the same
 *   attendee, and null is exactly the attendee's one session. Turns of one session are
 *   queued by admission (OpenClaw fails a second turn that starts in a busy session); turns
 *   of different sessions run side by side within the attendee's in-flight cap.
 * - `shapeRequest(json, node, asked)` (optional) runs once per attempt on a fresh copy of the body,
 *   before the route's own rewrite (agent and session on OpenClaw, include_usage on
 *   streams): it turns the caller's body into the node's endpoint's body. To keep a usage
 *   chunk the answer's shaping needs, set `stream_options.include_usage` here.
 * - `shapeResponse(response, call)` (optional) turns the node's answer (already observed:
 *   the row's tokens, time to first byte and end state come from the node's own body) into
 *   the caller's. It must not buffer a stream.
 * - `answerError(error, headers)` (optional) answers any refusal or failure in the
 *   surface's own error shape; by default OpenAI's `{"error":{"message","type","code"}}`.
 * - `forwardedHeaders`: the caller's headers that may reach the node; every other header
 *   (x-openclaw-*, cookies, cf-*) is dropped.
 */
import type { Config } from "../settings/config";
import type { CredentialKind } from "../credentials/kinds";
import type { GatewayError } from "../errors";
import type { JsonObject } from "./envelope/body";
import type { Principal } from "./identify";
import type { Endpoint } from "./route/endpoints";
import type { FailureWords } from "./forward";
import type { ModelRoute } from "./route/pool";
import type { RouteTable, Upstream } from "./route";

/** What a call asks for: the node's endpoint and the path under the node's base URL. */
export interface Asked {
  endpoint: Endpoint;
  path: string;
  /** The relay: the provider whose credential kind the path names. */
  provider?: CredentialKind;
}

/** What a surface's answer shaping may know of the call. */
export interface ShapingContext {
  requestId: string;
  node: Upstream;
  asked: Asked;
  /** The body the node was sent (after shaping and the route's rewrite), or null. */
  sent: JsonObject | null;
  table: RouteTable;
  principal: Principal;
  /** The upstream session value the call ran in. */
  session: string;
  /** The caller's own OpenClaw agent, when their own credential pays for this call. */
  ownAgent: string | null;
}

export interface Surface {
  identify(request: Request, config: Config): Promise<Principal>;
  endpoint(request: Request, url: URL): Asked;
  route?(table: RouteTable, asked: Asked): ModelRoute<Upstream>;
  conversation?(json: JsonObject | null, request: Request): string | null;
  shapeRequest?(json: JsonObject, node: Upstream, asked: Asked): JsonObject;
  shapeResponse?(response: Response, call: ShapingContext): Response | Promise<Response>;
  answerError?(error: GatewayError, headers: Record<string, string>): Response;
  readonly forwardedHeaders: readonly string[];
  /** How long the node may take to start answering (default UPSTREAM_TIMEOUT_MS). */
  timeoutMs?(config: Config): number;
  /** The largest body the surface takes (default MAX_BODY_BYTES). */
  maxBodyBytes?(config: Config): number;
  /** How an unreachable or silent node is told (default: the agent server's words). */
  readonly failureWords?: FailureWords;
}
