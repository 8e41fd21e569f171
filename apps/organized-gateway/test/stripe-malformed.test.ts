// A Stripe event that is signed (so Stripe's) but not in the shape the gateway reads is
// answered 400 invalid_stripe_event and logged, never 500; it changes nothing, and good
// events after it are applied as usual. Payloads are signed with the SDK's own helper.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { gatewayWith } from "./helpers";
import { eventPayload, signatureFor, subscriptionObject } from "./stripe-events";

const WEBHOOK_SECRET = "whsec_test_malformed_0123456789abcdef";
const SETTINGS: Record<string, string> = {
  STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
  TIERS: JSON.stringify({ "tier-1": { requests_per_month: 2, projects: 1, priority: 1, price_ids: ["price_t1"] } }),
};

let sequence = 0;
const unique = (prefix: string) => `${prefix}${Date.now().toString(36)}${++sequence}`;
const nowSeconds = () => Math.floor(Date.now() / 1000);

async function deliverRaw(payload: string): Promise<Response> {
  return gatewayWith(SETTINGS, "/stripe/webhook", {
    method: "POST",
    headers: { "content-type": "application/json", "stripe-signature": await signatureFor(payload, WEBHOOK_SECRET) },
    body: payload,
  });
}

/** A well-formed event's JSON, changed by `spoil` before it is signed. */
function spoiled(spoil: (event: Record<string, any>) => void, user: string): string {
  const event = JSON.parse(eventPayload({
    id: unique("evt_bad_"), type: "customer.subscription.created", created: nowSeconds(),
    object: subscriptionObject({ id: unique("sub_bad_"), userId: user, price: "price_t1" }),
  }));
  spoil(event);
  return JSON.stringify(event);
}

afterEach(() => vi.restoreAllMocks());

describe("a signed but malformed Stripe event", () => {
  const cases: [string, (event: Record<string, any>) => void][] = [
    ["items.data is not a list", (e) => { e.data.object.items.data = { price: { id: "price_t1" } }; }],
    ["data.object is null", (e) => { e.data.object = null; }],
    ["the event has no id", (e) => { delete e.id; }],
    ["created is text", (e) => { e.created = "yesterday"; }],
    ["the subscription's status is missing", (e) => { delete e.data.object.status; }],
    ["metadata is a list", (e) => { e.data.object.metadata = ["user_id"]; }],
  ];

  it.each(cases)("is answered 400 invalid_stripe_event and logged when %s", async (_, spoil) => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const user = unique("malformed-");
    const response = await deliverRaw(spoiled(spoil, user));
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { type: string; code: string; message: string } };
    expect(body.error).toMatchObject({ type: "invalid_request_error", code: "invalid_stripe_event" });
    const lines = logged.mock.calls.map((call) => String(call[0])).filter((line) => line.includes("stripe_event_malformed"));
    expect(lines).toHaveLength(1);
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM subscriptions WHERE user_id = ?").bind(user).first("n")).toBe(0);
  });

  it("changes nothing, and the next good event for the same attendee is applied", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const user = unique("after-bad-");
    expect((await deliverRaw(spoiled((e) => { e.data.object.items.data = "price_t1"; }, user))).status).toBe(400);
    const good = eventPayload({
      id: unique("evt_good_"), type: "customer.subscription.created", created: nowSeconds(),
      object: subscriptionObject({ id: unique("sub_good_"), userId: user, price: "price_t1" }),
    });
    const response = await deliverRaw(good);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ received: true, duplicate: false, user_id: user, tier: "tier-1" });
    expect((await env.ATTENDEE_GATE.get(env.ATTENDEE_GATE.idFromName(user)).describe()).tier).toBe("tier-1");
  });
});
