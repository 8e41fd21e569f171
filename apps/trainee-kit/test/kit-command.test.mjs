// The organiser's offline command, run as they would run it: writes the ZIP the gateway
// would serve and a QR code whose PNG decodes back to the download address.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import jsQR from "jsqr";
import { PNG } from "pngjs";
import { afterAll, describe, expect, it } from "vitest";
import { buildKitZip } from "../src/build-kit.mjs";

const run = promisify(execFile);
const COMMAND = path.resolve(import.meta.dirname, "..", "scripts", "kit.mjs");
const out = mkdtempSync(path.join(tmpdir(), "ocg-kit-command-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("npm run kit (offline)", () => {
  it("writes the same ZIP as the builder and a QR code (SVG and PNG) for <url>/kit.zip", async () => {
    const { stdout } = await run(process.execPath, [COMMAND, "--url", "https://gw.example.org", "--event-code", "ROOM-9", "--out", out]);
    expect(stdout).toContain("event code filled in");
    expect(new Uint8Array(readFileSync(path.join(out, "openclaw-kit.zip")))).toEqual(buildKitZip({ gatewayUrl: "https://gw.example.org", eventCode: "ROOM-9" }));
    expect(readFileSync(path.join(out, "kit-qr.svg"), "utf8")).toMatch(/^<svg[^>]*viewBox/);
    const png = PNG.sync.read(readFileSync(path.join(out, "kit-qr.png")));
    expect(jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data).toBe("https://gw.example.org/kit.zip");
  });

  it("explains what is wrong and exits 2 without --url, or with an address that is not one", async () => {
    await expect(run(process.execPath, [COMMAND, "--out", out])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining("--url is required") });
    await expect(run(process.execPath, [COMMAND, "--url", "gw.example.org", "--out", out])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining("must start with https://") });
  });
});
