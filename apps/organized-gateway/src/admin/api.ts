/**
 * The admin API (`/admin/api/*`): the organiser's view and controls. Every route needs the
 * admin token (or the dashboard's session); query strings and bodies are validated with
 * Zod (a bad one is an OpenAI-shaped 400); no response ever carries a key hash, an IP
 * digest, a key (except the one just issued, once) or any other secret.
 * Figure definitions are in figures.ts.
 */
import { Hono } from "hono";
import { z } from "zod";
import { gateFor } from "../admit";
import type { AppEnv } from "../app-env";
import { configFor } from "../config";
import { issueKey, listKeys, revokeKey } from "../keys";
import { GatewayError } from "../shared/errors";
import { adminAuth } from "./auth";
import { attendeeFigures, listUsers, overview, perMinute, recentRequests } from "./figures";
import {
  attendeesQuery, optionalJson, parse, requestsQuery, timeseriesQuery, userIdSchema, usersQuery, windowQuery,
} from "./params";
import { fillMinutes, minuteKeys, windowStart } from "./window";

export const adminApi = new Hono<AppEnv>()
  .use("*", adminAuth())
  .get("/overview", async (c) => {
    const query = parse(windowQuery, c.req.query(), "query");
    const now = Date.now();
    const since = windowStart(now, query);
    const figures = await overview(c.env.DB, since, windowStart(now, { minutes: query.active_minutes }));
    const { limits } = configFor(c.env);
    return c.json({
      window: { since, minutes: query.minutes ?? null },
      limits: { requests_per_minute: limits.perMinute, max_in_flight: limits.maxInflight },
      ...figures,
      active_attendees: { minutes: query.active_minutes, ...figures.active_attendees },
    });
  })
  .get("/attendees", async (c) => {
    const query = parse(attendeesQuery, c.req.query(), "query");
    const now = Date.now();
    const since = windowStart(now, query);
    const data = await attendeeFigures(c.env.DB, {
      since, activeSince: windowStart(now, { minutes: query.active_minutes }), sort: query.sort, limit: query.limit,
    });
    return c.json({ window: { since, minutes: query.minutes ?? null }, active_minutes: query.active_minutes, data });
  })
  .get("/timeseries", async (c) => {
    const query = parse(timeseriesQuery, c.req.query(), "query");
    const now = Date.now();
    const keys = minuteKeys(now, query.minutes);
    const since = `${keys[0]}:00`;
    const rows = await perMinute(c.env.DB, { since, userId: query.user_id, byUser: query.by_user });
    const total = fillMinutes(keys, query.by_user ? sumByMinute(rows) : rows);
    const body: Record<string, unknown> = { minutes: query.minutes, user_id: query.user_id ?? null, total };
    if (query.by_user) {
      const users = [...new Set(rows.map((row) => row.user_id as string))].sort();
      body.by_user = users.map((userId) => ({
        user_id: userId,
        points: fillMinutes(keys, rows.filter((row) => row.user_id === userId)),
      }));
    }
    return c.json(body);
  })
  .get("/requests", async (c) => {
    const query = parse(requestsQuery, c.req.query(), "query");
    return c.json(await recentRequests(c.env.DB, query));
  })
  .get("/users", async (c) => {
    const query = parse(usersQuery, c.req.query(), "query");
    const users = await listUsers(c.env.DB, {
      after: query.after, limit: query.limit, activeSince: windowStart(Date.now(), { minutes: query.active_minutes }),
    });
    const keys = await listKeys(c.env.DB);
    const data = users.map((user) => ({ ...user, keys: keys.filter((key) => key.user_id === user.user_id) }));
    const last = data.at(-1);
    return c.json({ data, next_cursor: data.length === query.limit && last ? last.user_id : null });
  })
  .get("/keys", async (c) => {
    const userId = c.req.query("user_id");
    const keys = await listKeys(c.env.DB, userId === undefined ? undefined : parse(userIdSchema, userId, "user_id"));
    return c.json({ data: keys });
  })
  .post("/users/:userId/keys", async (c) => {
    const userId = parse(userIdSchema, c.req.param("userId"), "user_id");
    const { label } = parse(z.object({ label: z.string().max(100).optional() }), await optionalJson(c.req.raw), "body");
    return c.json(await issueKey(c.env, userId, label ?? null), 201);
  })
  .delete("/keys/:keyId", async (c) => {
    const keyId = parse(z.string().regex(/^[0-9A-Za-z]{8}$/), c.req.param("keyId"), "key_id");
    if (!(await revokeKey(c.env, keyId))) {
      throw new GatewayError(404, "not_found_error", "key_not_found", `No active key with id ${keyId}.`);
    }
    return c.json({ id: keyId, revoked: true });
  })
  .get("/users/:userId", async (c) => {
    const userId = parse(userIdSchema, c.req.param("userId"), "user_id");
    const now = Date.now();
    const [state, summary, [figures]] = await Promise.all([
      gateFor(c.env.ATTENDEE_GATE, userId).describe(),
      c.env.DB.prepare("SELECT * FROM user_summary WHERE user_id = ?").bind(userId).first(),
      attendeeFigures(c.env.DB, {
        since: windowStart(now, {}), activeSince: windowStart(now, { minutes: 5 }), sort: "requests", limit: 1, userId,
      }),
    ]);
    return c.json({ user_id: userId, gate: state, summary, figures: figures ?? null, keys: await listKeys(c.env.DB, userId) });
  })
  .post("/users/:userId/reset-binding", async (c) => {
    const userId = parse(userIdSchema, c.req.param("userId"), "user_id");
    const reset = await gateFor(c.env.ATTENDEE_GATE, userId).resetBinding();
    return c.json({ user_id: userId, binding_reset: reset });
  });

/** Adds the per-attendee rows of each minute into one row per minute. */
function sumByMinute<T extends { minute: string; requests: number; rate_limited: number; errors: number; tokens: number }>(rows: readonly T[]) {
  const totals = new Map<string, { minute: string; requests: number; rate_limited: number; errors: number; tokens: number }>();
  for (const row of rows) {
    const sum = totals.get(row.minute) ?? { minute: row.minute, requests: 0, rate_limited: 0, errors: 0, tokens: 0 };
    sum.requests += row.requests;
    sum.rate_limited += row.rate_limited;
    sum.errors += row.errors;
    sum.tokens += row.tokens;
    totals.set(row.minute, sum);
  }
  return [...totals.values()];
}
