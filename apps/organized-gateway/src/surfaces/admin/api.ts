/**
 * The admin API (`/admin/api/*`): the organiser's view and controls. Every route needs the
 * admin token (or the dashboard's session); query strings and bodies are validated with
 * Zod (a bad one is an OpenAI-shaped 400); no response ever carries a key hash, an IP
 * digest, a key (except the one just issued, once) or any other secret.
 * Every answer is bounded whatever D1 holds: lists take a `limit` (with a maximum) and
 * say when they were cut (`truncated`, `*_truncated`) or where the next page starts
 * (`next_cursor`). Figure definitions are in figures.ts, listings in listings.ts.
 * Every route that changes something records it in the audit trail (actions.ts) once the
 * change has taken effect, whether the dashboard or the admin token asked.
 */
import { Hono } from "hono";
import { z } from "zod";
import { AttendeeGateClient } from "../../objects/attendee-gate/client";
import type { AppEnv } from "../../app-env";
import { configFor } from "../../settings/config";
import { periodOf } from "../../objects/attendee-gate/monthly-quota";
import { tierTableFor } from "../../pipeline/admit/tiers";
import { issueKey, reinstateUser, resetUser, revokeKey, setBlocked, setTier } from "../../keys";
import { refusal } from "../../errors";
import { listActions, recordAction } from "./actions";
import { adminAuth } from "./auth";
import { attendeeFigures, overview, perMinute, perMinuteOfTopAttendees, recentRequests, type MinuteRow } from "./figures";
import { keysOfUser, listKeyPage, listUsers } from "./listings";
import {
  actionsQuery, attendeesQuery, keysQuery, optionalJson, parse, requestsQuery, timeseriesQuery, userIdSchema, usersQuery, windowQuery,
} from "./params";
import { fillMinutes, minuteKeys, windowStart } from "./window";

/**
 * Per-attendee points one /timeseries answer may hold (about 85 bytes each): 10 attendees
 * over 24 hours, or the full `limit` of 50 over the last 4 hours 48 minutes.
 */
export const SERIES_POINTS_MAX = 14_400;

