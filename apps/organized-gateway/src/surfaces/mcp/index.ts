/**
 * `/mcp`: the attendee's OpenClaw agent as an MCP server (`openclaw`) over Streamable HTTP,
 * for any editor that reads a project's MCP file (Cursor, VS Code, Claude Code, Windsurf)
 * and any MCP client. A surface of the one pipeline: every tool call that reaches the agent
 * is a pipeline call (pipeline-call.ts) — identified, admitted, routed to the attendee's own
 * node and session, logged with its own row, refused with /v1's codes.
 *
 * Library: the official `@modelcontextprotocol/sdk`, its web-standard Streamable HTTP
 * transport (Request in, Response out) in stateless mode: one server and transport per
 * HTTP request, no `Mcp-Session-Id`. It runs in workerd as is (with its Cloudflare-Worker
 * JSON Schema validator instead of Ajv) and works with this project's Zod 4 and Hono.
 * `@hono/mcp` is a thin Hono wrapper over the same transport (and brings a rate limiter
 * peer we do not use); Cloudflare's `agents` (`McpAgent`) keeps one Durable Object per MCP
 * session. Stateless loses nothing here: the only state worth keeping is a conversation,
 * and that lives in the attendee's OpenClaw session, named by the conversation id the
 * tools hand out — so a DO per MCP session would buy nothing but a hop and storage.
 *
 * Stateless means no server-initiated stream: `GET` (and `DELETE`, which ends a session)
 * answer 405, as the transport spec allows; progress and the answer stream back on the
 * POST's own SSE response, kept alive by the transport's comment frames.
 */
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { Hono, type Context } from "hono";
import { chargeRefusal } from "../../pipeline/admit/refusals";
import type { AppEnv } from "../../app-env";
import { configFor, type Config } from "../../settings/config";
import { readCappedText } from "../../pipeline/envelope/body";
import { UNAUTHENTICATED } from "../../pipeline/identify/user-id";
import { logged } from "../../pipeline/settle/logged";
import { errorResponse, refusal } from "../../errors";
import { ipHash } from "../../shared/network";
import { identifyKeyHolder, needsKeyCheck, requireRightKey } from "./door";
import { mcpServer } from "./server";

export function mcpRoutes() {
  return new Hono<AppEnv>()
    .post("/", answerMcp)
    .on(["GET", "DELETE"], "/", (c) => errorResponse(refusal("method_not_allowed", { path: "/mcp", allowed: "POST", why: "mcp" }, { allow: "POST" }),
      { "x-request-id": c.get("requestId") }));
}

async function answerMcp(c: Context<AppEnv>): Promise<Response> {
  const config = configFor(c.env);
  const request = c.req.raw;
  let body: unknown;
  try {
    await identifyKeyHolder(request.headers, config);
    const text = await readCappedText(request, config.limits.maxBodyBytes);
    body = parseJson(text);
    if (needsKeyCheck(body)) await requireRightKey(c.env, config, request.headers);
  } catch (thrown) {
    return refuse(c, config, thrown);
  }
  if (body === undefined) {
    return Response.json({ jsonrpc: "2.0", id: null, error: { code: -32700, message: "Parse error: the body is not JSON." } }, { status: 400 });
  }
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined });
  await mcpServer(c, config).connect(transport);
  return transport.handleRequest(request, { parsedBody: body });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A caller refused at the door: /v1's answer (OpenAI-shaped), a row, a charge to their network. */
function refuse(c: Context<AppEnv>, config: Config, thrown: unknown): Promise<Response> {
  const answer = logged(async (_c, log) => {
    log.row.user_id = UNAUTHENTICATED;
    log.row.ip_hash = await ipHash(config.hashSecret, c.req.raw.headers);
    log.target.flushMs = config.logFlushMs;
    throw await chargeRefusal(c.env, config, c.req.raw.headers, thrown);
  });
  return answer(c, async () => {}) as Promise<Response>;
}
