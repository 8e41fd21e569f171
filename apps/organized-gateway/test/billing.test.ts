// Billing: Stripe's signed webhooks set, change and end an attendee's tier, and the gateway
// enforces it on the attendee's next request; the /billing page and the organiser's
// Checkout link. Stripe's API is the named mock in test/mocks/stripe-api.ts; webhook
// payloads are signed with the SDK's own test-header helper.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { AppEnv } from "../src/app-env";
import { billingAdminApi, billingPages, defaultBillingDeps, stripeWebhook, sweepLapsedTiers, type BillingDeps } from "../src/surfaces/billing";
import {
  GRACE_PERIOD_SECONDS, entitlementOf, snapshotOf, tierOfSubscriptions, type SubscriptionRow,
} from "../src/surfaces/billing/subscription-state";
import { tierTableFor } from "../src/pipeline/admit/tiers";
import { configFor } from "../src/settings/config";
import { answerUncaught } from "../src/shared/on-error";
import { TEST_ADMIN_TOKEN } from "./constants";
import { BASE, admin, chatInit, gatewayWith, issueKey } from "./helpers";
import { StripeApiMock } from "./mocks/stripe-api";
import {
  checkoutSessionObject, eventPayload, invoiceObject, signatureFor, subscriptionObject, type StripeEvent,
} from "./stripe-events";

const WEBHOOK_SECRET = "whsec_test_billing_0123456789abcdef";
const DAY = 24 * 3600;

/** Small quotas, so a test reaches them: tier-1 2 requests a month, tier-2 4. After the event, no tier: 402. */
const SETTINGS: Record<string, string> = {
  STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
  DEFAULT_TIER: "none",
  TIERS: JSON.stringify({
    "tier-1": { requests_per_month: 2, projects: 1, priority: 1, price_ids: ["price_t1"] },
    "tier-2": { requests_per_month: 4, projects: 3, priority: 2, price_ids: ["price_t2"] },
  }),
};
const WITH_API = { ...SETTINGS, STRIPE_SECRET_KEY: "sk_test_mock_0123456789" };

type ErrorBody = { error: { message: string; type: string; code: string } };
type Delivered = { received: boolean; duplicate: boolean; user_id: string | null; tier?: string | null };

let sequence = 0;
const unique = (prefix: string) => `${prefix}${Date.now().toString(36)}${++sequence}`;
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** The Worker's billing routes with their outside world replaced (Stripe's API, the clock, the tier push). */
function billingApp(deps: Partial<BillingDeps>): Hono<AppEnv> {
  const full = { ...defaultBillingDeps, ...deps };
  return new Hono<AppEnv>()
    .use("*", async (c, next) => {
      c.set("requestId", "req_billing_test");
      await next();
    })
    .post("/stripe/webhook", stripeWebhook(full))
    .route("/billing", billingPages(full))
    .route("/admin/api/billing", billingAdminApi(full))
    .onError(answerUncaught);
}

async function run(app: Hono<AppEnv> | null, settings: Record<string, string>, path: string, init: RequestInit): Promise<Response> {
  if (!app) return gatewayWith(settings, path, init);
  const ctx = createExecutionContext();
  const response = await app.fetch(new Request(`${BASE}${path}`, init), { ...env, ...settings }, ctx);
  const body = await response.arrayBuffer();
  await waitOnExecutionContext(ctx);
  return new Response(body, response);
}

interface DeliverOptions {
  app?: Hono<AppEnv> | null;
  settings?: Record<string, string>;
  /** When Stripe signed it (seconds); default now. */
  signedAt?: number;
  secret?: string;
  signature?: string | null;
  tamper?: (payload: string) => string;
}

/** Delivers a signed event to POST /stripe/webhook (the Worker's own route unless `app` is given). */
async function deliver(event: StripeEvent, options: DeliverOptions = {}): Promise<Response> {
  const payload = eventPayload(event);
  const signature = options.signature !== undefined
    ? options.signature
    : await signatureFor(payload, options.secret ?? WEBHOOK_SECRET, options.signedAt ?? nowSeconds());
  const body = options.tamper ? options.tamper(payload) : payload;
  return run(options.app ?? null, options.settings ?? SETTINGS, "/stripe/webhook", {
    method: "POST",
    headers: { "content-type": "application/json", ...(signature === null ? {} : { "stripe-signature": signature }) },
    body,
  });
}

async function delivered(event: StripeEvent, options: DeliverOptions = {}): Promise<Delivered> {
  const response = await deliver(event, options);
  const text = await response.text();
  if (response.status !== 200) throw new Error(`webhook answered ${response.status}: ${text}`);
  return JSON.parse(text) as Delivered;
}

