/**
 * Auth strategies: how a route authenticates upstream and what it changes in a request.
 * Adding an upstream kind adds an entry here, not branches in the handler.
 *
 * - passthrough: the seed's phase 1. The caller's own `Authorization` (their BYOK key)
 *   goes verbatim; `X-Forwarded-User` names the attendee. A gateway key is never forwarded.
 * - openclaw: the gateway's own OpenClaw token is injected; the caller's `Authorization`
 *   never is. `model` becomes `openclaw/<agent>`, `user` becomes the attendee so each gets
 *   a stable session. Only gateway-key holders may use it, since the gateway pays.
 */
import type { JsonObject } from "../envelope/body";
import type { Principal } from "../identify";
import type { EndpointKind } from "./endpoints";

export interface StrategyContext {
  principal: Principal;
  endpoint: EndpointKind;
}

export interface AuthStrategy {
  readonly name: "passthrough" | "openclaw";
  /** The gateway spends its own credential on this route: bare X-User-ID callers may not. */
  readonly requiresGatewayKey: boolean;
  authorize(headers: Headers, context: StrategyContext): void;
  rewrite(body: JsonObject, context: StrategyContext): void;
}

export function passthrough(): AuthStrategy {
  return {
    name: "passthrough",
    requiresGatewayKey: false,
    authorize(headers, { principal }) {
      if (principal.callerAuthorization) headers.set("authorization", principal.callerAuthorization);
      headers.set("x-forwarded-user", principal.userId);
    },
    rewrite() {},
  };
}

const AGENT_ENDPOINTS: ReadonlySet<EndpointKind> = new Set(["chat", "completion", "response"]);

export function openclaw(token: string, agent: string): AuthStrategy {
  return {
    name: "openclaw",
    requiresGatewayKey: true,
    // No X-Forwarded-* here: OpenClaw refuses proxy headers from proxies it does not trust.
    authorize(headers) {
      headers.set("authorization", `Bearer ${token}`);
    },
    rewrite(body, { principal, endpoint }) {
      if (!AGENT_ENDPOINTS.has(endpoint)) return;
      body.model = `openclaw/${agent}`;
      body.user = principal.userId;
    },
  };
}
