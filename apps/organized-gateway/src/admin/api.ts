/**
 * The admin API (`/admin/api/*`): the organiser's view and controls. Every route needs the
 * admin token (or the dashboard's session); query strings and bodies are validated with
 * Zod (a bad one is an OpenAI-shaped 400); no response ever carries a key hash, an IP
 * digest, a key (except the one just issued, once) or any other secret.
 * Every answer is bounded whatever D1 holds: lists take a `limit` (with a maximum) and
 * say when they were cut (`truncated`, `*_truncated`) or where the next page starts
 * (`next_cursor`). Figure definitions are in figures.ts, listings in listings.ts.
 */
import { Hono } from "hono";
import { z } from "zod";
import { gateFor } from "../admit";
import type { AppEnv } from "../app-env";
import { configFor } from "../config";
import { issueKey, reinstateUser, resetUser, revokeKey, setBlocked } from "../keys";
import { GatewayError } from "../shared/errors";
import { adminAuth } from "./auth";
import { attendeeFigures, overview, perMinute, perMinuteOfTopAttendees, recentRequests, type MinuteRow } from "./figures";
import { keysOfUser, listKeyPage, listUsers } from "./listings";
import {
  attendeesQuery, keysQuery, optionalJson, parse, requestsQuery, timeseriesQuery, userIdSchema, usersQuery, windowQuery,
} from "./params";
import { fillMinutes, minuteKeys, windowStart } from "./window";

/**
 * Per-attendee points one /timeseries answer may hold (about 85 bytes each): 10 attendees
 * over 24 hours, or the full `limit` of 50 over the last 4 hours 48 minutes.
 */
export const SERIES_POINTS_MAX = 14_400;

