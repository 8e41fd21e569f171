/**
 * The gateway's settings: parsed once per isolate from the Worker's bindings with the
 * catalog's schemas and defaults (settings/catalog.mjs, the one place a setting is declared),
 * and handed around typed as a `Config`. Nothing else reads `env.SOMETHING` directly.
 * A bad setting answers every request with a 503 that names the setting (never its value).
 */
import { z } from "zod";
import { GatewayError, refusal } from "../errors";
import { SETTINGS, givenOrDefault, nodeSchema, paidBy, tierSchema } from "./catalog.mjs";

type Catalog = typeof SETTINGS;

/** Every setting's name (settings/catalog.mjs). */
export type SettingName = keyof Catalog;

/** Every setting as parsed: its catalog schema's output, its default applied. */
export type Settings = { [K in SettingName]: z.output<Catalog[K]["schema"]> };

export type NodeSettings = z.infer<typeof nodeSchema>;
export type TierSettings = z.infer<typeof tierSchema>;

const CATALOG = Object.entries(SETTINGS) as [SettingName, Catalog[SettingName]][];

const settingsSchema = z.object(Object.fromEntries(CATALOG.map(([name, entry]) =>
  [name, z.preprocess((value) => givenOrDefault(entry, value), entry.schema)])))
  .superRefine((parsed, ctx) => {
    // Each field's schema is the catalog's own: the object's output is Settings.
    const s = parsed as Settings;
    for (const [name, entry] of CATALOG) {
      const need = "neededWhen" in entry ? entry.neededWhen : undefined;
      if (need?.holds?.(s) && s[name] === undefined) {
        ctx.addIssue({ code: "custom", path: [name], message: `${name} is needed: ${need.doc}` });
      }
    }
    const nodeNames = new Set((s.UPSTREAMS ?? []).map((n) => n.name));
    const cells = new Set((s.UPSTREAMS ?? []).filter((n) => n.customers).map((n) => n.name));
    for (const [id, tier] of Object.entries(s.TIERS ?? {})) {
      if (tier.node !== undefined && !nodeNames.has(tier.node)) {
        ctx.addIssue({ code: "custom", path: ["TIERS"], message: `tier ${id}: no UPSTREAMS node named ${tier.node}` });
      }
      // A tier's node is shared by everyone on the tier; a cell is one customer's alone.
      if (tier.node !== undefined && cells.has(tier.node)) {
        ctx.addIssue({ code: "custom", path: ["TIERS"], message: `tier ${id}: node ${tier.node} is a cell (it has customers), so it cannot also be a tier's node` });
      }
    }
    // Codex mode spends nothing but attendees' own credentials.
    if (s.AUTH_MODE === "codex" && s.PAID_BY === "organiser") {
      ctx.addIssue({ code: "custom", path: ["PAID_BY"], message: "AUTH_MODE=codex is paid by attendees' own accounts: PAID_BY=organiser contradicts it" });
    }
  });

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
  /** A cell's attendees (it serves them alone, and they are served by their cells alone); null: a shared node. */
  customers: readonly string[] | null;
}

function nodesOf(s: Settings): UpstreamNode[] {
  if (s.UPSTREAMS) {
    return s.UPSTREAMS.map((n) => ({
      name: n.name, url: n.url, token: n.token, agent: n.agent, maxConcurrent: n.max_concurrent,
      weight: n.weight, models: n.models, free: n.free,
      access: n.access ? { clientId: n.access.client_id, clientSecret: n.access.client_secret } : undefined,
      customers: n.customers ?? null,
    }));
  }
  return [{
    name: "openclaw", url: s.OPENCLAW_URL!, token: s.OPENCLAW_TOKEN, agent: s.OPENCLAW_AGENT,
    maxConcurrent: s.OPENCLAW_MAX_CONCURRENT, weight: 1, models: [], free: false, customers: null,
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
    /** Where OpenClaw hosts reach the relay: RELAY_URL, else PUBLIC_URL; never a request's Host. */
    relayUrl?: string;
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
  /** How often a quiet `ask_agent` turn on /mcp sends a progress notification. */
  mcpHeartbeatMs: number;
  /** The join page and the kit: the address they advertise, and whether the kit carries EVENT_CODE. */
  kit: { publicUrl?: string; includeEventCode: boolean };
}

export function parseConfig(bindings: Record<string, unknown>): Config {
  const parsed = settingsSchema.safeParse(bindings);
  if (!parsed.success) {
    const names = [...new Set(parsed.error.issues.map((issue) => String(issue.path[0])))];
    throw refusal("gateway_misconfigured", { settings: names });
  }
  const s = parsed.data as Settings;
  return {
    authMode: s.AUTH_MODE,
    paidBy: paidBy(s),
    credentials: {
      keys: [s.CREDENTIAL_KEY, s.CREDENTIAL_KEY_PREVIOUS].filter((k): k is string => k !== undefined),
      tokenHeader: s.CODEX_TOKEN_HEADER,
      providers: { openai: s.OPENAI_BASE_URL, anthropic: s.ANTHROPIC_BASE_URL, codex: s.CODEX_BASE_URL },
      relayUrl: s.RELAY_URL ?? s.PUBLIC_URL,
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
    mcpHeartbeatMs: s.MCP_HEARTBEAT_MS,
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
