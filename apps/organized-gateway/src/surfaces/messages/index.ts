/**
 * `POST /v1/messages`: Anthropic's Messages API, for Claude Code and every tool that speaks it,
 * as a surface of the one pipeline (pipeline/index.ts): identified, admitted, limited, routed,
 * logged and metered like any call. The request is translated to the chat completion the node
 * serves (request.ts) — on an OpenClaw node also shaped for it (clashing tool names renamed,
 * route/openclaw-shape/) — and the answer back into a Message, or Anthropic's event stream
 * event by event (answer.ts, stream.ts). Errors are Anthropic-shaped (errors.ts).
 *
 * The gateway key is taken as `x-api-key` (what Anthropic's clients and an `apiKeyHelper` send)
 * or as a bearer (`ANTHROPIC_AUTH_TOKEN`); `anthropic-version` and `anthropic-beta` are
 * accepted and not passed on (the node speaks chat completions). `POST
 * /v1/messages/count_tokens` answers an estimate (count-tokens.ts) without a model call.
 */
import type { Context } from "hono";
import type { AppEnv } from "../../app-env";
import { configFor } from "../../settings/config";
import { modelCall, type Surface } from "../../pipeline";
import { readJsonObject, type JsonObject } from "../../pipeline/envelope/body";
import { identify } from "../../pipeline/identify";
import { conversationOf } from "../../pipeline/route/conversation";
import { shapeForOpenClaw, type AnswerReshaper } from "../../pipeline/route/openclaw-shape";
import { rewriteEvents } from "../../pipeline/route/openclaw-shape/sse-events";
import { refusal, toGatewayError, type GatewayError } from "../../errors";
import { toMessage } from "./answer";
import { estimateInputTokens } from "./count-tokens";
import { anthropicErrorBody, reshapeErrorBody } from "./errors";
import { toChatRequest } from "./request";
import { MessagesStreamTranslator } from "./stream";

const CHAT = { kind: "chat", method: "POST", json: true } as const;

/**
 * What the answer's translation needs of the request, kept on the body the node is sent
 * under a symbol key: JSON.stringify never sends it, and it goes wherever that body goes.
 */
const TRANSLATION = Symbol("messages-translation");

interface Translation {
  /** The caller's model: an Anthropic client expects back the model it asked for. */
  model: string;
  inputTokens: number;
  openclaw: AnswerReshaper | null;
}

type Translated = JsonObject & { [TRANSLATION]?: Translation };

/** The caller's headers with an `x-api-key` as the bearer when no bearer came. */
function withApiKeyAsBearer(headers: Headers): Headers {
  const apiKey = headers.get("x-api-key")?.trim();
  if (!apiKey || headers.has("authorization")) return headers;
  const copy = new Headers(headers);
  copy.set("authorization", `Bearer ${apiKey}`);
  return copy;
}

export const messagesSurface: Surface = {
  identify: (request, config) => identify(withApiKeyAsBearer(request.headers), config),
  endpoint: (request, url) => {
    if (url.pathname !== "/v1/messages") throw refusal("unknown_endpoint", { path: url.pathname });
    if (request.method !== "POST") throw refusal("method_not_allowed", { path: url.pathname, allowed: "POST", method: request.method }, { allow: "POST" });
    return { endpoint: CHAT, path: "/v1/chat/completions" };
  },
  conversation: (json, request) => conversationOf("messages", request.headers, json),
  shapeRequest: (json, node) => {
    const chat: Translated = toChatRequest(json);
    // The usage chunk is the message's usage: ask for it, and keep it from being stripped.
    if (chat.stream === true) chat.stream_options = { include_usage: true };
    const openclaw = node.strategy.shapesForAgent ? shapeForOpenClaw("chat", chat).answer : null;
    Object.defineProperty(chat, TRANSLATION, {
      value: { model: String(json.model), inputTokens: estimateInputTokens(json), openclaw } satisfies Translation,
      enumerable: false,
    });
    return chat;
  },
  shapeResponse: (response, { sent, requestId }) => translateAnswer(response, (sent as Translated | null)?.[TRANSLATION] ?? null, requestId),
  answerError: (error, headers) => anthropicError(error, headers),
  forwardedHeaders: ["content-type", "accept", "user-agent"],
};

export const messages = modelCall(messagesSurface);

async function translateAnswer(response: Response, translation: Translation | null, requestId: string): Promise<Response> {
  const headers = new Headers(response.headers);
  headers.delete("content-length");
  headers.set("request-id", requestId);
  if (!response.ok) {
    const text = response.body ? await response.text() : "";
    headers.set("content-type", "application/json; charset=utf-8");
    return new Response(reshapeErrorBody(response.status, text, requestId), { status: response.status, headers });
  }
  if (!response.body || !translation) return new Response(response.body, { status: response.status, headers });
  const reshape = translation.openclaw;
  if ((headers.get("content-type") ?? "").includes("text/event-stream")) {
    const translator = new MessagesStreamTranslator(translation.model, translation.inputTokens);
    const renamed = reshape?.stream() ?? ((raw: string) => [raw]);
    const body = rewriteEvents(response.body, (raw) => renamed(raw).flatMap((event) => translator.event(event)), () => translator.end());
    headers.set("content-type", "text/event-stream; charset=utf-8");
    return new Response(body, { status: response.status, headers });
  }
  const text = await response.text();
  let completion: JsonObject;
  try {
    completion = JSON.parse(text) as JsonObject;
  } catch {
    headers.set("content-type", "application/json; charset=utf-8");
    return new Response(anthropicErrorBody(502, "The agent server's answer was not JSON.", requestId), { status: 502, headers });
  }
  if (reshape) completion = reshape.json(completion);
  headers.set("content-type", "application/json; charset=utf-8");
  return new Response(JSON.stringify(toMessage(completion, translation.model)), { status: response.status, headers });
}

function anthropicError(error: GatewayError, headers: Record<string, string>): Response {
  const out = new Headers(headers);
  for (const [name, value] of Object.entries(error.headers)) out.set(name, value);
  out.set("content-type", "application/json; charset=utf-8");
  const requestId = headers["x-request-id"];
  if (requestId) out.set("request-id", requestId);
  return new Response(anthropicErrorBody(error.status, error.message, requestId), { status: error.status, headers: out });
}

/**
 * `POST /v1/messages/count_tokens`: an estimate (count-tokens.ts), no model call, so no
 * admission and no log row; the caller must still look like a gateway caller (a key in
 * `x-api-key` or a bearer), and the body is read under the same size cap.
 */
export async function countTokens(c: Context<AppEnv>): Promise<Response> {
  const requestId = c.get("requestId");
  try {
    const config = configFor(c.env);
    if (c.req.method !== "POST") {
      throw refusal("method_not_allowed", { path: "/v1/messages/count_tokens", allowed: "POST", method: c.req.method }, { allow: "POST" });
    }
    await identify(withApiKeyAsBearer(c.req.raw.headers), config);
    const body = await readJsonObject(c.req.raw, config.limits.maxBodyBytes);
    if (!Array.isArray(body.messages)) throw refusal("invalid_request", { field: "messages", rule: "an array of messages is required." });
    return Response.json({ input_tokens: estimateInputTokens(body) }, { headers: { "request-id": requestId, "x-request-id": requestId } });
  } catch (thrown) {
    return anthropicError(toGatewayError(thrown), { "x-request-id": requestId });
  }
}
