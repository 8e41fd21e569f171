/**
 * The organiser's figures, read from D1's `requests` log: per-attendee summaries, totals,
 * status codes, latency percentiles, requests per minute and the raw recent rows.
 *
 * Definitions, shared by the dashboard, the CLI and the report:
 * - rate_limited: answers with status 429 (the attendee's limiter said no).
 * - errors: every other failure (status >= 400 except 429): bad keys, taken ids, upstream trouble.
 * - upstream_errors: the upstream failed or was too slow (end_state upstream_error or timeout).
 * - latency figures cover served requests only (end_state other than `rejected`): a refusal
 *   takes ~0 ms and would hide how slow the upstream is. Percentiles are nearest-rank,
 *   computed in SQL with window functions (D1 is SQLite: there is no percentile function).
 *
 * Every answer is bounded whatever D1 holds: each list has a LIMIT and says when it was
 * cut, and text that a caller or the upstream chose (paths, methods, models, error codes)
 * is clipped to CLIP characters; user ids are checked before any row is written.
 */

const SERVED = "COALESCE(end_state, 'complete') <> 'rejected'";
const ERROR = "(status >= 400 AND status <> 429)";
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

export interface AttendeeFigures extends RequestCounts {
  user_id: string;
  endpoints: number;
  avg_latency_ms: number | null;
  p50_latency_ms: number | null;
  p95_latency_ms: number | null;
  first_seen: string;
  last_seen: string;
  active: boolean;
}

const ATTENDEE_SORT: Record<string, string> = {
  requests: "requests DESC, user_id",
  tokens: "tokens DESC, user_id",
  rate_limited: "rate_limited DESC, requests DESC, user_id",
  errors: "errors DESC, requests DESC, user_id",
  last_seen: "last_seen DESC, user_id",
  user_id: "user_id",
  p95_latency_ms: "p95_latency_ms DESC, user_id",
};

/** One row per attendee seen since `since`: the seed's user_summary and the rest. */
export async function attendeeFigures(
  db: D1Database,
  options: { since: string; activeSince: string; sort: string; limit: number; userId?: string },
): Promise<AttendeeFigures[]> {
  const userFilter = options.userId === undefined ? "" : "AND user_id = ?3";
  const sql = `
    WITH win AS (SELECT * FROM requests WHERE created_at >= ?1 ${userFilter}),
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
      FROM win GROUP BY user_id)
    SELECT counts.*, latency.avg_latency_ms, latency.p50_latency_ms, latency.p95_latency_ms,
           counts.last_seen >= ?2 AS active
    FROM counts LEFT JOIN latency USING (user_id)
    ORDER BY ${ATTENDEE_SORT[options.sort] ?? ATTENDEE_SORT.requests}
    LIMIT ${Math.trunc(options.limit)}`;
  const binds: unknown[] = [options.since, options.activeSince];
  if (options.userId !== undefined) binds.push(options.userId);
  const { results } = await db.prepare(sql).bind(...binds).all<Omit<AttendeeFigures, "active"> & { active: number }>();
  return results.map((row) => ({ ...row, active: row.active === 1 }));
}

export interface Overview {
  totals: RequestCounts & { attendees: number };
  latency_ms: { avg: number | null; p50: number | null; p95: number | null; p99: number | null; max: number | null };
  status_codes: { status: number; count: number }[];
  end_states: { end_state: string; count: number }[];
  error_codes: { error_code: string; count: number }[];
  error_codes_truncated: boolean;
  /** Who sent a request since `activeSince`: the exact count; ids most recently seen first, at most ACTIVE_IDS_MAX. */
  active_attendees: { count: number; user_ids: string[]; user_ids_truncated: boolean };
  enrollment: { attendees: number };
}

/**
 * Totals, latency percentiles and breakdowns for everything since `since`. Status codes
 * and end states need no cap: there are at most a few hundred HTTP statuses and five end states.
 */
export async function overview(db: D1Database, since: string, activeSince: string): Promise<Overview> {
  const [totals, latency, statuses, endStates, errorCodes, activeCount, active, enrolled] = await db.batch([
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
    db.prepare("SELECT COUNT(DISTINCT user_id) AS count FROM requests WHERE created_at >= ?1").bind(activeSince),
    db.prepare(`SELECT user_id FROM requests WHERE created_at >= ?1
                GROUP BY user_id ORDER BY MAX(created_at) DESC, user_id LIMIT ${ACTIVE_IDS_MAX}`).bind(activeSince),
    // `attendees` (migration 0002): one row per enrolled attendee, active or revoked.
    db.prepare("SELECT COUNT(*) AS attendees FROM attendees"),
  ]);
  const activeIds = (active.results as { user_id: string }[]).map((r) => r.user_id);
  const activeTotal = (activeCount.results[0] as { count: number }).count;
  const codes = errorCodes.results as Overview["error_codes"];
  return {
    totals: totals.results[0] as Overview["totals"],
    latency_ms: latency.results[0] as Overview["latency_ms"],
    status_codes: statuses.results as Overview["status_codes"],
    end_states: endStates.results as Overview["end_states"],
    error_codes: codes.slice(0, ERROR_CODES_MAX),
    error_codes_truncated: codes.length > ERROR_CODES_MAX,
    active_attendees: { count: activeTotal, user_ids: activeIds, user_ids_truncated: activeTotal > activeIds.length },
    enrollment: enrolled.results[0] as Overview["enrollment"],
  };
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
].map((column) => (column in CLIP ? `${clip(column as keyof typeof CLIP)} AS ${column}` : column)).join(", ");

export interface RequestFilter {
  user_id?: string;
  status?: number;
  end_state?: string;
  since?: string;
  before?: number;
  limit: number;
}

/** Recent rows, newest first; `before` is the cursor (an id) for the next page. */
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
  return { data: results, next_cursor: results.length === filter.limit && last ? Number(last.id) : null };
}
