/**
 * Client tool names OpenClaw would refuse, and the names they travel under instead.
 *
 * OpenClaw (2026.9.6) answers "client tool name conflict: Read, Bash" and fails the turn when
 * a caller's tool, folded the way its tool policy folds names (trimmed, lower-cased, aliases
 * `bash`→`exec`, `apply-patch`→`apply_patch`, `cron`→`automations`), equals one of its own
 * tools or another client tool. Its own are `AGENT_RESERVED_TOOL_NAMES` (bash, edit, find,
 * grep, ls, read, write), always, plus whichever core tools the host's config leaves on —
 * which the gateway cannot see, so every name in its core tool catalog counts as taken.
 * Claude Code (`Bash`, `Read`, `Write`, `Edit`, `Grep`), opencode and Continue all offer such
 * names. A clashing tool is offered to OpenClaw as `client_<name>` (or `client2_<name>`, … if
 * that is taken too), and every call of it that comes back is given its own name again.
 */

/** `AGENT_RESERVED_TOOL_NAMES` in OpenClaw's dist (src/agents/embedded-agent-runner/tool-name-allowlist.ts). */
const AGENT_RESERVED = ["bash", "edit", "find", "grep", "ls", "read", "write"];

/** The ids of OpenClaw's core tool catalog (dist/tool-catalog-*.mjs), and its tool-search pair. */
const CORE_CATALOG = [
  "ls", "read", "write", "edit", "apply_patch", "exec", "process", "code_execution", "secrets", "web_search",
  "web_fetch", "x_search", "memory_search", "memory_get", "sessions", "sessions_list", "sessions_history",
  "sessions_search", "conversations_list", "conversations_send", "conversations_turn", "sessions_send",
  "sessions_spawn", "github_identity_status", "github_publish", "agents_wait", "sessions_yield", "subagents",
  "session_status", "suggest_task", "dismiss_task", "browser", "screen", "theme", "dashboard", "terminal", "portal",
  "canvas", "show_widget", "message", "heartbeat_respond", "gateway", "plugins", "openclaw", "nodes", "computer",
  "mobile_ui", "agents_list", "get_goal", "create_goal", "update_goal", "progress_card", "ask_user",
  "skill_workshop", "view_image", "image_generate", "music_generate", "video_generate", "tts", "pdf",
  "tool_search", "tool_call", "automations",
];

/** OpenClaw's `TOOL_NAME_ALIASES` (dist/tool-policy-shared-*.mjs). */
const ALIASES = new Map([["bash", "exec"], ["apply-patch", "apply_patch"], ["cron", "automations"]]);

/** A tool name as OpenClaw compares it (`normalizeToolPolicyName`). */
export function foldToolName(name: string): string {
  const folded = name.trim().toLowerCase();
  return ALIASES.get(folded) ?? folded;
}

const TAKEN_BY_OPENCLAW: ReadonlySet<string> = new Set([...AGENT_RESERVED, ...CORE_CATALOG].map(foldToolName));

/** True when OpenClaw keeps `name` for its own tools. */
export function isReservedByOpenClaw(name: string): boolean {
  return TAKEN_BY_OPENCLAW.has(foldToolName(name));
}

/**
 * The two-way name map for one request's client tools. Built from every name the request
 * offers, in order; a name OpenClaw reserves, or one that folds onto an earlier client tool,
 * gets a new name that folds onto nothing taken.
 */
export class ToolNames {
  private readonly upstreamOf = new Map<string, string>();
  private readonly clientOf = new Map<string, string>();

  constructor(clientNames: Iterable<string>) {
    const names = [...new Set(clientNames)];
    const taken = new Set<string>(TAKEN_BY_OPENCLAW);
    // Names that need no change keep them; they are reserved first so a renamed one never lands on them.
    const keeps = new Set<string>();
    for (const name of names) {
      const folded = foldToolName(name);
      if (!taken.has(folded)) {
        taken.add(folded);
        keeps.add(name);
      }
    }
    for (const name of names) {
      if (keeps.has(name)) continue;
      let renamed = `client_${name}`;
      for (let n = 2; taken.has(foldToolName(renamed)); n++) renamed = `client${n}_${name}`;
      taken.add(foldToolName(renamed));
      this.upstreamOf.set(name, renamed);
      this.clientOf.set(renamed, name);
    }
  }

  /** The name OpenClaw is told for a client tool (unchanged unless it clashes). */
  toUpstream(name: string): string {
    return this.upstreamOf.get(name) ?? name;
  }

  /** The client's own name for a tool name OpenClaw's answer uses. */
  toClient(name: string): string {
    return this.clientOf.get(name) ?? name;
  }

  /** Whether any name changed (an answer then needs renaming back). */
  get renames(): boolean {
    return this.upstreamOf.size > 0;
  }
}
