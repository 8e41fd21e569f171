// The join page in real headless Chromium, as the projector and a phone show it: screenshots
// saved to test-artifacts/, the QR code decoded from the screenshot back to the kit's
// address, and the download button's link fetched. And what a forged Host header gets.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { strFromU8, unzipSync } from "fflate";
import jsQR from "jsqr";
import type { Browser } from "playwright-core";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalGateway } from "../../scripts/local-gateway.mjs";
import { artifactPath, launchBrowser } from "./browser";

const EVENT_NAME = "Problem Solved!: OpenClaw Workshop <HICAM> & friends";
let gateway: Awaited<ReturnType<typeof startLocalGateway>>;
let browser: Browser;
let stateDir: string;

beforeAll(async () => {
  stateDir = mkdtempSync(path.join(tmpdir(), "ocg-join-"));
  [gateway, browser] = await Promise.all([
    startLocalGateway({
      port: 19140, upstreamPort: 19141, persistTo: stateDir,
      settings: { HASH_SECRET: "join-e2e-hash-secret-0123", EVENT_CODE: "JOIN-ROOM", EVENT_NAME },
    }),
    launchBrowser(),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await gateway?.stop();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

function decodeQr(screenshot: Buffer): string | undefined {
  const png = PNG.sync.read(screenshot);
  return jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data;
}

describe("the join page in Chromium", () => {
  it("shows the event name, the 3 steps and a QR code that decodes to the kit's address (projector size)", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const response = await page.goto(`${gateway.url}/join`);
    expect(response?.status()).toBe(200);
    expect(await page.locator("h1").textContent()).toBe(EVENT_NAME);
    expect(await page.locator("ol > li h2").allTextContents()).toEqual(["Download and unzip the kit", "Run the setup", "Meet your agent"]);
    const screenshot = await page.screenshot({ path: artifactPath("join.png"), fullPage: true });
    expect(decodeQr(screenshot)).toBe(`${gateway.url}/kit.zip`);
    // Nothing overflows sideways.
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await page.close();
  });

  it("fits a phone screen, and its QR code still decodes there", async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
    await page.goto(`${gateway.url}/join`);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    const screenshot = await page.screenshot({ path: artifactPath("join-mobile.png"), fullPage: true });
    expect(decodeQr(screenshot)).toBe(`${gateway.url}/kit.zip`);
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
