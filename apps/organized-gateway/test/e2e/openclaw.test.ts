// The gateway in front of a real OpenClaw (the npm package, headless on loopback), whose
// model provider is the dev upstream simulator. Driven with the official openai SDK.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDevUpstream } from "@ocg/dev-upstream";
import { startLocalGateway } from "../../scripts/local-gateway.mjs";
import { startOpenClaw } from "../../scripts/openclaw-local.mjs";

const ADMIN = "openclaw-e2e-admin-token";
let provider: Awaited<ReturnType<typeof startDevUpstream>>;
let openclaw: Awaited<ReturnType<typeof startOpenClaw>>;
let gateway: Awaited<ReturnType<typeof startLocalGateway>>;
let stateDir: string;
let key: string;

beforeAll(async () => {
  provider = await startDevUpstream({ port: 18979 });
  openclaw = await startOpenClaw({ port: 18799, token: "openclaw-operator-token-e2e", providerUrl: provider.url });
  stateDir = mkdtempSync(path.join(tmpdir(), "ocg-openclaw-"));
  gateway = await startLocalGateway({
    port: 18788,
    persistTo: stateDir,
    settings: {
      OPENCLAW_URL: openclaw.url, OPENCLAW_TOKEN: openclaw.token, HASH_SECRET: "openclaw-e2e-hash-secret",
      ADMIN_TOKEN: ADMIN, UPSTREAM_TIMEOUT_MS: "120000",
    },
  });
  const issued = await fetch(`${gateway.url}/admin/api/users/claw-amy/keys`, { method: "POST", headers: { authorization: `Bearer ${ADMIN}` } });
  key = ((await issued.json()) as { key: string }).key;
}, 600_000);

afterAll(async () => {
  await gateway?.stop();
  await openclaw?.stop();
  await provider?.close();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

describe("the gateway in front of a real OpenClaw", () => {
  it("reports the OpenClaw route in /health", () => {
    expect(gateway.health).toMatchObject({ upstream: { strategy: "openclaw", reachable: true }, gateway_key_required: true });
  });

  it("answers a chat completion through OpenClaw's agent", async () => {
    const sdk = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: key, maxRetries: 0, timeout: 120_000 });
    const answer = await sdk.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "ping through openclaw" }] });
    expect(answer.choices[0].message.content).toContain("ping through openclaw");
    const seen = provider.stats.requests.filter((r: { path: string }) => r.path.endsWith("/chat/completions"));
    expect(seen.length).toBeGreaterThan(0);
  }, 180_000);

  it("streams an answer through OpenClaw's agent", async () => {
    const sdk = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: key, maxRetries: 0, timeout: 120_000 });
    const stream = await sdk.chat.completions.create({
      model: "gpt-4o", stream: true, messages: [{ role: "user", content: "stream through openclaw" }],
    });
    let text = "";
    let chunks = 0;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? "";
      chunks++;
    }
    expect(chunks).toBeGreaterThan(1);
    expect(text).toContain("stream through openclaw");
  }, 180_000);

  it("is refused to a caller without a gateway key, and OpenClaw never sees them", async () => {
    const sdk = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: "sk-not-a-gateway-key", maxRetries: 0, defaultHeaders: { "X-User-ID": "claw-intruder" } });
    await expect(sdk.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "x" }] }))
      .rejects.toMatchObject({ status: 401 });
  });
});
