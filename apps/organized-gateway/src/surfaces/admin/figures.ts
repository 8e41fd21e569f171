/**
 * The organiser's figures, read from D1's `requests` log and the roster (`attendees`):
 * per-attendee summaries and states, totals, status codes, latency percentiles, requests
 * per minute and the raw recent rows.
 *
 * Definitions, shared by the dashboard, the CLI and the report:
 * - rate_limited: answers with status 429 (the attendee's limiter said no).
 * - errors: every other failure (status >= 400 except 429): bad keys, taken ids, upstream trouble.
 * - upstream_errors: the upstream failed or was too slow (end_state upstream_error or timeout).
 * - latency figures cover served requests only (end_state other than `rejected`): a refusal
 *   takes ~0 ms and would hide how slow the upstream is. Percentiles are nearest-rank,
 *   computed in SQL with window functions (D1 is SQLite: there is no percentile function).
 * - attendees (the table, "Active now", ready / stuck): the roster and the ids with /v1
 *   traffic of their own, without refused callers, enrolment-only rows or test users
 *   (audience.ts). Totals still count every logged request.
 * - an attendee's state, from their roster row and their last /v1 request (ever):
 *   blocked or revoked (the organiser's doing); `setup` — never made a /v1 request (stuck
 *   at setup); `failing` — the last request failed (an error as above); else `ready`.
 *   `setup` and `failing` are "stuck".
 *
 * Every answer is bounded whatever D1 holds: each list has a LIMIT and says when it was
 * cut, and text that a caller or the upstream chose (paths, methods, models, error codes)
 * is clipped to CLIP characters; user ids are checked before any row is written.
 */
import { ERROR_SPIKE, errorRate, isErrorSpike } from "./alerts";
import { attendeeTraffic, refusedClaims, rosterAttendees, V1_TRAFFIC } from "./audience";
import { errorHelp, refusedKeyHelp } from "./error-help";
import { windowStart } from "./window";
import { hasOwnKey, ownValue } from "../../shared/own-key";

const SERVED = "COALESCE(end_state, 'complete') <> 'rejected'";
const ERROR = "(status >= 400 AND status <> 429)";
/** ERROR for the columns of a named row (the state expression reads the last request as `lr`). */
const ERROR_OF = (row: string) => `(${row}.status >= 400 AND ${row}.status <> 429)`;
const UPSTREAM_ERROR = "end_state IN ('upstream_error', 'timeout')";

/** Longest text a figure shows from a column a caller or the upstream filled in. */
const CLIP = { endpoint: 256, model: 128, error_code: 128, method: 16, upstream: 64 } as const;
const clip = (column: keyof typeof CLIP) => `substr(${column}, 1, ${CLIP[column]})`;

/** The overview names at most this many active attendees (their count is always exact). */
export const ACTIVE_IDS_MAX = 100;
/** The overview lists at most this many distinct error codes (the most frequent). */
export const ERROR_CODES_MAX = 50;

/** Nearest-rank percentile p of n sorted values is the value at rank ceil(p*n/100). */
const rank = (p: number) => `(${p} * n + 99) / 100`;

/** The request counts every figure reports, for one attendee or for everyone. */
export interface RequestCounts {
  requests: number;
  tokens: number;
  prompt_tokens: number;
  completion_tokens: number;
  rate_limited: number;
  errors: number;
  upstream_errors: number;
  streamed: number;
}

/** Where an attendee is, from the roster and their last /v1 request (see the header). */
export type AttendeeState = "ready" | "setup" | "failing" | "blocked" | "revoked";
/** The states that need the organiser: counted as "stuck" on the dashboard and the projector. */
export const STUCK_STATES: readonly AttendeeState[] = ["setup", "failing"];

/**
 * The state of a roster row `a` joined with the id's last /v1 request `lr` (either may be
 * missing): the one definition, used by the table and by the counts.
 */
const STATE = `CASE WHEN a.blocked = 1 THEN 'blocked' WHEN a.status = 'revoked' THEN 'revoked'
  WHEN lr.status IS NULL THEN 'setup' WHEN ${ERROR_OF("lr")} THEN 'failing' ELSE 'ready' END`;

