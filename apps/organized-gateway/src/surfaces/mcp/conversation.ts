/**
 * MCP conversation ids: what an editor's model sends to continue a conversation with the
 * attendee's agent, and what the pipeline is given as the surface's `conversation`.
 *
 * An id is a name, not a capability: the pipeline derives the OpenClaw session from the
 * attendee (their canonical id and generation) and this conversation, so whatever id a
 * caller sends, it can only ever name one of that caller's own sessions. The `mcp:` prefix
 * keeps MCP conversations apart from the other surfaces' (an editor's `c-1` is never a
 * Claude Code session of the same attendee).
 */

/** What a conversation id may look like: short, URL- and log-safe. */
export const CONVERSATION_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

const SURFACE_PREFIX = "mcp:";

/** 96 random bits, base64url: unguessable, though guessing one would gain nothing. */
export function newConversationId(random: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b)): string {
  const bytes = random(new Uint8Array(12));
  return `c-${btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", "")}`;
}

/** The pipeline's `conversation` for an MCP conversation id (already checked against the pattern). */
export function pipelineConversation(conversationId: string): string {
  return SURFACE_PREFIX + conversationId;
}
