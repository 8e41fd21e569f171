/**
 * The gateway's settings: parsed once per isolate from the Worker's bindings, validated
 * with Zod, and handed around typed. Nothing else reads `env.SOMETHING` directly.
 * A bad setting answers every request with a 503 that names the setting (never its value).
 */
import { z } from "zod";
import { GatewayError } from "./shared/errors";

const int = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

const optionalSecret = (min: number) =>
  z.preprocess((v) => (v === "" ? undefined : v), z.string().min(min).optional());

/** A setting that holds JSON (a list of nodes, a table of tiers), validated after parsing. */
const jsonSetting = <T extends z.ZodType>(schema: T) => z.preprocess((v) => {
  if (v === undefined || v === "") return undefined;
  if (typeof v !== "string") return v;
  try {
    return JSON.parse(v);
  } catch {
    return v; // not JSON: the schema names the setting
  }
}, schema.optional());

const baseUrl = z.url({ protocol: /^https?$/ }).transform((u) => u.replace(/\/+$/, ""));

const AGENT_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** One node of `UPSTREAMS`: an OpenClaw host (with `token`) or an OpenAI-compatible pass-through. */
const nodeSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
  url: baseUrl,
  token: z.string().min(1).optional(),
  agent: z.string().regex(AGENT_ID).default("main"),
  max_concurrent: z.number().int().min(1).max(10_000).default(16),
  weight: z.number().min(0).max(1_000).default(1),
  models: z.array(z.string().min(1).max(128)).max(50).default([]),
  free: z.boolean().default(false),
  access: z.strictObject({ client_id: z.string().min(1), client_secret: z.string().min(1) }).optional(),
});

export type NodeSettings = z.infer<typeof nodeSchema>;

const upstreamsSchema = jsonSetting(z.array(nodeSchema).min(1).max(50)
  .refine((nodes) => new Set(nodes.map((n) => n.name)).size === nodes.length, "node names must be unique"));

/** One row of `TIERS` (admit/tiers.ts has the defaults: the seed's tiers and the event tier). */
const tierSchema = z.strictObject({
  requests_per_month: z.number().int().min(0).nullable(),
  projects: z.number().int().min(1).nullable(),
  priority: z.number().int().min(0).max(100),
  price_ids: z.array(z.string().min(1)).default([]),
  requests_per_minute: z.number().int().min(1).max(100_000).optional(),
  max_inflight: z.number().int().min(1).max(1_000).optional(),
  node: z.string().optional(),
});

export type TierSettings = z.infer<typeof tierSchema>;


