// "1 error", "2 errors", "1,005 requests": a count with its noun in the right number, so no
// line the organiser reads says "1 errors".
import { num } from "./format.mjs";

/** `count` formatted, then `noun` (singular) or `pluralForm` (default: noun + "s"). */
export function plural(count, noun, pluralForm = `${noun}s`) {
  return `${num(count)} ${Number(count) === 1 ? noun : pluralForm}`;
}
