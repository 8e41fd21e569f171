/**
 * Who may use `/mcp`: the holder of a gateway key, sent as a bearer token — the key the kit
 * put in the attendee's .env. Anyone else is refused before any MCP message is read, with
 * the same codes as /v1 (gateway_key_required, invalid_gateway_key), a log row and a charge
 * to their network's refusals budget (admit/refusals.ts), so a stranger cannot write rows
 * at will nor guess keys here.
 *
 * Which messages need the key checked here: a tool call that goes through the pipeline
 * (ask_agent, list_models) is checked by admission itself, in the same one call to the
 * attendee's object that admits it; everything else (initialize, tools/list, …) is
 * checked against that object here (credentials/key-holder.ts), at no cost to the attendee.
 */
import type { Config } from "../../settings/config";
import { requireKeyHolder } from "../../credentials/key-holder";
import { bearerToken, identify, type Principal } from "../../pipeline/identify";
import { refusal } from "../../errors";

/** The tools whose every call is a pipeline call, so admission checks the key. */
export const PIPELINE_TOOLS: ReadonlySet<string> = new Set(["ask_agent", "list_models"]);

/**
 * The caller as /v1 identifies them (a malformed Authorization or key gets /v1's refusal),
 * and only a gateway key's holder: a bare X-User-ID or no key at all is refused.
 */
export async function identifyKeyHolder(headers: Headers, config: Config): Promise<Principal> {
  const principal = await identify(headers, config);
  if (principal.credential.kind !== "key") {
    const placeholder = unexpandedPlaceholder(bearerToken(headers.get("authorization")));
    throw placeholder !== null
      ? refusal("gateway_key_required", { why: "mcp_placeholder", placeholder })
      : refusal("gateway_key_required", { why: "mcp" });
  }
  return principal;
}

/**
 * The editor's own `${…}` reference when it sent one unexpanded as the key (Claude Code sends
 * `${OCG_KEY}` as it is when OCG_KEY is not in its environment; Cursor's `${env:…}`, VS Code's
 * `${input:…}` alike), so the refusal can say what happened: the editor was started without the
 * key, not given a wrong one. Only a short reference of name characters is named back.
 */
export function unexpandedPlaceholder(token: string | undefined): string | null {
  return token !== undefined && /^\$\{[A-Za-z_][A-Za-z0-9_:.-]{0,63}\}$/.test(token) ? token : null;
}

/** Checks the key with the attendee's object (wrong guesses counted per network); /v1's 401 when it is not right. */
export async function requireRightKey(env: Env, config: Config, headers: Headers): Promise<void> {
  await requireKeyHolder(env, config, headers);
}

/**
 * Whether the door must check the key with the attendee's object: yes unless every message
 * is a call of a pipeline tool (whose admission checks it). A body that is no JSON-RPC at
 * all is checked too: the transport will refuse it, but not before the key is known right.
 */
export function needsKeyCheck(body: unknown): boolean {
  const messages = Array.isArray(body) ? body : [body];
  if (messages.length === 0) return true;
  return !messages.every((message) => {
    if (message === null || typeof message !== "object") return false;
    const { method, params } = message as { method?: unknown; params?: { name?: unknown } };
    return method === "tools/call" && typeof params?.name === "string" && PIPELINE_TOOLS.has(params.name);
  });
}