/** One chat request through the gateway with the attendee's key: its status and error code. */
async function ask(key: string, settings = SETTINGS): Promise<{ status: number; code: string | null }> {
  const response = await gatewayWith(settings, "/v1/chat/completions", chatInit({ key }));
  const body = (await response.json()) as Partial<ErrorBody>;
  return { status: response.status, code: body.error?.code ?? null };
}

async function asks(key: string, n: number, settings = SETTINGS): Promise<string[]> {
  const answers: string[] = [];
  for (let i = 0; i < n; i++) {
    const { status, code } = await ask(key, settings);
    answers.push(code ? `${status} ${code}` : String(status));
  }
  return answers;
}

async function tierInObject(userId: string): Promise<string | null> {
  return (await env.ATTENDEE_GATE.get(env.ATTENDEE_GATE.idFromName(userId)).describe()).tier;
}

function subscriptionEvent(type: string, created: number, fields: Parameters<typeof subscriptionObject>[0], id = unique("evt_")): StripeEvent {
  return { id, type, created, object: subscriptionObject(fields) };
}

describe("what a subscription entitles its attendee to", () => {
  const table = tierTableFor(configFor({ ...env, ...SETTINGS }));
  const row = (over: Partial<SubscriptionRow>): SubscriptionRow => ({
    subscription_id: "sub_x", user_id: "ann", customer_id: "cus_x", status: "active", tier: "tier-1", price_id: "price_t1",
    current_period_end: 2_000, cancel_at_period_end: 0, updated_from_event_created: 1, payment_failed_at: null, ...over,
  });

  it("reads the tier from the items' prices (the highest-priority one) and the period from the items", () => {
    const subscription = subscriptionObject({ id: "sub_two", userId: "Ann", price: "price_t1", periodEnd: 1_000 });
    subscription.items.data.push({ ...subscription.items.data[0], id: "si_2", price: { id: "price_t2", object: "price" }, current_period_end: 1_500 });
    subscription.items.data.push({ ...subscription.items.data[0], id: "si_3", price: { id: "price_unknown", object: "price" } });
    const snapshot = snapshotOf(subscription as never, table);
    expect(snapshot).toMatchObject({ userId: "ann", tier: "tier-2", priceId: "price_t2", currentPeriodEnd: 1_500, cancelAtPeriodEnd: false });
    expect(snapshotOf({ ...subscription, cancel_at: 1_200 } as never, table)).toMatchObject({ currentPeriodEnd: 1_200, cancelAtPeriodEnd: true });
  });

  it("keeps the tier while active, until the period's end once cancelled, and through the grace after a failed payment", () => {
    expect(entitlementOf(row({}), 1_000)).toEqual({ tier: "tier-1", state: "active", until: 2_000 });
    expect(entitlementOf(row({ cancel_at_period_end: 1 }), 1_999)).toEqual({ tier: "tier-1", state: "cancelling", until: 2_000 });
    expect(entitlementOf(row({ cancel_at_period_end: 1 }), 2_000)).toEqual({ tier: null, state: "ended" });
    expect(entitlementOf(row({ status: "past_due", payment_failed_at: 1_000 }), 1_000 + GRACE_PERIOD_SECONDS - 1))
      .toEqual({ tier: "tier-1", state: "grace", until: 1_000 + GRACE_PERIOD_SECONDS });
    expect(entitlementOf(row({ status: "past_due", payment_failed_at: 1_000 }), 1_000 + GRACE_PERIOD_SECONDS)).toEqual({ tier: null, state: "suspended" });
    for (const status of ["canceled", "unpaid", "incomplete", "incomplete_expired", "paused", "unknown"]) {
      expect(entitlementOf(row({ status }), 1_000).tier, status).toBeNull();
    }
  });

  it("gives an attendee with two subscriptions the better tier, and no tier TIERS no longer has", () => {
    expect(tierOfSubscriptions([row({}), row({ subscription_id: "sub_y", tier: "tier-2" })], 1_000, table)).toBe("tier-2");
    expect(tierOfSubscriptions([row({ tier: "tier-9" })], 1_000, table)).toBeNull();
    expect(tierOfSubscriptions([row({ status: "canceled" }), row({ subscription_id: "sub_y" })], 1_000, table)).toBe("tier-1");
  });
});

