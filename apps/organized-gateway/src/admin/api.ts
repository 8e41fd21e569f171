/**
 * The admin API (`/admin/api/*`): the organiser's view and controls. Every route needs the
 * admin token; inputs are validated with Zod; no response ever carries a key hash, a key
 * (except the one just issued, once) or any other secret.
 */
import { Hono } from "hono";
import { z } from "zod";
import { gateFor } from "../admit";
import type { AppEnv } from "../app-env";
import { USER_ID_PATTERN } from "../identify/gateway-key";
import { issueKey, listKeys, revokeKey } from "../keys";
import { GatewayError } from "../shared/errors";
import { adminAuth } from "./auth";

const userIdSchema = z.string().regex(USER_ID_PATTERN);

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new GatewayError(400, "invalid_request_error", `invalid_${what}`,
      `Invalid ${what}${issue?.path.length ? ` (${issue.path.join(".")})` : ""}: ${issue?.message ?? "check the value"}.`);
  }
  return result.data;
}

async function optionalJson(request: Request): Promise<unknown> {
  const text = await request.text();
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new GatewayError(400, "invalid_request_error", "invalid_json", "The request body is not valid JSON.");
  }
}

export const adminApi = new Hono<AppEnv>()
  .use("*", adminAuth())
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
    const state = await gateFor(c.env.ATTENDEE_GATE, userId).describe();
    const summary = await c.env.DB.prepare("SELECT * FROM user_summary WHERE user_id = ?").bind(userId).first();
    return c.json({ user_id: userId, gate: state, summary, keys: await listKeys(c.env.DB, userId) });
  })
  .post("/users/:userId/reset-binding", async (c) => {
    const userId = parse(userIdSchema, c.req.param("userId"), "user_id");
    const reset = await gateFor(c.env.ATTENDEE_GATE, userId).resetBinding();
    return c.json({ user_id: userId, binding_reset: reset });
  });
