// How `npm run secrets` asks for each setting the settings catalog keeps as a Worker secret
// (apps/organized-gateway/src/settings/catalog.mjs, `keptIn: "secrets"`), in the order the
// organiser is asked: the question, whether a deploy needs it, how to make one, and what makes
// a value wrong. Whether a value is hidden while typed is the catalog's `secret`; a test holds
// the names here to the catalog's. PUBLIC_URL, EVENT_CODE and OPENCLAW_URL are not secret, but
// they belong to one deployment rather than to the committed wrangler.jsonc, so they are set
// here too (PUBLIC_URL also by `npm run deploy` when it is missing).
import { randomBytes, randomInt } from "node:crypto";
import { SETTINGS } from "organized-gateway/settings";

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

export function randomBase62(length) {
  let out = "";
  for (let i = 0; i < length; i++) out += BASE62[randomInt(BASE62.length)];
  return out;
}

/** Why a URL can't be the Worker's upstream, or null when it can. */
export function unreachableUpstreamReason(value) {
  let url;
  try {
    url = new URL(value);
  } catch {
    return "it is not a URL (example: https://openclaw.example.ts.net)";
  }
  if (!/^https?:$/.test(url.protocol)) return "it must start with https:// (or http://)";
  if (/\/v1\/?$/.test(url.pathname)) return "leave out the trailing /v1: the gateway adds the path";
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (host === "localhost" || host.endsWith(".localhost") || /^127\./.test(host) || host === "::1" || host === "0.0.0.0") {
    return "it points at this machine; a Cloudflare Worker can't reach it. Expose OpenClaw with Tailscale Funnel or Cloudflare Tunnel (docs/exposing-openclaw.md)";
  }
  const octets = /^(\d+)\.(\d+)\.\d+\.\d+$/.exec(host);
  if (octets) {
    const [a, b] = [Number(octets[1]), Number(octets[2])];
    if (a === 100 && b >= 64 && b <= 127) {
      return "it is a Tailscale (100.x) address, which a Cloudflare Worker can't reach. Use the Funnel URL (https://<machine>.<tailnet>.ts.net) or a Cloudflare Tunnel hostname (docs/exposing-openclaw.md)";
    }
    if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) {
      return "it is a private network address, which a Cloudflare Worker can't reach. Expose OpenClaw with Tailscale Funnel or Cloudflare Tunnel (docs/exposing-openclaw.md)";
    }
  }
  if (host.endsWith(".ts.net") && url.protocol !== "https:") return "Tailscale Funnel URLs are https://";
  return null;
}

/** Why a value can't be UPSTREAMS (the Worker checks the rest and names the setting), or null when it can. */
export function upstreamsReason(value) {
  let nodes;
  try {
    nodes = JSON.parse(value);
  } catch {
    return "it is not JSON: give an array such as [{\"name\":\"mini\",\"url\":\"https://...\",\"token\":\"...\"}]";
  }
  if (!Array.isArray(nodes) || nodes.length === 0) return "it must be a non-empty JSON array of nodes";
  for (const node of nodes) {
    if (!node || typeof node.name !== "string" || typeof node.url !== "string") return "every node needs a \"name\" and a \"url\"";
    const why = unreachableUpstreamReason(node.url);
    if (why) return `node ${node.name}: ${why}`;
  }
  return null;
}

/** Why a URL can't be the address attendees open (PUBLIC_URL), or null when it can. */
export function publicUrlReason(value) {
  let url;
  try {
    url = new URL(value);
  } catch {
    return "it is not a URL (example: https://organized-gateway.<your-subdomain>.workers.dev)";
  }
  if (url.protocol !== "https:") return "it must start with https:// (attendees send their keys to it)";
  if (url.pathname.replace(/\/+$/, "") !== "" || url.search || url.hash) return "give only the address, without a path (the gateway adds /join, /kit.zip and /v1)";
  // The same addresses a Worker can't reach (this machine, private networks, a tailnet) no attendee's laptop can either.
  if (unreachableUpstreamReason(`https://${url.host}`)) return "attendees' laptops can't reach it: give the Worker's public address (workers.dev or your custom domain)";
  return null;
}