const settingsSchema = z.object({
  TIERS: jsonSetting(z.record(z.string().regex(/^[a-z0-9-]{1,32}$/), tierSchema)),
  DEFAULT_TIER: z.string().regex(/^[a-z0-9-]{1,32}$/).default("event"),
  STRIPE_SECRET_KEY: optionalSecret(1),
  STRIPE_WEBHOOK_SECRET: optionalSecret(1),
  // openai: an attendee's own credential pays where they registered one, the gateway's
  // account otherwise; codex: every attendee's own credential, none registered is a 401.
  AUTH_MODE: z.enum(["openai", "codex"]).default("openai"),
  // Who pays for turns through OpenClaw (docs/credentials.md "Who pays"): `attendee`, each
  // attendee's own key or account (setup.sh registers their OPENAI_API_KEY); `organiser`,
  // the gateway's own OpenClaw account, for whoever has connected none (a free event).
  // Unset: `organiser` in AUTH_MODE=openai, `attendee` in AUTH_MODE=codex (which takes no other).
  PAID_BY: z.preprocess((v) => (v === "" ? undefined : v), z.enum(["attendee", "organiser"]).optional()),
  // AES-GCM key material for attendees' model credentials (credentials/seal.ts); the
  // previous one only while `ocg credentials reencrypt` moves everything to the new one.
  CREDENTIAL_KEY: optionalSecret(32),
  CREDENTIAL_KEY_PREVIOUS: optionalSecret(32),
  CODEX_TOKEN_HEADER: z.string().regex(/^[A-Za-z0-9-]{1,64}$/).default("X-Codex-Token"),
  OPENAI_BASE_URL: baseUrl.default("https://api.openai.com/v1"),
  ANTHROPIC_BASE_URL: baseUrl.default("https://api.anthropic.com"),
  CODEX_BASE_URL: baseUrl.default("https://chatgpt.com/backend-api/codex"),
  UPSTREAMS: upstreamsSchema,
  NODE_QUEUE_MAX: int(0, 10_000, 100),
  NODE_QUEUE_MS: int(0, 300_000, 30_000),
  OPENCLAW_MAX_CONCURRENT: int(1, 10_000, 16),
  OPENCLAW_URL: z.preprocess((v) => (v === "" ? undefined : v), baseUrl.optional()),
  OPENCLAW_TOKEN: optionalSecret(1),
  OPENCLAW_AGENT: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/).default("main"),
  RATE_LIMIT_PER_MINUTE: int(1, 100_000, 50),
  MAX_INFLIGHT_PER_USER: int(1, 1_000, 4),
  INFLIGHT_QUEUE_MS: int(0, 300_000, 30_000),
  MAX_BODY_BYTES: int(1_024, 100 * 1024 * 1024, 1024 * 1024),
  UPSTREAM_TIMEOUT_MS: int(100, 600_000, 60_000),
  ADMIN_TOKEN: optionalSecret(12),
  EVENT_CODE: optionalSecret(1),
  EVENT_NAME: z.string().default("OpenClaw Workshop"),
  // Generous but finite: a stranger with the event code cannot enrol without end.
  MAX_ATTENDEES: int(1, 100_000, 500),
  // A whole room enrols from one Wi-Fi address within a minute or two.
  ENROLLMENTS_PER_NETWORK_PER_MINUTE: int(1, 10_000, 60),
  HASH_SECRET: z.string().min(16),
  // At most 10 s: the Worker waits for its rows in waitUntil, which Cloudflare ends 30 s after the response.
  LOG_FLUSH_MS: int(0, 10_000, 500),
  PUBLIC_URL: z.preprocess((v) => (v === "" ? undefined : v),
    z.url({ protocol: /^https?$/ }).transform((u) => u.replace(/\/+$/, "")).optional()),
  CF_ACCESS_CLIENT_ID: optionalSecret(1),
  CF_ACCESS_CLIENT_SECRET: optionalSecret(1),
  KIT_INCLUDE_EVENT_CODE: z.enum(["true", "false"]).default("false").transform((v) => v === "true"),
}).superRefine((s, ctx) => {
  const nodeNames = new Set((s.UPSTREAMS ?? []).map((n) => n.name));
  for (const [id, tier] of Object.entries(s.TIERS ?? {})) {
    if (tier.node !== undefined && !nodeNames.has(tier.node)) {
      ctx.addIssue({ code: "custom", path: ["TIERS"], message: `tier ${id}: no UPSTREAMS node named ${tier.node}` });
    }
  }
  if (!s.UPSTREAMS && !s.OPENCLAW_URL) {
    ctx.addIssue({ code: "custom", path: ["OPENCLAW_URL"], message: "set OPENCLAW_URL or UPSTREAMS" });
  }
  // Codex mode spends nothing but attendees' own credentials, which cannot be kept without a key.
  if (s.AUTH_MODE === "codex" && s.PAID_BY === "organiser") {
    ctx.addIssue({ code: "custom", path: ["PAID_BY"], message: "AUTH_MODE=codex is paid by attendees' own accounts: PAID_BY=organiser contradicts it" });
  }
  if (paidBy(s) === "attendee" && !s.CREDENTIAL_KEY) {
    ctx.addIssue({ code: "custom", path: ["CREDENTIAL_KEY"], message: `${s.AUTH_MODE === "codex" ? "AUTH_MODE=codex" : "PAID_BY=attendee"} needs CREDENTIAL_KEY` });
  }
  if (s.CREDENTIAL_KEY_PREVIOUS && !s.CREDENTIAL_KEY) {
    ctx.addIssue({ code: "custom", path: ["CREDENTIAL_KEY"], message: "CREDENTIAL_KEY_PREVIOUS without CREDENTIAL_KEY" });
  }
  // A Cloudflare Access service token is an id and a secret: one without the other is a mistake.
  if (Boolean(s.CF_ACCESS_CLIENT_ID) !== Boolean(s.CF_ACCESS_CLIENT_SECRET)) {
    const missing = s.CF_ACCESS_CLIENT_ID ? "CF_ACCESS_CLIENT_SECRET" : "CF_ACCESS_CLIENT_ID";
    ctx.addIssue({ code: "custom", path: [missing], message: "set both Access settings or neither" });
  }
});

export type Settings = z.infer<typeof settingsSchema>;

/** `PAID_BY` as given, or its default for the mode (above). */
function paidBy(s: { AUTH_MODE: "openai" | "codex"; PAID_BY?: "attendee" | "organiser" }): "attendee" | "organiser" {
  return s.PAID_BY ?? (s.AUTH_MODE === "codex" ? "attendee" : "organiser");
}

export interface UpstreamNode {
  name: string;
  url: string;
  token?: string;
  agent: string;
  maxConcurrent: number;
  weight: number;
  models: string[];
  free: boolean;
  /** Cloudflare Access service-token headers sent with every call to this node, when set. */
  access?: { clientId: string; clientSecret: string };
}