export interface AttendeeFigures extends RequestCounts {
  user_id: string;
  state: AttendeeState;
  /** The roster's word on the id; null when it is not on the roster (BYOK ids the organiser never touched). */
  roster_status: "active" | "revoked" | null;
  blocked: boolean;
  endpoints: number;
  avg_latency_ms: number | null;
  p50_latency_ms: number | null;
  p95_latency_ms: number | null;
  /** First and last request in the window; null when none fell in it. */
  first_seen: string | null;
  last_seen: string | null;
  /** The last /v1 request ever, whatever the window: its status and time. */
  last_status: number | null;
  last_request_at: string | null;
  /** The last failed /v1 request ever (status >= 400, 429s included), with the organiser's sentence for it. */
  last_error_code: string | null;
  last_error_message: string | null;
  last_error_at: string | null;
  /** A /v1 request within the active window (5 minutes unless asked). */
  active: boolean;
  /**
   * Requests in the window sent with this id whose provider refused the key before any key
   * worked for the id (logged under `unauthenticated`, `claimed_user_id` this id): none of
   * the counts above include them. Null when there were none.
   */
  refused_key: { requests: number; last_at: string; error_code: string | null; message: string } | null;
}

const ATTENDEE_SORT: Record<string, string> = {
  requests: "requests DESC, user_id",
  tokens: "tokens DESC, user_id",
  rate_limited: "rate_limited DESC, requests DESC, user_id",
  errors: "errors DESC, requests DESC, user_id",
  last_seen: "last_seen DESC, user_id",
  user_id: "user_id",
  p95_latency_ms: "p95_latency_ms DESC, user_id",
  // Who needs the organiser first: failing, stuck at setup, then the organiser's own blocks.
  state: `CASE state WHEN 'failing' THEN 0 WHEN 'setup' THEN 1 WHEN 'blocked' THEN 2 WHEN 'revoked' THEN 3 ELSE 4 END,
          last_request_at DESC, user_id`,
};

export interface AttendeeQuery {
  since: string;
  activeSince: string;
  sort: string;
  limit: number;
  userId?: string;
  /** Count `smoke-` and `loadtest-` ids as attendees too. */
  includeTestUsers?: boolean;
  /** Also list roster attendees with no /v1 request in the window (stuck at setup, or idle). */
  includeIdle?: boolean;
}

/**
 * One row per attendee: everyone with /v1 traffic in the window and (includeIdle) everyone
 * on the roster, with the seed's user_summary figures for the window and their state.
 */
