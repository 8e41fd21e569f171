/**
 * The kinds of model credential an attendee can register, as data (one entry per provider,
 * Portkey-style): what a token of that kind looks like, which provider the relay calls and
 * how the token is presented there, what else the provider wants of a call that OpenClaw
 * does not send it (its client's headers, another body: the ChatGPT Codex backend), which
 * refusals mean the token is dead, which paths the relay lets through, and which OpenClaw
 * request adapter and model the attendee's agent uses. Adding a provider adds an entry.
 */
import type { StoredCredential } from "./stored";
import type { Config } from "../settings/config";
import type { JsonObject } from "../pipeline/envelope/body";

export type CredentialKind = StoredCredential["kind"];

export const CREDENTIAL_KINDS = ["openai", "openai-codex", "anthropic"] as const satisfies readonly CredentialKind[];

export interface KindSpec {
  kind: CredentialKind;
  /** The shape of a token of this kind (checked before anything is stored or sent). */
  pattern: RegExp;
  /** The shape, for the attendee reading a refusal. */
  looksLike: string;
  /** The provider's base URL (a setting, defaulting to the real provider). */
  baseUrl(config: Config): string;
  /** The headers that carry the token to the provider. */
  authHeaders(token: string): Record<string, string>;
  /** Headers the provider wants on a call to `path` from its own clients, set over OpenClaw's. */
  clientHeaders(path: string): Record<string, string>;
  /** A model call's JSON body as the provider takes it, or null when OpenClaw's bytes go as they are. */
  reshape: ((path: string, body: JsonObject) => JsonObject) | null;
  /**
   * What a refusal says: the provider refused the token (`credential`: the attendee must
   * reconnect), or its edge turned the caller away whoever the token is (`edge`); null for
   * an answer that goes to OpenClaw as it is.
   */
  refusal(status: number): "credential" | "edge" | null;
  /** Paths under the base URL the relay forwards (model calls, and the model list). */
  paths: readonly RegExp[];
  /** A cheap call that tells whether the provider accepts the token; null when there is none. */
  check: { method: "GET"; path: string } | null;
  /** Whether a token is past its own expiry (only tokens that carry one). */
  expired(token: string, now: number): boolean;
  /** The OpenClaw request adapter (`models.providers.*.api`) the attendee's agent uses. */
  openclawApi: string;
  /** The model the attendee's agent asks for. */
  model: string;
}

const never = () => false;
const none = () => ({});
/** A key or a token refused: the usual way of OpenAI's and Anthropic's APIs. */
const refusedKey = (status: number) => (status === 401 || status === 403 ? "credential" as const : null);

