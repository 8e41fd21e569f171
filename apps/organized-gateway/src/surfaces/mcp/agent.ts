/**
 * What the MCP tools do, each as model calls of the one pipeline (pipeline-call.ts): asking
 * the attendee's agent (streamed; every piece of the answer is a progress notification, and
 * a turn that goes quiet — the agent running a tool, thinking — still sends one every
 * MCP_HEARTBEAT_MS, so a client that resets its timeout on progress never gives up on a long
 * turn) and listing the models the attendee may use. A refusal of the pipeline is the
 * tool's error, worded as /v1 words it.
 */
import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type { CallToolResult, ServerNotification, ServerRequest } from "@modelcontextprotocol/sdk/types.js";
import type { Context } from "hono";
import type { AppEnv } from "../../app-env";
import { refusal } from "../../errors";
import type { Config } from "../../settings/config";
import { ChatStreamReader, refusalOf, type AgentRefusal } from "./answer";
import { newConversationId, pipelineConversation } from "./conversation";
import { callPipeline } from "./pipeline-call";

export type ToolExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** The model a turn names when the caller names none: the kit's own default. */
export const DEFAULT_MODEL = "gpt-4o-mini";

export interface AskArgs {
  prompt: string;
  conversation_id?: string;
  model?: string;
}

export async function askAgent(c: Context<AppEnv>, config: Config, args: AskArgs, extra: ToolExtra): Promise<CallToolResult> {
  const conversationId = args.conversation_id ?? newConversationId();
  const progress = progressSender(extra);
  const response = await callPipeline(c, {
    tool: "ask_agent",
    body: { model: args.model ?? DEFAULT_MODEL, messages: [{ role: "user", content: args.prompt }], stream: true },
    conversation: pipelineConversation(conversationId),
    signal: extra.signal,
  });
  if (!response.ok || !response.body) return refusalResult(await refusalOf(response));

  const reader = new ChatStreamReader();
  const decoder = new TextDecoder();
  let answer = "";
  let finished = false;
  const heartbeat = setInterval(() => progress.send(`Your agent is still working (${answer.length} characters so far).`),
    config.mcpHeartbeatMs);
  try {
    for await (const bytes of response.body) {
      const step = reader.push(decoder.decode(bytes, { stream: true }));
      if (step.failure) return failedTurn(step.failure.code, step.failure.message, answer);
      if (step.text !== "") {
        answer += step.text;
        progress.send(step.text);
      }
      finished ||= step.finished;
    }
  } catch {
    // The stream broke off (the agent server went away mid-answer): the pipeline logged it.
  } finally {
    clearInterval(heartbeat);
  }
  if (!finished) return failedTurn("stream_cut", refusal("stream_cut").message, answer);
  return {
    content: [
      { type: "text", text: answer },
      { type: "text", text: `conversation_id: ${conversationId} (pass it to ask_agent to continue this conversation)` },
    ],
    structuredContent: { answer, conversation_id: conversationId },
  };
}

export function newConversation(): CallToolResult {
  const conversationId = newConversationId();
  return {
    content: [{ type: "text", text: `conversation_id: ${conversationId} (pass it to ask_agent; the agent starts this conversation with no earlier turns)` }],
    structuredContent: { conversation_id: conversationId },
  };
}

export async function listModels(c: Context<AppEnv>, extra: ToolExtra): Promise<CallToolResult> {
  const response = await callPipeline(c, { tool: "list_models", conversation: null, signal: extra.signal });
  if (!response.ok) return refusalResult(await refusalOf(response));
  const listed = (await response.json().catch(() => null)) as { data?: { id?: unknown }[] } | null;
  const models = (listed?.data ?? []).flatMap((model) => (typeof model?.id === "string" ? [model.id] : []));
  return {
    content: [{ type: "text", text: models.length > 0 ? `Models you may use: ${models.join(", ")}` : "No models are listed for you." }],
    structuredContent: { models },
  };
}

/** A turn that failed after it started: the sentence first, then what the agent had written so far. */
function failedTurn(code: string, message: string, partial: string): CallToolResult {
  const failed = refusalResult({ status: 502, type: "upstream_error", code, message, retryAfterSeconds: null });
  if (partial !== "") failed.content.push({ type: "text", text: `What your agent had written so far:\n${partial}` });
  return failed;
}

/** A refusal as the tool's error: the sentence first, so an editor shows the attendee what to do. */
export function refusalResult(refusal: AgentRefusal): CallToolResult {
  return {
    isError: true,
    content: [{ type: "text", text: refusal.message }],
    structuredContent: { error: refusal },
  };
}

/** Progress notifications for a call whose client asked for them (sent a progress token); each one counts up. */
function progressSender(extra: ToolExtra): { send(message: string): void } {
  const token = extra._meta?.progressToken;
  let count = 0;
  return {
    send(message) {
      if (token === undefined) return;
      count++;
      extra.sendNotification({ method: "notifications/progress", params: { progressToken: token, progress: count, message } })
        .catch(() => {});
    },
  };
}
