// @ts-check
/**
 * Every setting of the gateway, once: its name, its Zod schema, its default, whether it is a
 * secret, where a deployment keeps it, which mode needs it, and one line of doc. Everything
 * else reads this list or is checked against it: the Worker parses its bindings with it
 * (settings/config.ts), `npm start` passes exactly these names to `wrangler dev`
 * (scripts/local-gateway.mjs), `npm run secrets` asks for the ones kept as Worker secrets and
 * hides the secret ones (scripts/lib/secret-specs.mjs), and `npm run settings -w
 * organized-gateway` writes wrangler.jsonc's `vars` and docs/settings.md from it (a test
 * fails when either is stale).
 *
 * Why plain JavaScript: the organiser's Node scripts read this same list, and plain Node
 * (>= 20.19, the engines floor) cannot import TypeScript. `allowJs` in tsconfig.json lets the
 * Worker's side import it with every schema's type inferred, and `@ts-check` above makes tsc
 * check this file too. It imports nothing but Zod, so a script can load it without a bundler.
 *
 * A default is written as a binding carries it (a string, as in wrangler.jsonc's `vars`), and
 * is applied before the schema: an unset or empty setting is its default, so every default
 * is parsed by the same schema as a given value.
 */
import { z } from "zod";

/** @typedef {"vars" | "secrets"} Keeper where a deployment keeps it: wrangler.jsonc `vars`, or a Worker secret (`npm run secrets`). */

/**
 * Which mode needs a setting that has no default. `doc` says it to the organiser; `holds`, when
 * given, decides it from the other settings as parsed, and the Worker then answers 503 naming
 * this setting while it is missing. Without `holds` the Worker runs without it and the
 * features that need it answer their own refusal (billing: `billing_not_configured`).
 * @typedef {{ doc: string, holds?: (s: Readonly<Record<string, unknown>>) => boolean }} Need
 */

/**
 * @template {z.ZodType} S
 * @param {{ schema: S, default?: string, defaultDoc?: string, secret?: boolean, keptIn: Keeper, neededWhen?: Need, doc: string }} entry
 *   `defaultDoc` describes a default that is not one value (a mode's, the seed's table).
 */
function setting(entry) {
  return { secret: false, ...entry };
}

const int = (/** @type {number} */ min, /** @type {number} */ max) => z.coerce.number().int().min(min).max(max);

// The minimum's message is what `npm run secrets` says to a value that is too short.
const text = (/** @type {number} */ min) =>
  z.string().min(min, min > 1 ? `it must be at least ${min} characters` : "it is empty").optional();

const baseUrl = z.url({ protocol: /^https?$/, error: "it is not an http(s) URL" }).transform((u) => u.replace(/\/+$/, ""));

const AGENT_ID = /^[A-Za-z0-9._-]{1,64}$/;

const TIER_ID = /^[a-z0-9-]{1,32}$/;

/**
 * A setting that holds JSON (a list of nodes, a table of tiers), validated after parsing.
 * @template {z.ZodType} T
 * @param {T} schema
 */
const json = (schema) => z.preprocess((v) => {
  if (typeof v !== "string") return v;
  try {
    return JSON.parse(v);
  } catch {
    return v; // not JSON: the schema names the setting
  }
}, schema.optional());

// The one-node pool's defaults are also each UPSTREAMS node's.
const DEFAULT_AGENT = "main";
const DEFAULT_MAX_CONCURRENT = 16;

/** One node of `UPSTREAMS`: an OpenClaw host (with `token`) or an OpenAI-compatible pass-through. */
export const nodeSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
  url: baseUrl,
  token: z.string().min(1).optional(),
  agent: z.string().regex(AGENT_ID).default(DEFAULT_AGENT),
  max_concurrent: z.number().int().min(1).max(10_000).default(DEFAULT_MAX_CONCURRENT),
  weight: z.number().min(0).max(1_000).default(1),
  models: z.array(z.string().min(1).max(128)).max(50).default([]),
  free: z.boolean().default(false),
  access: z.strictObject({ client_id: z.string().min(1), client_secret: z.string().min(1) }).optional(),
  // A cell: this node serves exactly these attendees (one paying customer's own OpenClaw), and
  // they are served by their cells only (docs/pool.md, "One cell per customer").
  customers: z.array(z.string().regex(/^[A-Za-z0-9._-]{1,64}$/).transform((id) => id.toLowerCase())).min(1).max(1_000).optional(),
});

