/**
 * Auth strategies: how a route authenticates upstream, which endpoints it serves, what it
 * changes in a request, and what it can do with an attendee's own model credential. Adding
 * an upstream kind adds an entry here; callers ask a strategy what it can do
 * (`takesCredential`, `isCredentialRefusal`, `lacksAgent`, `keepsSessions`, `shapesForAgent`),
 * never its name.
 *
 * - passthrough: the seed's phase 1. The caller's own `Authorization` (their BYOK key)
 *   goes verbatim; `X-Forwarded-User` carries the attendee's derived session value
 *   (pipeline/route/session.ts). A gateway key is never forwarded. A pass-through node made
 *   with a token header (AUTH_MODE=codex, not a free route) takes the attendee's opened
 *   token in that header instead of the caller's Authorization (the seed's phase 2).
 * - openclaw: the gateway's own OpenClaw token is injected; the caller's `Authorization`
 *   never is. OpenClaw picks its agent from `model` and its session from `user` on every
 *   endpoint it serves, so each of them gets both rewritten (`openclaw/<agent>`, the derived
 *   session value); an endpoint it cannot be made safe for is refused. Fields OpenClaw
 *   scopes by the bearer token — one shared operator token, so one scope for everyone —
 *   are refused. Only gateway-key holders may use it, since the gateway pays. An attendee
 *   with a credential of their own is sent to their own agent, whose provider is the relay.
 *
 * A strategy is given the attendee's credential only when it takes one (the grant decided
 * it may be spent, the pipeline opened it): the free route never sees it.
 */
import { credentialRejected, refusalNamedIn, type Wording } from "../../credentials/errors";
import type { KindSpec } from "../../credentials/kinds";
import type { SpentCredential } from "../../credentials/spend";
import type { JsonObject } from "../envelope/body";
import type { Principal } from "../identify";
import { type GatewayError, refusal } from "../../errors";
import type { EndpointKind } from "./endpoints";

export interface StrategyContext {
  principal: Principal;
  endpoint: EndpointKind;
  /** The attendee's upstream session value (pipeline/route/session.ts). */
  session: string;
  /** The attendee's own credential, only when this node takes it. */
  credential: SpentCredential | null;
  /** The path under the node's base URL this call goes to. */
  path: string;
}

export interface AuthStrategy {
  /** For /health and the logs only: nothing decides by it. */
  readonly name: "passthrough" | "openclaw" | "provider";
  /** The gateway spends its own credential on this route: bare X-User-ID callers may not. */
  readonly requiresGatewayKey: boolean;
  /** The endpoints this route may send upstream; any other is refused. */
  readonly endpoints: ReadonlySet<EndpointKind>;
  /** How this node spends an attendee's own credential: their own agent, the token in a header, or not at all. */
  readonly takesCredential: "agent" | "header" | "token" | null;
  /** The node runs one turn of a session at a time (OpenClaw): admission queues a session's turns. */
  readonly keepsSessions: boolean;
  /**
   * The node is an agent server whose agent takes the client's tools (OpenClaw): chat and
   * Responses requests are shaped into what it accepts and their answers given back in the
   * client's terms (route/openclaw-shape/).
   */
  readonly shapesForAgent: boolean;
  authorize(headers: Headers, context: StrategyContext): void;
  /** Rewrites the body for the upstream (in place, or returns the body to send); throws for a field the route cannot allow. */
  rewrite(body: JsonObject, context: StrategyContext): JsonObject | void;
  /**
   * The refusal to answer when this node's answer says the attendee's credential was refused;
   * asked only of a node that took it. Reads a 401/403's small body only.
   */
  isCredentialRefusal(response: Response, how: Wording): Promise<GatewayError | null>;
  /** True when the node answered that it does not know the attendee's own agent (it may be given it). */
  lacksAgent(response: Response, agent: string): Promise<boolean>;
  /** A refusal of the call that is nobody's credential's fault (a provider's edge), or null. */
  blockedBy?(response: Response): GatewayError | null;
}

const ALL_ENDPOINTS: ReadonlySet<EndpointKind> = new Set(["chat", "completion", "embedding", "response", "models"]);
const PROVIDER_ENDPOINTS: ReadonlySet<EndpointKind> = new Set([...ALL_ENDPOINTS, "messages"]);
const never = async () => false;

