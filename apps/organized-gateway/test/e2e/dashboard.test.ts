// The organiser's dashboard in headless Chromium against the gateway started like `npm start`:
// sign in with the admin token, see who is stuck and why, act on an attendee (issue and
// revoke a key, block, reset, reinstate, set their tier) and see it take effect on the
// attendee's next request or in their object, the banner for a down host or an error
// spike, the projector view at 1280×720, one time zone (UTC) on a laptop set to another,
// and sign out.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { startDevUpstream } from "@ocg/dev-upstream";
import jsQR from "jsqr";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryLocalD1, startLocalGateway } from "../../scripts/local-gateway.mjs";
import { vendoredSource } from "../../src/surfaces/admin/page/vendor-uplot.mjs";
import { artifactPath, launchBrowser } from "./browser";

const ADMIN_TOKEN = "dashboard-admin-token-0123";
const EVENT_CODE = "DASH-2026";
const UPSTREAM_PORT = 19201;
/** Attendees' own credentials need it; the dev upstream stands in for OpenAI. */
const CREDENTIAL_KEY = "dashboard-credential-key-0123456789abcdef";
/** The organiser's laptop is not on UTC: every time on the page must still be UTC. */
const LAPTOP_ZONE = "Asia/Kolkata";
let gateway: Awaited<ReturnType<typeof startLocalGateway>>;
let restartedUpstream: { close(): Promise<void> } | null = null;
let browser: Browser;
let stateDir: string;

interface Call { status: number; code: string | null }

/** A /v1 chat the way an attendee's tool sends it; BYOK (X-User-ID + sk- key) unless a gateway key is given. */
async function chat(user: string | null, options: { model?: string; key?: string } = {}): Promise<Call> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (user) headers["x-user-id"] = user;
  headers.authorization = `Bearer ${options.key ?? `sk-${user ?? "anon"}-dash-01`}`;
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: "POST", headers,
    body: JSON.stringify({ model: options.model ?? "gpt-4o", messages: [{ role: "user", content: "hello dashboard" }] }),
  });
  const text = await response.text();
  let code: string | null = null;
  try {
    code = (JSON.parse(text) as { error?: { code?: string } }).error?.code ?? null;
  } catch {
    // an answer, not an error
  }
  return { status: response.status, code };
}

async function adminApi<T>(apiPath: string): Promise<T> {
  const response = await fetch(`${gateway.url}/admin/api${apiPath}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  expect(response.status, apiPath).toBe(200);
  return (await response.json()) as T;
}

/** Rows reach D1 shortly after each answer; wait until the admin API counts them all. */
async function waitForRequests(total: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const body = await adminApi<{ totals: { requests: number } }>("/overview");
    if (body.totals.requests >= total) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`D1 never held ${total} requests`);
}

async function signIn(page: Page, token: string, at = "/admin"): Promise<void> {
  await page.goto(`${gateway.url}${at}`);
  await page.fill("#token", token);
  await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
}

async function dashboard(options: { viewport?: { width: number; height: number } } = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 1000 }, timezoneId: LAPTOP_ZONE });
  const page = await context.newPage();
  // The dashboard asks before blocking, resetting or revoking; the organiser says yes.
  page.on("dialog", (dialog) => void dialog.accept());
  await signIn(page, ADMIN_TOKEN);
  // The page's script has run and its first refresh is in.
  await page.waitForFunction(() => document.getElementById("updated")?.textContent?.startsWith("updated"));
  return { context, page };
}

beforeAll(async () => {
  stateDir = mkdtempSync(path.join(tmpdir(), "ocg-dashboard-"));
  gateway = await startLocalGateway({
    port: 19200,
    upstreamPort: UPSTREAM_PORT,
    persistTo: stateDir,
    settings: {
      HASH_SECRET: "dashboard-hash-secret-0123456789", ADMIN_TOKEN, LOG_FLUSH_MS: "100", EVENT_CODE,
      RATE_LIMIT_PER_MINUTE: "4", EVENT_NAME: "HICAM <Workshop> & Co", MAX_ATTENDEES: "40",
      CREDENTIAL_KEY, OPENAI_BASE_URL: `http://127.0.0.1:${UPSTREAM_PORT}/v1`,
    },
  });
  // amy: 3 answers and one upstream 503 (her last); ben: 6 requests against a limit of 4 → two 429s; cat: one answer.
  for (let i = 0; i < 3; i++) expect((await chat("dash-amy")).status).toBe(200);
  expect((await chat("dash-amy", { model: "gpt-4o@status=503" })).status).toBe(503);
  for (let i = 0; i < 6; i++) await chat("dash-ben");
  expect((await chat("dash-cat")).status).toBe(200);
  // Not attendees' own use: an enrolment with no request yet, a mistyped key, no id at all, a smoke test.
  const enrolled = await fetch(`${gateway.url}/enroll`, {
    method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ event_code: EVENT_CODE, user_id: "dash-enrolled" }),
  });
  expect(enrolled.status).toBe(201);
  const { key } = (await enrolled.json()) as { key: string };
  expect((await chat(null, { key: `${key.slice(0, -1)}${key.endsWith("A") ? "B" : "A"}` })).status).toBe(401);
  expect((await chat(null)).status).toBe(200);
  expect((await chat("smoke-dash")).status).toBe(200);
  await waitForRequests(15);
  // Two more on the roster who have not sent anything yet (as the organiser's own tools add them).
  queryLocalD1("INSERT INTO attendees (user_id, source) VALUES ('dash-roster-1', 'enroll'), ('dash-roster-2', 'admin')", { persistTo: stateDir });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await gateway?.stop();
  await restartedUpstream?.close();
  rmSync(stateDir, { recursive: true, force: true });
});

