// Who the report counts as an attendee: real people who used the agent. Left out unless the
// organiser asks (--include-all), with the gateway's own definitions
// (apps/organized-gateway/src/identify/user-id.ts and src/admin/audience.ts):
//   - reserved ids: `anonymous` (no id at all) and `unauthenticated` (refused credentials:
//     typos, wrong codes, guesses; older gateways list them as if they were people);
//   - test users: ids starting with `smoke-` or `loadtest-` (`ocg smoke`, `ocg loadtest`);
//   - never active: on the roster (enrolled, or a key issued) with no request in the window.
// Pure, so the rule is stated once and unit-tested.
export const RESERVED_IDS = ["anonymous", "unauthenticated"];
export const TEST_USER_PREFIXES = ["smoke-", "loadtest-"];

export const isTestUser = (userId) => TEST_USER_PREFIXES.some((prefix) => userId.startsWith(prefix));

/** Why a row is left out of the report by default, or null when it is an attendee. */
export function leftOutBecause(row) {
  if (RESERVED_IDS.includes(row.user_id)) return "reserved";
  if (row.test_user === true || isTestUser(row.user_id)) return "test";
  if (!(row.requests > 0)) return "inactive";
  return null;
}

/** Splits rows into the attendees and the counts of those left out, by reason. */
export function splitAudience(rows, { includeAll = false } = {}) {
  const leftOut = { reserved: 0, test: 0, inactive: 0 };
  const attendees = [];
  for (const row of rows) {
    const reason = leftOutBecause(row);
    if (reason === null || includeAll) attendees.push(row);
    else leftOut[reason] += 1;
  }
  return { attendees, leftOut };
}
