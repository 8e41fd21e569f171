// The join page in real headless Chromium, as the projector, a laptop and a phone show it:
// screenshots saved to test-artifacts/, the QR code decoded from the screenshot back to the
// page's own address, copy and share on a phone, the download button's link fetched, the
// banner when the agent server stops. And what a forged Host header gets.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { strFromU8, unzipSync } from "fflate";
import jsQR from "jsqr";
import type { Browser, Page } from "playwright-core";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalGateway } from "../../scripts/local-gateway.mjs";
import { artifactPath, launchBrowser } from "./browser";

const EVENT_NAME = "Problem Solved!: OpenClaw Workshop <HICAM> & friends";
let gateway: Awaited<ReturnType<typeof startLocalGateway>>;
/** A second gateway, one that pays (the OpenClaw strategy) and puts the event code in its kit. */
let paying: Awaited<ReturnType<typeof startLocalGateway>>;
let browser: Browser;
let stateDir: string;

beforeAll(async () => {
  stateDir = mkdtempSync(path.join(tmpdir(), "ocg-join-"));
  [gateway, paying, browser] = await Promise.all([
    startLocalGateway({
      port: 19140, upstreamPort: 19141, persistTo: stateDir,
      settings: { HASH_SECRET: "join-e2e-hash-secret-0123", EVENT_CODE: "JOIN-ROOM", EVENT_NAME },
    }),
    startLocalGateway({
      port: 19142, upstreamPort: 19143, persistTo: path.join(stateDir, "paying"),
      settings: {
        HASH_SECRET: "join-e2e-hash-secret-4567", EVENT_CODE: "PAID-ROOM", KIT_INCLUDE_EVENT_CODE: "true",
        OPENCLAW_TOKEN: "join-e2e-operator-token", EVENT_NAME: "Gateway Pays Workshop",
      },
    }),
    launchBrowser(),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([gateway?.stop(), paying?.stop()]);
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

function decodeQr(screenshot: Buffer): string | undefined {
  const png = PNG.sync.read(screenshot);
  return jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data;
}

const IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1";

/** A page that records every console error (a CSP violation is one) and script exception. */
async function openPage(options: Parameters<Browser["newPage"]>[0] = {}): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage(options);
  const problems: string[] = [];
  page.on("console", (message) => { if (message.type() === "error") problems.push(message.text()); });
  page.on("pageerror", (error) => problems.push(String(error)));
  return { page, problems };
}

/** Whether the element's box lies wholly inside the first screenful (no scrolling needed). */
async function aboveTheFold(page: Page, selector: string): Promise<boolean> {
  const box = await page.locator(selector).boundingBox();
  const viewport = page.viewportSize()!;
  return box !== null && box.y >= 0 && box.y + box.height <= viewport.height && box.x + box.width <= viewport.width;
}

describe("the join page in Chromium", () => {
  it("on a laptop (1280×800): the download button above the fold, the 3 steps, and a QR code that decodes to this page's address", async () => {
    const { page, problems } = await openPage({ viewport: { width: 1280, height: 800 } });
    const response = await page.goto(`${gateway.url}/join`);
    expect(response?.status()).toBe(200);
    expect(await page.locator("h1").textContent()).toBe(EVENT_NAME);
    expect(await page.locator("ol > li h2").allTextContents()).toEqual(["Download and unzip the kit", "Run the setup", "Meet your agent"]);
    expect(await aboveTheFold(page, "a.download")).toBe(true);
    expect(await page.locator("a.download").textContent()).toBe("Download openclaw-kit.zip");
    expect(await page.locator("section.phone").isVisible()).toBe(false);
    expect(await page.locator("#upstream-down").isVisible()).toBe(false);
    // The QR code is on the first screen too: the projector shows this page.
    expect(await aboveTheFold(page, ".qr-code svg")).toBe(true);
    await page.screenshot({ path: artifactPath("join-desktop.png") });
    const screenshot = await page.screenshot({ path: artifactPath("join.png"), fullPage: true });
    expect(decodeQr(screenshot)).toBe(`${gateway.url}/join`);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("on a phone (390×844): 'open this page on your laptop' with the address large, no QR code, no sideways scroll", async () => {
    const { page, problems } = await openPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, userAgent: IPHONE });
    await page.goto(`${gateway.url}/join`);
    expect(await page.locator("#phone-title").textContent()).toBe("Open this page on your laptop");
    expect(await aboveTheFold(page, ".big-url")).toBe(true);
    expect((await page.locator(".big-url").textContent())?.replace(/\s/g, "")).toBe(`${gateway.url}/join`);
    expect(await page.locator(".big-url").evaluate((el) => parseFloat(getComputedStyle(el).fontSize))).toBeGreaterThanOrEqual(24);
    expect(await page.locator("#copy").isVisible()).toBe(true);
    expect(await aboveTheFold(page, "#copy")).toBe(true);
    expect(await page.locator(".qr").isVisible()).toBe(false);
    expect(await page.locator("a.download").isVisible()).toBe(false);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await page.screenshot({ path: artifactPath("join-phone.png") });
    await page.screenshot({ path: artifactPath("join-phone-full.png"), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  it("copies the address with one tap, and offers the share sheet only where the browser has one", async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, userAgent: IPHONE });
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: gateway.url });
    const page = await context.newPage();
    await page.goto(`${gateway.url}/join`);
    const canShare = await page.evaluate(() => typeof navigator.share === "function");
    expect(await page.locator("#share").isVisible()).toBe(canShare);
    await page.locator("#copy").click();
    await expect.poll(() => page.locator("#send-note").textContent()).toContain("Copied.");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`${gateway.url}/join`);

    // A browser with a share sheet: the button appears and hands the sheet this page's address.
    await page.addInitScript(() => {
      (window as unknown as { shared: unknown[] }).shared = [];
      Object.defineProperty(navigator, "share", {
        value: (data: unknown) => { (window as unknown as { shared: unknown[] }).shared.push(data); return Promise.resolve(); },
      });
    });
    await page.reload();
    await page.locator("#share").click();
    const shared = await page.evaluate(() => (window as unknown as { shared: { url: string }[] }).shared);
    expect(shared.map((s) => s.url)).toEqual([`${gateway.url}/join`]);
    await context.close();
  });

  it("says what setup.sh will ask on each kind of gateway: an OpenAI key on BYOK, none when the gateway pays (and the code the kit carries)", async () => {
    const { page } = await openPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${gateway.url}/join`);
    const byokText = await page.locator("main").innerText();
    expect(byokText).toContain("setup.sh asks for your OpenAI key (sk-…), your first name and the event code, then prints Agent ready.");
    expect(byokText).not.toContain("JOIN-ROOM");

    await page.goto(`${paying.url}/join`);
    const paysText = await page.locator("main").innerText();
    expect(paysText).toContain("setup.sh asks for your first name, then prints Agent ready.");
    expect(paysText).toContain("No OpenAI key needed: the workshop pays for the AI.");
    expect(paysText).toContain("The kit already carries the event code (PAID-ROOM): you will not type it.");
    expect(paysText).not.toMatch(/OpenAI key \(sk-/);
    await page.screenshot({ path: artifactPath("join-gateway-pays.png"), fullPage: true });
    await page.close();
  });

  it("in a narrow laptop window shows the phone layout too, with a link to download anyway", async () => {
    const { page } = await openPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${gateway.url}/join`);
    expect(await page.locator("section.phone").isVisible()).toBe(true);
    expect(await page.locator("section.phone a[download]").getAttribute("href")).toBe(`${gateway.url}/kit.zip`);
    await page.close();
  });

  it("has a download button whose link is the kit ZIP", async () => {
    const page = await browser.newPage();
    await page.goto(`${gateway.url}/join`);
    const href = await page.locator("a.download").getAttribute("href");
    expect(href).toBe(`${gateway.url}/kit.zip`);
    const download = await fetch(href!);
    expect(download.status).toBe(200);
    expect(download.headers.get("content-type")).toBe("application/zip");
    const bytes = new Uint8Array(await download.arrayBuffer());
    writeFileSync(artifactPath("openclaw-kit.zip"), bytes);
    const files = unzipSync(bytes);
    expect(strFromU8(files["openclaw-kit/.env.example"])).toMatch(new RegExp(`^OPENCLAW_GATEWAY_URL=${gateway.url}$`, "m"));
    await page.close();
  });

  // Last: it stops the dev upstream.
  it("shows a full-width banner when the agent server stops answering, on a page already open and on a fresh load", async () => {
    const { page, problems } = await openPage({ viewport: { width: 1280, height: 800 } });
    await page.clock.install();
    await page.goto(`${gateway.url}/join`);
    expect(await page.locator("#upstream-down").isVisible()).toBe(false);
    await gateway.upstream!.close();
    // The page on the projector checks /health every 20 s.
    await page.clock.runFor(21_000);
    await expect.poll(() => page.locator("#upstream-down").isVisible(), { timeout: 10_000 }).toBe(true);
    const banner = await page.locator("#upstream-down").boundingBox();
    expect(banner).toMatchObject({ x: 0, y: 0, width: 1280 });
    expect(await page.locator("#upstream-down").textContent()).toContain("The organiser sees this too");
    await page.screenshot({ path: artifactPath("join-upstream-down.png") });

    const phone = await openPage({ viewport: { width: 390, height: 844 }, isMobile: true, userAgent: IPHONE });
    await phone.page.goto(`${gateway.url}/join`);
    expect(await phone.page.locator("#upstream-down").isVisible()).toBe(true);
    expect(await phone.page.locator("#upstream-down").evaluate((el) => el.getBoundingClientRect().width)).toBe(390);
    await phone.page.screenshot({ path: artifactPath("join-phone-upstream-down.png") });
    expect([...problems, ...phone.problems]).toEqual([]);
    await Promise.all([page.close(), phone.page.close()]);
  });
});

/** A GET to the local gateway with the Host header a caller chose (fetch would send the real one). */
function getWithHost(url: string, host: string): Promise<{ status: number; contentType: string; body: string }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: target.hostname, port: target.port, path: target.pathname, headers: { host } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers["content-type"]), body: Buffer.concat(chunks).toString("latin1") }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("a forged Host header, without PUBLIC_URL", () => {
  it("gets a 503 public_url_required from /kit.zip and /join through wrangler dev, never a kit or page pointing at that host", async () => {
    for (const host of ["attacker.example", "attacker.example:19140", "127.0.0.1.attacker.example"]) {
      const kit = await getWithHost(`${gateway.url}/kit.zip`, host);
      expect(kit.status, host).toBe(503);
      expect(JSON.parse(kit.body).error.code).toBe("public_url_required");
      const page = await getWithHost(`${gateway.url}/join`, host);
      expect(page.status, host).toBe(503);
      expect(page.contentType).toBe("text/html; charset=utf-8");
      expect(page.body).toContain("PUBLIC_URL");
      for (const body of [kit.body, page.body]) expect(body, host).not.toContain("attacker.example");
    }
  });
});
