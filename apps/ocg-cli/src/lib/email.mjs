// The post-event email draft for one attendee: their figures and the upgrade path the rule
// chose, with the one .env line that path changes. A draft: the organiser reads and sends it.
import { PATHS } from "./upgrade-path.mjs";

export function draftEmail({ attendee, choice, eventName, gatewayUrl, checkoutUrl }) {
  const path = PATHS[choice.path];
  const others = Object.entries(PATHS).filter(([key]) => key !== choice.path).map(([, p]) => `  - ${p.name}: ${p.env} (${p.cost})`);
  const next = choice.path === "A"
    ? checkoutUrl ? `Keep access by picking a tier here: ${checkoutUrl}` : "Reply to this email and we will send you the link to keep your access."
    : choice.path === "B"
      ? "Install ClawBox (clawbox-wiki.pages.dev), connect your Codex plan, then change one line in your project's .env:"
      : "Fork organized-gateway onto your own Cloudflare account, point it at your own OpenClaw, then change one line in your .env:";
  return [
    `To: ${attendee.user_id} (USER_ID at ${eventName})`,
    `Subject: Your agent after ${eventName} — path ${choice.path}`,
    "",
    `Hi ${attendee.user_id},`,
    "",
    `Thanks for building with us at ${eventName}. Your agent made ${attendee.requests} request${attendee.requests === 1 ? "" : "s"} through the workshop gateway (${attendee.tokens} tokens).`,
    `From how you used it (${choice.reason}), we think path ${path.name} fits: ${path.who}.`,
    "",
    next,
    choice.path === "A" ? `  ${path.env} (${gatewayUrl}).` : `  ${path.env}`,
    "",
    "The other paths, if they suit you better:",
    ...others,
    "",
    "Reply with any question — we read every one.",
    "",
  ].join("\n");
}
