/**
 * Which of an attendee's conversations a request belongs to, from what the calling tool sends
 * per conversation, so each conversation can get its own OpenClaw session (an attendee's tools
 * then never see each other's turns, and two of them at once are two sessions, not one queue).
 * The string is the caller's, so it is only ever used hashed inside that attendee's own key
 * space (route/session.ts): it can separate an attendee's conversations, never reach another's.
 *
 * What each tool sends (captured from the real tools through a real OpenClaw, Dec 2026):
 * - Claude Code 2.1: an `x-claude-code-session-id` header, and the same id in `metadata.user_id`
 *   (a JSON string with `session_id`; older versions: `user_<hash>_account_<uuid>_session_<uuid>`).
 * - Codex CLI 0.171: `session-id` and `thread-id` headers, and the same id as `prompt_cache_key`.
 * - opencode 1.18: an `x-session-id` header (its `ses_…` id).
 * - Continue `cn` 1.5: nothing per conversation, and a user agent of its HTTP library only: one
 *   session for the attendee, unless its config sends an `x-session-id` header.
 * - Any client: an explicit `x-session-id` header, or `metadata.session_id` / `conversation_id`.
 * When none of these is there, a tool known by its user agent (Claude Code, Codex, opencode,
 * Continue) still gets one conversation of its own; anything else gets null — the attendee's
 * one default session, as before (the kit's `agent.sh` relies on that memory).
 */

export type Surface = "chat" | "response" | "messages";

/** Longer values are cut: the string is hashed anyway, and a tool's ids are far shorter. */
const MAX_CHARS = 200;

const SESSION_HEADERS = [
  "x-claude-code-session-id", "x-session-id", "x-opencode-session", "session-id", "session_id", "thread-id", "conversation-id", "conversation_id",
];

/** User-agent product names of the tools, each one conversation when it sends nothing finer. */
const TOOL_AGENTS: readonly [RegExp, string][] = [
  [/\bclaude-cli\//i, "claude-code"],
  [/\bcodex[\w-]*\//i, "codex"],
  [/\bopencode\//i, "opencode"],
  [/\bcontinue/i, "continue"],
];

export function conversationOf(surface: Surface, headers: Headers, body: Record<string, unknown> | null): string | null {
  const found = fromHeaders(headers) ?? (body ? fromBody(surface, body) : null) ?? fromUserAgent(headers.get("user-agent"));
  return found === null ? null : found.slice(0, MAX_CHARS);
}

function fromHeaders(headers: Headers): string | null {
  for (const name of SESSION_HEADERS) {
    const value = headers.get(name)?.trim();
    if (value) return `${name}:${value}`;
  }
  return null;
}

function fromBody(surface: Surface, body: Record<string, unknown>): string | null {
  const metadata = isObject(body.metadata) ? body.metadata : null;
  if (surface === "messages" && metadata && typeof metadata.user_id === "string") {
    const session = claudeSession(metadata.user_id);
    if (session) return `claude-session:${session}`;
  }
  for (const key of ["session_id", "conversation_id"] as const) {
    const value = metadata?.[key];
    if (typeof value === "string" && value.trim() !== "") return `${key}:${value.trim()}`;
  }
  for (const key of ["prompt_cache_key", "promptCacheKey"] as const) {
    const value = body[key];
    if (typeof value === "string" && value.trim() !== "") return `cache-key:${value.trim()}`;
  }
  return null;
}

/** Claude Code's session id inside `metadata.user_id`, in either of its forms. */
function claudeSession(userId: string): string | null {
  const legacy = /_session_([0-9a-f-]{8,})$/i.exec(userId);
  if (legacy) return legacy[1];
  if (!userId.startsWith("{")) return null;
  try {
    const parsed = JSON.parse(userId) as unknown;
    return isObject(parsed) && typeof parsed.session_id === "string" && parsed.session_id !== "" ? parsed.session_id : null;
  } catch {
    return null;
  }
}

function fromUserAgent(userAgent: string | null): string | null {
  if (!userAgent) return null;
  for (const [pattern, tool] of TOOL_AGENTS) if (pattern.test(userAgent)) return `tool:${tool}`;
  return null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
