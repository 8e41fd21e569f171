// `ocg billing link <user_id> <tier>`: a Stripe Checkout link for one attendee, made by the
// gateway through Stripe's API (POST /admin/api/billing/users/{id}/checkout), so the
// subscription it starts names the attendee (client_reference_id, metadata.user_id) and its
// tier comes back to the gateway by webhook. The link alone goes to stdout, ready to paste
// into an email or a script; what it is for and until when goes to stderr.
import { CliError } from "../errors.mjs";

export const name = "billing";
export const summary = "Stripe billing: link <user_id> <tier> (a Checkout link for one attendee)";
export const usage = `Usage:
  ocg billing link <user_id> <tier> [--json]   a Stripe Checkout link that subscribes this attendee
                                               to the tier (e.g. tier-1); valid 24 hours (Stripe's rule)

The gateway needs STRIPE_SECRET_KEY, and the tier a Stripe price in TIERS ("price_ids").
Once the attendee pays, Stripe's webhook puts them on the tier; they see it on <gateway>/billing.`;

export const options = { json: { type: "boolean", default: false } };

export async function run({ values, positionals, context }) {
  const { gateway, stdout, stderr } = context;
  const [action, userId, tier] = positionals;
  if (action !== "link") {
    throw new CliError(action ? `unknown action '${action}': use link` : "say what to do: link <user_id> <tier>", 2);
  }
  if (!userId || !tier) throw new CliError("billing link needs a user id and a tier: ocg billing link <user_id> <tier>", 2);
  const link = await gateway.admin(`/billing/users/${encodeURIComponent(userId)}/checkout`, { method: "POST", body: { tier } });
  if (values.json) {
    stdout.write(`${JSON.stringify(link, null, 2)}\n`);
    return 0;
  }
  stdout.write(`${link.url}\n`);
  stderr.write(`Checkout for ${link.user_id} on ${link.tier}, valid until ${link.expires_at.replace("T", " ").slice(0, 16)} UTC.\n`);
  return 0;
}