/** One row of `TIERS` (admit/tiers.ts holds the seed's rows it is merged over). */
export const tierSchema = z.strictObject({
  requests_per_month: z.number().int().min(0).nullable(),
  projects: z.number().int().min(1).nullable(),
  priority: z.number().int().min(0).max(100),
  price_ids: z.array(z.string().min(1)).default([]),
  requests_per_minute: z.number().int().min(1).max(100_000).optional(),
  max_inflight: z.number().int().min(1).max(1_000).optional(),
  node: z.string().optional(),
});

/**
 * `PAID_BY` as given, or its default for the mode: codex takes nothing but attendees' own accounts.
 * @param {Readonly<Record<string, unknown>>} s
 * @returns {"attendee" | "organiser"}
 */
export function paidBy(s) {
  if (s.PAID_BY === "attendee" || s.PAID_BY === "organiser") return s.PAID_BY;
  return s.AUTH_MODE === "codex" ? "attendee" : "organiser";
}

/** The Worker's settings, in the order docs/settings.md lists them. */
export const SETTINGS = {
  // The upstream: one OpenClaw host, or a pool of them.
  OPENCLAW_URL: setting({
    schema: baseUrl.optional(), keptIn: "secrets", defaultDoc: "`npm start`: the dev upstream",
    neededWhen: { doc: "unless `UPSTREAMS` is set", holds: (s) => s.UPSTREAMS === undefined },
    doc: "Base URL of the upstream (no `/v1`). Ignored when `UPSTREAMS` is set.",
  }),
  OPENCLAW_TOKEN: setting({
    schema: text(1), secret: true, keptIn: "secrets",
    doc: "OpenClaw's operator token. When set, the route uses the **OpenClaw strategy**: the gateway injects this token, never forwards the caller's `Authorization`, rewrites `model` to `openclaw/<OPENCLAW_AGENT>`, sets `user` to the attendee's derived session value, and only gateway-key holders may call. When unset: **pass-through** (phase 1 BYOK).",
  }),
  OPENCLAW_AGENT: setting({
    schema: z.string().regex(AGENT_ID), default: DEFAULT_AGENT, keptIn: "vars",
    doc: "The OpenClaw agent id the OpenClaw strategy addresses.",
  }),
  OPENCLAW_MAX_CONCURRENT: setting({
    schema: int(1, 10_000), default: String(DEFAULT_MAX_CONCURRENT), keptIn: "vars",
    doc: "The one-node pool's `max_concurrent` when `UPSTREAMS` is unset.",
  }),
  UPSTREAMS: setting({
    schema: json(z.array(nodeSchema).min(1).max(50)
      .refine((nodes) => new Set(nodes.map((n) => n.name)).size === nodes.length, "node names must be unique")),
    secret: true, keptIn: "secrets",
    doc: "The upstream pool, a JSON array of nodes (docs/pool.md). Unset: one node named `openclaw` from `OPENCLAW_URL`, `OPENCLAW_TOKEN`, `OPENCLAW_AGENT`, `OPENCLAW_MAX_CONCURRENT` and the `CF_ACCESS_*` pair. A bad list: 503 naming `UPSTREAMS`. Secret because it holds the nodes' tokens.",
  }),
  NODE_QUEUE_MAX: setting({
    schema: int(0, 10_000), default: "100", keptIn: "vars",
    doc: "Requests that may wait for a slot on one node; more get 503 `host_busy` with `Retry-After`.",
  }),
  NODE_QUEUE_MS: setting({
    schema: int(0, 300_000), default: "30000", keptIn: "vars",
    doc: "How long a request waits for a node slot before 503 `host_busy`.",
  }),
  UPSTREAM_TIMEOUT_MS: setting({
    schema: int(100, 600_000), default: "60000", keptIn: "vars",
    doc: "No response start from the upstream in this time: 504.",
  }),
  MCP_HEARTBEAT_MS: setting({
    schema: int(100, 60_000), default: "10000", keptIn: "vars",
    doc: "While an `ask_agent` turn on `/mcp` is quiet (the agent thinking or running a tool), a progress notification this often, so an MCP client that times out after a minute without one (the SDKs' default) keeps waiting.",
  }),
  CF_ACCESS_CLIENT_ID: setting({
    schema: text(1), keptIn: "secrets",
    neededWhen: { doc: "with `CF_ACCESS_CLIENT_SECRET`", holds: (s) => s.CF_ACCESS_CLIENT_SECRET !== undefined },
    doc: "The id of a Cloudflare Access service token: when both it and `CF_ACCESS_CLIENT_SECRET` are set, every upstream call carries `CF-Access-Client-Id`/`-Secret` (docs/exposing-openclaw.md).",
  }),
  CF_ACCESS_CLIENT_SECRET: setting({
    schema: text(1), secret: true, keptIn: "secrets",
    neededWhen: { doc: "with `CF_ACCESS_CLIENT_ID`", holds: (s) => s.CF_ACCESS_CLIENT_ID !== undefined },
    doc: "The secret of that Cloudflare Access service token.",
  }),

  // Who pays, and attendees' own model accounts.
  AUTH_MODE: setting({
    schema: z.enum(["openai", "codex"]), default: "openai", keptIn: "vars",
    doc: "`openai` (phase 1): BYOK; who pays for turns through OpenClaw is `PAID_BY`. `codex` (phase 2): only attendees' own accounts (`bash setup.sh --auth codex`); none connected is 401 `no_credential`. Switching needs no migration.",
  }),
  PAID_BY: setting({
    schema: z.enum(["attendee", "organiser"]).optional(), keptIn: "vars",
    defaultDoc: "`organiser` (`attendee` when `AUTH_MODE=codex`)",
    doc: "Who pays for turns through OpenClaw (docs/credentials.md, \"Who pays\"). `attendee`: each attendee's own key pays, through their own agent: `bash setup.sh` registers the `OPENAI_API_KEY` of their `.env` (`PUT /me/credential`); none registered is 401 `no_credential`. Needs `CREDENTIAL_KEY` and the hosts' one-time set-up (`npx ocg host`). `organiser`: the gateway's OpenClaw account pays for everyone who connected no account of their own (a free event). A pass-through route is always BYOK.",
  }),
  CREDENTIAL_KEY: setting({
    schema: text(32), secret: true, keptIn: "secrets",
    neededWhen: {
      doc: "`AUTH_MODE=codex`, `PAID_BY=attendee`, or with `CREDENTIAL_KEY_PREVIOUS`",
      holds: (s) => paidBy(s) === "attendee" || s.CREDENTIAL_KEY_PREVIOUS !== undefined,
    },
    doc: "Key material (32+ characters) for sealing attendees' model credentials (AES-GCM, the user id and its generation as additional data).",
  }),
  CREDENTIAL_KEY_PREVIOUS: setting({
    schema: text(32), secret: true, keptIn: "secrets",
    doc: "Set only while `npx ocg credentials reencrypt` moves every credential to a new `CREDENTIAL_KEY`.",
  }),
  CODEX_TOKEN_HEADER: setting({
    schema: z.string().regex(/^[A-Za-z0-9-]{1,64}$/), default: "X-Codex-Token", keptIn: "vars",
    doc: "The header that carries the attendee's token to a plain (non-OpenClaw) upstream in codex mode; the caller's `Authorization` is not forwarded.",
  }),
  OPENAI_BASE_URL: setting({
    schema: baseUrl, default: "https://api.openai.com/v1", keptIn: "vars",
    doc: "The provider the relay (`/relay/openai/…`, attendees' own OpenClaw agents) calls for `openai` credentials.",
  }),
  ANTHROPIC_BASE_URL: setting({
    schema: baseUrl, default: "https://api.anthropic.com", keptIn: "vars",
    doc: "The provider the relay calls for `anthropic` credentials.",
  }),
  CODEX_BASE_URL: setting({
    schema: baseUrl, default: "https://chatgpt.com/backend-api/codex", keptIn: "vars",
    doc: "The provider the relay calls for `openai-codex` credentials.",
  }),

  // Each attendee's limits (the event tier's; TIERS may give other tiers their own).
  RATE_LIMIT_PER_MINUTE: setting({
    schema: int(1, 100_000), default: "50", keptIn: "vars",
    doc: "Requests per attendee per rolling 60 s.",
  }),
  MAX_INFLIGHT_PER_USER: setting({
    schema: int(1, 1_000), default: "4", keptIn: "vars",
    doc: "Requests one attendee may have running at once; more wait in a queue.",
  }),
  INFLIGHT_QUEUE_MS: setting({
    schema: int(0, 300_000), default: "30000", keptIn: "vars",
    doc: "How long a request waits for an in-flight slot before a 429.",
  }),
  MAX_BODY_BYTES: setting({
    schema: int(1_024, 100 * 1024 * 1024), default: String(1024 * 1024), keptIn: "vars",
    doc: "Larger request bodies get 413 (checked before reading).",
  }),

  // Tiers and billing (phase 3).
  TIERS: setting({
    schema: json(z.record(z.string().regex(TIER_ID), tierSchema)), keptIn: "vars", defaultDoc: "the seed's tiers",
    doc: "A JSON object keyed by tier id, each `{\"requests_per_month\": n|null, \"projects\": n|null, \"priority\": n, \"price_ids\": [\"price_...\"], \"requests_per_minute\"?, \"max_inflight\"?, \"node\"?}`, merged row by row over the defaults: `event` (the workshop: no monthly quota), `tier-1` (10k/month, 1 project), `tier-2` (50k/month, 3 projects), `tier-3` (unlimited). A `node` names an `UPSTREAMS` node that serves that tier alone.",
  }),
  DEFAULT_TIER: setting({
    schema: z.string().regex(TIER_ID), default: "event", keptIn: "vars",
    doc: "The tier of an attendee who has none of their own; `none`: such an attendee gets 402 `subscription_required` with the billing link.",
  }),
  STRIPE_SECRET_KEY: setting({
    schema: text(1), secret: true, keptIn: "secrets",
    neededWhen: { doc: "paid tiers" },
    doc: "Stripe's API key, for the Checkout and customer-portal links of `/billing`.",
  }),
  STRIPE_WEBHOOK_SECRET: setting({
    schema: text(1), secret: true, keptIn: "secrets",
    neededWhen: { doc: "paid tiers" },
    doc: "The signing secret of the Stripe webhook endpoint (`POST /stripe/webhook`).",
  }),

  // The event: who may enrol, and the dashboard's door.
  ADMIN_TOKEN: setting({
    schema: text(12), secret: true, keptIn: "secrets",
    doc: "Bearer token for `/admin` and `/admin/api/*` (12+ characters). Unset: the admin API is off and says so.",
  }),
  EVENT_CODE: setting({
    schema: text(1), keptIn: "secrets",
    doc: "Opens `POST /enroll` for attendees who know the room's code. Unset: enrolment closed.",
  }),
  EVENT_NAME: setting({
    schema: z.string().min(1), default: "OpenClaw Workshop", keptIn: "vars",
    doc: "Shown in `/health` and the join page.",
  }),
  // Generous but finite: a stranger with the event code cannot enrol without end.
  MAX_ATTENDEES: setting({
    schema: int(1, 100_000), default: "500", keptIn: "vars",
    doc: "How many attendee ids the event may hold (enrolled, issued or BYOK-bound); `/enroll` past it: 403 `event_full`.",
  }),
  // A whole room enrols from one Wi-Fi address within a minute or two.
  ENROLLMENTS_PER_NETWORK_PER_MINUTE: setting({
    schema: int(1, 10_000), default: "60", keptIn: "vars",
    doc: "Enrolments one network (IP) may make per rolling minute; past it: 429 `too_many_enrollments` with `Retry-After`. A room on one Wi-Fi enrols well inside 60.",
  }),
  PUBLIC_URL: setting({
    schema: baseUrl.optional(), keptIn: "secrets", defaultDoc: "`npm start`: this machine's origin",
    doc: "The address `/join` and `/kit.zip` advertise (QR code, download link, the kit's `OPENCLAW_GATEWAY_URL`). Without it, a deployed gateway answers `/join` and `/kit.zip` with 503 `public_url_required` rather than trust the request's `Host` header; `npm run deploy` sets it to the workers.dev address when it is missing; give it to `npm run secrets` behind a custom domain.",
  }),
  RELAY_URL: setting({
    schema: baseUrl.optional(), keptIn: "vars", defaultDoc: "`PUBLIC_URL`; `npm start`: this machine's loopback address",
    doc: "Where OpenClaw hosts reach this gateway's relay: `<RELAY_URL>/relay/<kind>` is written into each host's config for attendees' own agents. Only ever from the settings, never from a request's `Host` header: with neither this nor `PUBLIC_URL`, registering a credential is 503 `public_url_required`. Set it when the hosts reach the gateway at another address than attendees do.",
  }),
  KIT_INCLUDE_EVENT_CODE: setting({
    schema: z.enum(["true", "false"]).transform((v) => v === "true"), default: "false", keptIn: "vars",
    doc: "`true`: the kit's `.env.example` carries `EVENT_CODE`, so attendees type only their key and first name.",
  }),

  // The gateway's own keys and logs.
  HASH_SECRET: setting({
    schema: z.string().min(16, "it must be at least 16 characters"), secret: true, keptIn: "secrets", defaultDoc: "`npm start`: generated into `.dev.vars`",
    neededWhen: { doc: "always", holds: () => true },
    doc: "Key (16+ characters) for the keyed hashes of IP addresses and BYOK keys. Changing it unbinds every BYOK id.",
  }),
  // At most 10 s: the Worker waits for its rows in waitUntil, which Cloudflare ends 30 s after the response.
  LOG_FLUSH_MS: setting({
    schema: int(0, 10_000), default: "500", keptIn: "vars",
    doc: "How long an attendee's log rows may wait to be written to D1 in one batch (0–10000).",
  }),
};