export async function attendeeFigures(db: D1Database, options: AttendeeQuery): Promise<AttendeeFigures[]> {
  const tests = options.includeTestUsers ?? false;
  const onlyUser = options.userId === undefined ? "" : "AND user_id = ?3";
  const onlyClaimed = options.userId === undefined ? "" : "AND claimed_user_id = ?3";
  const idle = (options.includeIdle ?? true)
    ? `UNION SELECT user_id FROM attendees WHERE ${rosterAttendees(tests)} ${onlyUser}`
    : "";
  const sql = `
    WITH v1 AS (SELECT * FROM requests WHERE ${attendeeTraffic(tests)} ${onlyUser}),
    win AS (SELECT * FROM v1 WHERE created_at >= ?1),
    claims AS (
      SELECT claimed_user_id AS user_id, COUNT(*) AS refused, MAX(id) AS last_id
      FROM requests WHERE ${refusedClaims(tests)} AND created_at >= ?1 ${onlyClaimed} GROUP BY claimed_user_id),
    ids AS (SELECT user_id FROM win UNION SELECT user_id FROM claims ${idle}),
    served AS (
      SELECT user_id, latency_ms,
             ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY latency_ms) AS rn,
             COUNT(*) OVER (PARTITION BY user_id) AS n
      FROM win WHERE ${SERVED}),
    latency AS (
      SELECT user_id,
             CAST(ROUND(AVG(latency_ms)) AS INTEGER) AS avg_latency_ms,
             MAX(CASE WHEN rn = ${rank(50)} THEN latency_ms END) AS p50_latency_ms,
             MAX(CASE WHEN rn = ${rank(95)} THEN latency_ms END) AS p95_latency_ms
      FROM served GROUP BY user_id),
    counts AS (
      SELECT user_id,
             COUNT(*) AS requests,
             COALESCE(SUM(tokens_est), 0) AS tokens,
             COALESCE(SUM(prompt_tokens), 0) AS prompt_tokens,
             COALESCE(SUM(completion_tokens), 0) AS completion_tokens,
             SUM(status = 429) AS rate_limited,
             SUM(${ERROR}) AS errors,
             SUM(${UPSTREAM_ERROR}) AS upstream_errors,
             SUM(stream = 1) AS streamed,
             COUNT(DISTINCT endpoint) AS endpoints,
             MIN(created_at) AS first_seen,
             MAX(created_at) AS last_seen
      FROM win GROUP BY user_id),
    latest AS (
      SELECT user_id, MAX(id) AS last_id, MAX(CASE WHEN status >= 400 THEN id END) AS error_id
      FROM v1 WHERE user_id IN (SELECT user_id FROM ids) GROUP BY user_id)
    SELECT ids.user_id AS user_id, ${STATE} AS state,
           a.status AS roster_status, COALESCE(a.blocked, 0) AS blocked,
           COALESCE(counts.requests, 0) AS requests, COALESCE(counts.tokens, 0) AS tokens,
           COALESCE(counts.prompt_tokens, 0) AS prompt_tokens, COALESCE(counts.completion_tokens, 0) AS completion_tokens,
           COALESCE(counts.rate_limited, 0) AS rate_limited, COALESCE(counts.errors, 0) AS errors,
           COALESCE(counts.upstream_errors, 0) AS upstream_errors, COALESCE(counts.streamed, 0) AS streamed,
           COALESCE(counts.endpoints, 0) AS endpoints,
           latency.avg_latency_ms, latency.p50_latency_ms, latency.p95_latency_ms,
           counts.first_seen, counts.last_seen,
           lr.status AS last_status, lr.created_at AS last_request_at,
           er.status AS error_status, substr(er.error_code, 1, ${CLIP.error_code}) AS last_error_code, er.created_at AS last_error_at,
           COALESCE(lr.created_at >= ?2, 0) AS active,
           COALESCE(claims.refused, 0) AS refused_requests, cr.created_at AS refused_at,
           substr(cr.error_code, 1, ${CLIP.error_code}) AS refused_code
    FROM ids
    LEFT JOIN counts ON counts.user_id = ids.user_id
    LEFT JOIN latency ON latency.user_id = ids.user_id
    LEFT JOIN latest ON latest.user_id = ids.user_id
    LEFT JOIN requests lr ON lr.id = latest.last_id
    LEFT JOIN requests er ON er.id = latest.error_id
    LEFT JOIN attendees a ON a.user_id = ids.user_id
    LEFT JOIN claims ON claims.user_id = ids.user_id
    LEFT JOIN requests cr ON cr.id = claims.last_id
    ORDER BY ${ownValue(ATTENDEE_SORT, options.sort) ?? ATTENDEE_SORT.requests}
    LIMIT ${Math.trunc(options.limit)}`;
  const binds: unknown[] = [options.since, options.activeSince];
  if (options.userId !== undefined) binds.push(options.userId);
  type Raw = Omit<AttendeeFigures, "active" | "blocked" | "last_error_message" | "refused_key"> & {
    active: number; blocked: number; error_status: number | null;
    refused_requests: number; refused_at: string | null; refused_code: string | null;
  };
  const { results } = await db.prepare(sql).bind(...binds).all<Raw>();
  return results.map(({ error_status, refused_requests, refused_at, refused_code, ...row }) => ({
    ...row,
    blocked: row.blocked === 1,
    last_error_message: errorHelp(row.last_error_code, error_status),
    active: row.active === 1,
    refused_key: refused_requests > 0
      ? { requests: refused_requests, last_at: refused_at!, error_code: refused_code, message: refusedKeyHelp(row.user_id, refused_code) }
      : null,
  }));
}

/** How many attendees are in each state, and how many are stuck; over the whole log. */
export type AttendeeStateCounts = Record<AttendeeState, number> & { stuck: number; total: number };

/** What the /v1 traffic of the last ERROR_SPIKE.minutes looks like, and whether it is a spike. */
export interface RecentTrafficFigures {
  minutes: number;
  requests: number;
  errors: number;
  error_rate: number | null;
  /** /v1 requests in the last 60 seconds: the projector's "requests per minute". */
  requests_last_minute: number;
  /** The most frequent error code in the window, with the organiser's sentence for it. */
  top_error: { code: string; count: number; status: number; message: string | null } | null;
}

