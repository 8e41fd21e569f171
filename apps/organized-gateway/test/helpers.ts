// Drives the Worker inside workerd the way a client would, and reads what it recorded.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { configFor } from "../src/settings/config";
import app from "../src/index";
import { tierTableFor } from "../src/pipeline/admit/tiers";
import { hashGatewayKey, parseGatewayKey } from "../src/pipeline/identify/gateway-key";
import { newRequestRow } from "../src/pipeline/settle/request-row";
import { TEST_ADMIN_TOKEN, TEST_UPSTREAM_PORT } from "./constants";

export const BASE = "http://gateway.test";
export const UPSTREAM = `http://127.0.0.1:${TEST_UPSTREAM_PORT}`;

export function gateway(path: string, init?: RequestInit): Promise<Response> {
  return exports.default.fetch(new Request(`${BASE}${path}`, init));
}

/** Runs the Worker with some settings changed (a fresh config), waiting for its background work. */
export async function gatewayWith(settings: Record<string, string>, path: string, init?: RequestInit): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await app.fetch(new Request(`${BASE}${path}`, init), { ...env, ...settings }, ctx);
  const body = await response.arrayBuffer();
  await waitOnExecutionContext(ctx);
  return new Response(body, response);
}

export interface ChatOptions {
  user?: string;
  key?: string;
  model?: string;
  content?: string;
  stream?: boolean;
  includeUsage?: boolean;
  headers?: Record<string, string>;
}

export function chatInit({ user, key, model = "gpt-4o", content = "hi", stream, includeUsage, headers = {} }: ChatOptions = {}): RequestInit {
  const body: Record<string, unknown> = { model, messages: [{ role: "user", content }] };
  if (stream) body.stream = true;
  if (includeUsage) body.stream_options = { include_usage: true };
  return {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(user ? { "x-user-id": user } : {}),
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...headers,
    },
    body: JSON.stringify(body),
  };
}

export function chat(options: ChatOptions = {}): Promise<Response> {
  return gateway("/v1/chat/completions", chatInit(options));
}

export function admin(path: string, init: RequestInit = {}): Promise<Response> {
  return gateway(`/admin/api${path}`, {
    ...init,
    headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, "content-type": "application/json", ...init.headers },
  });
}

export async function issueKey(userId: string): Promise<string> {
  const response = await admin(`/users/${userId}/keys`, { method: "POST", body: "{}" });
  if (response.status !== 201) throw new Error(`key not issued: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { key: string }).key;
}

export interface LoggedRow {
  request_id: string;
  turn_id: string | null;
  model_calls: number | null;
  model_tokens: number | null;
  user_id: string;
  endpoint: string;
  status: number;
  model: string | null;
  stream: number;
  ttfb_ms: number | null;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  tokens_est: number;
  usage_source: string;
  end_state: string;
  error_code: string | null;
  auth: string;
  ip_hash: string | null;
}

/** Waits until D1 holds `count` rows matching the filter (rows are written after responses). */
export async function loggedRows(where: string, binds: unknown[], count: number, timeoutMs = 8_000): Promise<LoggedRow[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { results } = await env.DB.prepare(`SELECT * FROM requests WHERE ${where} ORDER BY id`).bind(...binds).all<LoggedRow>();
    if (results.length >= count || Date.now() > deadline) return results;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function rowFor(response: Response): Promise<LoggedRow> {
  const id = response.headers.get("x-request-id");
  const [row] = await loggedRows("request_id = ?", [id], 1);
  if (!row) throw new Error(`no D1 row for ${id}`);
  return row;
}

export interface SeenRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Record<string, unknown> | null;
}

/** Everything the dev upstream has received (its introspection endpoint). */
export async function seenRequests(): Promise<SeenRequest[]> {
  return ((await (await fetch(`${UPSTREAM}/__dev/requests`)).json()) as { data: SeenRequest[] }).data;
}

/** The requests the dev upstream received whose body or headers mention `marker`. */
export async function seenWith(marker: string): Promise<SeenRequest[]> {
  return (await seenRequests()).filter((r) => JSON.stringify(r).includes(marker));
}

/** What the dev upstream received last (its introspection endpoint). */
export async function upstreamSaw(): Promise<SeenRequest> {
  const response = await fetch(`${UPSTREAM}/__dev/last-request`);
  return (await response.json()) as SeenRequest;
}

export function sseData(text: string): unknown[] {
  return text
    .split(/\n\n/)
    .map((e) => e.trim())
    .filter((e) => e.startsWith("data: "))
    .map((e) => e.slice(6))
    .map((d) => (d === "[DONE]" ? "[DONE]" : JSON.parse(d)));
}

/**
 * A /v1 turn of the attendee's own agent in flight, admitted by their object exactly as the
 * pipeline admits one (their gateway key, a route that takes their credential): the relay
 * serves model calls only inside such a turn. `end` settles it with its row, as the pipeline
 * does when the turn's answer has ended.
 */
export async function openTurn(key: string): Promise<{ requestId: string; leaseId: string; end(): Promise<void> }> {
  const parsed = parseGatewayKey(key)!;
  const gate = env.ATTENDEE_GATE.get(env.ATTENDEE_GATE.idFromName(parsed.userId));
  const requestId = `req_turn_${crypto.randomUUID().replaceAll("-", "")}`;
  const startedAt = Date.now();
  const grant = await gate.admit({
    now: startedAt, userId: parsed.userId, credential: { kind: "key", keyId: parsed.keyId, keyHash: await hashGatewayKey(key) },
    tiers: tierTableFor(configFor(env)), queueMs: 0, leaseMs: 60_000,
    nodes: [{ name: "turn-node", key: `node:turn-node-${parsed.userId}`, maxConcurrent: 100 }], nodeQueue: { max: 0, ms: 0 },
    defaultTier: "event", dedicatedNodes: {}, project: "default", free: false,
    requestId, spend: { required: true }, turn: true, session: null,
  });
  if (!grant.ok) throw new Error(`turn not admitted: ${grant.refusal}`);
  const row = { ...newRequestRow(requestId, "/v1/chat/completions", "POST", startedAt), user_id: parsed.userId, auth: "key" as const, status: 200 };
  return { requestId, leaseId: grant.leaseId, end: () => gate.settle({ leaseId: grant.leaseId, reachedUpstream: true }, row, 0) };
}
