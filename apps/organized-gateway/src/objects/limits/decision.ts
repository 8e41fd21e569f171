/**
 * The order in which admission decides, as a pure function: credential → blocked →
 * account (whose model credential pays) → turn (a relay call inside a turn) → window →
 * quota → session (one turn of a session at a time) → slot → node. Each step either passes or refuses; the first refusal
 * wins, later steps never run (a wrong key costs no window slot), and every step that had
 * already passed is undone in reverse (a request refused a slot gives its minute back, one
 * refused a node gives back its attendee slot). Phase 3's monthly quota is a step here, not
 * a branch in the object.
 */
import type { Refusal } from "../attendee-gate/protocol";

export const ADMISSION_ORDER = ["credential", "blocked", "account", "turn", "window", "quota", "session", "slot", "node"] as const;
export type StepName = (typeof ADMISSION_ORDER)[number];

export type StepResult = { ok: true } | { ok: false; refusal: Refusal; retryAfterMs: number };

export interface Step {
  name: StepName;
  run(): StepResult | Promise<StepResult>;
  /** Gives back what `run` took, when a later step refuses. */
  undo?(): void | Promise<void>;
}

export type Decision = { ok: true } | { ok: false; refusal: Refusal; retryAfterMs: number; step: StepName };

/** Runs the steps in ADMISSION_ORDER (a step out of order is a programming error). */
export async function decideInOrder(steps: readonly Step[]): Promise<Decision> {
  let last = -1;
  for (const step of steps) {
    const at = ADMISSION_ORDER.indexOf(step.name);
    if (at <= last) throw new Error(`admission step '${step.name}' is out of order`);
    last = at;
  }
  const passed: Step[] = [];
  for (const step of steps) {
    const result = await step.run();
    if (!result.ok) {
      for (const done of passed.reverse()) await done.undo?.();
      return { ...result, step: step.name };
    }
    passed.push(step);
  }
  return { ok: true };
}
