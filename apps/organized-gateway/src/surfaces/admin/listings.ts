/**
 * The organiser's listings of users and gateway keys, read from D1, each one page at a
 * time: a page holds at most its `limit` rows and, when more follow, a `next_cursor`, so
 * no answer grows with what is in D1 (an attacker who invents a thousand attendees, or an
 * organiser who issues a key per load-test run, makes more pages, not a bigger one).
 */
import { isTestUser } from "../../pipeline/identify/user-id";
import type { KeyRecord } from "../../keys";

const ERROR = "(status >= 400 AND status <> 429)";
const KEY_COLUMNS = "id, user_id, label, hint, source, created_at, revoked_at";

/** Keys shown with each user of a /users page; the user's own page shows more. */
export const KEYS_PER_LISTED_USER = 5;
/** Keys shown on one user's page (/users/{id}); /keys?user_id= pages through all of them. */
export const KEYS_PER_USER_PAGE = 100;

export interface Page<T, Cursor> {
  data: T[];
  next_cursor: Cursor | null;
}

/** A user's keys as a listing shows them: the first few, active ones first, and how many there are. */
export interface UserKeys {
  keys: KeyRecord[];
  key_count: number;
  active_keys: number;
  keys_truncated: boolean;
}

export interface UserListing extends UserKeys {
  user_id: string;
  /** From the roster; null (and not blocked) for an id that is not on it. */
  status: "active" | "revoked" | null;
  blocked: boolean;
  /** Given at enrolment with consent, for the follow-up email; null otherwise. */
  email: string | null;
  /** An `ocg smoke` / `ocg loadtest` id (pipeline/identify/user-id.ts), left out of attendee figures. */
  test_user: boolean;
  requests: number;
  tokens: number;
  rate_limited: number;
  errors: number;
  last_seen: string | null;
  active: boolean;
}

/** Everyone the gateway knows (on the roster, with a key or with a logged request), by id, one page at a time. */
export async function listUsers(db: D1Database, options: { after?: string; limit: number; activeSince: string }): Promise<Page<UserListing, string>> {
  const { results } = await db.prepare(`
    WITH ids AS (
      SELECT user_id FROM requests WHERE user_id > ?1
      UNION SELECT user_id FROM gateway_keys WHERE user_id > ?1
      UNION SELECT user_id FROM attendees WHERE user_id > ?1
      ORDER BY user_id LIMIT ?3),
    counts AS (
      SELECT user_id, COUNT(*) AS requests, COALESCE(SUM(tokens_est), 0) AS tokens,
             SUM(status = 429) AS rate_limited, SUM(${ERROR}) AS errors, MAX(created_at) AS last_seen
      FROM requests WHERE user_id IN (SELECT user_id FROM ids) GROUP BY user_id)
    SELECT ids.user_id, COALESCE(counts.requests, 0) AS requests, COALESCE(counts.tokens, 0) AS tokens,
           COALESCE(counts.rate_limited, 0) AS rate_limited, COALESCE(counts.errors, 0) AS errors,
           counts.last_seen, COALESCE(counts.last_seen >= ?2, 0) AS active,
           a.status AS status, COALESCE(a.blocked, 0) AS blocked, a.email AS email
    FROM ids LEFT JOIN counts USING (user_id) LEFT JOIN attendees a USING (user_id)
    ORDER BY ids.user_id`)
    .bind(options.after ?? "", options.activeSince, Math.trunc(options.limit) + 1)
    .all<Omit<UserListing, "active" | "blocked" | "test_user" | keyof UserKeys> & { active: number; blocked: number }>();
  const page = results.slice(0, options.limit);
  const last = page.at(-1);
  const keys = last ? await keysOfUsers(db, { after: options.after ?? "", through: last.user_id, perUser: KEYS_PER_LISTED_USER }) : new Map();
  return {
    data: page.map((row) => ({
      ...row, active: row.active === 1, blocked: row.blocked === 1, test_user: isTestUser(row.user_id),
      ...(keys.get(row.user_id) ?? NO_KEYS),
    })),
    next_cursor: results.length > options.limit && last ? last.user_id : null,
  };
}

const NO_KEYS: UserKeys = { keys: [], key_count: 0, active_keys: 0, keys_truncated: false };

/**
 * The keys of every user whose id is in (after, through], at most `perUser` each (active
 * first, then newest), with each user's counts: one query for a whole page of users.
 */
export function keysOfUsers(db: D1Database, range: { after: string; through: string; perUser: number }): Promise<Map<string, UserKeys>> {
  return keysWhere(db, "user_id > ?2 AND user_id <= ?3", [range.after, range.through], range.perUser);
}

/** One user's keys as their page shows them (at most KEYS_PER_USER_PAGE). */
export async function keysOfUser(db: D1Database, userId: string): Promise<UserKeys> {
  return (await keysWhere(db, "user_id = ?2", [userId], KEYS_PER_USER_PAGE)).get(userId) ?? NO_KEYS;
}

async function keysWhere(db: D1Database, where: string, binds: string[], perUser: number): Promise<Map<string, UserKeys>> {
  const { results } = await db.prepare(`
    SELECT * FROM (
      SELECT ${KEY_COLUMNS},
             ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY revoked_at IS NULL DESC, created_at DESC, id DESC) AS rank,
             COUNT(*) OVER (PARTITION BY user_id) AS key_count,
             SUM(revoked_at IS NULL) OVER (PARTITION BY user_id) AS active_keys
      FROM gateway_keys WHERE ${where})
    WHERE rank <= ?1 ORDER BY user_id, rank`)
    .bind(Math.trunc(perUser), ...binds)
    .all<KeyRecord & { rank: number; key_count: number; active_keys: number }>();
  const byUser = new Map<string, UserKeys>();
  for (const { rank: _rank, key_count, active_keys, ...key } of results) {
    const entry = byUser.get(key.user_id) ?? { keys: [], key_count, active_keys, keys_truncated: key_count > perUser };
    entry.keys.push(key);
    byUser.set(key.user_id, entry);
  }
  return byUser;
}

/** Keys oldest first, optionally of one user; `after` is the last key id of the previous page. */
export async function listKeyPage(db: D1Database, options: { userId?: string; after?: string; limit: number }): Promise<Page<KeyRecord, string> | null> {
  let from: { created_at: string; id: string } | null = null;
  if (options.after !== undefined) {
    from = await db.prepare("SELECT created_at, id FROM gateway_keys WHERE id = ?").bind(options.after).first();
    if (!from) return null;
  }
  const { results } = await db.prepare(`
    SELECT ${KEY_COLUMNS} FROM gateway_keys
    WHERE (?1 IS NULL OR user_id = ?1)
      AND (?2 IS NULL OR created_at > ?2 OR (created_at = ?2 AND id > ?3))
    ORDER BY created_at, id LIMIT ?4`)
    .bind(options.userId ?? null, from?.created_at ?? null, from?.id ?? null, Math.trunc(options.limit) + 1)
    .all<KeyRecord>();
  const data = results.slice(0, options.limit);
  return { data, next_cursor: results.length > options.limit ? data.at(-1)!.id : null };
}