describe("POST /stripe/webhook: signatures", () => {
  it("answers 503 naming STRIPE_WEBHOOK_SECRET when it is not set, and changes nothing", async () => {
    const user = unique("nosecret-");
    const { STRIPE_WEBHOOK_SECRET: _, ...without } = SETTINGS;
    const response = await deliver(subscriptionEvent("customer.subscription.created", nowSeconds(), { id: unique("sub_"), userId: user, price: "price_t1" }),
      { settings: without });
    expect(response.status).toBe(503);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.code).toBe("stripe_webhook_not_configured");
    expect(body.error.message).toContain("STRIPE_WEBHOOK_SECRET");
    expect(await tierInObject(user)).toBeNull();
  });

  it("refuses a forged, tampered, stale or missing signature with an OpenAI-shaped 400, and nothing changes", async () => {
    const user = unique("forger-");
    const key = await issueKey(user);
    const subscription = unique("sub_");
    const event = () => subscriptionEvent("customer.subscription.created", nowSeconds(), { id: subscription, userId: user, price: "price_t2" });
    const attempts: [string, DeliverOptions][] = [
      ["a signature made with another secret", { secret: "whsec_someone_else_0123456789" }],
      ["a body changed after signing", { tamper: (p) => p.replace("price_t2", "price_t1") }],
      ["a signature older than 5 minutes", { signedAt: nowSeconds() - 301 }],
      ["a made-up signature", { signature: "t=1700000000,v1=deadbeef" }],
      ["no signature", { signature: null }],
    ];
    for (const [what, options] of attempts) {
      const response = await deliver(event(), options);
      expect(response.status, what).toBe(400);
      const body = (await response.json()) as ErrorBody;
      expect(body.error.type, what).toBe("invalid_request_error");
      expect(body.error.code, what).toBe(options.signature === null ? "missing_stripe_signature" : "invalid_stripe_signature");
    }
    expect(await tierInObject(user)).toBeNull();
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM subscriptions WHERE subscription_id = ?").bind(subscription).first("n")).toBe(0);
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM stripe_events WHERE user_id = ?").bind(user).first("n")).toBe(0);
    expect(await ask(key)).toEqual({ status: 402, code: "subscription_required" });
  });
});

