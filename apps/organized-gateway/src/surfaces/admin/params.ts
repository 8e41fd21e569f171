/**
 * The admin API's inputs: one `parse` that turns a Zod failure into an OpenAI-shaped 400
 * naming the parameter, and the schemas of the figures' query strings. Schemas are strict
 * so that a misspelt parameter ("usr=") is refused instead of silently ignored.
 */
import { z } from "zod";
import { userIdSchema } from "../../pipeline/identify/user-id";
import { type GatewayError, refusal } from "../../errors";
import { readCappedText } from "./body";

/** The admin API names attendees by the same canonical rule as everything else. */
export { userIdSchema };

/** What an admin API input is; a wrong one is refused as `invalid_<what>`. */
export type AdminInput = "query" | "body" | "user_id" | "key_id";

export function parse<T>(schema: z.ZodType<T>, value: unknown, what: AdminInput): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const first = result.error.issues[0];
    throw invalidInput(what, first?.path.length ? ` (${first.path.join(".")})` : "", first?.message ?? "check the value");
  }
  return result.data;
}

function invalidInput(what: AdminInput, where: string, issue: string): GatewayError {
  switch (what) {
    case "query": return refusal("invalid_query", { where, issue });
    case "key_id": return refusal("invalid_key_id", { where, issue });
    case "user_id": return refusal("invalid_user_id", { why: "admin", where, issue });
    case "body": return refusal("invalid_body", { why: "admin", where, issue });
  }
}

/** A JSON body that may be empty; at most ADMIN_BODY_MAX_BYTES (a label fits many times over). */
export async function optionalJson(request: Request): Promise<unknown> {
  const text = await readCappedText(request);
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    throw refusal("invalid_json", { why: "admin" });
  }
}

/** A minute count in a query string: "5" → 5. A week is the longest live window we chart. */
const minutes = (max: number) => z.coerce.number().int().min(1).max(max);

/** `YYYY-MM-DD HH:MM:SS` (as D1 stores it) or an ISO 8601 instant; normalised to D1's form. */
export const timestampSchema = z.string().transform((value, ctx) => {
  const iso = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(value) ? `${value.replace(" ", "T")}Z` : value;
  const ms = Date.parse(iso);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(ms)) {
    ctx.addIssue({ code: "custom", message: "use 'YYYY-MM-DD HH:MM:SS' (UTC) or an ISO 8601 time" });
    return z.NEVER;
  }
  return new Date(ms).toISOString().replace("T", " ").slice(0, 19);
});

export const END_STATES = ["complete", "client_abort", "upstream_error", "rejected", "timeout"] as const;

/** A yes/no in a query string: 1/true or 0/false. */
const flag = (fallback: boolean) => z.enum(["0", "1", "true", "false"]).transform((v) => v === "1" || v === "true").default(fallback);

/**
 * A window of time: the last `minutes`, or everything `since` a time; neither = all time.
 * `include_test=1` counts the organiser's test users (smoke-, loadtest-) as attendees.
 */
export const windowQuery = z.strictObject({
  minutes: minutes(525_600).optional(),
  since: timestampSchema.optional(),
  active_minutes: minutes(1_440).default(5),
  include_test: flag(false),
});

/**
 * Every answer of the admin API is bounded, whatever is in D1 (an attacker can invent a
 * thousand attendees): lists are capped by `limit` and say when they were cut
 * (`truncated`, or a `next_cursor` for the next page).
 */
export const attendeesQuery = windowQuery.extend({
  sort: z.enum(["requests", "tokens", "rate_limited", "errors", "last_seen", "user_id", "p95_latency_ms", "state"]).default("requests"),
  limit: z.coerce.number().int().min(1).max(1_000).default(500),
  /** 0: only attendees with /v1 traffic in the window; 1 (default): the roster's idle and never-seen attendees too. */
  include_idle: flag(true),
});

/** by_user: the top `limit` attendees by requests in the window (see SERIES_POINTS_MAX in api.ts). */
export const timeseriesQuery = z.strictObject({
  minutes: minutes(1_440).default(30),
  user_id: userIdSchema.optional(),
  by_user: flag(false),
  limit: z.coerce.number().int().min(1).max(50).default(10),
});

export const requestsQuery = z.strictObject({
  user_id: userIdSchema.optional(),
  status: z.coerce.number().int().min(100).max(599).optional(),
  end_state: z.enum(END_STATES).optional(),
  since: timestampSchema.optional(),
  before: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export const usersQuery = z.strictObject({
  after: userIdSchema.optional(),
  limit: z.coerce.number().int().min(1).max(1_000).default(200),
  active_minutes: minutes(1_440).default(5),
});

/** A page of keys, oldest first; `after` is the last key id of the previous page. */
export const keysQuery = z.strictObject({
  user_id: userIdSchema.optional(),
  after: z.string().regex(/^[0-9A-Za-z]{8}$/, "a key id is 8 letters or digits").optional(),
  limit: z.coerce.number().int().min(1).max(1_000).default(100),
});

/** A page of the organiser's actions, newest first; `before` is the next_cursor of the previous page. */
export const actionsQuery = z.strictObject({
  user_id: userIdSchema.optional(),
  before: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