/** `tokenHeader`: the header a node takes the attendee's token in (AUTH_MODE=codex), or null. */
export function passthrough(tokenHeader: string | null = null): AuthStrategy {
  return {
    name: "passthrough",
    requiresGatewayKey: false,
    endpoints: ALL_ENDPOINTS,
    takesCredential: tokenHeader ? "header" : null,
    keepsSessions: false,
    shapesForAgent: false,
    authorize(headers, { principal, session, credential }) {
      if (tokenHeader && credential) headers.set(tokenHeader, credential.token);
      else if (principal.callerAuthorization) headers.set("authorization", principal.callerAuthorization);
      headers.set("x-forwarded-user", session);
    },
    rewrite() {},
    async isCredentialRefusal(response, how) {
      return response.status === 401 || response.status === 403 ? credentialRejected(how) : null;
    },
    lacksAgent: never,
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

async function smallText(response: Response): Promise<string> {
  return response.clone().text().catch(() => "");
}

export function openclaw(token: string, agent: string): AuthStrategy {
  return {
    name: "openclaw",
    requiresGatewayKey: true,
    endpoints: OPENCLAW_ENDPOINTS,
    takesCredential: "agent",
    keepsSessions: true,
    shapesForAgent: true,
    // No X-Forwarded-* here: OpenClaw refuses proxy headers from proxies it does not trust.
    authorize(headers) {
      headers.set("authorization", `Bearer ${token}`);
    },
    rewrite(body, { endpoint, session, credential }) {
      if (credential && endpoint === "embedding") {
        // Embeddings follow the agent's memory-search provider, which is the operator's.
        throw refusal("unsupported_endpoint", { path: "/v1/embeddings", why: "own_account_embeddings" });
      }
      for (const field of SHARED_SCOPE_FIELDS[endpoint] ?? []) {
        if (body[field] !== undefined && body[field] !== null) {
          throw refusal("unsupported_parameter", { field });
        }
      }
      body.model = `openclaw/${credential?.agent ?? agent}`;
      body.user = session;
    },
    // OpenClaw's own 401 (a wrong operator token) is not the attendee's to fix: only the relay's words are.
    async isCredentialRefusal(response, how) {
      if (response.status !== 401 && response.status !== 403) return null;
      return refusalNamedIn(await smallText(response), how);
    },
    // OpenClaw 2026.9.6 answers 400 "Unknown agent '<id>'." for chat completions, responses and embeddings alike.
    async lacksAgent(response, agentId) {
      return response.status === 400 && (await smallText(response)).includes(`Unknown agent '${agentId}'`);
    },
  };
}

/**
 * A model provider the relay calls with the attendee's own credential (credentials/kinds.ts
 * has one entry per provider): the token as the provider takes it, the headers its own
 * clients send, the body reshaped where the provider takes another (the ChatGPT Codex
 * backend). A provider's refusal of the token is the attendee's to fix; its edge turning the
 * call away (`blockedBy`) is not, and leaves their account alone.
 */
export function provider(spec: KindSpec): AuthStrategy {
  return {
    name: "provider",
    requiresGatewayKey: false,
    endpoints: PROVIDER_ENDPOINTS,
    takesCredential: "token",
    keepsSessions: false,
    shapesForAgent: false,
    authorize(headers, { credential, path }) {
      for (const [name, value] of Object.entries(spec.clientHeaders(path))) headers.set(name, value);
      if (!credential) return;
      for (const [name, value] of Object.entries(spec.authHeaders(credential.token))) {
        // A beta flag the token needs is added to the ones OpenClaw asked for, not put in their place.
        const asked = name === "anthropic-beta" ? headers.get(name) : null;
        headers.set(name, asked ? `${asked},${value}` : value);
      }
    },
    rewrite: (body, { path }) => (spec.reshape ? spec.reshape(path, body) : body),
    async isCredentialRefusal(response, how) {
      return spec.refusal(response.status) === "credential" ? credentialRejected(how) : null;
    },
    blockedBy(response) {
      return spec.refusal(response.status) === "edge" ? providerBlocked() : null;
    },
    lacksAgent: never,
  };
}

function providerBlocked(): GatewayError {
  return refusal("provider_blocked");
}