export interface Overview {
  totals: RequestCounts & { attendees: number };
  latency_ms: { avg: number | null; p50: number | null; p95: number | null; p99: number | null; max: number | null };
  status_codes: { status: number; count: number }[];
  end_states: { end_state: string; count: number }[];
  error_codes: { error_code: string; count: number }[];
  error_codes_truncated: boolean;
  /** Attendees (see the header) with a /v1 request since `activeSince`: the exact count; ids most recently seen first, at most ACTIVE_IDS_MAX. */
  active_attendees: { count: number; user_ids: string[]; user_ids_truncated: boolean };
  attendee_states: AttendeeStateCounts;
  recent: RecentTrafficFigures;
  alerts: { error_spike: boolean; error_spike_threshold: { minutes: number; min_requests: number; error_rate: number } };
  /** `attendees`: enrolled attendees (test ids only when asked for); `places_taken`: every roster row, as the cap counts them. */
  enrollment: { attendees: number; places_taken: number };
}

/**
 * Totals, latency percentiles and breakdowns for everything since `since`; attendee
 * counts and recent traffic as of `now`. Status codes and end states need no cap: there
 * are at most a few hundred HTTP statuses and five end states.
 */
export async function overview(
  db: D1Database,
  options: { since: string; activeSince: string; now: number; includeTestUsers?: boolean },
): Promise<Overview> {
  const { since, activeSince } = options;
  const traffic = attendeeTraffic(options.includeTestUsers ?? false);
  const recentSince = windowStart(options.now, { minutes: ERROR_SPIKE.minutes });
  const minuteAgo = windowStart(options.now, { minutes: 1 });
  const [totals, latency, statuses, endStates, errorCodes, activeCount, active, enrolled, states, recent, topError] = await db.batch([
    db.prepare(`
      SELECT COUNT(*) AS requests, COUNT(DISTINCT user_id) AS attendees,
             COALESCE(SUM(tokens_est), 0) AS tokens,
             COALESCE(SUM(prompt_tokens), 0) AS prompt_tokens,
             COALESCE(SUM(completion_tokens), 0) AS completion_tokens,
             COALESCE(SUM(status = 429), 0) AS rate_limited,
             COALESCE(SUM(${ERROR}), 0) AS errors,
             COALESCE(SUM(${UPSTREAM_ERROR}), 0) AS upstream_errors,
             COALESCE(SUM(stream = 1), 0) AS streamed
      FROM requests WHERE created_at >= ?1`).bind(since),
    db.prepare(`
      WITH served AS (
        SELECT latency_ms, ROW_NUMBER() OVER (ORDER BY latency_ms) AS rn, COUNT(*) OVER () AS n
        FROM requests WHERE created_at >= ?1 AND ${SERVED})
      SELECT CAST(ROUND(AVG(latency_ms)) AS INTEGER) AS avg,
             MAX(CASE WHEN rn = ${rank(50)} THEN latency_ms END) AS p50,
             MAX(CASE WHEN rn = ${rank(95)} THEN latency_ms END) AS p95,
             MAX(CASE WHEN rn = ${rank(99)} THEN latency_ms END) AS p99,
             MAX(latency_ms) AS max
      FROM served`).bind(since),
    db.prepare("SELECT status, COUNT(*) AS count FROM requests WHERE created_at >= ?1 GROUP BY status ORDER BY status").bind(since),
    db.prepare("SELECT COALESCE(end_state, 'complete') AS end_state, COUNT(*) AS count FROM requests WHERE created_at >= ?1 GROUP BY 1 ORDER BY 2 DESC").bind(since),
    db.prepare(`SELECT ${clip("error_code")} AS error_code, COUNT(*) AS count FROM requests WHERE created_at >= ?1 AND error_code IS NOT NULL
                GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ${ERROR_CODES_MAX + 1}`).bind(since),
    db.prepare(`SELECT COUNT(DISTINCT user_id) AS count FROM requests WHERE created_at >= ?1 AND ${traffic}`).bind(activeSince),
    db.prepare(`SELECT user_id FROM requests WHERE created_at >= ?1 AND ${traffic}
                GROUP BY user_id ORDER BY MAX(created_at) DESC, user_id LIMIT ${ACTIVE_IDS_MAX}`).bind(activeSince),
    // `attendees` (migration 0002): one row per enrolled attendee, active or revoked.
    // Enrolled attendees leave out the organiser's test ids (unless asked for); the cap
    // (MAX_ATTENDEES) counts every roster row, so the places taken are counted too.
    db.prepare(`SELECT COALESCE(SUM(${rosterAttendees(options.includeTestUsers ?? false)}), 0) AS attendees, COUNT(*) AS places_taken FROM attendees`),
    db.prepare(`
      WITH v1 AS (SELECT id, user_id FROM requests WHERE ${traffic}),
      ids AS (SELECT user_id FROM v1 UNION SELECT user_id FROM attendees WHERE ${rosterAttendees(options.includeTestUsers ?? false)}
              UNION SELECT claimed_user_id FROM requests WHERE ${refusedClaims(options.includeTestUsers ?? false)}),
      latest AS (SELECT user_id, MAX(id) AS last_id FROM v1 GROUP BY user_id)
      SELECT ${STATE} AS state, COUNT(*) AS count
      FROM ids
      LEFT JOIN latest ON latest.user_id = ids.user_id
      LEFT JOIN requests lr ON lr.id = latest.last_id
      LEFT JOIN attendees a ON a.user_id = ids.user_id
      GROUP BY 1`),
    db.prepare(`
      SELECT COUNT(*) AS requests, COALESCE(SUM(${ERROR}), 0) AS errors, COALESCE(SUM(created_at >= ?2), 0) AS requests_last_minute
      FROM requests WHERE created_at >= ?1 AND ${V1_TRAFFIC}`).bind(recentSince, minuteAgo),
    db.prepare(`
      SELECT ${clip("error_code")} AS code, COUNT(*) AS count, MAX(status) AS status FROM requests
      WHERE created_at >= ?1 AND ${V1_TRAFFIC} AND ${ERROR} AND error_code IS NOT NULL
      GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1`).bind(recentSince),
  ]);
  const activeIds = (active.results as { user_id: string }[]).map((r) => r.user_id);
  const activeTotal = (activeCount.results[0] as { count: number }).count;
  const codes = errorCodes.results as Overview["error_codes"];
  const recentCounts = recent.results[0] as { requests: number; errors: number; requests_last_minute: number };
  const top = topError.results[0] as { code: string; count: number; status: number } | undefined;
  return {
    totals: totals.results[0] as Overview["totals"],
    latency_ms: latency.results[0] as Overview["latency_ms"],
    status_codes: statuses.results as Overview["status_codes"],
    end_states: endStates.results as Overview["end_states"],
    error_codes: codes.slice(0, ERROR_CODES_MAX),
    error_codes_truncated: codes.length > ERROR_CODES_MAX,
    active_attendees: { count: activeTotal, user_ids: activeIds, user_ids_truncated: activeTotal > activeIds.length },
    attendee_states: stateCounts(states.results as { state: AttendeeState; count: number }[]),
    recent: {
      minutes: ERROR_SPIKE.minutes,
      ...recentCounts,
      error_rate: errorRate(recentCounts),
      top_error: top ? { ...top, message: errorHelp(top.code, top.status) } : null,
    },
    alerts: {
      error_spike: isErrorSpike(recentCounts),
      error_spike_threshold: { minutes: ERROR_SPIKE.minutes, min_requests: ERROR_SPIKE.minRequests, error_rate: ERROR_SPIKE.errorRate },
    },
    enrollment: enrolled.results[0] as Overview["enrollment"],
  };
}

