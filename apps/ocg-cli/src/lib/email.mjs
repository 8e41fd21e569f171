// The post-event email draft for one attendee: their figures and the upgrade path the rule
// chose, with the one .env line that path changes. A draft: the organiser reads and sends it.
// Addressed to the email the attendee gave at enrolment (with consent) where there is one;
// otherwise the To: line says so, and names the USER_ID to find them by. Path A's draft
// offers the attendee's own Checkout link where the report could make one, and otherwise
// leaves a marked gap for the organiser to fill.
import { greetingName } from "./greeting-name.mjs";
import { plural } from "./plural.mjs";
import { PATHS } from "./upgrade-path.mjs";

/** Where path A's draft leaves the link when there is none: the organiser fills it in before sending. */
export const ASK_THE_ORGANISER = "(billing link: ask the organiser)";

/**
 * @param {object} draft
 * @param {{tier: string, url: string | null, expiresAt?: string}} [draft.checkout] path A's link:
 *   the attendee's own Checkout (with its expiry), another link, or none (url null)
 */
export function draftEmail({ attendee, choice, eventName, gatewayUrl, checkout }) {
  const path = PATHS[choice.path];
  const others = Object.entries(PATHS).filter(([key]) => key !== choice.path).map(([, p]) => `  - ${p.name}: ${p.env.join(", ")} (${p.cost})`);
  const lines = (n) => `${["", "one line", "two lines", "three lines"][n] ?? `${n} lines`}`;
  const next = choice.path === "A"
    ? pathAOffer(checkout)
    : choice.path === "B"
      ? `Install ClawBox (clawbox-wiki.pages.dev), connect your Codex plan, then change ${lines(path.env.length)} in your kit's .env and run bash setup.sh again:`
      : `Fork organized-gateway onto your own Cloudflare account, point it at your own OpenClaw, then change ${lines(path.env.length)} in your kit's .env and run bash setup.sh again:`;
  const why = choice.stuck
    ? `Your agent never got an answer at the event (${choice.reason}). Reply to this email and we will get it working with you; once it does, path ${path.name} keeps it working with nothing to change.`
    : `From how you used it (${choice.reason}), we think path ${path.name} fits: ${path.who}.`;
  const to = attendee.email
    ? `To: ${attendee.email} (USER_ID ${attendee.user_id} at ${eventName})`
    : `To: (no email given at enrolment) USER_ID ${attendee.user_id} at ${eventName}`;
  return [
    to,
    `Subject: Your agent after ${eventName} — path ${choice.path}`,
    "",
    `Hi ${greetingName(attendee.user_id)},`,
    "",
    `Thanks for building with us at ${eventName}. Your agent made ${plural(attendee.requests, "request")} through the workshop gateway (${plural(attendee.tokens, "token")}).`,
    why,
    "",
    next,
    ...(choice.path === "A" ? [`  ${path.env[0]} (${gatewayUrl}).`] : path.env.map((line) => `  ${line}`)),
    "",
    // The hosted gateway's own page: their plan and this month's requests.
    `Your plan and this month's requests: ${gatewayUrl}/billing (sign in with the OCG_KEY in your kit's .env).`,
    "",
    "The other paths, if they suit you better:",
    ...others,
    "",
    "Reply with any question — we read every one.",
    "",
  ].join("\n");
}

/** Path A's sentence: subscribe with this link. A Checkout link names its tier and, being Stripe's, lasts 24 hours. */
function pathAOffer(checkout) {
  const tier = checkout?.tier ?? "a tier";
  if (!checkout?.url) return `Keep your access on ${tier} with your own Checkout link: ${ASK_THE_ORGANISER}`;
  if (!checkout.expiresAt) return `Keep your access on ${tier} here: ${checkout.url}`;
  const until = checkout.expiresAt.replace("T", " ").slice(0, 16);
  return `Keep your access on ${tier} with your own Checkout link (it works until ${until} UTC; after that, reply and we send a new one): ${checkout.url}`;
}
