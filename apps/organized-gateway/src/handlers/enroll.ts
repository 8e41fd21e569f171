/**
 * `POST /enroll {"event_code","user_id"}`: an attendee trades the room's event code for
 * their own gateway key (setup.sh does this). Open only while EVENT_CODE is set. Wrong codes
 * are counted per IP so the code can't be guessed by brute force — only wrong ones: a whole
 * room enrolls from one Wi-Fi address within the same minute. Every attempt is logged.
 */
import type { Context } from "hono";
import { z } from "zod";
import type { Gate } from "../admit";
import { GuessGuard } from "../admit/guesses";
import type { AppEnv } from "../app-env";
import { configFor } from "../config";
import { readJsonObject } from "../envelope/body";
import { bearerToken } from "../identify";
import { USER_ID_PATTERN } from "../identify/gateway-key";
import { enrollKey } from "../keys";
import { settle, endStateForStatus } from "../settle";
import { newRequestRow } from "../settle/request-row";
import { keyedHash, secretsEqual } from "../shared/crypto";
import { GatewayError, errorResponse, toGatewayError } from "../shared/errors";
import { ipHash } from "../shared/network";

const WRONG_CODES = { what: "event codes", code: "too_many_wrong_codes", perMinute: 20 };

const enrollment = z.object({
  event_code: z.string().min(1).max(200),
  user_id: z.string().regex(USER_ID_PATTERN).refine((id) => id !== "anonymous"),
});

export async function enroll(c: Context<AppEnv>): Promise<Response> {
  const startedAt = Date.now();
  const row = newRequestRow(c.get("requestId"), "/enroll", "POST", startedAt);
  let gate: Gate | null = null;
  let flushMs = 0;
  try {
    const config = configFor(c.env);
    flushMs = config.logFlushMs;
    row.ip_hash = await ipHash(config.hashSecret, c.req.raw.headers);
    if (!config.event.code) {
      throw new GatewayError(403, "permission_error", "enrollment_closed",
        "Enrollment is not open on this gateway. Ask the organiser for a gateway key.");
    }
    const guard = await GuessGuard.forNetwork(c.env, config, c.req.raw.headers, "event-code", WRONG_CODES);
    gate = guard.gate;
    await guard.check(startedAt);

    const parsed = enrollment.safeParse(await readJsonObject(c.req.raw, 4096));
    if (!parsed.success) {
      const field = String(parsed.error.issues[0]?.path[0] ?? "body");
      throw new GatewayError(400, "invalid_request_error", `invalid_${field}`, field === "user_id"
        ? "USER_ID must be 1-64 letters, digits, dots, dashes or underscores (for example trainee-sam)."
        : "Send {\"event_code\": \"...\", \"user_id\": \"...\"}: the event code is on the room's screen.");
    }
    const { event_code, user_id } = parsed.data;
    row.user_id = user_id;
    if (!(await secretsEqual(event_code, config.event.code))) {
      await guard.wrong(startedAt);
      throw new GatewayError(403, "permission_error", "invalid_event_code",
        "That event code is not right. Check EVENT_CODE in your .env against the code on the room's screen.");
    }
    const byokToken = bearerToken(c.req.header("authorization"));
    const byokHash = byokToken ? await keyedHash(config.hashSecret, "byok", byokToken) : null;
    const issued = await enrollKey(c.env, user_id, byokHash);
    Object.assign(row, { status: 201, latency_ms: Date.now() - startedAt });
    return c.json({ user_id: issued.user_id, key: issued.key, key_hint: issued.hint }, 201);
  } catch (thrown) {
    const error = toGatewayError(thrown);
    Object.assign(row, { status: error.status, latency_ms: Date.now() - startedAt,
      end_state: endStateForStatus(error.status), error_code: error.code });
    return errorResponse(error);
  } finally {
    c.executionCtx.waitUntil(settle({ gate, leaseId: null, db: c.env.DB, flushMs }, row));
  }
}