describe("POST /stripe/webhook: tiers", () => {
  it("checkout.session.completed puts the attendee on the tier of the subscription's price, read through Stripe's API", async () => {
    const stripe = new StripeApiMock();
    const app = billingApp({ fetch: stripe.fetch });
    const user = unique("buyer-");
    const key = await issueKey(user);
    const sub = unique("sub_");
    stripe.subscriptions.set(sub, subscriptionObject({ id: sub, userId: user, price: "price_t1", customer: "cus_buyer" }));
    expect(await ask(key, WITH_API)).toEqual({ status: 402, code: "subscription_required" });

    const answer = await delivered({ id: unique("evt_"), type: "checkout.session.completed", created: nowSeconds(),
      object: checkoutSessionObject({ id: unique("cs_"), userId: user, subscription: sub, customer: "cus_buyer" }) }, { app, settings: WITH_API });
    expect(answer).toMatchObject({ duplicate: false, user_id: user, tier: "tier-1" });
    const [retrieve] = stripe.callsTo("GET", `/v1/subscriptions/${sub}`);
    expect(retrieve.authorization).toBe(`Bearer ${WITH_API.STRIPE_SECRET_KEY}`);
    expect(await tierInObject(user)).toBe("tier-1");
    // tier-1's quota is 2 requests a month in these settings.
    expect(await asks(key, 3, WITH_API)).toEqual(["200", "200", "402 quota_exceeded"]);
    const row = await env.DB.prepare("SELECT user_id, customer_id, status, tier FROM subscriptions WHERE subscription_id = ?").bind(sub).first();
    expect(row).toEqual({ user_id: user, customer_id: "cus_buyer", status: "active", tier: "tier-1" });
  });

  it("without STRIPE_SECRET_KEY, a completed Checkout links subscription and attendee, and the subscription's own event brings the tier", async () => {
    const user = unique("linked-");
    await issueKey(user);
    expect((await admin(`/users/${user}/tier`, { method: "PUT", body: JSON.stringify({ tier: "tier-2" }) })).status).toBe(200);
    const sub = unique("sub_");
    const answer = await delivered({ id: unique("evt_"), type: "checkout.session.completed", created: nowSeconds(),
      object: checkoutSessionObject({ id: unique("cs_"), userId: user, subscription: sub }) });
    // Nothing is known of the subscription yet: the tier the attendee has stays.
    expect(answer).toEqual({ received: true, duplicate: false, user_id: user });
    expect(await tierInObject(user)).toBe("tier-2");
    expect(await env.DB.prepare("SELECT user_id, status FROM subscriptions WHERE subscription_id = ?").bind(sub).first())
      .toEqual({ user_id: user, status: "unknown" });

    // A subscription event that does not name its user is matched through that link.
    expect(await delivered(subscriptionEvent("customer.subscription.created", nowSeconds(), { id: sub, price: "price_t1" })))
      .toMatchObject({ user_id: user, tier: "tier-1" });
    expect(await tierInObject(user)).toBe("tier-1");
  });

  it("upgrades, downgrades and ends a tier: customer.subscription.created, .updated and .deleted, checked by requests", async () => {
    const user = unique("changer-");
    const key = await issueKey(user);
    const sub = unique("sub_");
    const t0 = nowSeconds() - 1_000;
    await delivered(subscriptionEvent("customer.subscription.created", t0, { id: sub, userId: user, price: "price_t1" }));
    expect(await asks(key, 3)).toEqual(["200", "200", "402 quota_exceeded"]);

    // Upgrade: tier-2 allows 4 this month, 2 of them used.
    expect(await delivered(subscriptionEvent("customer.subscription.updated", t0 + 10, { id: sub, userId: user, price: "price_t2" })))
      .toMatchObject({ tier: "tier-2" });
    expect(await asks(key, 3)).toEqual(["200", "200", "402 quota_exceeded"]);

    // Downgrade: back to 2 a month, already used up.
    await delivered(subscriptionEvent("customer.subscription.updated", t0 + 20, { id: sub, userId: user, price: "price_t1" }));
    expect(await tierInObject(user)).toBe("tier-1");
    expect(await ask(key)).toEqual({ status: 402, code: "quota_exceeded" });

    // End: the tier is cleared, DEFAULT_TIER (none here) applies.
    expect(await delivered(subscriptionEvent("customer.subscription.deleted", t0 + 30, { id: sub, userId: user, price: "price_t1", status: "canceled" })))
      .toMatchObject({ tier: null });
    expect(await tierInObject(user)).toBeNull();
    expect(await ask(key)).toEqual({ status: 402, code: "subscription_required" });
  });

  it("keeps a tier cancelled at period end until the period ends, then clears it with no event", async () => {
    let clock = Date.UTC(2027, 4, 10);
    const app = billingApp({ now: () => clock });
    const user = unique("leaver-");
    await issueKey(user);
    const sub = unique("sub_");
    const periodEnd = Math.floor(Date.UTC(2027, 4, 20) / 1000);
    const at = Math.floor(clock / 1000);
    await delivered(subscriptionEvent("customer.subscription.updated", at, { id: sub, userId: user, price: "price_t2", periodEnd, cancelAtPeriodEnd: true }),
      { app, signedAt: at });
    expect(await tierInObject(user)).toBe("tier-2");

    const config = configFor({ ...env, ...SETTINGS });
    expect(await sweepLapsedTiers(env, config, periodEnd - 60)).not.toContain(user);
    expect(await tierInObject(user)).toBe("tier-2");
    clock = (periodEnd + 1) * 1000;
    expect(await sweepLapsedTiers(env, config, periodEnd + 1)).toContain(user);
    expect(await tierInObject(user)).toBeNull();
  });

  it(`suspends a tier whose payment failed more than ${GRACE_PERIOD_SECONDS / DAY} days ago, and a paid invoice restores it`, async () => {
    let clock = Date.UTC(2027, 5, 1, 12);
    const app = billingApp({ now: () => clock });
    const user = unique("late-payer-");
    const key = await issueKey(user);
    const sub = unique("sub_");
    const failedAt = Math.floor(clock / 1000);
    const at = () => Math.floor(clock / 1000);
    await delivered(subscriptionEvent("customer.subscription.created", failedAt - 100, { id: sub, userId: user, price: "price_t2" }), { app, signedAt: at() });
    await delivered({ id: unique("evt_"), type: "invoice.payment_failed", created: failedAt,
      object: invoiceObject({ id: unique("in_"), subscription: sub, userId: user, paid: false }) }, { app, signedAt: at() });
    await delivered(subscriptionEvent("customer.subscription.updated", failedAt + 1, { id: sub, userId: user, price: "price_t2", status: "past_due" }),
      { app, signedAt: at() });
    // Within the grace the tier stays.
    expect(await tierInObject(user)).toBe("tier-2");
    expect((await ask(key)).status).toBe(200);

    // Stripe's retry fails again after the grace: suspended; the grace ran from the first failure.
    clock += (GRACE_PERIOD_SECONDS + 60) * 1000;
    await delivered({ id: unique("evt_"), type: "invoice.payment_failed", created: at(),
      object: invoiceObject({ id: unique("in_"), subscription: sub, userId: user, paid: false }) }, { app, signedAt: at() });
    expect(await env.DB.prepare("SELECT payment_failed_at FROM subscriptions WHERE subscription_id = ?").bind(sub).first("payment_failed_at")).toBe(failedAt);
    expect(await tierInObject(user)).toBeNull();
    expect(await ask(key)).toEqual({ status: 402, code: "subscription_required" });

    // The card is fixed: paid, active again.
    await delivered({ id: unique("evt_"), type: "invoice.paid", created: at() + 5,
      object: invoiceObject({ id: unique("in_"), subscription: sub, userId: user, paid: true }) }, { app, signedAt: at() });
    await delivered(subscriptionEvent("customer.subscription.updated", at() + 6, { id: sub, userId: user, price: "price_t2" }), { app, signedAt: at() });
    expect(await tierInObject(user)).toBe("tier-2");
    expect((await ask(key)).status).toBe(200);
  });

  it("suspends at the end of the grace with no further event, through the sweep", async () => {
    const clock = Date.UTC(2027, 6, 1);
    const app = billingApp({ now: () => clock });
    const user = unique("silent-");
    const sub = unique("sub_");
    const at = Math.floor(clock / 1000);
    await delivered(subscriptionEvent("customer.subscription.created", at - 10, { id: sub, userId: user, price: "price_t1" }), { app, signedAt: at });
    await delivered({ id: unique("evt_"), type: "invoice.payment_failed", created: at,
      object: invoiceObject({ id: unique("in_"), subscription: sub, paid: false }) }, { app, signedAt: at });
    expect(await tierInObject(user)).toBe("tier-1");
    const config = configFor({ ...env, ...SETTINGS });
    expect(await sweepLapsedTiers(env, config, at + GRACE_PERIOD_SECONDS - 1)).not.toContain(user);
    expect(await tierInObject(user)).toBe("tier-1");
    expect(await sweepLapsedTiers(env, config, at + GRACE_PERIOD_SECONDS)).toContain(user);
    expect(await tierInObject(user)).toBeNull();
  });
});