export const adminApi = new Hono<AppEnv>()
  // Every answer names its request, which the audit trail records: a change can be traced both ways.
  .use("*", async (c, next) => {
    await next();
    c.res.headers.set("x-request-id", c.get("requestId"));
  })
  .use("*", adminAuth())
  .get("/overview", async (c) => {
    const query = parse(windowQuery, c.req.query(), "query");
    const now = Date.now();
    const since = windowStart(now, query);
    const figures = await overview(c.env.DB, {
      since, activeSince: windowStart(now, { minutes: query.active_minutes }), now, includeTestUsers: query.include_test,
    });
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
      includeTestUsers: query.include_test, includeIdle: query.include_idle,
    });
    return c.json({
      window: { since, minutes: query.minutes ?? null }, active_minutes: query.active_minutes,
      include_test: query.include_test, include_idle: query.include_idle,
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
      throw refusal("invalid_query", { where: " (after)", issue: `no key has the id ${query.after}; pass the next_cursor of the previous page` });
    }
    return c.json(page);
  })
  .post("/users/:userId/keys", async (c) => {
    const userId = parse(userIdSchema, c.req.param("userId"), "user_id");
    const { label } = parse(z.object({ label: z.string().max(100).optional() }), await optionalJson(c.req.raw), "body");
    const issued = await issueKey(c.env, userId, label ?? null);
    await recordAction(c, "issue_key", { userId, keyId: issued.id });
    return c.json(issued, 201);
  })
  .delete("/keys/:keyId", async (c) => {
    const keyId = parse(z.string().regex(/^[0-9A-Za-z]{8}$/), c.req.param("keyId"), "key_id");
    const revocation = await revokeKey(c.env, keyId);
    if (!revocation) {
      throw refusal("key_not_found", { keyId });
    }
    await recordAction(c, "revoke_key", { userId: revocation.user_id, keyId });
    return c.json({ ...revocation, revoked: true });
  })
  .get("/users/:userId", async (c) => {
    const userId = parse(userIdSchema, c.req.param("userId"), "user_id");
    const now = Date.now();
    const period = periodOf(now);
    const [state, usage, summary, [figures], keys, roster] = await Promise.all([
      AttendeeGateClient.of(c.env, userId).describe(),
      AttendeeGateClient.of(c.env, userId).monthlyUsage(period),
      c.env.DB.prepare("SELECT * FROM user_summary WHERE user_id = ?").bind(userId).first(),
      // Asked for by name, so a test user's figures are shown too.
      attendeeFigures(c.env.DB, {
        since: windowStart(now, {}), activeSince: windowStart(now, { minutes: 5 }), sort: "requests", limit: 1, userId,
        includeTestUsers: true,
      }),
      keysOfUser(c.env.DB, userId),
      c.env.DB.prepare("SELECT source, status, blocked, email, created_at, updated_at FROM attendees WHERE user_id = ?")
        .bind(userId).first<{ blocked: number } & Record<string, unknown>>(),
    ]);
    return c.json({
      user_id: userId, gate: state, summary, figures: figures ?? null,
      // This month's requests by project, as the attendee's object counts them (what quotas read).
      usage: { period, total: usage.total, projects: usage.projects },
      roster: roster ? { ...roster, blocked: roster.blocked === 1 } : null, ...keys,
    });
  })
  .post("/users/:userId/reset-binding", async (c) => {
    const userId = parse(userIdSchema, c.req.param("userId"), "user_id");
    const { reset, generation, revoked_keys } = await resetUser(c.env, userId);
    await recordAction(c, "reset_binding", { userId });
    return c.json({ user_id: userId, binding_reset: reset, revoked_keys, generation });
  })
  .post("/users/:userId/block", async (c) => {
    const userId = parse(userIdSchema, c.req.param("userId"), "user_id");
    const { blocked, status, generation } = await setBlocked(c.env, userId, true);
    await recordAction(c, "block", { userId });
    return c.json({ user_id: userId, blocked, status, generation });
  })
  // The tiers an organiser may put an attendee on (the dashboard's select), in the table's order.
  .get("/tiers", (c) => {
    const config = configFor(c.env);
    const data = Object.entries(tierTableFor(config)).map(([id, tier]) => ({
      id, requests_per_month: tier.requestsPerMonth, projects: tier.projects, priority: tier.priority,
    }));
    return c.json({ default_tier: config.tiers.defaultTier, data });
  })
  .put("/users/:userId/tier", async (c) => {
    const userId = parse(userIdSchema, c.req.param("userId"), "user_id");
    const tiers = Object.keys(tierTableFor(configFor(c.env)));
    const { tier } = parse(z.object({ tier: z.enum(tiers as [string, ...string[]]) }), await optionalJson(c.req.raw), "body");
    const state = await setTier(c.env, userId, tier);
    await recordAction(c, "set_tier", { userId, detail: { from: state.previousTier, to: state.tier } });
    return c.json({ user_id: userId, tier: state.tier });
  })
  .post("/users/:userId/unblock", async (c) => {
    const userId = parse(userIdSchema, c.req.param("userId"), "user_id");
    const { blocked, status, generation } = await setBlocked(c.env, userId, false);
    await recordAction(c, "unblock", { userId });
    return c.json({ user_id: userId, blocked, status, generation });
  })
  .post("/users/:userId/reinstate", async (c) => {
    const userId = parse(userIdSchema, c.req.param("userId"), "user_id");
    const { reinstated, status, generation } = await reinstateUser(c.env, userId);
    await recordAction(c, "reinstate", { userId });
    return c.json({ user_id: userId, reinstated, status, generation });
  })
  .get("/actions", async (c) => {
    const query = parse(actionsQuery, c.req.query(), "query");
    return c.json(await listActions(c.env.DB, { userId: query.user_id, before: query.before, limit: query.limit }));
  });