function nodesOf(s: Settings): UpstreamNode[] {
  if (s.UPSTREAMS) {
    return s.UPSTREAMS.map((n) => ({
      name: n.name, url: n.url, token: n.token, agent: n.agent, maxConcurrent: n.max_concurrent,
      weight: n.weight, models: n.models, free: n.free,
      access: n.access ? { clientId: n.access.client_id, clientSecret: n.access.client_secret } : undefined,
    }));
  }
  return [{
    name: "openclaw", url: s.OPENCLAW_URL!, token: s.OPENCLAW_TOKEN, agent: s.OPENCLAW_AGENT,
    maxConcurrent: s.OPENCLAW_MAX_CONCURRENT, weight: 1, models: [], free: false,
    access: s.CF_ACCESS_CLIENT_ID && s.CF_ACCESS_CLIENT_SECRET
      ? { clientId: s.CF_ACCESS_CLIENT_ID, clientSecret: s.CF_ACCESS_CLIENT_SECRET }
      : undefined,
  }];
}

export interface Config {
  authMode: Settings["AUTH_MODE"];
  /** Who pays for OpenClaw turns of attendees who connected no account of their own: `attendee` means nobody (401 no_credential). */
  paidBy: "attendee" | "organiser";
  /** Attendees' own model credentials (credentials/): sealing keys, the header strategy, the providers the relay calls. */
  credentials: {
    /** The sealing secrets, current first (the previous one only during a re-encryption). */
    keys: string[];
    tokenHeader: string;
    providers: { openai: string; anthropic: string; codex: string };
  };
  /** The upstream nodes: `UPSTREAMS`, or the one node OPENCLAW_URL / OPENCLAW_TOKEN describe. */
  upstreams: UpstreamNode[];
  /** `TIERS` as given (admit/tiers.ts merges it over the defaults), and the tier of an attendee who has none. */
  tiers: { overrides?: Record<string, TierSettings>; defaultTier: string };
  stripe: { secretKey?: string; webhookSecret?: string };
  /** Each node's queue past its `max_concurrent`. */
  nodeQueue: { max: number; ms: number };
  limits: {
    perMinute: number;
    maxInflight: number;
    queueMs: number;
    maxBodyBytes: number;
    upstreamTimeoutMs: number;
  };
  adminToken?: string;
  event: { name: string; code?: string; maxAttendees: number; enrollmentsPerNetworkPerMinute: number };
  hashSecret: string;
  logFlushMs: number;
  /** The join page and the kit: the address they advertise, and whether the kit carries EVENT_CODE. */
  kit: { publicUrl?: string; includeEventCode: boolean };
}

export function parseConfig(bindings: Record<string, unknown>): Config {
  const parsed = settingsSchema.safeParse(bindings);
  if (!parsed.success) {
    const names = [...new Set(parsed.error.issues.map((issue) => String(issue.path[0])))];
    throw new GatewayError(
      503,
      "configuration_error",
      "gateway_misconfigured",
      `The gateway is not configured correctly (check: ${names.join(", ")}). Tell the organiser.`,
    );
  }
  const s = parsed.data;
  return {
    authMode: s.AUTH_MODE,
    paidBy: paidBy(s),
    credentials: {
      keys: [s.CREDENTIAL_KEY, s.CREDENTIAL_KEY_PREVIOUS].filter((k): k is string => k !== undefined),
      tokenHeader: s.CODEX_TOKEN_HEADER,
      providers: { openai: s.OPENAI_BASE_URL, anthropic: s.ANTHROPIC_BASE_URL, codex: s.CODEX_BASE_URL },
    },
    upstreams: nodesOf(s),
    tiers: { overrides: s.TIERS, defaultTier: s.DEFAULT_TIER },
    stripe: { secretKey: s.STRIPE_SECRET_KEY, webhookSecret: s.STRIPE_WEBHOOK_SECRET },
    nodeQueue: { max: s.NODE_QUEUE_MAX, ms: s.NODE_QUEUE_MS },
    limits: {
      perMinute: s.RATE_LIMIT_PER_MINUTE,
      maxInflight: s.MAX_INFLIGHT_PER_USER,
      queueMs: s.INFLIGHT_QUEUE_MS,
      maxBodyBytes: s.MAX_BODY_BYTES,
      upstreamTimeoutMs: s.UPSTREAM_TIMEOUT_MS,
    },
    adminToken: s.ADMIN_TOKEN,
    event: {
      name: s.EVENT_NAME, code: s.EVENT_CODE,
      maxAttendees: s.MAX_ATTENDEES, enrollmentsPerNetworkPerMinute: s.ENROLLMENTS_PER_NETWORK_PER_MINUTE,
    },
    hashSecret: s.HASH_SECRET,
    logFlushMs: s.LOG_FLUSH_MS,
    kit: { publicUrl: s.PUBLIC_URL, includeEventCode: s.KIT_INCLUDE_EVENT_CODE },
  };
}

const cache = new WeakMap<object, Config | GatewayError>();

/** The config for these bindings, parsed on first use and remembered for the isolate. */
export function configFor(env: object): Config {
  let entry = cache.get(env);
  if (!entry) {
    try {
      entry = parseConfig(env as Record<string, unknown>);
    } catch (error) {
      if (!(error instanceof GatewayError)) throw error;
      entry = error;
    }
    cache.set(env, entry);
  }
  if (entry instanceof GatewayError) throw entry;
  return entry;
}
