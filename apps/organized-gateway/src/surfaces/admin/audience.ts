/**
 * Who counts as an attendee in the organiser's figures ("Active now", the attendee table,
 * ready / stuck): real people using the agent. Left out:
 * - rows that are not /v1 traffic: `/enroll` (setup.sh's enrolment, which logs under the
 *   new id before that id has sent a single request);
 * - the reserved ids: `unauthenticated` (callers whose credential was refused: typos,
 *   wrong codes, guesses) and `anonymous` (no id at all);
 * - the organiser's test users (`ocg smoke`, `ocg loadtest`), unless asked for.
 * An id whose only requests are refused claims (its provider refused the key sent with it
 * before any key worked) is listed, stuck at setup, with the refusal beside it.
 * Totals (requests, 429s, errors) still count everything the gateway logged.
 *
 * The clauses are SQL text built from constants, never from input.
 */
import { ANONYMOUS, TEST_USER_PREFIXES, UNAUTHENTICATED } from "../../pipeline/identify/user-id";

/** A constant that is inlined into SQL must be plain: lower-case id characters only. */
function literal(text: string): string {
  if (!/^[a-z0-9._-]+$/.test(text)) throw new Error(`not a plain SQL literal: ${text}`);
  return `'${text}'`;
}

/** Traffic of the /v1 API (what an attendee's agent sends), by the logged path. */
export const V1_TRAFFIC = "(endpoint = '/v1' OR substr(endpoint, 1, 4) = '/v1/')";

/** The column's id is none of the organiser's test users. */
const notTestUser = (column: string) => TEST_USER_PREFIXES
  .map((prefix) => `substr(${column}, 1, ${prefix.length}) <> ${literal(prefix)}`)
  .join(" AND ");
const NOT_TEST_USER = notTestUser("user_id");

/** Rows of `requests` that are an attendee's own /v1 activity. */
export function attendeeTraffic(includeTestUsers: boolean): string {
  const clauses = [V1_TRAFFIC, `user_id NOT IN (${literal(ANONYMOUS)}, ${literal(UNAUTHENTICATED)})`];
  if (!includeTestUsers) clauses.push(NOT_TEST_USER);
  return `(${clauses.join(" AND ")})`;
}

/**
 * Rows of `requests` logged under `unauthenticated` whose provider refused the key sent with
 * an id not yet bound to a key (`claimed_user_id`): shown beside that name, never counted
 * as its own, since anyone may claim a name until a key works for it.
 */
export function refusedClaims(includeTestUsers: boolean): string {
  const clauses = [V1_TRAFFIC, `user_id = ${literal(UNAUTHENTICATED)}`, "claimed_user_id IS NOT NULL"];
  if (!includeTestUsers) clauses.push(notTestUser("claimed_user_id"));
  return `(${clauses.join(" AND ")})`;
}

/** Rows of the roster (`attendees`) that are attendees (the roster never holds a reserved id). */
export function rosterAttendees(includeTestUsers: boolean): string {
  return includeTestUsers ? "1" : `(${NOT_TEST_USER})`;
}