/** A JWT's payload, or null. The signature is the provider's business: this reads claims only. */
export function jwtClaims(token: string): Record<string, unknown> | null {
  const part = token.split(".")[1];
  if (!part) return null;
  try {
    const json = atob(part.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(part.length / 4) * 4, "="));
    const claims = JSON.parse(json) as unknown;
    return claims !== null && typeof claims === "object" ? (claims as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The ChatGPT account a Codex access token belongs to (the backend wants it as a header). */
function chatgptAccountId(token: string): string | null {
  const auth = jwtClaims(token)?.["https://api.openai.com/auth"];
  const id = auth !== null && typeof auth === "object" ? (auth as Record<string, unknown>).chatgpt_account_id : undefined;
  return typeof id === "string" && /^[A-Za-z0-9-]{1,128}$/.test(id) ? id : null;
}

/** Who calls: OpenClaw's agent, named as OpenClaw's own Codex transport names itself. */
const CODEX_CLIENT = { originator: "openclaw", "user-agent": "openclaw (organized-gateway relay)" };
/** Fields the Codex backend answers 400 "Unsupported parameter: …" to (OpenClaw strips the same for it). */
const CODEX_UNSUPPORTED = [
  "max_output_tokens", "max_completion_tokens", "max_tokens", "metadata", "prompt_cache_retention", "prompt_cache_options",
  "service_tier", "temperature", "top_p",
] as const;
/** OpenClaw's own instructions when a turn has none: the backend refuses a call without. */
const CODEX_DEFAULT_INSTRUCTIONS = "You are a helpful assistant.";

function isSystemItem(item: unknown): item is { role: "system"; content?: unknown } {
  return item !== null && typeof item === "object" && (item as { role?: unknown }).role === "system";
}

/** The text of a message's content: a string, or the text of its text parts. */
function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.map((part) => (part !== null && typeof part === "object" && typeof (part as { text?: unknown }).text === "string" ? (part as { text: string }).text : ""))
    .filter((text) => text !== "").join("\n");
}

/**
 * A Responses call as the Codex backend takes it: streamed and not stored, the system
 * prompt in `instructions` (system items at the head of `input` move there; one later on,
 * e.g. a summary, becomes a developer message where it is), encrypted reasoning asked for
 * (nothing is stored, so the next turn replays it), and without the fields it refuses.
 */
export function codexResponsesBody(body: JsonObject): JsonObject {
  const out: JsonObject = { ...body, store: false, stream: true };
  for (const name of CODEX_UNSUPPORTED) delete out[name];
  const instructions = typeof body.instructions === "string" && body.instructions.trim() !== "" ? [body.instructions] : [];
  if (Array.isArray(body.input)) {
    let head = true;
    out.input = body.input.flatMap((item: unknown) => {
      if (!isSystemItem(item)) {
        head = false;
        return [item];
      }
      if (!head) return [{ ...item, role: "developer" }];
      const text = contentText(item.content);
      if (text.trim() !== "") instructions.push(text);
      return [];
    });
  }
  out.instructions = instructions.length > 0 ? instructions.join("\n\n") : CODEX_DEFAULT_INSTRUCTIONS;
  const include = Array.isArray(body.include) ? body.include : [];
  out.include = include.includes("reasoning.encrypted_content") ? include : [...include, "reasoning.encrypted_content"];
  return out;
}

export const KINDS: Readonly<Record<CredentialKind, KindSpec>> = {
  openai: {
    kind: "openai",
    pattern: /^sk-(?!ant-)[A-Za-z0-9_-]{8,256}$/,
    looksLike: "an OpenAI API key (sk-…, from https://platform.openai.com/api-keys)",
    baseUrl: (config) => config.credentials.providers.openai,
    authHeaders: (token) => ({ authorization: `Bearer ${token}` }),
    clientHeaders: none,
    reshape: null,
    refusal: refusedKey,
    paths: [/^\/chat\/completions$/, /^\/responses$/, /^\/embeddings$/, /^\/models(\/[^/]+)?$/],
    check: { method: "GET", path: "/models" },
    expired: never,
    openclawApi: "openai-completions",
    model: "gpt-5.4-mini",
  },
  anthropic: {
    kind: "anthropic",
    pattern: /^sk-ant-[A-Za-z0-9_-]{8,256}$/,
    looksLike: "an Anthropic API key (sk-ant-api…) or a `claude setup-token` token (sk-ant-oat01-…)",
    baseUrl: (config) => config.credentials.providers.anthropic,
    // A subscription token (`claude setup-token`) is an OAuth bearer; an API key is x-api-key.
    authHeaders: (token): Record<string, string> => (token.startsWith("sk-ant-oat")
      ? { authorization: `Bearer ${token}`, "anthropic-beta": "oauth-2025-04-20" }
      : { "x-api-key": token }),
    clientHeaders: none,
    reshape: null,
    refusal: refusedKey,
    paths: [/^\/v1\/messages$/, /^\/v1\/messages\/count_tokens$/, /^\/v1\/models(\/[^/]+)?$/],
    check: { method: "GET", path: "/v1/models" },
    expired: never,
    openclawApi: "anthropic-messages",
    model: "claude-sonnet-4-6",
  },
  "openai-codex": {
    kind: "openai-codex",
    // The access token of a ChatGPT sign-in (a JWT). The gateway never takes a refresh token:
    // the attendee's own Codex sign-in stays the one owner that refreshes (docs/credentials.md).
    pattern: /^eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}$/,
    looksLike: "the access token of your ChatGPT (Codex) sign-in (eyJ…, from ~/.codex/auth.json)",
    baseUrl: (config) => config.credentials.providers.codex,
    authHeaders: (token) => {
      const account = chatgptAccountId(token);
      return { authorization: `Bearer ${token}`, ...(account ? { "chatgpt-account-id": account } : {}) };
    },
    // OpenClaw 2026.9.6 calls a custom provider of this api with the OpenAI SDK, as any
    // Responses API: none of the Codex client's headers, and a body the backend refuses
    // (400). The relay makes it the call the Codex CLI makes (docs/credentials.md, "What
    // the ChatGPT (Codex) backend takes").
    clientHeaders: (path) => (path === "/responses"
      ? { ...CODEX_CLIENT, "openai-beta": "responses=experimental", accept: "text/event-stream", "content-type": "application/json" }
      : { ...CODEX_CLIENT, accept: "application/json" }),
    reshape: (path, body) => (path === "/responses" ? codexResponsesBody(body) : body),
    // 401 is the backend's answer to an expired or invalidated token; a 403 comes from
    // chatgpt.com's Cloudflare edge (a challenge page, a blocked address), whatever the token.
    refusal: (status) => (status === 401 ? "credential" : status === 403 ? "edge" : null),
    paths: [/^\/responses$/, /^\/models$/],
    check: null,
    expired: (token, now) => {
      const exp = jwtClaims(token)?.exp;
      return typeof exp === "number" && exp * 1000 <= now;
    },
    openclawApi: "openai-chatgpt-responses",
    model: "gpt-5.5",
  },
};

/**
 * Headers of OpenClaw's model call that the relay passes on (never its Authorization: that
 * is the relay token). `session_id` and `x-client-request-id` are the Codex client's
 * conversation ids, should OpenClaw send them.
 */
export const RELAYED_REQUEST_HEADERS = [
  "content-type", "accept", "anthropic-version", "anthropic-beta", "openai-beta", "session_id", "x-client-request-id",
] as const;