/** Settings of `npm start` alone (scripts/local-gateway.mjs, scripts/start.mjs): the Worker never sees them. */
export const LOCAL_SETTINGS = {
  PORT: { schema: int(1, 65_535), default: "8787", doc: "The gateway's local port." },
  DEV_UPSTREAM_PORT: { schema: int(1, 65_535), default: "18999", doc: "The dev upstream's port." },
  LOCAL_STATE_DIR: {
    schema: z.string().min(1).optional(), defaultDoc: "`apps/organized-gateway/.wrangler/state`",
    doc: "Where the local D1/KV/Durable Object state lives (e.g. one directory per rehearsal).",
  },
};

/**
 * A setting's value from the bindings, or its default: unset and empty are the same (an
 * empty line in `.dev.vars`, `NAME= npm start`), so every schema sees a value or nothing.
 * @param {{ default?: string }} entry
 * @param {unknown} value
 */
export function givenOrDefault(entry, value) {
  return value === undefined || value === "" ? entry.default : value;
}

/**
 * The `vars` wrangler.jsonc carries: each setting kept there that has a default, at its default.
 * @returns {Record<string, string>}
 */
export function wranglerVars() {
  return Object.fromEntries(Object.entries(SETTINGS)
    .filter(([, entry]) => entry.keptIn === "vars" && entry.default !== undefined)
    .map(([name, entry]) => [name, String(entry.default)]));
}
