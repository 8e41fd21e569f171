/**
 * Billing's routes: Stripe's webhook, the attendee's /billing page, and the organiser's
 * Checkout links under /admin/api/billing. Each factory takes the few things billing reaches
 * outside the Worker (Stripe's API through `fetch`, the clock, the attendee's object), so
 * the tests run the very same routes against a named mock of Stripe's API and a test clock.
 */
import { Hono, type Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";
import type { AppEnv } from "../../app-env";
import { adminAuth } from "../admin/auth";
import { optionalJson, parse, userIdSchema } from "../admin/params";
import { NetworkGuardClient, type GuessOptions } from "../../objects/network-guard/client";
import { tierLimits, tierTableFor } from "../../pipeline/admit/tiers";
import { configFor, type Config } from "../../settings/config";
import { readCappedText } from "../../pipeline/envelope/body";
import { GatewayError, refusal } from "../../errors";
import { sameOriginForms } from "../../shared/same-origin-forms";
import { billingAccount } from "./account";
import { createCheckoutLink, createPortalLink, tiersOnSale } from "./checkout";
import { holderOfKey } from "../../keys/holder";
import { BILLING_CSP, billingAccountPage, billingErrorPage, billingSignInPage } from "./page";
import { billingSession, endBillingSession, startBillingSession } from "./session";
import { subscriptionsOf } from "./store";
import { requireStripeApi } from "./stripe-client";
import { BILLING_CSS } from "./style";
import { setTierInObject } from "./tier-push";
import { receiveStripeWebhook, type BillingDeps } from "./webhook";

export { sweepLapsedTiers } from "./tier-push";
export type { BillingDeps } from "./webhook";

export const defaultBillingDeps: BillingDeps = {
  fetch: (input, init) => fetch(input, init),
  now: () => Date.now(),
  tierSink: setTierInObject,
};

/** Wrong gateway keys a network may type into the billing sign-in per minute. */
const WRONG_BILLING_KEYS: GuessOptions = { purpose: "billing-key", code: "too_many_wrong_keys", perMinute: 20 };
const FORM_MAX_BYTES = 4 * 1024;

/** Where Stripe sends the attendee back: PUBLIC_URL, or the address this page was opened at. */
const baseUrlOf = (c: Context<AppEnv>, config: Config) => config.kit.publicUrl ?? new URL(c.req.url).origin;

/** `POST /stripe/webhook`. */
export function stripeWebhook(deps: BillingDeps = defaultBillingDeps) {
  return (c: Context<AppEnv>) => receiveStripeWebhook(c.req.raw, c.env, deps);
}

function page(c: Context<AppEnv>, html: string, status: ContentfulStatusCode = 200): Response {
  return c.html(html, status, {
    "content-security-policy": BILLING_CSP,
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
  });
}

async function readForm(request: Request): Promise<URLSearchParams> {
  return new URLSearchParams(await readCappedText(request, FORM_MAX_BYTES));
}

/**
 * A form action's failure as a page the attendee can read (their browser shows whatever
 * comes back), not the JSON error an API client gets.
 */
function asPage(action: (c: Context<AppEnv>) => Promise<Response>) {
  return async (c: Context<AppEnv>): Promise<Response> => {
    try {
      return await action(c);
    } catch (thrown) {
      if (!(thrown instanceof GatewayError)) throw thrown;
      let eventName = "organized-gateway";
      try {
        eventName = configFor(c.env).event.name;
      } catch { /* the settings are what is broken: the message says so */ }
      return page(c, billingErrorPage({ eventName, message: thrown.message }), thrown.status as ContentfulStatusCode);
    }
  };
}

/** The signed-in attendee of a billing action, or a 401 telling them to sign in. */
async function signedIn(c: Context<AppEnv>, config: Config, now: number) {
  const holder = await billingSession(c, config.hashSecret, now);
  if (!holder) {
    throw refusal("billing_sign_in_required");
  }
  return holder;
}

/** `/billing`: the attendee's plan, usage and Checkout, signed in with their gateway key. */
export function billingPages(deps: BillingDeps = defaultBillingDeps) {
  return new Hono<AppEnv>()
    .use("*", sameOriginForms())
    .get("/", async (c) => {
      const config = configFor(c.env);
      const now = deps.now();
      const holder = await billingSession(c, config.hashSecret, now);
      if (!holder) return page(c, billingSignInPage({ eventName: config.event.name }));
      const table = tierTableFor(config);
      const account = await billingAccount(c.env, config, holder.userId, now);
      return page(c, billingAccountPage({
        eventName: config.event.name,
        account,
        plans: { configured: Boolean(config.stripe.secretKey), onSale: tiersOnSale(config).map((id) => ({ id, limits: tierLimits(table, id)! })) },
        justPaid: c.req.query("checkout") === "done",
      }));
    })
    .post("/session", async (c) => {
      const config = configFor(c.env);
      const key = ((await readForm(c.req.raw)).get("key") ?? "").trim();
      const holder = key ? await holderOfKey(c.env, key) : null;
      const guard = await NetworkGuardClient.forRequest(c.env, config, c.req.raw.headers);
      let right: boolean;
      try {
        right = await guard.judge(WRONG_BILLING_KEYS, holder !== null);
      } catch (thrown) {
        if (!(thrown instanceof GatewayError) || thrown.status !== 429) throw thrown;
        return page(c, billingSignInPage({ eventName: config.event.name, error: thrown.message }), 429);
      }
      if (!right || !holder) {
        return page(c, billingSignInPage({
          eventName: config.event.name,
          error: "That is not an active gateway key. Copy OCG_KEY from your kit's .env (it starts with ocg_), or ask the organiser for a new one.",
        }), 401);
      }
      await startBillingSession(c, config.hashSecret, holder, deps.now());
      return c.redirect("/billing", 303);
    })
    .post("/sign-out", (c) => {
      endBillingSession(c);
      return c.redirect("/billing", 303);
    })
    .post("/checkout", asPage(async (c) => {
      const config = configFor(c.env);
      const holder = await signedIn(c, config, deps.now());
      const tier = (await readForm(c.req.raw)).get("tier") ?? "";
      const stripe = await requireStripeApi(config, deps.fetch);
      const rows = await subscriptionsOf(c.env.DB, holder.userId);
      const email = await c.env.DB.prepare("SELECT email FROM attendees WHERE user_id = ?").bind(holder.userId).first<{ email: string | null }>();
      const link = await createCheckoutLink(stripe, config, {
        userId: holder.userId, tier, baseUrl: baseUrlOf(c, config),
        customerId: rows.find((row) => row.customer_id)?.customer_id, email: email?.email,
      });
      return c.redirect(link.url, 303);
    }))
    .post("/portal", asPage(async (c) => {
      const config = configFor(c.env);
      const holder = await signedIn(c, config, deps.now());
      const stripe = await requireStripeApi(config, deps.fetch);
      const customerId = (await subscriptionsOf(c.env.DB, holder.userId)).find((row) => row.customer_id)?.customer_id;
      if (!customerId) {
        throw refusal("no_subscription");
      }
      return c.redirect(await createPortalLink(stripe, customerId, baseUrlOf(c, config)), 303);
    }))
    .get("/assets/billing.css", (c) => c.body(BILLING_CSS, 200, {
      "content-type": "text/css; charset=utf-8",
      "x-content-type-options": "nosniff",
      "cache-control": "public, max-age=300",
    }));
}

/** `/admin/api/billing/*`: the organiser's Checkout link for an attendee (`ocg billing link`). */
export function billingAdminApi(deps: BillingDeps = defaultBillingDeps) {
  return new Hono<AppEnv>()
    .use("*", async (c, next) => {
      await next();
      c.res.headers.set("x-request-id", c.get("requestId"));
    })
    .use("*", adminAuth())
    .post("/users/:userId/checkout", async (c) => {
      const config = configFor(c.env);
      const userId = parse(userIdSchema, c.req.param("userId"), "user_id");
      const { tier } = parse(z.strictObject({ tier: z.string().min(1).max(32) }), await optionalJson(c.req.raw), "body");
      const stripe = await requireStripeApi(config, deps.fetch);
      const rows = await subscriptionsOf(c.env.DB, userId);
      const roster = await c.env.DB.prepare("SELECT email FROM attendees WHERE user_id = ?").bind(userId).first<{ email: string | null }>();
      const link = await createCheckoutLink(stripe, config, {
        userId, tier, baseUrl: baseUrlOf(c, config), customerId: rows.find((row) => row.customer_id)?.customer_id, email: roster?.email,
      });
      return c.json(link, 201);
    });
}
