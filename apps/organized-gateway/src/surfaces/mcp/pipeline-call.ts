/**
 * The one pipeline, as the MCP surface reaches it: one model call made on the attendee's
 * behalf with their own credentials (their Authorization, their X-Project-ID), so it is
 * identified, admitted (rate limit, quota, node slot), routed to their own node and
 * session, forwarded and settled with its own log row exactly like a /v1 call — and
 * refused with the same codes. The MCP surface never talks to an upstream itself.
 *
 * Until the pipeline's surface interface lands, the call goes through the /v1 handler as a
 * /v1 request; `conversation` is then not yet honoured (every MCP conversation of an
 * attendee shares their one session).
 */
import { Hono, type Context } from "hono";
import type { AppEnv } from "../../app-env";
import type { JsonObject } from "../../pipeline/envelope/body";
import { proxyV1 } from "../v1";

export interface PipelineCall {
  method: "GET" | "POST";
  /** The /v1 endpoint whose shape the call takes (`/v1/chat/completions`, `/v1/models`). */
  path: string;
  body?: JsonObject;
  /** The surface's conversation (conversation.ts): one OpenClaw session of this attendee each. */
  conversation: string | null;
  /** Aborts the call (the MCP client cancelled the tool call or went away). */
  signal?: AbortSignal;
}

/** Caller headers that identify the attendee, their project and their network; nothing else of the MCP request travels. */
const IDENTITY_HEADERS = ["authorization", "x-project-id", "user-agent", "cf-connecting-ip"];

const v1 = new Hono<AppEnv>()
  .use("*", async (c, next) => {
    c.set("requestId", `req_${crypto.randomUUID().replaceAll("-", "")}`);
    await next();
  })
  .all("/v1/*", proxyV1);

/** One model call through the pipeline; its answer is what a /v1 caller would get (errors OpenAI-shaped). */
export function callPipeline(c: Context<AppEnv>, call: PipelineCall): Promise<Response> {
  const incoming = c.req.raw;
  const headers = new Headers();
  for (const name of IDENTITY_HEADERS) {
    const value = incoming.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  if (call.body) headers.set("content-type", "application/json");
  const request = new Request(new URL(call.path, incoming.url), {
    method: call.method, headers, body: call.body ? JSON.stringify(call.body) : undefined,
    signal: call.signal ? AbortSignal.any([call.signal, incoming.signal]) : incoming.signal,
  });
  return Promise.resolve(v1.fetch(request, c.env, c.executionCtx));
}
