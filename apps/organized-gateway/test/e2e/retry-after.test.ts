// What third-party clients do with the gateway's 429: the gateway started like `npm start`
// (RATE_LIMIT_PER_MINUTE 2), driven by the official `openai` SDK and, where it is
// installed, the Vercel AI SDK, each with its own retries on. A refusal carries
// `retry-after-ms` (both SDKs read it first) and `retry-after` in whole seconds; the SDK must
// wait what it was told, not its own default, so its retry lands in a freed window.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalGateway } from "../../scripts/local-gateway.mjs";

const LIMIT = 2;
const WINDOW_MS = 60_000;
/** When to send the refused request: the window then frees in about 2.5 s, half a second
 * short of the whole seconds in `retry-after` (3), so which header a client obeyed shows. */
const REFUSE_AT_MS = 57_500;

let gateway: Awaited<ReturnType<typeof startLocalGateway>>;
let stateDir: string;

beforeAll(async () => {
  stateDir = mkdtempSync(path.join(tmpdir(), "ocg-e2e-retry-"));
  gateway = await startLocalGateway({
    port: 18777,
    upstreamPort: 18778,
    persistTo: stateDir,
    settings: {
      HASH_SECRET: "e2e-hash-secret-0123456789", ADMIN_TOKEN: "e2e-admin-token-0123", LOG_FLUSH_MS: "100",
      RATE_LIMIT_PER_MINUTE: String(LIMIT),
    },
  });
});

afterAll(async () => {
  await gateway?.stop();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

interface Attempt {
  sentAt: number;
  answeredAt: number;
  status: number;
  headers: Headers;
}

/** A fetch that notes when each attempt left and what came back, for the SDKs to use. */
function recordingFetch(attempts: Attempt[]): typeof fetch {
  return async (input, init) => {
    const sentAt = performance.now();
    const response = await fetch(input, init);
    attempts.push({ sentAt, answeredAt: performance.now(), status: response.status, headers: response.headers });
    return response;
  };
}

const headersFor = (user: string) => ({ "X-User-ID": user });
const keyFor = (user: string) => `sk-${user}-e2e-0001`;

/** Uses up the attendee's minute; resolves with when the first counted request was answered. */
async function fillWindow(user: string): Promise<number> {
  const attempts: Attempt[] = [];
  const sdk = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: keyFor(user), maxRetries: 0,
    defaultHeaders: headersFor(user), fetch: recordingFetch(attempts) });
  for (let i = 0; i < LIMIT; i++) {
    await sdk.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: `fill ${i}` }] });
  }
  expect(attempts.map((a) => a.status)).toEqual(Array(LIMIT).fill(200));
  return attempts[0].answeredAt;
}

const until = (at: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, at - performance.now())));

/** The two wait headers of a refusal, checked for the form both SDKs read. */
function waitOf(refusal: Attempt): { ms: number; seconds: number } {
  const ms = refusal.headers.get("retry-after-ms");
  const seconds = refusal.headers.get("retry-after");
  expect(ms, "a 429 carries retry-after-ms").toMatch(/^\d+$/);
  expect(seconds).toMatch(/^\d+$/);
  expect(Number(seconds)).toBe(Math.ceil(Number(ms) / 1000));
  return { ms: Number(ms), seconds: Number(seconds) };
}

// The Vercel AI SDK is not one of the gateway's devDependencies unless the lead adds it
// (`npm i -D -w apps/organized-gateway ai @ai-sdk/openai`); without it these are skipped.
const aiSdk = await Promise.all([import("ai"), import("@ai-sdk/openai")]).catch(() => null);

// The three run at once (each its own attendee, so its own window): two of them wait most of a
// minute for a window's end, which run one after another cost the suite two minutes.
describe.concurrent("SDKs after a 429 from the gateway", () => {
  it("the openai SDK waits the retry-after-ms it was given, and its one retry is answered", async () => {
    const user = "retry-openai";
    const filledAt = await fillWindow(user);
    await until(filledAt + REFUSE_AT_MS);

    const attempts: Attempt[] = [];
    const sdk = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: keyFor(user), maxRetries: 1,
      defaultHeaders: headersFor(user), fetch: recordingFetch(attempts) });
    const answer = await sdk.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "after the wait" }] });

    expect(answer.choices[0].message.content).toBe("Echo: after the wait");
    expect(attempts.map((a) => a.status)).toEqual([429, 200]);
    const { ms } = waitOf(attempts[0]);
    expect(ms).toBeGreaterThan(1_000);
    expect(ms).toBeLessThan(WINDOW_MS - REFUSE_AT_MS + 1_000);
    const gap = attempts[1].sentAt - attempts[0].answeredAt;
    console.log(`retry-after-ms ${ms}; the SDK retried ${gap.toFixed(0)} ms after the 429`);
    // Node's timers may fire a millisecond early; the SDK's own work between is a few ms.
    expect(gap).toBeGreaterThanOrEqual(ms - 2);
    expect(gap).toBeLessThan(ms + 250);
  }, 120_000);

  const providerFor = (user: string, attempts: Attempt[]) =>
    aiSdk![1].createOpenAI({ baseURL: `${gateway.url}/v1`, apiKey: keyFor(user), headers: headersFor(user), fetch: recordingFetch(attempts) });

  it.skipIf(!aiSdk)("the Vercel AI SDK waits out a nearly full window (retry-after-ms under 60 s) instead of retrying after its own 2 s", async () => {
    const user = "retry-ai-full";
    await fillWindow(user);
    const attempts: Attempt[] = [];
    const asked = aiSdk![0].generateText({ model: providerFor(user, attempts).chat("gpt-4o"), prompt: "too soon",
      maxRetries: 1, abortSignal: AbortSignal.timeout(5_000) });
    await expect(asked).rejects.toThrow();
    expect(attempts.map((a) => a.status), "no retry within 5 s").toEqual([429]);
    const { ms } = waitOf(attempts[0]);
    expect(ms).toBeGreaterThan(50_000);
    expect(ms).toBeLessThan(WINDOW_MS);
  }, 60_000);

  it.skipIf(!aiSdk)("the Vercel AI SDK waits the retry-after-ms it was given, and its one retry is answered", async () => {
    const user = "retry-ai-near";
    const filledAt = await fillWindow(user);
    await until(filledAt + REFUSE_AT_MS);

    const attempts: Attempt[] = [];
    const answer = await aiSdk![0].generateText({ model: providerFor(user, attempts).chat("gpt-4o"), prompt: "after the wait",
      maxRetries: 1 });

    expect(answer.text).toBe("Echo: after the wait");
    expect(attempts.map((a) => a.status)).toEqual([429, 200]);
    const { ms } = waitOf(attempts[0]);
    const gap = attempts[1].sentAt - attempts[0].answeredAt;
    console.log(`retry-after-ms ${ms}; the AI SDK retried ${gap.toFixed(0)} ms after the 429`);
    expect(gap).toBeGreaterThanOrEqual(ms - 2);
    expect(gap).toBeLessThan(ms + 250);
  }, 120_000);
});