function stateCounts(rows: readonly { state: AttendeeState; count: number }[]): AttendeeStateCounts {
  const counts: AttendeeStateCounts = { ready: 0, setup: 0, failing: 0, blocked: 0, revoked: 0, stuck: 0, total: 0 };
  for (const { state, count } of rows) {
    counts[state] = count;
    counts.total += count;
    if (STUCK_STATES.includes(state)) counts.stuck += count;
  }
  return counts;
}

export interface MinuteRow {
  minute: string;
  user_id?: string;
  requests: number;
  rate_limited: number;
  errors: number;
  tokens: number;
}

/** Counts per minute since `since`, for everyone or one attendee. */
export async function perMinute(db: D1Database, options: { since: string; userId?: string }): Promise<MinuteRow[]> {
  const userFilter = options.userId === undefined ? "" : "AND user_id = ?2";
  const statement = db.prepare(`
    SELECT substr(created_at, 1, 16) AS minute,
           COUNT(*) AS requests, SUM(status = 429) AS rate_limited, SUM(${ERROR}) AS errors,
           COALESCE(SUM(tokens_est), 0) AS tokens
    FROM requests WHERE created_at >= ?1 ${userFilter}
    GROUP BY minute ORDER BY minute`);
  const { results } = await (options.userId === undefined ? statement.bind(options.since) : statement.bind(options.since, options.userId)).all<MinuteRow>();
  return results;
}