function cells(page: Page, user: string): Promise<string[]> {
  return page.locator(`#attendees tr[data-user="${user}"] td`).allInnerTexts();
}

/** Opens an attendee's detail from the table and waits until their requests are listed. */
async function openAttendee(page: Page, user: string): Promise<void> {
  await page.click(`#attendees tr[data-user="${user}"]`);
  await page.waitForSelector("#detail[open]");
  await page.waitForFunction((id) => document.getElementById("detail-user")?.textContent === id
    && (document.querySelectorAll("#detail-requests tbody tr").length > 0 || !document.getElementById("detail-no-requests")!.hidden), user);
}

async function actionsOf(user: string): Promise<{ action: string; actor: string; key_id: string | null }[]> {
  const { data } = await adminApi<{ data: { action: string; actor: string; key_id: string | null }[] }>(`/actions?user_id=${user}`);
  return data.reverse();
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

  it("signs in, shows each attendee with their state, counts, errors and 429s highlighted, counts only real attendees as active, and takes screenshots", async () => {
    const { context, page } = await dashboard();
    expect(page.url()).toBe(`${gateway.url}/admin`);
    await page.waitForSelector('#attendees tr[data-user="dash-ben"]');
    // The event name is shown as text, not markup.
    await expect(page.locator("h1").textContent()).resolves.toBe("HICAM <Workshop> & Co");

    const amy = await cells(page, "dash-amy");
    expect(amy[0]).toBe("dash-amy");
    expect(amy[1]).toBe("stuck");
    expect(amy[2]).toBe("4");
    expect(amy[5]).toBe("1");
    expect(amy[9]).toMatch(/^\d\d:\d\d:\d\d service_unavailable$/);
    const ben = await cells(page, "dash-ben");
    expect(ben[1]).toBe("ready");
    expect(ben[2]).toBe("6");
    expect(ben[4]).toBe("2");
    expect((await cells(page, "dash-enrolled"))[1]).toBe("stuck at setup");
    await expect(page.locator('#attendees tr[data-user="dash-amy"]').getAttribute("class")).resolves.toContain("has-errors");
    await expect(page.locator('#attendees tr[data-user="dash-ben"] td').nth(4).getAttribute("class")).resolves.toContain("hot-warn");
    // Every logged request is in the totals; only amy, ben and cat are active attendees:
    // not the enrolment, the mistyped key, the anonymous caller or the smoke test.
    await expect(page.locator("#card-requests").textContent()).resolves.toBe("15");
    await expect(page.locator("#card-limited").textContent()).resolves.toBe("2");
    await expect(page.locator("#card-active").textContent()).resolves.toBe("3");
    for (const notAttendee of ["unauthenticated", "anonymous", "smoke-dash"]) {
      expect(await page.locator(`#attendees tr[data-user="${notAttendee}"]`).count(), notAttendee).toBe(0);
    }
    // Ready: ben (429s mean his setup works) and cat. Stuck: amy failing, three never seen.
    await expect(page.locator("#card-ready").textContent()).resolves.toBe("2");
    await expect(page.locator("#card-stuck").textContent()).resolves.toBe("4");
    await expect(page.locator("#card-stuck-detail").textContent()).resolves.toBe("3 at setup · 1 failing");
    const stuck = await page.locator("#stuck-list li").allInnerTexts();
    expect(stuck[0]).toMatch(/^dash-amy\s+stuck\s+service_unavailable: The agent host failed \(HTTP 503\)/);
    expect(stuck.slice(1).map((s) => s.split(/\s/)[0])).toEqual(["dash-enrolled", "dash-roster-1", "dash-roster-2"]);
    expect(stuck[1]).toContain("have not finished setup.sh");
    const overview = await adminApi<{ enrollment: { attendees: number; places_taken: number; max_attendees: number } }>("/overview");
    expect(overview.enrollment.max_attendees).toBe(40);
    await expect(page.locator("#card-enrolled").textContent()).resolves.toBe(`${overview.enrollment.attendees} / 40`);
    // smoke-dash's bound key put it on the roster: it holds a place, and is not counted as enrolled.
    expect(overview.enrollment.places_taken - overview.enrollment.attendees).toBe(1);
    await expect(page.locator("#card-enrolled-detail").textContent()).resolves.toBe(`${40 - overview.enrollment.places_taken} places left (1 test id holds one)`);
    await page.waitForSelector("#upstream.ok");
    await page.waitForSelector("#chart canvas");
    expect(await page.locator("#banner").isHidden()).toBe(true);

    // The test users toggle brings the smoke test in; refused and anonymous callers never.
    await page.check("#include-test");
    await page.waitForSelector('#attendees tr[data-user="smoke-dash"]');
    await expect(page.locator("#card-active").textContent()).resolves.toBe("4");
    await page.uncheck("#include-test");
    await page.waitForSelector('#attendees tr[data-user="smoke-dash"]', { state: "detached" });

    // Ranked by requests, most first; a click on "Attendee" sorts by name, on "State" the stuck first.
    const order = () => page.locator("#attendees tbody tr").evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.user));
    expect(await order()).toEqual(["dash-ben", "dash-amy", "dash-cat", "dash-enrolled", "dash-roster-1", "dash-roster-2"]);
    await page.click('th[data-sort="user_id"]');
    expect(await order()).toEqual(["dash-amy", "dash-ben", "dash-cat", "dash-enrolled", "dash-roster-1", "dash-roster-2"]);
    await page.click('th[data-sort="state_rank"]');
    expect(await order()).toEqual(["dash-amy", "dash-enrolled", "dash-roster-1", "dash-roster-2", "dash-ben", "dash-cat"]);
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

  it("shows every time in UTC, labelled, on a laptop set to another time zone", async () => {
    const { context, page } = await dashboard();
    await page.waitForSelector('#attendees tr[data-user="dash-cat"]');
    // India is UTC+5:30: a local time could never pass for UTC here.
    expect(await page.evaluate(() => new Date().getTimezoneOffset())).toBe(-330);
    const updated = await page.locator("#updated").textContent();
    expect(updated).toMatch(/^updated \d\d:\d\d:\d\d UTC$/);
    const shown = Date.parse(`${new Date().toISOString().slice(0, 10)}T${updated!.slice(8, 16)}Z`);
    expect(Math.abs(Date.now() - shown)).toBeLessThan(60_000);
    const { data } = await adminApi<{ data: { user_id: string; last_request_at: string }[] }>("/attendees?minutes=60");
    const cat = data.find((a) => a.user_id === "dash-cat")!;
    expect((await cells(page, "dash-cat"))[8]).toBe(cat.last_request_at.slice(11, 19));
    await expect(page.locator(".subtitle").first().textContent()).resolves.toContain("all times UTC");
    // The chart's legend (and axis) read UTC minutes too: hover the newest minute.
    const box = (await page.locator("#chart .u-over").boundingBox())!;
    await page.mouse.move(box.x + box.width - 2, box.y + box.height / 2);
    const minute = await page.locator("#chart .u-legend .u-series").first().locator(".u-value").textContent();
    const now = Date.now();
    expect([now, now - 60_000].map((t) => new Date(t).toISOString().slice(11, 16))).toContain(minute);
    expect(await page.locator("body").innerText()).not.toMatch(/\b(AM|PM)\b/);
    await context.close();
  });

  it("opens a stuck attendee's last requests with what went wrong, in words", async () => {
    const { context, page } = await dashboard();
    await page.waitForSelector('#attendees tr[data-user="dash-amy"]');
    await openAttendee(page, "dash-amy");
    await expect(page.locator("#detail-state").textContent()).resolves.toBe("stuck");
    await expect(page.locator("#detail-summary").textContent()).resolves.toMatch(/Last error \d\d:\d\d:\d\d UTC, service_unavailable: The agent host failed \(HTTP 503\)/);
    const requests = await page.locator("#detail-requests tbody tr").allInnerTexts();
    expect(requests).toHaveLength(4);
    expect(requests[0]).toMatch(/POST \/v1\/chat\/completions\s+503\s+service_unavailable: The agent host failed/);
    expect(requests.slice(1).every((r) => /\s200\s/.test(r))).toBe(true);
    await page.screenshot({ path: artifactPath("dashboard-detail.png") });
    await page.click("#detail-close");
    expect(await page.locator("#detail[open]").count()).toBe(0);
    await context.close();
  });

  it("serves uPlot itself, the same as the installed package (no CDN at an event)", async () => {
    const installed = readFileSync(createRequire(import.meta.url).resolve("uplot/dist/uPlot.iife.min.js"), "utf8");
    const served = await fetch(`${gateway.url}/admin/assets/uplot.js`);
    expect(served.headers.get("content-type")).toContain("text/javascript");
    expect(await served.text()).toBe(installed);
    // The vendored copy in src/ is current: re-run vendor-uplot.mjs after upgrading uplot.
    expect(readFileSync(path.join(import.meta.dirname, "..", "..", "src", "surfaces", "admin", "page", "uplot.ts"), "utf8")).toBe(vendoredSource());
  });
});

