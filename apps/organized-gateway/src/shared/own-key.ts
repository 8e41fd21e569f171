/**
 * Looking up a table by a name someone else chose (a header, a path, a form field, a Stripe
 * event, a row an upstream wrote). A plain object answers `constructor`, `toString` or
 * `__proto__` from its prototype, and `in` says yes to them: a caller's `X-Project-ID:
 * constructor` once read a function as a count. Every lookup by such a name goes through
 * here (or a Map); `scripts/check-caller-keys.mjs`, run by `npm run typecheck`, refuses any
 * other `table[name]` or `name in table` where the name is any string.
 */

/** The table's own value for `key`, never one inherited from Object.prototype. */
export function ownValue<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** Whether `key` is one of the table's own names. */
export function hasOwnKey(table: object, key: string): boolean {
  return Object.hasOwn(table, key);
}
