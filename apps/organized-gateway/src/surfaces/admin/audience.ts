/**
 * Who counts as an attendee in the organiser's figures ("Active now", the attendee table,
 * ready / stuck): real people using the agent. Left out:
 * - rows that are not /v1 traffic: `/enroll` (setup.sh's enrolment, which logs under the
 *   new id before that id has sent a single request);
 * - the reserved ids: `unauthenticated` (callers whose credential was refused: typos,
 *   wrong codes, guesses) and `anonymous` (no id at all);
 * - the organiser's test users (`ocg smoke`, `ocg loadtest`), unless asked for.
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

const NOT_TEST_USER = TEST_USER_PREFIXES
  .map((prefix) => `substr(user_id, 1, ${prefix.length}) <> ${literal(prefix)}`)
  .join(" AND ");

/** Rows of `requests` that are an attendee's own /v1 activity. */
export function attendeeTraffic(includeTestUsers: boolean): string {
  const clauses = [V1_TRAFFIC, `user_id NOT IN (${literal(ANONYMOUS)}, ${literal(UNAUTHENTICATED)})`];
  if (!includeTestUsers) clauses.push(NOT_TEST_USER);
  return `(${clauses.join(" AND ")})`;
}

/** Rows of the roster (`attendees`) that are attendees (the roster never holds a reserved id). */
export function rosterAttendees(includeTestUsers: boolean): string {
  return includeTestUsers ? "1" : `(${NOT_TEST_USER})`;
}