/** Whether the projector view fits its screen: overflow of the page (px) and of each tile, and the figures' type size. */
async function projectorFit(page: Page): Promise<{ scroll: number[]; tiles: boolean[]; valuePx: number }> {
  return page.evaluate(() => ({
    scroll: [document.documentElement.scrollHeight - window.innerHeight, document.documentElement.scrollWidth - window.innerWidth],
    tiles: Array.from(document.querySelectorAll(".tile")).map((t) => t.scrollHeight <= t.clientHeight && t.scrollWidth <= t.clientWidth),
    valuePx: parseFloat(getComputedStyle(document.querySelector(".tile-value")!).fontSize),
  }));
}

describe("the projector view and the banner", () => {
  it("fits 1280×720 without scrolling, in large type: ready, stuck, active, requests per minute and the host", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, timezoneId: LAPTOP_ZONE });
    const page = await context.newPage();
    await signIn(page, ADMIN_TOKEN, "/admin/projector");
    expect(page.url()).toBe(`${gateway.url}/admin/projector`);
    await page.waitForFunction(() => document.getElementById("p-host")!.textContent === "up");
    const overview = await adminApi<{ attendee_states: { ready: number; stuck: number }; active_attendees: { count: number } }>("/overview");
    await expect(page.locator("#p-ready").textContent()).resolves.toBe(String(overview.attendee_states.ready));
    await expect(page.locator("#p-stuck").textContent()).resolves.toBe(String(overview.attendee_states.stuck));
    await expect(page.locator("#p-active").textContent()).resolves.toBe(String(overview.active_attendees.count));
    expect(Number(await page.locator("#p-rpm").textContent())).toBeGreaterThanOrEqual(0);
    await expect(page.locator("#clock").textContent()).resolves.toBe(new Date().toISOString().slice(11, 16));
    const fit = await projectorFit(page);
    expect(fit.scroll.every((px) => px <= 0), JSON.stringify(fit)).toBe(true);
    expect(fit.tiles).toEqual([true, true, true, true, true, true]);
    expect(fit.valuePx).toBeGreaterThanOrEqual(72);
    // How to join, for the room: the event code large, the join address, and a QR code that opens it.
    await expect(page.locator("#p-event-code").textContent()).resolves.toBe(EVENT_CODE);
    expect(parseFloat(await page.locator("#p-event-code").evaluate((el) => getComputedStyle(el).fontSize))).toBeGreaterThanOrEqual(60);
    await expect(page.locator("#p-join-url").textContent()).resolves.toBe(`${gateway.url}/join`);
    const qr = PNG.sync.read(await page.locator(".join-qr").screenshot());
    expect(jsQR(new Uint8ClampedArray(qr.data), qr.width, qr.height)?.data).toBe(`${gateway.url}/join`);
    expect(await page.locator(".join-panel").evaluate((el) => el.scrollHeight <= el.clientHeight && el.scrollWidth <= el.clientWidth)).toBe(true);
    // No attendee names face the room.
    expect(await page.locator("body").innerText()).not.toContain("dash-");
    await page.screenshot({ path: artifactPath("projector.png") });
    await context.close();
  });

  it("counts enrolled attendees without the organiser's test ids, the number large and the cap beside it, fitting its tile", async () => {
    // The organiser's smoke and load tests took places on the roster too (as `ocg loadtest` does).
    queryLocalD1("INSERT OR IGNORE INTO attendees (user_id, source) VALUES ('smoke-proj-1', 'admin'), ('loadtest-proj-1', 'admin'), ('loadtest-proj-2', 'admin')", { persistTo: stateDir });
    const [{ everyone, real }] = queryLocalD1(`SELECT COUNT(*) AS everyone, SUM(user_id NOT LIKE 'smoke-%' AND user_id NOT LIKE 'loadtest-%') AS real FROM attendees`, { persistTo: stateDir }) as { everyone: number; real: number }[];
    expect(everyone - real).toBeGreaterThanOrEqual(3);
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, timezoneId: LAPTOP_ZONE });
    const page = await context.newPage();
    await signIn(page, ADMIN_TOKEN, "/admin/projector");
    await page.waitForFunction(() => document.getElementById("p-enrolled")!.textContent !== "–");
    await expect(page.locator("#p-enrolled").textContent()).resolves.toBe(String(real));
    await expect(page.locator("#p-enrolled-detail").textContent()).resolves.toBe("enrolled of 40");
    const fit = await projectorFit(page);
    expect(fit.tiles).toEqual([true, true, true, true, true, true]);
    expect(fit.scroll.every((px) => px <= 0), JSON.stringify(fit)).toBe(true);
    await page.screenshot({ path: artifactPath("projector-enrolled.png") });
    // The dashboard's card counts the same, and says the test ids hold places against the cap.
    const dash = await dashboard();
    await expect(dash.page.locator("#card-enrolled").textContent()).resolves.toBe(`${real} / 40`);
    await expect(dash.page.locator("#card-enrolled-detail").textContent()).resolves.toBe(`${40 - everyone} places left (${everyone - real} test ids hold one each)`);
    await dash.context.close();
    await context.close();
  });

  it("raises a full-width banner on the dashboard and the projector while the agent host is unreachable, and drops it when the host is back", async () => {
    const { context, page } = await dashboard({ viewport: { width: 1280, height: 900 } });
    const projector = await context.newPage();
    await projector.setViewportSize({ width: 1280, height: 720 });
    await projector.goto(`${gateway.url}/admin/projector`);
    await page.waitForSelector("#upstream.ok");
    expect(await page.locator("#banner").isHidden()).toBe(true);

    await gateway.upstream!.close();
    await page.waitForSelector("#banner:not([hidden])", { timeout: 20_000 });
    await expect(page.locator("#banner-title").textContent()).resolves.toContain("The agent host is unreachable.");
    const box = (await page.locator("#banner").boundingBox())!;
    expect(box.x).toBe(0);
    expect(box.width).toBe(1280);
    expect(box.height).toBeGreaterThanOrEqual(40);
    await page.screenshot({ path: artifactPath("dashboard-host-down.png") });

    await projector.waitForSelector("#banner:not([hidden])", { timeout: 20_000 });
    await expect(projector.locator("#p-host").textContent()).resolves.toBe("down");
    await projector.screenshot({ path: artifactPath("projector-host-down.png") });
    const fit = await projectorFit(projector);
    expect(fit.scroll.every((px) => px <= 0), JSON.stringify(fit)).toBe(true);
    expect(fit.tiles).toEqual([true, true, true, true, true, true]);

    restartedUpstream = await startDevUpstream({ port: UPSTREAM_PORT });
    await page.waitForSelector("#banner", { state: "hidden", timeout: 20_000 });
    await projector.waitForFunction(() => document.getElementById("p-host")!.textContent === "up", undefined, { timeout: 20_000 });
    await context.close();
  });

  it("raises the banner when errors spike, naming the commonest error in words", async () => {
    const { context, page } = await dashboard();
    await page.waitForSelector("#upstream.ok");
    expect(await page.locator("#banner").isHidden()).toBe(true);
    for (let i = 0; i < 6; i++) {
      for (let j = 0; j < 2; j++) expect((await chat(`dash-spike-${i}`, { model: "gpt-4o@status=502" })).status).toBe(502);
    }
    await page.waitForSelector("#banner:not([hidden])", { timeout: 20_000 });
    await expect(page.locator("#banner-title").textContent()).resolves.toBe("Errors are spiking.");
    await expect(page.locator("#banner-detail").textContent()).resolves.toMatch(
      /^\d+ of \d+ requests failed in the last 5 minutes \(\d+%; the banner shows from 25%\)\. Most often bad_gateway: The agent host failed \(HTTP 502\)/);
    await page.screenshot({ path: artifactPath("dashboard-error-spike.png") });
    await context.close();
  });
});

