// Headless Chromium from Debian (/usr/bin/chromium), driven by playwright-core. Never a
// browser download: .ci/run installs the Debian package. Screenshots go to test-artifacts/.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser } from "playwright-core";

export const ARTIFACTS = path.resolve(import.meta.dirname, "..", "..", "..", "..", "test-artifacts");

export function artifactPath(name: string): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  return path.join(ARTIFACTS, name);
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
      "--no-first-run", "--disable-component-update", "--disable-sync"],
  });
}
