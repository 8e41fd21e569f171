/**
 * The OpenAI-compatible endpoints the gateway serves. Anything else under /v1 is a 404
 * (or a 405 for a known path with the wrong method) before any work is done.
 */
import { refusal } from "../../errors";

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
    throw refusal("unknown_endpoint", { path });
  }
  const { endpoint } = found;
  if (method !== endpoint.method && !(method === "HEAD" && endpoint.method === "GET")) {
    throw refusal("method_not_allowed", { path, allowed: endpoint.method, method }, { allow: endpoint.method });
  }
  return endpoint;
}