/**
 * Counts per minute and attendee since `since`, for the `limit` attendees with the most
 * requests in that time (then by id): D1 returns at most limit × minutes rows, whoever
 * else is in the log. `attendees` is how many attendees the window holds in all.
 */
export async function perMinuteOfTopAttendees(
  db: D1Database,
  options: { since: string; userId?: string; limit: number },
): Promise<{ rows: (MinuteRow & { user_id: string })[]; ranking: string[]; attendees: number }> {
  const onlyUser = (param: string) => (options.userId === undefined ? "" : `AND user_id = ${param}`);
  const userFilter = onlyUser("?3");
  const user = options.userId === undefined ? [] : [options.userId];
  const binds: unknown[] = [options.since, Math.trunc(options.limit), ...user];
  const [top, rows, count] = await db.batch([
    db.prepare(`
      SELECT user_id FROM requests WHERE created_at >= ?1 ${userFilter}
      GROUP BY user_id ORDER BY COUNT(*) DESC, user_id LIMIT ?2`).bind(...binds),
    db.prepare(`
      WITH top AS (
        SELECT user_id FROM requests WHERE created_at >= ?1 ${userFilter}
        GROUP BY user_id ORDER BY COUNT(*) DESC, user_id LIMIT ?2)
      SELECT substr(created_at, 1, 16) AS minute, user_id,
             COUNT(*) AS requests, SUM(status = 429) AS rate_limited, SUM(${ERROR}) AS errors,
             COALESCE(SUM(tokens_est), 0) AS tokens
      FROM requests WHERE created_at >= ?1 AND user_id IN (SELECT user_id FROM top)
      GROUP BY minute, user_id ORDER BY minute`).bind(...binds),
    db.prepare(`SELECT COUNT(DISTINCT user_id) AS count FROM requests WHERE created_at >= ?1 ${onlyUser("?2")}`).bind(options.since, ...user),
  ]);
  return {
    rows: rows.results as (MinuteRow & { user_id: string })[],
    ranking: (top.results as { user_id: string }[]).map((r) => r.user_id),
    attendees: (count.results[0] as { count: number }).count,
  };
}

/** The columns of a request row that the admin API shows: everything but the IP digest. */
const REQUEST_COLUMNS = [
  "id", "request_id", "created_at", "user_id", "auth", "method", "endpoint", "model", "upstream", "stream", "status",
  "latency_ms", "ttfb_ms", "prompt_tokens", "completion_tokens", "tokens_est", "usage_source", "end_state", "error_code",
  // An agent turn's model calls (the relay): each call's turn, and on the turn what its calls cost.
  "turn_id", "model_calls", "model_tokens",
].map((column) => (hasOwnKey(CLIP, column) ? `${clip(column as keyof typeof CLIP)} AS ${column}` : column)).join(", ");

export interface RequestFilter {
  user_id?: string;
  status?: number;
  end_state?: string;
  since?: string;
  before?: number;
  limit: number;
}

/** Recent rows, newest first, each failed one with the organiser's sentence for its code; `before` is the cursor (an id) for the next page. */
export async function recentRequests(db: D1Database, filter: RequestFilter): Promise<{ data: Record<string, unknown>[]; next_cursor: number | null }> {
  const clauses: string[] = [];
  const binds: unknown[] = [];
  const add = (clause: string, value: unknown) => {
    binds.push(value);
    clauses.push(clause.replace("?", `?${binds.length}`));
  };
  if (filter.user_id !== undefined) add("user_id = ?", filter.user_id);
  if (filter.status !== undefined) add("status = ?", filter.status);
  if (filter.end_state !== undefined) add("end_state = ?", filter.end_state);
  if (filter.since !== undefined) add("created_at >= ?", filter.since);
  if (filter.before !== undefined) add("id < ?", filter.before);
  const where = clauses.length ? `WHERE ${clauses.join(" AND ")}` : "";
  const { results } = await db
    .prepare(`SELECT ${REQUEST_COLUMNS} FROM requests ${where} ORDER BY id DESC LIMIT ${Math.trunc(filter.limit)}`)
    .bind(...binds)
    .all<Record<string, unknown>>();
  const last = results.at(-1);
  return {
    data: results.map((row) => ({ ...row, error_message: errorHelp(row.error_code as string | null, row.status as number) })),
    next_cursor: results.length === filter.limit && last ? Number(last.id) : null,
  };
}
