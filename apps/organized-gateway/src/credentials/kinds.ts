/**
 * The kinds of model credential an attendee can register, as data (one entry per provider,
 * Portkey-style): what a token of that kind looks like, which provider the relay calls and
 * how the token is presented there, which paths the relay lets through, and which OpenClaw
 * request adapter and model the attendee's agent uses. Adding a provider adds an entry.
 */
import type { StoredCredential } from "../admit/protocol";
import type { Config } from "../config";

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

export const KINDS: Readonly<Record<CredentialKind, KindSpec>> = {
  openai: {
    kind: "openai",
    pattern: /^sk-(?!ant-)[A-Za-z0-9_-]{8,256}$/,
    looksLike: "an OpenAI API key (sk-…, from https://platform.openai.com/api-keys)",
    baseUrl: (config) => config.credentials.providers.openai,
    authHeaders: (token) => ({ authorization: `Bearer ${token}` }),
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

/** Headers of OpenClaw's model call that the relay passes on (never its Authorization: that is the relay token). */
export const RELAYED_REQUEST_HEADERS = ["content-type", "accept", "anthropic-version", "anthropic-beta", "openai-beta"] as const;
