// @ts-check
/** Cheap unique ids: a random per-process prefix plus a counter. */
import { randomBytes } from 'node:crypto';

const PREFIX = randomBytes(6).toString('hex');
let counter = 0;

/** @param {string} kind e.g. "chatcmpl", "resp", "req" */
export function newId(kind) {
  counter = (counter + 1) % Number.MAX_SAFE_INTEGER;
  return `${kind}-${PREFIX}${counter.toString(36).padStart(6, '0')}`;
}

export function nowSeconds() {
  return Math.floor(Date.now() / 1000);
}
