/**
 * The organiser's audit trail (D1 `admin_actions`, migration 0004): every change made
 * through the admin API is recorded after it took effect — what, to whom, which key, from
 * the dashboard or with the admin token, when, the admin request's id, and what changed
 * (`detail`: a tier's from and to, a re-encryption page's tally) — and listed newest first,
 * one bounded page at a time. An action over the whole roster has no `user_id`.
 *
 * The row is written after the change, never before: a row means the change happened. If
 * D1 refuses the row, the change stands (it cannot be taken back by then) and the failure
 * is logged as one JSON line, so a missing row is visible in the Worker's logs.
 */
import type { Context } from "hono";
import type { AppEnv } from "../../app-env";
import { bearerToken } from "../../pipeline/identify";

export const ADMIN_ACTIONS = ["issue_key", "revoke_key", "block", "unblock", "reset_binding", "reinstate", "set_tier", "revoke_credential", "reencrypt_credentials"] as const;
export type AdminAction = (typeof ADMIN_ACTIONS)[number];
/** `token`: Authorization: Bearer <ADMIN_TOKEN> (the CLI, scripts); `dashboard`: the sign-in session. */
export type Actor = "token" | "dashboard";

export interface AdminActionRow {
  id: number;
  created_at: string;
  action: AdminAction;
  /** null: an action over every attendee (reencrypt_credentials). */
  user_id: string | null;
  key_id: string | null;
  actor: Actor;
  request_id: string | null;
  /** What changed: `set_tier` {from, to} (null: no tier of their own), `reencrypt_credentials` the page's tally. */
  detail: Record<string, unknown> | null;
}

/**
 * Who made an already-authenticated admin request: adminAuth lets a request through with a
 * Bearer header only when it is the admin token, and otherwise only with the session.
 */
export function actorOf(c: Context<AppEnv>): Actor {
  return bearerToken(c.req.header("authorization")) === undefined ? "dashboard" : "token";
}

export async function recordAction(
  c: Context<AppEnv>,
  action: AdminAction,
  target: { userId: string | null; keyId?: string | null; detail?: Record<string, unknown> },
): Promise<void> {
  const requestId = c.get("requestId") ?? null;
  try {
    await c.env.DB.prepare("INSERT INTO admin_actions (action, user_id, key_id, actor, request_id, detail) VALUES (?, ?, ?, ?, ?, ?)")
      .bind(action, target.userId, target.keyId ?? null, actorOf(c), requestId, target.detail ? JSON.stringify(target.detail) : null).run();
  } catch (error) {
    console.error(JSON.stringify({ event: "admin_action_not_recorded", action, request_id: requestId, error: String(error) }));
  }
}

/** Actions newest first, optionally of one attendee; `before` is the last id of the previous page. */
export async function listActions(
  db: D1Database,
  options: { userId?: string; before?: number; limit: number },
): Promise<{ data: AdminActionRow[]; next_cursor: number | null }> {
  const { results } = await db.prepare(`
    SELECT id, created_at, action, user_id, key_id, actor, request_id, detail FROM admin_actions
    WHERE (?1 IS NULL OR user_id = ?1) AND (?2 IS NULL OR id < ?2)
    ORDER BY id DESC LIMIT ?3`)
    .bind(options.userId ?? null, options.before ?? null, Math.trunc(options.limit) + 1)
    .all<Omit<AdminActionRow, "detail"> & { detail: string | null }>();
  const data = results.slice(0, options.limit).map((row) => ({ ...row, detail: row.detail === null ? null : JSON.parse(row.detail) as Record<string, unknown> }));
  return { data, next_cursor: results.length > options.limit ? data.at(-1)!.id : null };
}