describe("POST /stripe/webhook: delivery at least once, in any order", () => {
  it("forgets event ids after 30 days, in the sweep", async () => {
    const clock = Date.UTC(2027, 8, 1);
    const app = billingApp({ now: () => clock });
    const at = Math.floor(clock / 1000);
    const event = subscriptionEvent("customer.subscription.created", at, { id: unique("sub_"), userId: unique("old-"), price: "price_t1" });
    await delivered(event, { app, signedAt: at });
    const config = configFor({ ...env, ...SETTINGS });
    await sweepLapsedTiers(env, config, at + 29 * DAY);
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM stripe_events WHERE id = ?").bind(event.id).first("n")).toBe(1);
    await sweepLapsedTiers(env, config, at + 31 * DAY);
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM stripe_events WHERE id = ?").bind(event.id).first("n")).toBe(0);
  });

  it("applies a replayed event once: the replay is recorded once, calls Stripe no more and changes nothing", async () => {
    const stripe = new StripeApiMock();
    const app = billingApp({ fetch: stripe.fetch });
    const user = unique("replay-");
    const sub = unique("sub_");
    stripe.subscriptions.set(sub, subscriptionObject({ id: sub, userId: user, price: "price_t1" }));
    const t0 = nowSeconds() - 100;
    const checkout: StripeEvent = { id: unique("evt_"), type: "checkout.session.completed", created: t0,
      object: checkoutSessionObject({ id: unique("cs_"), userId: user, subscription: sub }) };
    expect(await delivered(checkout, { app, settings: WITH_API })).toMatchObject({ duplicate: false, tier: "tier-1" });
    await delivered(subscriptionEvent("customer.subscription.updated", t0 + 10, { id: sub, userId: user, price: "price_t2" }), { app, settings: WITH_API });
    // Stripe now holds yet another state; a re-applied checkout would read it.
    stripe.subscriptions.set(sub, subscriptionObject({ id: sub, userId: user, price: "price_t1", status: "canceled" }));

    expect(await delivered(checkout, { app, settings: WITH_API })).toMatchObject({ duplicate: true, tier: "tier-2" });
    expect(stripe.callsTo("GET", `/v1/subscriptions/${sub}`)).toHaveLength(1);
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM stripe_events WHERE id = ?").bind(checkout.id).first("n")).toBe(1);
    expect(await tierInObject(user)).toBe("tier-2");
  });

  it("records an event once when Stripe delivers it several times at once", async () => {
    const user = unique("burst-");
    const event = subscriptionEvent("customer.subscription.created", nowSeconds(), { id: unique("sub_"), userId: user, price: "price_t1" });
    const answers = await Promise.all(Array.from({ length: 6 }, () => deliver(event)));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    const bodies = (await Promise.all(answers.map((r) => r.json()))) as Delivered[];
    expect(bodies.filter((b) => !b.duplicate)).toHaveLength(1);
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM stripe_events WHERE id = ?").bind(event.id).first("n")).toBe(1);
    expect(await tierInObject(user)).toBe("tier-1");
  });

  it("pushes the tier again when Stripe redelivers an event whose push to the attendee's object failed", async () => {
    const user = unique("pushfail-");
    const sub = unique("sub_");
    const event = subscriptionEvent("customer.subscription.created", nowSeconds(), { id: sub, userId: user, price: "price_t2" });
    const broken = billingApp({ tierSink: async () => { throw new Error("the attendee's object is unreachable"); } });
    const first = await deliver(event, { app: broken });
    expect(first.status).toBe(500);
    // D1 took the change and the event (it is the source of truth); the object did not.
    expect(await env.DB.prepare("SELECT tier FROM subscriptions WHERE subscription_id = ?").bind(sub).first("tier")).toBe("tier-2");
    expect(await tierInObject(user)).toBeNull();

    expect(await delivered(event)).toMatchObject({ duplicate: true, tier: "tier-2" });
    expect(await tierInObject(user)).toBe("tier-2");
  });

  it("keeps the newest state when an older event arrives after a newer one", async () => {
    const user = unique("shuffled-");
    const key = await issueKey(user);
    const sub = unique("sub_");
    const t0 = nowSeconds() - 500;
    // The upgrade (t0+100) arrives before the creation (t0).
    await delivered(subscriptionEvent("customer.subscription.updated", t0 + 100, { id: sub, userId: user, price: "price_t2" }));
    await delivered(subscriptionEvent("customer.subscription.created", t0, { id: sub, userId: user, price: "price_t1" }));
    expect(await tierInObject(user)).toBe("tier-2");
    expect(await asks(key, 3)).toEqual(["200", "200", "200"]); // tier-1 would refuse the third

    // The end (t0+300) arrives before an update (t0+200): ended stays ended.
    await delivered(subscriptionEvent("customer.subscription.deleted", t0 + 300, { id: sub, userId: user, price: "price_t2", status: "canceled" }));
    await delivered(subscriptionEvent("customer.subscription.updated", t0 + 200, { id: sub, userId: user, price: "price_t2" }));
    expect(await tierInObject(user)).toBeNull();
    expect(await ask(key)).toEqual({ status: 402, code: "subscription_required" });
  });

  it("lets the later stage win between two events of the same second, whichever arrives first", async () => {
    const user = unique("same-second-");
    const sub = unique("sub_");
    const t = nowSeconds() - 50;
    await delivered(subscriptionEvent("customer.subscription.deleted", t, { id: sub, userId: user, price: "price_t1", status: "canceled" }));
    await delivered(subscriptionEvent("customer.subscription.updated", t, { id: sub, userId: user, price: "price_t1", status: "active" }));
    expect(await tierInObject(user)).toBeNull();
  });

  it("ignores a payment failure older than the payment already recorded", async () => {
    const user = unique("late-failure-");
    const sub = unique("sub_");
    const t0 = nowSeconds() - 20 * DAY;
    await delivered(subscriptionEvent("customer.subscription.created", t0, { id: sub, userId: user, price: "price_t1" }));
    await delivered({ id: unique("evt_"), type: "invoice.paid", created: t0 + 200,
      object: invoiceObject({ id: unique("in_"), subscription: sub, userId: user, paid: true }) });
    // A failure from before that payment, 20 days old, delivered now: it would be far past the grace.
    await delivered({ id: unique("evt_"), type: "invoice.payment_failed", created: t0 + 100,
      object: invoiceObject({ id: unique("in_"), subscription: sub, userId: user, paid: false }) });
    expect(await env.DB.prepare("SELECT payment_failed_at FROM subscriptions WHERE subscription_id = ?").bind(sub).first("payment_failed_at")).toBeNull();
    expect(await tierInObject(user)).toBe("tier-1");
  });
});

