/**
 * The cron trigger (hourly, wrangler.jsonc): housekeeping that nothing depends on. A new
 * month needs no reset (the month is part of each counter's key), and every Stripe event
 * settles a tier when it arrives; the cron only ends tiers on time when no event comes (a
 * payment grace or a cancellation at period end that lapsed), reconciles this month's ledger
 * with the attendees' objects, and prunes old ledger months and Stripe event ids. If it
 * never runs, nothing breaks.
 */
import { AttendeeGateClient } from "./objects/attendee-gate/client";
import { pruneLedger, reconcileLedger } from "./objects/attendee-gate/monthly-quota";
import { sweepLapsedTiers } from "./surfaces/billing/tier-push";
import { configFor } from "./settings/config";

export async function scheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
  const config = configFor(env);
  const now = controller.scheduledTime;
  ctx.waitUntil(Promise.all([
    sweepLapsedTiers(env, config, Math.floor(now / 1000)),
    pruneLedger(env.DB, now),
    reconcileLedger(env.DB, (userId, period) => AttendeeGateClient.of(env, userId).monthlyUsage(period), now),
  ]).then(() => undefined));
}
