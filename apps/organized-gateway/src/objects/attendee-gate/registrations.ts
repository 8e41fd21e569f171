/**
 * How often one attendee may register a model credential (`PUT /me/credential`). Each
 * registration asks the provider once and may rewrite every OpenClaw host's config, and
 * OpenClaw takes about 30 config writes a minute per host for everyone: one attendee's 46
 * registrations in 64 s once spent the whole room's budget. Setting up, a typo, a rotation
 * and a re-run of setup.sh fit easily in REGISTRATIONS_PER_WINDOW; a loop does not.
 * Pure: the attendee's object keeps the times and asks this.
 */

export const REGISTRATIONS_PER_WINDOW = 5;
export const REGISTRATION_WINDOW_MS = 10 * 60_000;

export type RegistrationDecision =
  | { ok: true; times: number[] }
  | { ok: false; retryAfterMs: number; times: number[] };

/** Decides one more registration at `now` against the earlier ones (ascending times). */
export function decideRegistration(earlier: readonly number[], now: number): RegistrationDecision {
  const live = earlier.filter((at) => at > now - REGISTRATION_WINDOW_MS);
  if (live.length >= REGISTRATIONS_PER_WINDOW) {
    return { ok: false, retryAfterMs: Math.max(1, live[0] + REGISTRATION_WINDOW_MS - now), times: live };
  }
  return { ok: true, times: [...live, now] };
}
