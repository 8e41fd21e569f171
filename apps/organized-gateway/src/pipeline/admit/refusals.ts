/**
 * Refused callers are rate-limited too: every request refused for its credential (a wrong
 * or revoked key, a taken or revoked id, a malformed key, a missing key) is charged to the
 * caller's network. Past REFUSALS_PER_MINUTE the answer becomes a 429 that still says why
 * the request was refused, so a stranger cannot write rows to D1 at will, while a right
 * credential from the same network — which never comes here — is never slowed.
 */
import type { Config } from "../../settings/config";
import { GatewayError, refusal, retryAfterHeaders, toGatewayError } from "../../errors";
import { NetworkGuardClient } from "../../objects/network-guard/client";

/** A room that mistypes keys stays well inside this; a script that invents users does not. */
export const REFUSALS_PER_MINUTE = 120;

const REFUSALS = "refusals";

/**
 * Before a provisional BYOK request (an id not yet bound, so its key is unproven) goes
 * upstream: a network past its refusals budget is not let through to try more keys.
 */
export async function requireRefusalBudget(env: Env, config: Config, headers: Headers, now = Date.now()): Promise<void> {
  const guard = await NetworkGuardClient.forRequest(env, config, headers);
  const waitMs = await guard.waitFor(REFUSALS, now, REFUSALS_PER_MINUTE);
  if (waitMs <= 0) return;
  const wait = Math.max(1, Math.ceil(waitMs / 1000));
  throw refusal("too_many_refused_requests",
    { retryAfter: wait, why: "Check the API key in your .env (OPENAI_API_KEY)." }, retryAfterHeaders(waitMs));
}

/** Charges a refusal to the caller's network; returns what to answer (the refusal, or a 429). */
export async function chargeRefusal(env: Env, config: Config, headers: Headers, refused: unknown): Promise<unknown> {
  if (!(refused instanceof GatewayError) || refused.status >= 500) return refused;
  const original = toGatewayError(refused);
  try {
    const guard = await NetworkGuardClient.forRequest(env, config, headers);
    await guard.take({
      budget: REFUSALS,
      perMinute: REFUSALS_PER_MINUTE,
      refuse: (retryAfter, headers) => refusal("too_many_refused_requests", { retryAfter, why: `Yours was refused too: ${original.message}` }, headers),
    });
  } catch (limited) {
    // The guard's own 429; if the guard could not be reached, the refusal stands as it was.
    return limited instanceof GatewayError ? limited : refused;
  }
  return refused;
}

/** An upstream refused a provisional request's key: that is a refusal of the network's too. */
export async function chargeUpstreamRefusal(env: Env, config: Config, headers: Headers): Promise<void> {
  const guard = await NetworkGuardClient.forRequest(env, config, headers);
  await guard.take({ budget: REFUSALS, perMinute: REFUSALS_PER_MINUTE, refuse: (retryAfter, headers) => refusal("too_many_refused_requests", { retryAfter, why: "" }, headers) })
    .catch(() => {});
}
