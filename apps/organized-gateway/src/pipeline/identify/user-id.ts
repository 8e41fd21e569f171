/**
 * User ids: the one rule that says which spellings are the same attendee. An upstream may
 * fold what it is given (OpenClaw lower-cases the `user` field when it builds a session
 * key), so two ids it would fold must already be one id here: ids are canonical lower-case
 * ASCII, and every door (enrolment, BYOK's X-User-ID, the admin API, a gateway key's user
 * part) goes through `canonicalUserId`. What reaches the upstream is derived from the
 * canonical id again (pipeline/route/session.ts), so no upstream folding can merge two attendees.
 */
import { z } from "zod";

/** What a caller may type: 1-64 letters, digits, dots, dashes or underscores. */
export const USER_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/** The shared bucket of callers who name no one. */
export const ANONYMOUS = "anonymous";
/** Where rows of callers whose credential was refused are logged: never the id they claimed. */
export const UNAUTHENTICATED = "unauthenticated";
const RESERVED: ReadonlySet<string> = new Set([ANONYMOUS, UNAUTHENTICATED]);

export const USER_ID_RULE = "1-64 letters, digits, dots, dashes or underscores (for example trainee-sam); capitals count as small letters";

/** The canonical form of a typed id, or null when it is not a valid attendee id. */
export function canonicalUserId(typed: string): string | null {
  const trimmed = typed.trim();
  if (!USER_ID_PATTERN.test(trimmed)) return null;
  const id = trimmed.toLowerCase();
  return RESERVED.has(id) ? null : id;
}

/** Zod form of the rule: validates and yields the canonical id. */
export const userIdSchema = z.string().transform((typed, ctx) => {
  const id = canonicalUserId(typed);
  if (id === null) {
    ctx.addIssue({ code: "custom", message: `a user id is ${USER_ID_RULE}, and not '${ANONYMOUS}' or '${UNAUTHENTICATED}'` });
    return z.NEVER;
  }
  return id;
});

/**
 * Ids the organiser's own tools use (`ocg smoke`, `ocg loadtest`): real attendees as far
 * as the gateway is concerned, but left out of the organiser's attendee figures by default.
 */
export const TEST_USER_PREFIXES: readonly string[] = ["smoke-", "loadtest-"];

export function isTestUser(userId: string): boolean {
  return TEST_USER_PREFIXES.some((prefix) => userId.startsWith(prefix));
}