export const adminApi = new Hono<AppEnv>()
  .use("*", adminAuth())
  .get("/overview", async (c) => {
    const query = parse(windowQuery, c.req.query(), "query");
    const now = Date.now();
    const since = windowStart(now, query);
    const figures = await overview(c.env.DB, since, windowStart(now, { minutes: query.active_minutes }));
    const { limits, event } = configFor(c.env);
    return c.json({
      window: { since, minutes: query.minutes ?? null },
      limits: { requests_per_minute: limits.perMinute, max_in_flight: limits.maxInflight },
      ...figures,
      active_attendees: { minutes: query.active_minutes, ...figures.active_attendees },
      enrollment: { ...figures.enrollment, max_attendees: event.maxAttendees },
    });
  })
  .get("/attendees", async (c) => {
    const query = parse(attendeesQuery, c.req.query(), "query");
    const now = Date.now();
    const since = windowStart(now, query);
    // One more than asked for tells whether the list was cut.
    const rows = await attendeeFigures(c.env.DB, {
      since, activeSince: windowStart(now, { minutes: query.active_minutes }), sort: query.sort, limit: query.limit + 1,
    });
    return c.json({
      window: { since, minutes: query.minutes ?? null }, active_minutes: query.active_minutes,
      data: rows.slice(0, query.limit), truncated: rows.length > query.limit,
    });
  })
  .get("/timeseries", async (c) => {
    const query = parse(timeseriesQuery, c.req.query(), "query");
    const keys = minuteKeys(Date.now(), query.minutes);
    const since = `${keys[0]}:00`;
    const total = fillMinutes(keys, await perMinute(c.env.DB, { since, userId: query.user_id }));
    const body: Record<string, unknown> = { minutes: query.minutes, user_id: query.user_id ?? null, total };
    if (query.by_user) {
      const limit = Math.max(1, Math.min(query.limit, Math.floor(SERIES_POINTS_MAX / query.minutes)));
      const top = await perMinuteOfTopAttendees(c.env.DB, { since, userId: query.user_id, limit });
      const rowsOf = new Map<string, MinuteRow[]>();
      for (const row of top.rows) rowsOf.set(row.user_id, [...(rowsOf.get(row.user_id) ?? []), row]);
      // The most active first; anyone left out can be asked for with user_id.
      body.by_user = top.ranking.map((userId) => ({ user_id: userId, points: fillMinutes(keys, rowsOf.get(userId) ?? []) }));
      body.by_user_limit = limit;
      body.by_user_attendees = top.attendees;
      body.by_user_truncated = top.attendees > top.ranking.length;
    }
    return c.json(body);
  })
  .get("/requests", async (c) => {
    const query = parse(requestsQuery, c.req.query(), "query");
    return c.json(await recentRequests(c.env.DB, query));
  })
  .get("/users", async (c) => {
    const query = parse(usersQuery, c.req.query(), "query");
    return c.json(await listUsers(c.env.DB, {
      after: query.after, limit: query.limit, activeSince: windowStart(Date.now(), { minutes: query.active_minutes }),
    }));
  })
  .get("/keys", async (c) => {
    const query = parse(keysQuery, c.req.query(), "query");
    const page = await listKeyPage(c.env.DB, { userId: query.user_id, after: query.after, limit: query.limit });
    if (!page) {
      throw new GatewayError(400, "invalid_request_error", "invalid_query",
        `Invalid query (after): no key has the id ${query.after}; pass the next_cursor of the previous page.`);
    }
    return c.json(page);
  })
  .post("/users/:userId/keys", async (c) => {
    const userId = parse(userIdSchema, c.req.param("userId"), "user_id");
    const { label } = parse(z.object({ label: z.string().max(100).optional() }), await optionalJson(c.req.raw), "body");
    return c.json(await issueKey(c.env, userId, label ?? null), 201);
  })
  .delete("/keys/:keyId", async (c) => {
    const keyId = parse(z.string().regex(/^[0-9A-Za-z]{8}$/), c.req.param("keyId"), "key_id");
    const revocation = await revokeKey(c.env, keyId);
    if (!revocation) {
      throw new GatewayError(404, "not_found_error", "key_not_found", `No active key with id ${keyId}.`);
    }
    return c.json({ ...revocation, revoked: true });
  })
  .get("/users/:userId", async (c) => {
    const userId = parse(userIdSchema, c.req.param("userId"), "user_id");
    const now = Date.now();
    const [state, summary, [figures], keys] = await Promise.all([
      gateFor(c.env.ATTENDEE_GATE, userId).describe(),
      c.env.DB.prepare("SELECT * FROM user_summary WHERE user_id = ?").bind(userId).first(),
      attendeeFigures(c.env.DB, {
        since: windowStart(now, {}), activeSince: windowStart(now, { minutes: 5 }), sort: "requests", limit: 1, userId,
      }),
      keysOfUser(c.env.DB, userId),
    ]);
    return c.json({ user_id: userId, gate: state, summary, figures: figures ?? null, ...keys });
  })
  .post("/users/:userId/reset-binding", async (c) => {
    const userId = parse(userIdSchema, c.req.param("userId"), "user_id");
    const { reset, generation, revoked_keys } = await resetUser(c.env, userId);
    return c.json({ user_id: userId, binding_reset: reset, revoked_keys, generation });
  })
  .post("/users/:userId/block", async (c) => {
    const userId = parse(userIdSchema, c.req.param("userId"), "user_id");
    const { blocked, status, generation } = await setBlocked(c.env, userId, true);
    return c.json({ user_id: userId, blocked, status, generation });
  })
  .post("/users/:userId/unblock", async (c) => {
    const userId = parse(userIdSchema, c.req.param("userId"), "user_id");
    const { blocked, status, generation } = await setBlocked(c.env, userId, false);
    return c.json({ user_id: userId, blocked, status, generation });
  })
  .post("/users/:userId/reinstate", async (c) => {
    const userId = parse(userIdSchema, c.req.param("userId"), "user_id");
    const { reinstated, status, generation } = await reinstateUser(c.env, userId);
    return c.json({ user_id: userId, reinstated, status, generation });
  });
