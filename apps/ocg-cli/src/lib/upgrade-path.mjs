// The seed's three post-training upgrade paths, and the rule that picks one for an attendee
// from what they did at the event. Pure: the report calls it, the unit tests pin it.
//
//   C — ClaudeFlare (builders): automated, heavy use — at least 100 requests and the rate
//       limit hit, or 3+ different API endpoints (they wrote code against the API).
//   B — ClawBox (tech-curious): real but lighter use — 20+ requests, a second endpoint, or
//       the rate limit hit at all.
//   A — Shared hosted (everyone else): it should just keep working; nothing to change.
// An attendee whose requests never got an answer (every one failed or was refused) is not
// told "you want it to keep working": their draft offers help first (`stuck`), and the
// report says why.
export const THRESHOLDS = { builderRequests: 100, builderEndpoints: 3, curiousRequests: 20, curiousEndpoints: 2 };

export const PATHS = {
  A: {
    name: "A — Shared (hosted)",
    who: "you want it to keep working with nothing to change",
    env: ["nothing changes in your .env — same gateway URL"],
    cost: "$99–$699/month by tier",
  },
  B: {
    name: "B — ClawBox (local)",
    who: "you want local control and speed",
    // The kit's README, path B: the address and OpenClaw's own token.
    env: ["OPENCLAW_GATEWAY_URL=http://localhost:18789", "OPENCLAW_TOKEN=<the gateway token from ClawBox's settings>"],
    cost: "free to self-run, plus a $20/month Codex plan",
  },
  C: {
    name: "C — ClaudeFlare (your own stack)",
    who: "you build, and want full sovereignty",
    // The kit's README, path C: your gateway's address, its event code, and no old key.
    env: ["OPENCLAW_GATEWAY_URL=https://<your-worker>.workers.dev", "EVENT_CODE=<your own event code>", "OCG_KEY="],
    cost: "your own infrastructure",
  },
};

/** @param {{requests: number, rate_limited: number, endpoints: number, errors?: number}} activity */
export function chooseUpgradePath(activity) {
  const { requests = 0, rate_limited: limited = 0, endpoints = 0, errors = 0 } = activity;
  const t = THRESHOLDS;
  // Every request failed or was refused: they never saw their agent answer.
  if (requests > 0 && errors + limited >= requests) {
    return { path: "A", stuck: true, reason: `never got an answer: ${requests === 1 ? "its 1 request" : `all ${requests} requests`} failed` };
  }
  if ((requests >= t.builderRequests && limited > 0) || endpoints >= t.builderEndpoints) {
    return { path: "C", reason: endpoints >= t.builderEndpoints ? `used ${endpoints} different API endpoints` : `${requests} requests and hit the rate limit ${limited}×` };
  }
  if (requests >= t.curiousRequests || endpoints >= t.curiousEndpoints || limited > 0) {
    const reason = limited > 0 ? `hit the rate limit ${limited}×` : endpoints >= t.curiousEndpoints ? `used ${endpoints} API endpoints` : `${requests} requests`;
    return { path: "B", reason };
  }
  return { path: "A", reason: requests === 0 ? "no requests yet" : `${requests} request${requests === 1 ? "" : "s"}, chat only` };
}
