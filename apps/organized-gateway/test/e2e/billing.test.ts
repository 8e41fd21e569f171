// The attendee's /billing page in headless Chromium, against the gateway started like
// `npm start`: a tier set by a signed Stripe webhook (the SDK's own test signature), usage
// from real requests, sign-in with the gateway key, the plan, this month's usage and its
// reset date, Checkout buttons, the Stripe portal — with a strict CSP and no script.
// Screenshots in test-artifacts/. No Stripe call is made: the page creates Checkout only
// when a button is pressed, which these tests do in workerd against the named mock.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalGateway } from "../../scripts/local-gateway.mjs";
import { eventPayload, signatureFor, subscriptionObject } from "../stripe-events";
import { artifactPath, launchBrowser } from "./browser";

const ADMIN_TOKEN = "billing-e2e-admin-token-0123";
const WEBHOOK_SECRET = "whsec_billing_e2e_0123456789abcdef";
let gateway: Awaited<ReturnType<typeof startLocalGateway>>;
let browser: Browser;
let stateDir: string;

async function keyFor(user: string): Promise<string> {
  const response = await fetch(`${gateway.url}/admin/api/users/${user}/keys`, {
    method: "POST", headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" }, body: "{}",
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { key: string }).key;
}

async function subscribe(user: string, price: string): Promise<void> {
  const payload = eventPayload({
    id: `evt_e2e_${user}`, type: "customer.subscription.created", created: Math.floor(Date.now() / 1000),
    object: subscriptionObject({ id: `sub_e2e_${user}`, userId: user, price, customer: `cus_e2e_${user}` }),
  });
  const response = await fetch(`${gateway.url}/stripe/webhook`, {
    method: "POST", headers: { "content-type": "application/json", "stripe-signature": await signatureFor(payload, WEBHOOK_SECRET) }, body: payload,
  });
  expect(response.status, await response.clone().text()).toBe(200);
}

async function chat(key: string, project?: string): Promise<number> {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}`, ...(project ? { "x-project-id": project } : {}) },
    body: JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "what does my plan include?" }] }),
  });
  await response.arrayBuffer();
  return response.status;
}

/** A browser page that records every CSP violation and console error it meets. */
async function billingPage(viewport = { width: 1100, height: 900 }): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(message.text());
  });
  page.on("pageerror", (error) => problems.push(String(error)));
  return { context, page, problems };
}

async function signIn(page: Page, key: string): Promise<void> {
  await page.goto(`${gateway.url}/billing`);
  await page.fill("#key", key);
  await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
}

/** Usage reaches the ledger with the attendee's log batch, just after each answer. */
async function waitForText(page: Page, selector: string, text: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    await page.reload();
    if ((await page.textContent(selector))?.trim() === text) return;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(`${selector} never read ${text}`);
}

beforeAll(async () => {
  stateDir = mkdtempSync(path.join(tmpdir(), "ocg-billing-"));
  gateway = await startLocalGateway({
    port: 18761, upstreamPort: 18762, persistTo: stateDir,
    settings: {
      HASH_SECRET: "billing-e2e-hash-secret-0123", ADMIN_TOKEN, LOG_FLUSH_MS: "0", EVENT_NAME: "OpenClaw Workshop · Berlin",
      DEFAULT_TIER: "none",
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      STRIPE_SECRET_KEY: "sk_test_billing_e2e_never_called",
      TIERS: JSON.stringify({
        "tier-1": { requests_per_month: 10_000, projects: 1, priority: 1, price_ids: ["price_e2e_t1"] },
        "tier-2": { requests_per_month: 50_000, projects: 3, priority: 2, price_ids: ["price_e2e_t2"] },
        "tier-3": { requests_per_month: null, projects: null, priority: 3, price_ids: ["price_e2e_t3"] },
      }),
    },
  });
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await gateway?.stop();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

describe("/billing in a browser", () => {
  it("shows a subscriber their plan, this month's usage by project and the reset date, and the Stripe portal", async () => {
    const key = await keyFor("mara");
    await subscribe("mara", "price_e2e_t2");
    const statuses = [];
    for (let i = 0; i < 7; i++) statuses.push(await chat(key, i < 5 ? "thesis" : "shop-bot"));
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200]);

    const { context, page, problems } = await billingPage();
    await signIn(page, key);
    await waitForText(page, "#used", "7");
    expect(await page.textContent("#tier")).toBe("Tier 2");
    expect(await page.textContent("#status")).toMatch(/^Active\. Renews on \d{4}-\d{2}-\d{2} \(UTC\)\.$/);
    const now = new Date();
    const reset = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString().slice(0, 10);
    expect(await page.textContent("#resets")).toBe(reset);
    expect(await page.textContent(".figure")).toContain("of 50,000 requests");
    expect(await page.locator(".projects li").allTextContents()).toEqual(["thesis5", "shop-bot2"]);
    expect(await page.locator("#plans tr.current th").textContent()).toBe("Tier 2");
    expect(await page.isVisible("#portal button")).toBe(true);
    // The sign-in is an HttpOnly cookie: nothing the page's origin can read, and no key in it.
    expect(await page.evaluate(() => document.cookie)).toBe("");
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({ name: "ocg_billing", httpOnly: true, sameSite: "Lax", path: "/billing" });
    expect(cookie.value).not.toContain(key.slice(-32));
    expect(await page.locator("script").count()).toBe(0);
    expect(problems).toEqual([]);
    await page.screenshot({ path: artifactPath("billing-subscriber.png"), fullPage: true });
    await context.close();
  });

  it("offers an attendee without a plan the tiers on sale, at phone width, under a CSP that blocks inline code", async () => {
    const key = await keyFor("noor");
    expect(await chat(key)).toBe(402);
    const { context, page, problems } = await billingPage({ width: 390, height: 844 });
    const response = await page.goto(`${gateway.url}/billing`);
    const csp = response?.headers()["content-security-policy"] ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain("unsafe-inline");
    await page.screenshot({ path: artifactPath("billing-sign-in.png"), fullPage: true });

    await signIn(page, key);
    expect(await page.textContent("#tier")).toBe("No plan");
    expect(await page.textContent("#status")).toContain("refuses requests until you choose one");
    expect(await page.locator("#plans button").allTextContents()).toEqual(["Choose Tier 1", "Choose Tier 2", "Choose Tier 3"]);
    expect(await page.isVisible("#portal")).toBe(false);

    // An inline script injected into the page is refused by its CSP.
    await page.evaluate(() => {
      const script = document.createElement("script");
      script.textContent = "document.title = 'injected'";
      document.body.append(script);
    });
    expect(await page.title()).not.toBe("injected");
    expect(problems.some((p) => /Content Security Policy/i.test(p))).toBe(true);
    await page.screenshot({ path: artifactPath("billing-no-plan-phone.png"), fullPage: true });
    await context.close();
  });

  it("tells an attendee who typed a wrong key what to paste, and signs out", async () => {
    const key = await keyFor("ravi");
    const { context, page } = await billingPage();
    await signIn(page, `${key.slice(0, -4)}ZZZZ`);
    expect(await page.textContent(".error")).toContain("not an active gateway key");
    await signIn(page, key);
    expect(await page.textContent(".subtitle")).toContain("signed in as ravi");
    await Promise.all([page.waitForNavigation(), page.click("text=Sign out")]);
    expect(await page.isVisible("#key")).toBe(true);
    expect(await context.cookies()).toEqual([]);
    await context.close();
  });
});
