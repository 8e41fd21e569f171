/**
 * The OpenAI-compatible endpoints the gateway serves. Anything else under /v1 is a 404
 * (or a 405 for a known path with the wrong method) before any work is done.
 */
import { GatewayError } from "../../shared/errors";

/** `messages`: Anthropic's Messages API (the relay to Anthropic). */
export type EndpointKind = "chat" | "completion" | "embedding" | "response" | "models" | "messages";

export interface Endpoint {
  kind: EndpointKind;
  method: "GET" | "POST";
  /** The body is JSON and may ask for a stream. */
  json: boolean;
}

const ENDPOINTS: readonly { pattern: RegExp; endpoint: Endpoint }[] = [
  { pattern: /^\/v1\/chat\/completions$/, endpoint: { kind: "chat", method: "POST", json: true } },
  { pattern: /^\/v1\/completions$/, endpoint: { kind: "completion", method: "POST", json: true } },
  { pattern: /^\/v1\/embeddings$/, endpoint: { kind: "embedding", method: "POST", json: true } },
  { pattern: /^\/v1\/responses$/, endpoint: { kind: "response", method: "POST", json: true } },
  { pattern: /^\/v1\/models(\/[^/]+)?$/, endpoint: { kind: "models", method: "GET", json: false } },
];

export function matchEndpoint(method: string, path: string): Endpoint {
  const found = ENDPOINTS.find(({ pattern }) => pattern.test(path));
  if (!found) {
    throw new GatewayError(404, "not_found_error", "unknown_endpoint",
      `The gateway has no endpoint ${path}. It serves /v1/chat/completions, /v1/completions, /v1/embeddings, /v1/responses and /v1/models.`);
  }
  const { endpoint } = found;
  if (method !== endpoint.method && !(method === "HEAD" && endpoint.method === "GET")) {
    throw new GatewayError(405, "invalid_request_error", "method_not_allowed",
      `${path} takes ${endpoint.method} requests, not ${method}.`, { allow: endpoint.method });
  }
  return endpoint;
}
