/**
 * The MCP server `openclaw` an editor sees: its tools, each with a description an editor's
 * model picks correctly. One server per HTTP request (the transport is stateless, see
 * index.ts); what the tools do is agent.ts's.
 */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { CfWorkerJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/cfworker";
import type { Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../app-env";
import type { Config } from "../../settings/config";
import { askAgent, listModels, newConversation } from "./agent";
import { CONVERSATION_ID_PATTERN } from "./conversation";

export const SERVER_NAME = "openclaw";
const SERVER_VERSION = "1.0.0";

const INSTRUCTIONS =
  "This server is the user's own OpenClaw agent on their workshop's gateway. Use ask_agent when the user wants " +
  "their agent (\"my agent\", \"OpenClaw\", \"the workshop agent\") to answer or do something; it remembers a " +
  "conversation when you pass back the conversation_id of its earlier answer. Use new_conversation only when the " +
  "user wants a fresh start, and list_models when they ask which models they may use.";

export function mcpServer(c: Context<AppEnv>, config: Config): McpServer {
  // The default validator (Ajv) compiles schemas with `new Function`, which workerd forbids.
  const server = new McpServer(
    { name: SERVER_NAME, title: "OpenClaw workshop agent", version: SERVER_VERSION },
    { instructions: INSTRUCTIONS, jsonSchemaValidator: new CfWorkerJsonSchemaValidator() },
  );

  server.registerTool("ask_agent", {
    title: "Ask my OpenClaw agent",
    description:
      "Sends a message to the user's own OpenClaw agent (\"my agent\", \"the workshop agent\") and returns its answer, " +
      "streamed as progress while it writes; a turn can take minutes when the agent uses its tools. To continue a " +
      "conversation, pass the conversation_id returned with an earlier answer; leave it out to start a new one. " +
      "Refusals (rate limit, quota, access paused) come back as an error with the sentence to show the user.",
    inputSchema: {
      prompt: z.string().min(1).describe("The message for the agent, as the user would type it."),
      conversation_id: z.string().regex(CONVERSATION_ID_PATTERN, "letters, digits, '-' or '_', at most 64").optional()
        .describe("The conversation to continue (from an earlier ask_agent or new_conversation answer). Leave out to start a new one."),
      model: z.string().min(1).max(128).optional()
        .describe("A model id from list_models. Leave out to use the workshop's default."),
    },
    annotations: { title: "Ask my OpenClaw agent", readOnlyHint: false, destructiveHint: false, openWorldHint: true },
  }, (args, extra) => askAgent(c, config, args, extra));

  server.registerTool("new_conversation", {
    title: "Start a new conversation with my agent",
    description: "Returns a fresh conversation_id for ask_agent, when the user wants to start over: the agent begins it with " +
      "no memory of the user's other conversations. Not needed for a first question (ask_agent without an id starts one).",
    annotations: { title: "Start a new conversation with my agent", readOnlyHint: true, openWorldHint: false },
  }, () => newConversation());

  server.registerTool("list_models", {
    title: "List the models I may use",
    description: "Lists the model ids the user's gateway key may use on their workshop gateway, for ask_agent's model. " +
      "Counts as a call of the user's own (rate limit, log), like asking the gateway's /v1/models.",
    annotations: { title: "List the models I may use", readOnlyHint: true, openWorldHint: false },
  }, (extra) => listModels(c, extra));

  return server;
}
