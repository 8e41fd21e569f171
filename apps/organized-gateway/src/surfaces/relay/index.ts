/**
 * `/relay/<kind>/…`: the model provider of every attendee's own OpenClaw agent, as a surface
 * of the pipeline (pipeline/index.ts) — admitted, routed, forwarded and logged like every
 * other model call, no second proxy. OpenClaw calls it as it would call OpenAI or Anthropic,
 * with the attendee's relay token as its API key (credentials/names.ts). So the credential
 * never sits on the OpenClaw host, and the gateway sees every model call of an agent turn.
 *
 * What the surface says:
 * - identify: the relay token (a bearer for OpenAI's SDKs, `x-api-key` for Anthropic's) names
 *   its attendee and generation; the attendee's object checks it against the credential they
 *   have stored now, in the one admission call. A malformed token, an unknown id, another
 *   credential, an old generation and a wrong digest are one answer (401
 *   `invalid_relay_token`), charged to the caller's network like every refusal. A right token
 *   of a blocked attendee is 403 `user_blocked`, of a revoked id 403 `user_id_revoked`.
 * - admission binds the call to the attendee's turns: it is admitted only while one of their
 *   /v1 turns on their own agent is in flight (403 `no_active_turn` otherwise), at most
 *   MAX_MODEL_CALLS_PER_TURN calls per turn (429 `rate_limit_exceeded`), and its row is linked
 *   to that turn's request id; the turn's row counts its model calls and their tokens.
 * - endpoint: only the provider's model-call paths (kinds.ts); route: the provider of the
 *   kind the path names (a credential of another kind stored now: 409
 *   `credential_kind_changed`); only OpenClaw's content headers go along, with the headers
 *   the provider wants from its own clients; the ChatGPT Codex backend gets its body reshaped.
 * - a provider's refusal of the credential is noted on the attendee's object (their next /v1
 *   turn gets 401 `credential_rejected` without reaching OpenClaw) and answered with the
 *   sentence the attendee should read; its edge turning the call away is 502 `provider_blocked`.
 */
import { RELAYED_REQUEST_HEADERS, KINDS, type KindSpec } from "../../credentials/kinds";
import { parseRelayToken } from "../../credentials/names";
import { modelCall, type Surface } from "../../pipeline";
import { PROVIDER_WORDS } from "../../pipeline/forward";
import { bearerToken } from "../../pipeline/identify";
import type { Endpoint, EndpointKind } from "../../pipeline/route/endpoints";
import { type GatewayError, errorResponse, refusal } from "../../errors";
import { ownValue } from "../../shared/own-key";

/** No answer from the provider in this time (headers, not the whole stream): 504. */
const PROVIDER_TIMEOUT_MS = 120_000;
/**
 * OpenClaw sends the whole agent conversation, tool results included, on every model call:
 * the relay takes at least this much, whatever MAX_BODY_BYTES allows callers of /v1.
 */
const RELAY_MIN_BODY_BYTES = 8 * 1024 * 1024;

function kindOf(name: string): KindSpec | null {
  return ownValue(KINDS, name) ?? null;
}

function invalidRelayToken(): GatewayError {
  return refusal("invalid_relay_token");
}

/** What a provider path is, for the pipeline's rules (include_usage on chat streams, turns). */
function endpointKindOf(path: string): EndpointKind {
  if (path.endsWith("/chat/completions")) return "chat";
  if (path.endsWith("/responses")) return "response";
  if (path.endsWith("/embeddings")) return "embedding";
  if (path.includes("/messages")) return "messages";
  return "models";
}

export const relaySurface: Surface = {
  async identify(request) {
    const presented = bearerToken(request.headers.get("authorization")) ?? request.headers.get("x-api-key")?.trim() ?? "";
    const claim = parseRelayToken(presented);
    if (!claim) throw invalidRelayToken();
    return { userId: claim.userId, credential: { kind: "relay", generation: claim.generation, digest: claim.digest } };
  },
  endpoint(request, url) {
    const [, , kindName = "", ...rest] = url.pathname.split("/");
    const spec = kindOf(kindName);
    const path = `/${rest.join("/")}`;
    if (!spec || !spec.paths.some((allowed) => allowed.test(path))) {
      throw refusal("not_relayed");
    }
    if (request.method !== "POST" && request.method !== "GET") {
      throw refusal("method_not_allowed", { path, allowed: "GET, POST", why: "relay" }, { allow: "GET, POST" });
    }
    const endpoint: Endpoint = { kind: endpointKindOf(path), method: request.method, json: request.method === "POST" };
    return { endpoint, path, provider: spec.kind };
  },
  route: (table, asked) => ({ order: [table.providers[asked.provider!]], model: null, free: false }),
  forwardedHeaders: RELAYED_REQUEST_HEADERS,
  timeoutMs: () => PROVIDER_TIMEOUT_MS,
  maxBodyBytes: (config) => Math.max(config.limits.maxBodyBytes, RELAY_MIN_BODY_BYTES),
  failureWords: PROVIDER_WORDS,
  shapeResponse(response) {
    response.headers.set("cache-control", "no-store");
    return response;
  },
  answerError: (error, headers) => errorResponse(error, { ...headers, "cache-control": "no-store" }),
};

export const relayModelCall = modelCall(relaySurface);
