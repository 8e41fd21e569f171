// The organiser's dashboard in headless Chromium against the gateway started like `npm start`:
// sign in with the admin token, see this test's attendees and their counts, sort, sign out.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryLocalD1, startLocalGateway } from "../../scripts/local-gateway.mjs";
import { vendoredSource } from "../../src/admin/page/vendor-uplot.mjs";
import { artifactPath, launchBrowser } from "./browser";

const ADMIN_TOKEN = "dashboard-admin-token-0123";
let gateway: Awaited<ReturnType<typeof startLocalGateway>>;
let browser: Browser;
let stateDir: string;

async function chat(user: string, model = "gpt-4o"): Promise<number> {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-user-id": user, authorization: `Bearer sk-${user}-dash-01` },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "hello dashboard" }] }),
  });
  await response.text();
  return response.status;
}

/** Rows reach D1 shortly after each answer; wait until the admin API counts them all. */
async function waitForRequests(total: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const response = await fetch(`${gateway.url}/admin/api/overview`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    const body = (await response.json()) as { totals: { requests: number } };
    if (body.totals.requests >= total) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`D1 never held ${total} requests`);
}

async function signIn(page: Page, token: string): Promise<void> {
  await page.goto(`${gateway.url}/admin`);
  await page.fill("#token", token);
  await Promise.all([page.waitForLoadState("load"), page.click("button[type=submit]")]);
}

