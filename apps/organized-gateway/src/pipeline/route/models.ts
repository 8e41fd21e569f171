/**
 * `GET /v1/models` across the pool: the attendee's own node answers with its models, and
 * every model route adds what it serves — a `prefix/*` route the models its node lists,
 * prefixed as callers must name them (`noclaw/gemma3:27b`), a plain pattern as written.
 * A route node that does not answer in time adds nothing rather than fail the listing.
 *
 * An OpenClaw host lists every agent in its config, and each attendee who brought their own
 * credential has one there (`openclaw/ocg-…`): a caller sees only their own, never another
 * attendee's (which would tell who registered, and name an agent to aim at).
 */
import { errorResponse, refusal } from "../../errors";
import type { JsonObject } from "../envelope/body";
import type { Principal } from "../identify";
import type { Upstream } from "./index";

const LIST_TIMEOUT_MS = 2_000;

interface ModelEntry {
  id: string;
  object: "model";
  owned_by: string;
  [key: string]: unknown;
}

async function listedBy(node: Upstream, principal: Principal, session: string): Promise<string[]> {
  const headers = new Headers(node.fixedHeaders);
  node.strategy.authorize(headers, { principal, endpoint: "models", session, credential: null, path: "/v1/models" });
  try {
    const response = await fetch(`${node.baseUrl}/v1/models`, { headers, signal: AbortSignal.timeout(LIST_TIMEOUT_MS) });
    if (!response.ok) return [];
    const body = (await response.json()) as JsonObject;
    return Array.isArray(body.data) ? body.data.map((m) => String((m as JsonObject)?.id ?? "")).filter(Boolean) : [];
  } catch {
    return [];
  }
}

/** The models of the route nodes, as callers name them. */
export async function routedModels(nodes: readonly Upstream[], principal: Principal, session: string): Promise<ModelEntry[]> {
  const entries: ModelEntry[] = [];
  await Promise.all(nodes.filter((n) => n.models.length > 0).map(async (node) => {
    const listed = node.models.some((p) => /^[^*]+\/\*$/.test(p)) ? await listedBy(node, principal, session) : [];
    for (const pattern of node.models) {
      const prefix = /^([^*]+\/)\*$/.exec(pattern)?.[1];
      if (prefix) for (const id of listed) entries.push({ id: `${prefix}${id}`, object: "model", owned_by: node.name });
      else if (!pattern.includes("*")) entries.push({ id: pattern, object: "model", owned_by: node.name });
    }
  }));
  return entries;
}

/** Adds the route nodes' models to the attendee's node's listing (an OpenAI `list`). */
export async function withPoolModels(response: Response, nodes: readonly Upstream[], principal: Principal, session: string): Promise<Response> {
  if (!response.ok) return response;
  let listing: JsonObject;
  try {
    listing = (await response.clone().json()) as JsonObject;
  } catch {
    return response;
  }
  const own = Array.isArray(listing.data) ? (listing.data as ModelEntry[]) : [];
  const seen = new Set(own.map((m) => m.id));
  const added = (await routedModels(nodes, principal, session)).filter((m) => !seen.has(m.id) && seen.add(m.id));
  const headers = new Headers(response.headers);
  headers.delete("content-length");
  return new Response(JSON.stringify({ ...listing, object: "list", data: [...own, ...added] }), { status: response.status, headers });
}

/** An attendee's OpenClaw agent, however a model id names it (`openclaw/…`, `openclaw:…`, `agent:…`). */
const ATTENDEE_AGENT = /^(?:openclaw[/:]|agent:)(ocg-[a-z0-9_-]+)$/i;

/** Whether a listed model id is the caller's to see: anything but another attendee's agent. */
export function mayList(id: string, ownAgent: string | null): boolean {
  const agent = ATTENDEE_AGENT.exec(id)?.[1];
  return agent === undefined || agent.toLowerCase() === ownAgent?.toLowerCase();
}

/**
 * The model listing (`/v1/models`) without other attendees' agents, and a lookup of one
 * (`/v1/models/{id}`) of another attendee's agent as the 404 an unknown model gets.
 */
export async function onlyCallersModels(path: string, response: Response, ownAgent: string | null): Promise<Response> {
  if (!response.ok || !path.startsWith("/v1/models")) return response;
  const one = /^\/v1\/models\/(.+)$/.exec(path)?.[1];
  if (one !== undefined) {
    let id = one;
    try {
      id = decodeURIComponent(one);
    } catch { /* not percent-encoded: as written */ }
    if (mayList(id, ownAgent)) return response;
    await response.body?.cancel().catch(() => {});
    return errorResponse(refusal("model_not_found", { model: id }));
  }
  let listing: JsonObject;
  try {
    listing = (await response.clone().json()) as JsonObject;
  } catch {
    return response;
  }
  if (!Array.isArray(listing.data)) return response;
  const data = (listing.data as unknown[]).filter((m) => mayList(String((m as JsonObject | null)?.id ?? ""), ownAgent));
  if (data.length === listing.data.length) return response;
  await response.body?.cancel().catch(() => {});
  const headers = new Headers(response.headers);
  headers.delete("content-length");
  return new Response(JSON.stringify({ ...listing, data }), { status: response.status, headers });
}