describe("the organiser's Checkout link (POST /admin/api/billing/users/{id}/checkout)", () => {
  const call = (app: Hono<AppEnv>, settings: Record<string, string>, userId: string, body: unknown, token = TEST_ADMIN_TOKEN) =>
    run(app, settings, `/admin/api/billing/users/${userId}/checkout`, {
      method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body),
    });

  it("creates a subscription Checkout for the tier's price naming the attendee in client_reference_id and the subscription's metadata", async () => {
    const stripe = new StripeApiMock();
    const app = billingApp({ fetch: stripe.fetch });
    const response = await call(app, { ...WITH_API, PUBLIC_URL: "https://gw.example.org" }, "Ada-L", { tier: "tier-2" });
    expect(response.status).toBe(201);
    const link = (await response.json()) as { user_id: string; tier: string; url: string; expires_at: string };
    expect(link).toMatchObject({ user_id: "ada-l", tier: "tier-2" });
    expect(link.url).toMatch(/^https:\/\/checkout\.stripe\.com\/c\/pay\/cs_test_mock/);
    const [created] = stripe.callsTo("POST", "/v1/checkout/sessions");
    expect(Object.fromEntries(created.params)).toMatchObject({
      mode: "subscription", client_reference_id: "ada-l", "subscription_data[metadata][user_id]": "ada-l",
      "line_items[0][price]": "price_t2", "line_items[0][quantity]": "1",
      success_url: "https://gw.example.org/billing?checkout=done", cancel_url: "https://gw.example.org/billing",
    });
    expect(created.authorization).toBe(`Bearer ${WITH_API.STRIPE_SECRET_KEY}`);
  });

  it("says billing is not configured without STRIPE_SECRET_KEY, names a tier without a price, and needs the admin token", async () => {
    const stripe = new StripeApiMock();
    const app = billingApp({ fetch: stripe.fetch });
    const off = await call(app, SETTINGS, "ada", { tier: "tier-2" });
    expect(off.status).toBe(503);
    expect(((await off.json()) as ErrorBody).error).toMatchObject({ code: "billing_not_configured" });
    const unpriced = await call(app, WITH_API, "ada", { tier: "event" });
    expect(unpriced.status).toBe(400);
    expect(((await unpriced.json()) as ErrorBody).error.message).toContain("price_ids");
    expect((await call(app, WITH_API, "ada", { tier: "tier-2" }, "wrong-token-0123456789")).status).toBe(401);
    expect(stripe.calls).toHaveLength(0);
  });

  it("is served by the Worker's own routes under /admin/api/billing", async () => {
    const response = await admin("/billing/users/ada/checkout", { method: "POST", body: JSON.stringify({ tier: "tier-1" }) });
    expect(response.status).toBe(503); // the test Worker has no STRIPE_SECRET_KEY
    expect(((await response.json()) as ErrorBody).error.code).toBe("billing_not_configured");
  });
});

