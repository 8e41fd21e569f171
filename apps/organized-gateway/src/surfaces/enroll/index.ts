/**
 * `POST /enroll {"event_code","user_id"}`: an attendee trades the room's event code for
 * their own gateway key (setup.sh does this). Open only while EVENT_CODE is set.
 *
 * The body is read first, then the caller network's guard decides in one atomic step
 * whether the code's verdict may be acted on (objects/network-guard/index.ts): wrong codes are
 * counted per network, a right code is never charged, and a network that has shown the
 * right code is never refused it. Enrolments are capped per network per minute
 * (ENROLLMENTS_PER_NETWORK_PER_MINUTE) and per event (MAX_ATTENDEES). Every attempt is
 * logged; a failed one under `unauthenticated`, never under the id it asked for.
 */
import { z } from "zod";
import { NetworkGuardClient, type GuessOptions } from "../../objects/network-guard/client";
import { configFor } from "../../settings/config";
import { readJsonObject } from "../../pipeline/envelope/body";
import { bearerToken } from "../../pipeline/identify";
import { USER_ID_RULE, userIdSchema } from "../../pipeline/identify/user-id";
import { enrollKey } from "../../keys";
import { logged } from "../../pipeline/settle/logged";
import { keyedHash, secretsEqual } from "../../shared/crypto";
import { type GatewayError, refusal } from "../../errors";
import { ipHash } from "../../shared/network";

export const EVENT_CODE_GUESSES: GuessOptions = { purpose: "event-code", code: "too_many_wrong_codes", perMinute: 20 };
const ENROLMENTS = "enrolments";

const enrollment = z.object({
  event_code: z.string().min(1).max(200),
  user_id: userIdSchema,
  // Optional, only with consent: where the organiser may send the follow-up (upgrade) email.
  email: z.email().max(254).optional(),
  email_consent: z.literal(true).optional(),
}).refine((body) => body.email === undefined || body.email_consent === true, { path: ["email_consent"] });

/** Event codes are read off a screen and typed: any case, surrounding spaces ignored. */
function sameCode(typed: string, code: string): Promise<boolean> {
  return secretsEqual(typed.trim().toLowerCase(), code.trim().toLowerCase());
}

/** A malformed enrolment, as the refusal that names its first wrong field (`invalid_<field>`). */
function malformedEnrolment(field: PropertyKey | undefined): GatewayError {
  switch (field) {
    case "event_code": return refusal("invalid_event_code", { why: "malformed" });
    case "user_id": return refusal("invalid_user_id", { why: "enrolment", rule: USER_ID_RULE });
    case "email": return refusal("invalid_email");
    case "email_consent": return refusal("invalid_email_consent");
    default: return refusal("invalid_body", { why: "enrolment" });
  }
}

export const enroll = logged(async (c, log) => {
  const { row, startedAt } = log;
  const config = configFor(c.env);
  log.target.flushMs = config.logFlushMs;
  row.ip_hash = await ipHash(config.hashSecret, c.req.raw.headers);
  if (!config.event.code) {
    throw refusal("enrollment_closed");
  }
  const parsed = enrollment.safeParse(await readJsonObject(c.req.raw, 4096));
  if (!parsed.success) {
    throw malformedEnrolment(parsed.error.issues[0]?.path[0]);
  }
  const { event_code, user_id, email } = parsed.data;
  const guard = await NetworkGuardClient.forRequest(c.env, config, c.req.raw.headers);
  if (!(await guard.judge(EVENT_CODE_GUESSES, await sameCode(event_code, config.event.code), startedAt))) {
    throw refusal("invalid_event_code", { why: "wrong" });
  }
  const seatTaken = await guard.take({
    budget: ENROLMENTS,
    perMinute: config.event.enrollmentsPerNetworkPerMinute,
    refuse: (retryAfter, headers) => refusal("too_many_enrollments", { retryAfter }, headers),
  }, startedAt);
  const byokToken = bearerToken(c.req.header("authorization"));
  const byokHash = byokToken ? await keyedHash(config.hashSecret, "byok", byokToken) : null;
  let issued;
  try {
    issued = await enrollKey(c.env, user_id, byokHash, config.event.maxAttendees, email ?? null);
  } catch (error) {
    await guard.refund(ENROLMENTS, seatTaken).catch(() => {});
    throw error;
  }
  Object.assign(row, { user_id: issued.user_id, auth: "key", status: 201, latency_ms: Date.now() - startedAt });
  return c.json({ user_id: issued.user_id, key: issued.key, key_hint: issued.hint }, 201);
});