const PROMPTS = [
  {
    name: "OPENCLAW_URL",
    required: true,
    question: "Public URL of your OpenClaw (Tailscale Funnel or Cloudflare Tunnel), without /v1",
    check: unreachableUpstreamReason,
  },
  {
    // A list of nodes holds their tokens, so it is a secret like OPENCLAW_TOKEN.
    name: "UPSTREAMS",
    required: false,
    question: "The upstream pool as JSON, one object per OpenClaw host (docs/pool.md). Empty = one node, the OPENCLAW_URL above",
    skipMeans: "not set: one node from OPENCLAW_URL / OPENCLAW_TOKEN",
    check: upstreamsReason,
  },
  {
    name: "OPENCLAW_TOKEN",
    required: false,
    question: "OpenClaw's gateway token (gateway.auth.token). Empty = pass-through: each attendee's own key goes to the upstream (BYOK)",
    skipMeans: "not set: pass-through (BYOK) to OPENCLAW_URL",
    check: (v) => (/\s/.test(v) ? "it contains spaces" : null),
  },
  {
    name: "ADMIN_TOKEN",
    required: true,
    question: "Admin token for /admin and `ocg` (12+ characters). Empty = generate one",
    generate: () => randomBase62(40),
    // The organiser needs it to use the admin API, so a generated one is shown once.
    revealGenerated: true,
  },
  {
    name: "HASH_SECRET",
    required: true,
    question: "Key for the keyed hashes of IPs and BYOK keys (16+ characters). Empty = generate one",
    generate: () => randomBytes(32).toString("hex"),
    // Changing it unbinds every BYOK user id and breaks IP-hash continuity: keep by default.
    revealGenerated: false,
  },
  {
    name: "EVENT_CODE",
    required: false,
    question: "The room's enrollment code (shown on the screen; attendees type it on /join). Empty = enrollment closed",
    skipMeans: "not set: enrollment closed (issue keys with the admin API)",
    check: (v) => (v.length > 200 ? "it is too long" : null),
  },
  {
    name: "CF_ACCESS_CLIENT_ID",
    required: false,
    question: "Cloudflare Access service token id (ends in .access), if OpenClaw's tunnel is behind Access. Empty = no Access",
    skipMeans: "not set: no Cloudflare Access headers upstream",
    check: (v) => (/\s/.test(v) ? "it contains spaces" : null),
  },
  {
    name: "CF_ACCESS_CLIENT_SECRET",
    required: false,
    question: "Cloudflare Access service token secret (only with the id above). Empty = no Access",
    skipMeans: "not set: no Cloudflare Access headers upstream",
    check: (v) => (/\s/.test(v) ? "it contains spaces" : null),
  },
  {
    // Without it the Worker hands out no kit and no join page (it will not trust a request's
    // Host header), so `npm run deploy` sets it to the workers.dev address when it is missing.
    name: "PUBLIC_URL",
    required: false,
    question: "The address attendees open, which /join and the kit advertise (e.g. https://gateway.example.org). Empty = the Worker's workers.dev address, which `npm run deploy` sets",
    skipMeans: "not set: `npm run deploy` sets it to the Worker's workers.dev address (give it here for a custom domain)",
    check: publicUrlReason,
  },
  {
    name: "CREDENTIAL_KEY",
    required: false,
    question: "Key for sealing attendees' own model credentials (32+ characters; needed for AUTH_MODE=codex). Empty = generate one",
    generate: () => randomBytes(32).toString("hex"),
    // Changing it makes every stored credential unreadable: `npx ocg credentials reencrypt` moves them.
    revealGenerated: false,
  },
  {
    name: "STRIPE_SECRET_KEY",
    required: false,
    question: "Stripe API key (sk_live_… or a restricted rk_… with Checkout Sessions and Customer portal write, Subscriptions read), for paid tiers. Empty = no billing",
    skipMeans: "not set: /billing says billing is not configured",
    check: (v) => (/^(sk|rk)_(live|test)_\S+$/.test(v) ? null : "it should start with sk_live_, sk_test_, rk_live_ or rk_test_"),
  },
  {
    name: "STRIPE_WEBHOOK_SECRET",
    required: false,
    question: "The signing secret (whsec_…) of the Stripe webhook endpoint <PUBLIC_URL>/stripe/webhook. Empty = no webhooks",
    skipMeans: "not set: Stripe's deliveries get 503 (and Stripe retries them)",
    check: (v) => (/^whsec_\S+$/.test(v) ? null : "it should start with whsec_"),
  },
];

/** Kept as a Worker secret, but never asked for here: why. */
export const NOT_ASKED = {
  CREDENTIAL_KEY_PREVIOUS: "set by hand only while `npx ocg credentials reencrypt` moves credentials to a new CREDENTIAL_KEY",
};

/**
 * A value is held to the prompt's own check (which knows what a Worker on Cloudflare can
 * reach, and says it best), then to the Worker's schema for that setting (its minimum length,
 * a node's fields), so a value `npm run secrets` takes is one the Worker parses.
 */
export const SECRET_SPECS = PROMPTS.map((prompt) => {
  const setting = SETTINGS[prompt.name];
  return {
    ...prompt,
    hidden: setting.secret,
    check: (value) => {
      const reason = prompt.check?.(value);
      if (reason) return reason;
      const parsed = setting.schema.safeParse(value);
      return parsed.success ? null : parsed.error.issues[0].message;
    },
  };
});

/** The specs in effect for this config; later-phase secrets declare `enabledWhen(vars)`. */
export function secretSpecsFor(config) {
  const vars = config.vars ?? {};
  return SECRET_SPECS.filter((spec) => !spec.enabledWhen || spec.enabledWhen(vars));
}