beforeAll(async () => {
  stateDir = mkdtempSync(path.join(tmpdir(), "ocg-dashboard-"));
  gateway = await startLocalGateway({
    port: 19200,
    upstreamPort: 19201,
    persistTo: stateDir,
    settings: {
      HASH_SECRET: "dashboard-hash-secret-0123456789", ADMIN_TOKEN, LOG_FLUSH_MS: "100",
      RATE_LIMIT_PER_MINUTE: "4", EVENT_NAME: "HICAM <Workshop> & Co", MAX_ATTENDEES: "40",
    },
  });
  // amy: 3 answers and one upstream 503; ben: 6 requests against a limit of 4 → two 429s; cat: one answer.
  for (let i = 0; i < 3; i++) expect(await chat("dash-amy")).toBe(200);
  expect(await chat("dash-amy", "gpt-4o@status=503")).toBe(503);
  for (let i = 0; i < 6; i++) await chat("dash-ben");
  expect(await chat("dash-cat")).toBe(200);
  await waitForRequests(11);
  // Two enrolled attendees who have not sent anything yet: counted on the Enrolled card only.
  queryLocalD1("INSERT INTO attendees (user_id, source) VALUES ('dash-roster-1', 'enroll'), ('dash-roster-2', 'admin')", { persistTo: stateDir });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await gateway?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

function cells(page: Page, user: string): Promise<string[]> {
  return page.locator(`#attendees tr[data-user="${user}"] td`).allInnerTexts();
}

describe("the /admin dashboard", () => {
  it("refuses a wrong admin token with a clear message and sets no session", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${gateway.url}/admin`);
    await page.fill("#token", "not-the-admin-token-99");
    const [response] = await Promise.all([page.waitForResponse((r) => r.url().endsWith("/admin/session")), page.click("button[type=submit]")]);
    expect(response.status()).toBe(401);
    await expect(page.locator(".error").textContent()).resolves.toContain("That admin token is not right");
    expect(await context.cookies()).toEqual([]);
    await context.close();
  });

  it("signs in, shows each attendee with their counts, errors and 429s highlighted, and takes screenshots", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const page = await context.newPage();
    await signIn(page, ADMIN_TOKEN);
    expect(page.url()).toBe(`${gateway.url}/admin`);
    await page.waitForSelector('#attendees tr[data-user="dash-ben"]');
    // The event name is shown as text, not markup.
    await expect(page.locator("h1").textContent()).resolves.toBe("HICAM <Workshop> & Co");

    const amy = await cells(page, "dash-amy");
    expect(amy[0]).toBe("dash-amy");
    expect(amy[1]).toBe("4");
    expect(amy[4]).toBe("1");
    const ben = await cells(page, "dash-ben");
    expect(ben[1]).toBe("6");
    expect(ben[3]).toBe("2");
    await expect(page.locator('#attendees tr[data-user="dash-amy"]').getAttribute("class")).resolves.toContain("has-errors");
    await expect(page.locator('#attendees tr[data-user="dash-ben"] td').nth(3).getAttribute("class")).resolves.toContain("hot-warn");
    await expect(page.locator("#card-requests").textContent()).resolves.toBe("11");
    await expect(page.locator("#card-limited").textContent()).resolves.toBe("2");
    await expect(page.locator("#card-active").textContent()).resolves.toBe("3");
    const overview = await fetch(`${gateway.url}/admin/api/overview`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    const { enrollment } = (await overview.json()) as { enrollment: { attendees: number; max_attendees: number } };
    expect(enrollment.max_attendees).toBe(40);
    expect(enrollment.attendees).toBeGreaterThanOrEqual(2);
    await expect(page.locator("#card-enrolled").textContent()).resolves.toBe(`${enrollment.attendees} / 40`);
    await expect(page.locator("#card-enrolled-detail").textContent()).resolves.toBe(`${40 - enrollment.attendees} places left`);
    await page.waitForSelector("#upstream.ok");
    await page.waitForSelector("#chart canvas");

    // Ranked by requests, most first; a click on "Attendee" sorts by name.
    const order = () => page.locator("#attendees tbody tr").evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.user));
    expect(await order()).toEqual(["dash-ben", "dash-amy", "dash-cat"]);
    await page.click('th[data-sort="user_id"]');
    expect(await order()).toEqual(["dash-amy", "dash-ben", "dash-cat"]);
    await page.click('th[data-sort="requests"]');

    // The session lives in an HttpOnly cookie: page script cannot read it, and it is not the token.
    expect(await page.evaluate(() => document.cookie)).toBe("");
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({ name: "ocg_admin", httpOnly: true, sameSite: "Strict" });
    expect(cookie.value).not.toContain(ADMIN_TOKEN);

    await page.screenshot({ path: artifactPath("dashboard.png"), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(300);
    await page.screenshot({ path: artifactPath("dashboard-phone.png"), fullPage: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);

    // Sign out ends the session: the sign-in form is back, and a copy of the cookie taken
    // before signing out no longer reads the admin API.
    const copied = `${cookie.name}=${cookie.value}`;
    const before = await fetch(`${gateway.url}/admin/api/overview`, { headers: { cookie: copied } });
    expect(before.status).toBe(200);
    await Promise.all([page.waitForLoadState("load"), page.click("text=Sign out")]);
    await page.waitForSelector("#token");
    expect(await context.cookies()).toEqual([]);
    const after = await fetch(`${gateway.url}/admin/api/overview`, { headers: { cookie: copied } });
    expect(after.status).toBe(401);
    await context.close();
  });

  it("serves uPlot itself, the same as the installed package (no CDN at an event)", async () => {
    const installed = readFileSync(createRequire(import.meta.url).resolve("uplot/dist/uPlot.iife.min.js"), "utf8");
    const served = await fetch(`${gateway.url}/admin/assets/uplot.js`);
    expect(served.headers.get("content-type")).toContain("text/javascript");
    expect(await served.text()).toBe(installed);
    // The vendored copy in src/ is current: re-run vendor-uplot.mjs after upgrading uplot.
    expect(readFileSync(path.join(import.meta.dirname, "..", "..", "src", "admin", "page", "uplot.ts"), "utf8")).toBe(vendoredSource());
  });

  it("picks up new traffic by itself", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, ADMIN_TOKEN);
    await page.waitForSelector('#attendees tr[data-user="dash-cat"]');
    expect(await page.locator('#attendees tr[data-user="dash-dee"]').count()).toBe(0);
    expect(await chat("dash-dee")).toBe(200);
    await page.waitForSelector('#attendees tr[data-user="dash-dee"]', { timeout: 20_000 });
    await context.close();
  });
});