// After the banner tests: these actions' refusals (401, 403) would make an error spike of their own.
describe("acting from the dashboard", () => {
  it("issues a key shown once and copyable that works at once, revokes it so the next request gets 401, and reinstates the id", async () => {
    const { context, page } = await dashboard();
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: gateway.url });
    await page.fill("#open-user-id", "dash-keyed");
    await page.click("#open-user button");
    await page.waitForSelector("#detail[open]");
    await page.waitForFunction(() => document.getElementById("detail-state")!.textContent === "not seen yet");
    await page.click('#detail [data-action="issue_key"]');
    await page.waitForFunction(() => (document.getElementById("issued-key") as HTMLInputElement).value !== "");
    const key = await page.inputValue("#issued-key");
    expect(key).toMatch(/^ocg_dash-keyed_[0-9A-Za-z]+$/);
    await page.click("#copy-key");
    await page.waitForFunction(() => document.getElementById("detail-result")!.textContent === "Copied the key to the clipboard.");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
    expect((await chat(null, { key })).status).toBe(200);

    // The key's row in the detail, with a Revoke button; the page never shows the key again.
    const keyId = (await adminApi<{ keys: { id: string }[] }>("/users/dash-keyed")).keys[0].id;
    await page.waitForSelector(`#detail-keys button[data-revoke="${keyId}"]`);
    await page.click(`#detail-keys button[data-revoke="${keyId}"]`);
    await page.waitForFunction(() => document.getElementById("detail-result")!.textContent!.startsWith("Revoked key"));
    expect(await chat(null, { key })).toEqual({ status: 401, code: "revoked_gateway_key" });

    // Its last key revoked, the id is revoked: nobody may claim it until the organiser reinstates it.
    expect(await chat("dash-keyed", { key: "sk-dash-keyed-byok-1" })).toEqual({ status: 403, code: "user_id_revoked" });
    await page.waitForSelector('#detail [data-action="reinstate"]:not([hidden])');
    await page.click('#detail [data-action="reinstate"]');
    await page.waitForFunction(() => document.getElementById("detail-result")!.textContent!.includes("is reinstated"));
    expect((await chat("dash-keyed", { key: "sk-dash-keyed-byok-1" })).status).toBe(200);

    await page.click("#detail-close");
    // A dialog's "close" event (which clears the key) comes as a task after close(): wait for it.
    await page.waitForFunction(() => (document.getElementById("issued-key") as HTMLInputElement).value === "");
    expect(await page.content()).not.toContain(key);
    expect(await actionsOf("dash-keyed")).toEqual([
      { action: "issue_key", actor: "dashboard", key_id: keyId, id: expect.any(Number), created_at: expect.any(String), user_id: "dash-keyed", request_id: expect.stringMatching(/^req_/), detail: null },
      expect.objectContaining({ action: "revoke_key", actor: "dashboard", key_id: keyId }),
      expect.objectContaining({ action: "reinstate", actor: "dashboard", key_id: null }),
    ]);
    await context.close();
  });

  it("blocks a BYOK attendee so their next request gets 403 user_blocked, and unblocks them", async () => {
    const { context, page } = await dashboard();
    await page.waitForSelector('#attendees tr[data-user="dash-cat"]');
    await openAttendee(page, "dash-cat");
    await page.click('#detail [data-action="block"]');
    await page.waitForFunction(() => document.getElementById("detail-result")!.textContent!.includes("is blocked"));
    expect(await chat("dash-cat")).toEqual({ status: 403, code: "user_blocked" });
    await page.waitForSelector('#detail [data-action="unblock"]:not([hidden])');
    await page.click("#detail-close");
    await page.waitForFunction(() => document.querySelector('#attendees tr[data-user="dash-cat"] td:nth-child(2)')?.textContent === "blocked");

    await openAttendee(page, "dash-cat");
    await page.click('#detail [data-action="unblock"]');
    await page.waitForFunction(() => document.getElementById("detail-result")!.textContent!.includes("is unblocked"));
    expect((await chat("dash-cat")).status).toBe(200);
    expect((await actionsOf("dash-cat")).map(({ action, actor }) => `${action} ${actor}`)).toEqual(["block dashboard", "unblock dashboard"]);
    await context.close();
  });

  it("resets a BYOK binding so the id can be bound again from another key, and lists the change under Your actions", async () => {
    expect((await chat("dash-moved", { key: "sk-dash-moved-laptop-1" })).status).toBe(200);
    expect(await chat("dash-moved", { key: "sk-dash-moved-laptop-2" })).toEqual({ status: 403, code: "user_id_taken" });
    const { context, page } = await dashboard();
    await page.waitForSelector('#attendees tr[data-user="dash-moved"]', { timeout: 20_000 });
    await openAttendee(page, "dash-moved");
    await page.click('#detail [data-action="reset_binding"]');
    await page.waitForFunction(() => document.getElementById("detail-result")!.textContent!.startsWith("Reset:"));
    expect((await chat("dash-moved", { key: "sk-dash-moved-laptop-2" })).status).toBe(200);
    expect((await actionsOf("dash-moved")).map(({ action, actor }) => `${action} ${actor}`)).toEqual(["reset_binding dashboard"]);
    await page.click("#detail-close");
    await page.waitForFunction(() => document.querySelector("#actions tbody tr")?.textContent?.includes("reset the binding"));
    const latest = await page.locator("#actions tbody tr").first().locator("td").allInnerTexts();
    expect(latest.slice(1)).toEqual(["reset the binding", "dash-moved", "–", "dashboard"]);
    expect(latest[0]).toMatch(/^\d\d:\d\d:\d\d$/);
    await context.close();
  });
});

