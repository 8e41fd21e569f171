/**
 * `/relay/<kind>/…`: the model provider of every attendee's own OpenClaw agent. OpenClaw
 * calls it as it would call OpenAI or Anthropic, with the attendee's relay token as its API
 * key (names.ts); the relay checks that the token was minted for the credential the attendee
 * has stored right now, opens that credential, and makes the same call to the real provider
 * with it — streaming through, unbuffered. So the credential never sits on the OpenClaw
 * host, a rotation or revocation takes effect on the very next model call, and the gateway
 * sees every model call of an agent turn (tool loops included).
 *
 * Only the provider's model-call paths pass (kinds.ts), only OpenClaw's content headers go
 * along with the headers the provider wants from its own clients, a provider that takes
 * another body than OpenClaw sends gets it reshaped (the ChatGPT Codex backend), and a
 * provider's refusal of the credential is noted on the attendee's object (the dashboard
 * shows it; their next /v1 request gets 401 credential_rejected without reaching OpenClaw)
 * and answered to OpenClaw with the sentence the attendee should read.
 */
import type { Context } from "hono";
import type { AppEnv } from "../../app-env";
import { gateFor } from "../../pipeline/admit";
import { configFor } from "../../settings/config";
import { readJsonObject } from "../../pipeline/envelope/body";
import { responseHeaders } from "../../pipeline/forward";
import { bearerToken } from "../../pipeline/identify";
import { GatewayError, errorResponse, toGatewayError } from "../../shared/errors";
import { credentialRejected, noCredential } from "../../credentials/errors";
import { KINDS, RELAYED_REQUEST_HEADERS, type KindSpec } from "../../credentials/kinds";
import { parseRelayToken, relayTokenMatches } from "../../credentials/names";
import { noteUse, openFor } from "../../credentials/store";

/** No answer from the provider in this time (headers, not the whole stream): 504. */
const PROVIDER_TIMEOUT_MS = 120_000;

function kindOf(name: string): KindSpec | null {
  return Object.hasOwn(KINDS, name) ? KINDS[name as keyof typeof KINDS] : null;
}

function refuse(error: GatewayError): Response {
  return errorResponse(error, { "cache-control": "no-store" });
}

function invalidRelayToken(): GatewayError {
  return new GatewayError(401, "authentication_error", "invalid_relay_token",
    "This relay token is not (or no longer) valid: the attendee rotated or revoked their account, or the agent server's set-up is stale.");
}

function providerBlocked(): GatewayError {
  return new GatewayError(502, "upstream_error", "provider_blocked",
    "Your model provider's edge turned the gateway's call away (HTTP 403, e.g. a Cloudflare challenge): this is not about your account. Try again in a few minutes; if it keeps happening, tell the organiser.");
}

/** What goes to the provider: OpenClaw's bytes, or the JSON body as this provider takes it (kinds.ts). */
async function providerBody(request: Request, spec: KindSpec, path: string, maxBytes: number): Promise<BodyInit | null> {
  if (request.method !== "POST") return null;
  if (!spec.reshape) return request.body;
  return JSON.stringify(spec.reshape(path, await readJsonObject(request, maxBytes)));
}

export async function relayModelCall(c: Context<AppEnv>): Promise<Response> {
  const config = configFor(c.env);
  const request = c.req.raw;
  const url = new URL(request.url);
  const kindName = c.req.param("kind") ?? "";
  const spec = kindOf(kindName);
  const path = url.pathname.slice(`/relay/${kindName}`.length);
  if (!spec || !spec.paths.some((allowed) => allowed.test(path))) {
    return refuse(new GatewayError(404, "not_found_error", "not_relayed", "The relay does not serve this path."));
  }
  if (request.method !== "POST" && request.method !== "GET") {
    return refuse(new GatewayError(405, "invalid_request_error", "method_not_allowed", "The relay takes GET and POST only."));
  }

  // OpenAI's SDKs send the key as a bearer token, Anthropic's as x-api-key.
  const presented = bearerToken(request.headers.get("authorization")) ?? request.headers.get("x-api-key")?.trim() ?? "";
  const claim = parseRelayToken(presented);
  if (!claim) return refuse(invalidRelayToken());
  const gate = gateFor(c.env.ATTENDEE_GATE, claim.userId);
  const stored = await gate.getCredential();
  if (!stored) return refuse(noCredential({ authMode: config.authMode }));
  if (!(await relayTokenMatches(config.hashSecret, claim, stored))) return refuse(invalidRelayToken());
  const own = await openFor(config, { userId: claim.userId, generation: claim.generation }, stored);
  if (!own) return refuse(noCredential({ authMode: config.authMode }));
  if (stored.kind !== spec.kind) {
    return refuse(new GatewayError(409, "invalid_request_error", "credential_kind_changed",
      "The attendee's account is of another kind now; the agent server's set-up for it is being updated. Try again."));
  }
  if (spec.expired(own.token, Date.now())) {
    c.executionCtx.waitUntil(noteUse(gate, stored, "rejected").catch(() => {}));
    return refuse(credentialRejected({ authMode: config.authMode, kind: stored.kind }));
  }

  const headers = new Headers();
  for (const name of RELAYED_REQUEST_HEADERS) {
    const value = request.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  for (const [name, value] of Object.entries(spec.clientHeaders(path))) headers.set(name, value);
  for (const [name, value] of Object.entries(spec.authHeaders(own.token))) {
    // A beta flag the token needs is added to the ones OpenClaw asked for, not put in their place.
    const asked = name === "anthropic-beta" ? headers.get(name) : null;
    headers.set(name, asked ? `${asked},${value}` : value);
  }
  let body: BodyInit | null;
  try {
    body = await providerBody(request, spec, path, config.limits.maxBodyBytes);
  } catch (thrown) {
    return refuse(toGatewayError(thrown));
  }
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), PROVIDER_TIMEOUT_MS);
  let response: Response;
  try {
    response = await fetch(`${spec.baseUrl(config)}${path}${url.search}`, {
      method: request.method,
      headers,
      body,
      signal: AbortSignal.any([timeout.signal, request.signal]),
    });
  } catch {
    return refuse(timeout.signal.aborted
      ? new GatewayError(504, "timeout_error", "provider_timeout", "The model provider did not answer in time.")
      : new GatewayError(502, "upstream_error", "provider_unreachable", "The gateway could not reach the model provider."));
  } finally {
    clearTimeout(timer);
  }
  const refusal = spec.refusal(response.status);
  if (refusal) {
    // The provider's own words may quote part of the token: they stay here.
    await response.body?.cancel().catch(() => {});
    if (refusal === "edge") return refuse(providerBlocked());
    c.executionCtx.waitUntil(noteUse(gate, stored, "rejected").catch(() => {}));
    return refuse(credentialRejected({ authMode: config.authMode, kind: stored.kind }));
  }
  if (response.ok) c.executionCtx.waitUntil(noteUse(gate, stored, "ok").catch(() => {}));
  return new Response(response.body, { status: response.status, headers: responseHeaders(response, { "cache-control": "no-store" }) });
}