describe("/billing", () => {
  async function signIn(app: Hono<AppEnv> | null, settings: Record<string, string>, key: string): Promise<{ response: Response; cookie: string }> {
    const response = await run(app, settings, "/billing/session", {
      method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ key }).toString(),
      redirect: "manual",
    });
    const cookie = (response.headers.get("set-cookie") ?? "").split(";")[0];
    return { response, cookie };
  }

  it("signs in with the gateway key into an HttpOnly cookie that holds no key, and shows tier, usage and reset date", async () => {
    const user = unique("page-");
    const key = await issueKey(user);
    await delivered(subscriptionEvent("customer.subscription.created", nowSeconds(), { id: unique("sub_"), userId: user, price: "price_t2", customer: "cus_page" }));
    await ask(key);
    const gate = env.ATTENDEE_GATE.get(env.ATTENDEE_GATE.idFromName(user));
    const before = await gate.describe();
    const { response, cookie } = await signIn(null, WITH_API, key);
    // Checking the key at sign-in leaves nothing behind in the attendee's object.
    const after = await gate.describe();
    expect({ inWindow: after.inWindow, inflight: after.inflight }).toEqual({ inWindow: before.inWindow, inflight: before.inflight });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/billing");
    const setCookie = response.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).not.toContain(key.slice(-32));

    const page = await gatewayWith(WITH_API, "/billing", { headers: { cookie } });
    expect(page.status).toBe(200);
    const csp = page.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain("unsafe-inline");
    const html = await page.text();
    expect(html).not.toMatch(/<script|style=/i);
    expect(html).toContain(`signed in as <strong>${user}</strong>`);
    expect(html).toMatch(/id="tier">Tier 2</);
    const nextMonth = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() + 1, 1)).toISOString().slice(0, 10);
    expect(html).toContain(`id="resets">${nextMonth}<`);
    expect(html).toMatch(/id="used">1<\/strong> of 4 requests/);
    expect(html).toContain('action="/billing/portal"');
  });

  it("shows this month's requests as the attendee's object counts them (what their quota reads), not D1's ledger that trails it", async () => {
    const user = unique("page-count-");
    const key = await issueKey(user);
    await delivered(subscriptionEvent("customer.subscription.created", nowSeconds(), { id: unique("sub_"), userId: user, price: "price_t2", customer: "cus_count" }));
    expect(await asks(key, 3)).toEqual(["200", "200", "200"]);
    const { cookie } = await signIn(null, SETTINGS, key);
    const html = await (await gatewayWith(SETTINGS, "/billing", { headers: { cookie } })).text();
    expect(html).toMatch(/id="used">3<\/strong> of 4 requests/);
    // The admin API reads the same count.
    const usage = (await (await admin(`/users/${user}`)).json()) as { usage: { total: number } };
    expect(usage.usage.total).toBe(3);
  });

  it("refuses a wrong key with 401, and ends the session when the key is revoked", async () => {
    const user = unique("page-revoked-");
    const key = await issueKey(user);
    const wrong = await signIn(null, SETTINGS, `${key.slice(0, -4)}AAAA`);
    expect(wrong.response.status).toBe(401);
    expect(wrong.cookie).toBe("");

    const { cookie } = await signIn(null, SETTINGS, key);
    expect(await (await gatewayWith(SETTINGS, "/billing", { headers: { cookie } })).text()).toContain("signed in as");
    const keys = (await (await admin(`/keys?user_id=${user}`)).json()) as { data: { id: string }[] };
    await admin(`/keys/${keys.data[0].id}`, { method: "DELETE" });
    const after = await (await gatewayWith(SETTINGS, "/billing", { headers: { cookie } })).text();
    expect(after).toContain('action="/billing/session"');
    expect(after).not.toContain("signed in as");
  });

  it("says billing is not configured when STRIPE_SECRET_KEY is unset, and offers Checkout when it is", async () => {
    const user = unique("page-plans-");
    const key = await issueKey(user);
    const off = await signIn(null, SETTINGS, key);
    const offHtml = await (await gatewayWith(SETTINGS, "/billing", { headers: { cookie: off.cookie } })).text();
    expect(offHtml).toContain("Billing is not configured");
    expect(offHtml).not.toContain('action="/billing/checkout"');

    const stripe = new StripeApiMock();
    const app = billingApp({ fetch: stripe.fetch });
    const on = await signIn(app, WITH_API, key);
    const onHtml = await (await run(app, WITH_API, "/billing", { headers: { cookie: on.cookie } })).text();
    expect(onHtml).toContain("You have no plan");
    expect(onHtml).toContain('name="tier" value="tier-1"');
    expect(onHtml).toContain('name="tier" value="tier-2"');

    const chosen = await run(app, WITH_API, "/billing/checkout", {
      method: "POST", headers: { cookie: on.cookie, "content-type": "application/x-www-form-urlencoded" }, body: "tier=tier-1", redirect: "manual",
    });
    expect(chosen.status).toBe(303);
    expect(chosen.headers.get("location")).toMatch(/^https:\/\/checkout\.stripe\.com\//);
    const [created] = stripe.callsTo("POST", "/v1/checkout/sessions");
    expect(created.params.get("client_reference_id")).toBe(user);
    expect(created.params.get("subscription_data[metadata][user_id]")).toBe(user);

    // Without a session, no Checkout is created.
    const anonymous = await run(app, WITH_API, "/billing/checkout", {
      method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "tier=tier-1", redirect: "manual",
    });
    expect(anonymous.status).toBe(401);
    expect(stripe.callsTo("POST", "/v1/checkout/sessions")).toHaveLength(1);
  });

  it("opens the Stripe customer portal for the attendee's own customer, and says so in a page when Stripe is down", async () => {
    const stripe = new StripeApiMock();
    const app = billingApp({ fetch: stripe.fetch });
    const user = unique("page-portal-");
    const key = await issueKey(user);
    await delivered(subscriptionEvent("customer.subscription.created", nowSeconds(), { id: unique("sub_"), userId: user, price: "price_t1", customer: "cus_portal" }));
    const { cookie } = await signIn(app, WITH_API, key);
    const portal = await run(app, WITH_API, "/billing/portal", { method: "POST", headers: { cookie }, redirect: "manual" });
    expect(portal.status).toBe(303);
    expect(portal.headers.get("location")).toMatch(/^https:\/\/billing\.stripe\.com\//);
    expect(stripe.callsTo("POST", "/v1/billing_portal/sessions")[0].params.get("customer")).toBe("cus_portal");

    stripe.failing = true;
    const down = await run(app, WITH_API, "/billing/portal", { method: "POST", headers: { cookie }, redirect: "manual" });
    expect(down.status).toBe(502);
    expect(down.headers.get("content-type")).toContain("text/html");
    expect(await down.text()).toContain("Stripe did not answer");
  });
});