describe("an attendee's model credential", () => {
  it("shows the credential's kind, date and fingerprint in the detail, never the token, and revokes it so GET /me/credential answers 404", async () => {
    const enrolled = await fetch(`${gateway.url}/enroll`, {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ event_code: EVENT_CODE, user_id: "dash-owncred" }),
    });
    expect(enrolled.status).toBe(201);
    const { key } = (await enrolled.json()) as { key: string };
    const me = (method: string, body?: unknown) => fetch(`${gateway.url}/me/credential`, {
      method, headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    const token = "sk-dash-owncred-secret-0123456789abcdef";
    const put = await me("PUT", { kind: "openai", token });
    expect(put.status).toBe(201);
    const { fingerprint } = (await put.json()) as { fingerprint: string };

    const { context, page } = await dashboard();
    await page.fill("#open-user-id", "dash-owncred");
    await page.click("#open-user button");
    await page.waitForSelector("#detail[open]");
    await page.waitForFunction(() => document.getElementById("detail-credential-text")!.textContent!.startsWith("openai, stored "));
    const shown = (await page.locator("#detail-credential-text").textContent())!;
    expect(shown).toMatch(/^openai, stored \d\d:\d\d:\d\d UTC · fingerprint fp_[0-9a-f]{16} · not used yet\.$/);
    expect(shown).toContain(fingerprint);
    // No part of the token anywhere on the page.
    expect(await page.content()).not.toContain(token.slice(3, 20));

    await page.click('#detail [data-action="revoke_credential"]');
    await page.waitForFunction(() => document.getElementById("detail-result")!.textContent!.includes("model credential is revoked"));
    await page.waitForFunction(() => document.getElementById("detail-credential-text")!.textContent!.startsWith("None:"));
    expect(await page.locator('#detail [data-action="revoke_credential"]').isHidden()).toBe(true);
    const after = await me("GET");
    expect(after.status).toBe(404);
    expect(((await after.json()) as { error: { code: string } }).error.code).toBe("no_credential");
    expect((await actionsOf("dash-owncred")).map(({ action, actor }) => `${action} ${actor}`)).toEqual(["revoke_credential dashboard"]);
    await context.close();
  });
});

