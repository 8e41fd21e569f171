/**
 * The MCP surface of the one pipeline (pipeline/index.ts; its contract: pipeline/surface.ts).
 * A tool call that reaches the agent becomes one model call made with the attendee's own
 * credentials (their Authorization, their X-Project-ID, their network), so it is identified,
 * admitted (rate limit, quota, node slot, the session's turn), routed to their own node,
 * forwarded, settled with its own row (endpoint `/mcp/<tool>`) and refused exactly like a /v1
 * call. The MCP surface never talks to an upstream itself.
 *
 * The call's conversation (conversation.ts) is the surface's `conversation`: the pipeline
 * derives the OpenClaw session from the attendee and it, so a conversation id can only ever
 * name one of the caller's own sessions. It travels to the surface in an internal header that
 * only this file sets: none of the MCP request's own headers but IDENTITY_HEADERS are copied.
 */
import { Hono, type Context } from "hono";
import type { AppEnv } from "../../app-env";
import { modelCall, type Surface } from "../../pipeline";
import type { JsonObject } from "../../pipeline/envelope/body";
import { matchEndpoint } from "../../pipeline/route/endpoints";
import { withPoolModels } from "../../pipeline/route/models";
import { identifyKeyHolder } from "./door";

/** The model calls a tool makes, each as the /v1 endpoint whose shape it takes on the node. */
const TOOL_CALLS = {
  ask_agent: { method: "POST", path: "/v1/chat/completions" },
  list_models: { method: "GET", path: "/v1/models" },
} as const;

export type PipelineTool = keyof typeof TOOL_CALLS;

export interface PipelineCall {
  tool: PipelineTool;
  body?: JsonObject;
  /** The surface's conversation (conversation.ts), or null for the attendee's one session. */
  conversation: string | null;
  /** Aborts the call (the MCP client cancelled the tool call or went away). */
  signal?: AbortSignal;
}

/** Caller headers that identify the attendee, their project and their network; nothing else of the MCP request travels. */
const IDENTITY_HEADERS = ["authorization", "x-project-id", "user-agent", "cf-connecting-ip"];
const CONVERSATION_HEADER = "x-ocg-mcp-conversation";

function surfaceFor(tool: PipelineTool): Surface {
  const { method, path } = TOOL_CALLS[tool];
  const endpoint = matchEndpoint(method, path);
  return {
    identify: (request, config) => identifyKeyHolder(request.headers, config),
    endpoint: () => ({ endpoint, path }),
    conversation: (_json, request) => request.headers.get(CONVERSATION_HEADER),
    forwardedHeaders: ["content-type", "accept", "user-agent"],
    // The model list covers the whole pool, as /v1/models does.
    shapeResponse: (response, { asked, table, principal, session }) => (asked.endpoint.kind === "models" && table.routesByModel
      ? withPoolModels(response, table.upstreams, principal, session)
      : response),
  };
}

const pipeline = new Hono<AppEnv>()
  .use("*", async (c, next) => {
    c.set("requestId", `req_${crypto.randomUUID().replaceAll("-", "")}`);
    await next();
  })
  .post("/mcp/ask_agent", modelCall(surfaceFor("ask_agent")))
  .get("/mcp/list_models", modelCall(surfaceFor("list_models")));

/** One model call through the pipeline; its answer is what a /v1 caller would get (errors OpenAI-shaped). */
export async function callPipeline(c: Context<AppEnv>, call: PipelineCall): Promise<Response> {
  const incoming = c.req.raw;
  const headers = new Headers();
  for (const name of IDENTITY_HEADERS) {
    const value = incoming.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  if (call.conversation !== null) headers.set(CONVERSATION_HEADER, call.conversation);
  if (call.body) headers.set("content-type", "application/json");
  const request = new Request(new URL(`/mcp/${call.tool}`, incoming.url), {
    method: TOOL_CALLS[call.tool].method,
    headers,
    body: call.body ? JSON.stringify(call.body) : undefined,
    signal: call.signal ? AbortSignal.any([call.signal, incoming.signal]) : incoming.signal,
  });
  return pipeline.fetch(request, c.env, c.executionCtx);
}
