/**
 * Auth strategies: how a route authenticates upstream, which endpoints it serves and what
 * it changes in a request. Adding an upstream kind adds an entry here, not branches in the
 * handler.
 *
 * - passthrough: the seed's phase 1. The caller's own `Authorization` (their BYOK key)
 *   goes verbatim; `X-Forwarded-User` carries the attendee's derived session value
 *   (pipeline/route/session.ts). A gateway key is never forwarded.
 * - openclaw: the gateway's own OpenClaw token is injected; the caller's `Authorization`
 *   never is. OpenClaw picks its agent from `model` and its session from `user` on every
 *   endpoint it serves, so each of them gets both rewritten (`openclaw/<agent>`, the derived
 *   session value); an endpoint it cannot be made safe for is refused. Fields OpenClaw
 *   scopes by the bearer token — one shared operator token, so one scope for everyone —
 *   are refused. Only gateway-key holders may use it, since the gateway pays.
 *
 * An attendee's own model credential (credentials/use.ts) changes two things: on the
 * OpenClaw route their turns go to their own agent, whose provider is the gateway's relay;
 * on a pass-through route in AUTH_MODE=codex their token goes in CODEX_TOKEN_HEADER instead
 * of the caller's Authorization.
 */
import { credentialUseOf } from "../../credentials/use";
import type { JsonObject } from "../envelope/body";
import type { Principal } from "../identify";
import { GatewayError } from "../../shared/errors";
import type { EndpointKind } from "./endpoints";

export interface StrategyContext {
  principal: Principal;
  endpoint: EndpointKind;
  /** The attendee's upstream session value (pipeline/route/session.ts). */
  session: string;
}

export interface AuthStrategy {
  readonly name: "passthrough" | "openclaw";
  /** The gateway spends its own credential on this route: bare X-User-ID callers may not. */
  readonly requiresGatewayKey: boolean;
  /** The endpoints this route may send upstream; any other is refused. */
  readonly endpoints: ReadonlySet<EndpointKind>;
  authorize(headers: Headers, context: StrategyContext): void;
  /** Rewrites the body for the upstream; throws for a field the route cannot allow. */
  rewrite(body: JsonObject, context: StrategyContext): void;
}

const ALL_ENDPOINTS: ReadonlySet<EndpointKind> = new Set(["chat", "completion", "embedding", "response", "models"]);

export function passthrough(): AuthStrategy {
  return {
    name: "passthrough",
    requiresGatewayKey: false,
    endpoints: ALL_ENDPOINTS,
    authorize(headers, { principal, session }) {
      const header = credentialUseOf(principal)?.header;
      if (header) headers.set(header.name, header.value);
      else if (principal.callerAuthorization) headers.set("authorization", principal.callerAuthorization);
      headers.set("x-forwarded-user", session);
    },
    rewrite() {},
  };
}

/** What OpenClaw serves (it has no /v1/completions), each with its agent and session rewritten. */
const OPENCLAW_ENDPOINTS: ReadonlySet<EndpointKind> = new Set(["chat", "embedding", "response", "models"]);

/**
 * Fields OpenClaw scopes by a hash of the bearer token: with the shared operator token an
 * attendee could name another attendee's stored response or conversation.
 */
const SHARED_SCOPE_FIELDS: Partial<Record<EndpointKind, readonly ("previous_response_id" | "conversation")[]>> = {
  response: ["previous_response_id", "conversation"],
};

export function openclaw(token: string, agent: string): AuthStrategy {
  return {
    name: "openclaw",
    requiresGatewayKey: true,
    endpoints: OPENCLAW_ENDPOINTS,
    // No X-Forwarded-* here: OpenClaw refuses proxy headers from proxies it does not trust.
    authorize(headers) {
      headers.set("authorization", `Bearer ${token}`);
    },
    rewrite(body, { endpoint, session, principal }) {
      const own = credentialUseOf(principal);
      if (own && endpoint === "embedding") {
        // Embeddings follow the agent's memory-search provider, which is the operator's.
        throw new GatewayError(404, "not_found_error", "unsupported_endpoint",
          "Embeddings are not available with your own model account on this gateway; chat and responses are.");
      }
      for (const field of SHARED_SCOPE_FIELDS[endpoint] ?? []) {
        if (body[field] !== undefined && body[field] !== null) {
          throw new GatewayError(400, "invalid_request_error", "unsupported_parameter",
            `This gateway does not accept '${field}': the agent server cannot keep it private to you. Send the whole conversation in 'input' instead; the agent remembers your earlier turns by itself.`);
        }
      }
      body.model = `openclaw/${own?.agent ?? agent}`;
      body.user = session;
    },
  };
}