describe("an attendee's tier", () => {
  it("shows the attendee's tier in their detail and sets another from a select of the tiers, which their object then holds", async () => {
    const tiers = await adminApi<{ default_tier: string; data: { id: string; requests_per_month: number | null; projects: number | null; priority: number }[] }>("/tiers");
    expect(tiers).toEqual({
      default_tier: "event",
      data: [
        { id: "event", requests_per_month: null, projects: null, priority: 0 },
        { id: "tier-1", requests_per_month: 10_000, projects: 1, priority: 1 },
        { id: "tier-2", requests_per_month: 50_000, projects: 3, priority: 2 },
        { id: "tier-3", requests_per_month: null, projects: null, priority: 3 },
      ],
    });
    expect((await adminApi<{ gate: { tier: string | null } }>("/users/dash-tiered")).gate.tier).toBeNull();

    const { context, page } = await dashboard();
    await page.fill("#open-user-id", "dash-tiered");
    await page.click("#open-user button");
    await page.waitForSelector("#detail[open]");
    await page.waitForFunction(() => document.getElementById("detail-tier-now")!.textContent !== "–");
    await expect(page.locator("#detail-tier-now").textContent()).resolves.toBe("event (DEFAULT_TIER: none of their own)");
    const options = await page.locator("#detail-tier-select option").evaluateAll((all) => all.map((o) => [(o as HTMLOptionElement).value, o.textContent]));
    expect(options).toEqual([
      ["event", "event · no monthly quota · any number of projects · priority 0"],
      ["tier-1", "tier-1 · 10,000 requests/month · 1 project · priority 1"],
      ["tier-2", "tier-2 · 50,000 requests/month · 3 projects · priority 2"],
      ["tier-3", "tier-3 · no monthly quota · any number of projects · priority 3"],
    ]);
    expect(await page.inputValue("#detail-tier-select")).toBe("event");

    // The organiser's pick survives the dashboard's refresh (every 5 s, which reloads the detail) until they set it.
    await page.selectOption("#detail-tier-select", "tier-2");
    const updated = await page.locator("#updated").textContent();
    await page.waitForFunction((before) => document.getElementById("updated")!.textContent !== before, updated, { timeout: 15_000 });
    expect(await page.inputValue("#detail-tier-select")).toBe("tier-2");
    await page.click("#detail-tier button[type=submit]");
    await page.waitForFunction(() => document.getElementById("detail-result")!.textContent === "dash-tiered is on tier-2 now, from their next request.");
    await page.waitForFunction(() => document.getElementById("detail-tier-now")!.textContent === "tier-2");

    expect((await adminApi<{ gate: { tier: string | null } }>("/users/dash-tiered")).gate.tier).toBe("tier-2");
    expect((await actionsOf("dash-tiered")).map(({ action, actor }) => `${action} ${actor}`)).toEqual(["set_tier dashboard"]);
    await page.screenshot({ path: artifactPath("dashboard-tier.png") });
    await context.close();
  });
});

describe("live updates", () => {
  it("picks up new traffic by itself", async () => {
    const { context, page } = await dashboard();
    await page.waitForSelector('#attendees tr[data-user="dash-cat"]');
    expect(await page.locator('#attendees tr[data-user="dash-dee"]').count()).toBe(0);
    expect((await chat("dash-dee")).status).toBe(200);
    await page.waitForSelector('#attendees tr[data-user="dash-dee"]', { timeout: 20_000 });
    await context.close();
  });
});

describe("an attendee whose own key the provider refused", () => {
  it("is named in Who is stuck and the table under the id they claimed, with what to do, and none of it counts in their own figures", async () => {
    // dana's OpenAI key has no credit (the dev upstream refuses any key with "invalid" in it): twice refused.
    for (let i = 0; i < 2; i++) expect((await chat("dash-dana", { key: "sk-invalid-dana-no-credit" })).status).toBe(401);
    const deadline = Date.now() + 15_000;
    let dana: { state: string; requests: number; errors: number; refused_key: { requests: number; message: string } | null } | undefined;
    while (Date.now() < deadline) {
      const { data } = await adminApi<{ data: NonNullable<typeof dana & { user_id: string }>[] }>("/attendees?minutes=60");
      dana = data.find((a) => a.user_id === "dash-dana");
      if (dana?.refused_key?.requests === 2) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(dana).toMatchObject({ state: "setup", requests: 0, errors: 0, refused_key: { requests: 2 } });
    const user = await adminApi<{ figures: { refused_key: { message: string } } }>("/users/dash-dana");
    expect(user.figures.refused_key.message).toMatch(/^OpenAI refused the key sent as dash-dana \(no credit, mistyped or revoked\?\)/);

    const { context, page } = await dashboard();
    await page.waitForSelector('#stuck-list li[data-user="dash-dana"]');
    const line = await page.locator('#stuck-list li[data-user="dash-dana"]').innerText();
    expect(line).toMatch(/^dash-dana\s+stuck at setup\s+OpenAI refused the key sent as dash-dana \(no credit, mistyped or revoked\?\)\. Ask them to check the key and its credit at platform\.openai\.com, then run bash setup\.sh again/);
    const row = await cells(page, "dash-dana");
    expect(row[1]).toBe("stuck at setup");
    expect(row[2]).toBe("0");
    expect(row[5]).toBe("0");
    expect(row[9]).toMatch(/^\d\d:\d\d:\d\d key refused$/);
    await page.locator('#stuck-list li[data-user="dash-dana"]').screenshot({ path: artifactPath("dashboard-refused-key.png") });
    await page.click('#stuck-list li[data-user="dash-dana"] button.name');
    await page.waitForSelector("#detail[open]");
    await page.waitForFunction(() => /Key refused 2 times/.test(document.getElementById("detail-summary")?.textContent ?? ""));
    await expect(page.locator("#detail-summary").textContent()).resolves.toMatch(/Key refused 2 times, last \d\d:\d\d:\d\d UTC: OpenAI refused the key sent as dash-dana/);
    await context.close();
  });
});
