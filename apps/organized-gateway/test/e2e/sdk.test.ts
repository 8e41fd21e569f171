// The official openai SDK and curl against the gateway started like `npm start`.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import OpenAI, { RateLimitError } from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryLocalD1, startLocalGateway } from "../../scripts/local-gateway.mjs";

const run = promisify(execFile);
let gateway: Awaited<ReturnType<typeof startLocalGateway>>;
let stateDir: string;

beforeAll(async () => {
  stateDir = mkdtempSync(path.join(tmpdir(), "ocg-e2e-"));
  gateway = await startLocalGateway({
    port: 18787,
    upstreamPort: 18989,
    persistTo: stateDir,
    settings: { HASH_SECRET: "e2e-hash-secret-0123456789", ADMIN_TOKEN: "e2e-admin-token-0123", LOG_FLUSH_MS: "100" },
  });
});

afterAll(async () => {
  await gateway?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

function client(user: string, apiKey = `sk-${user}-e2e-0001`) {
  return new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey, maxRetries: 0, defaultHeaders: { "X-User-ID": user } });
}

describe("the openai SDK through the started gateway", () => {
  it("gets a chat completion with the simulator's answer", async () => {
    const answer = await client("sdk-amy").chat.completions.create({
      model: "gpt-4o", messages: [{ role: "user", content: "Hello from the SDK" }],
    });
    expect(answer.choices[0].message.content).toBe("Echo: Hello from the SDK");
    expect(answer.usage?.total_tokens).toBeGreaterThan(0);
  });

  it("streams, and the first chunk arrives well before a 2 s pause in the upstream ends", async () => {
    const started = performance.now();
    const stream = await client("sdk-ben").chat.completions.create({
      model: "gpt-4o@pause=2000", stream: true, messages: [{ role: "user", content: "tell me a story" }],
    });
    let firstContentAt: number | null = null;
    let text = "";
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta?.content ?? "";
      if (delta && firstContentAt === null) firstContentAt = performance.now() - started;
      text += delta;
    }
    const total = performance.now() - started;
    console.log(`first content chunk after ${firstContentAt?.toFixed(0)} ms; stream ended after ${total.toFixed(0)} ms`);
    expect(text).toBe("Echo: tell me a story");
    expect(firstContentAt).not.toBeNull();
    expect(total).toBeGreaterThanOrEqual(2_000);
    expect(firstContentAt!).toBeLessThan(total - 1_500);
  });

  it("surfaces the 51st request in a minute as the SDK's RateLimitError with the gateway's message", async () => {
    const sdk = client("sdk-burst");
    const results = await Promise.allSettled(Array.from({ length: 51 }, () =>
      sdk.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "x" }] })));
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(50);
    expect(refused).toHaveLength(1);
    expect(refused[0].reason).toBeInstanceOf(RateLimitError);
    expect(refused[0].reason.message).toMatch(/Rate limit reached: 50 requests per minute per attendee. Try again in \d+ seconds/);
  });

  it("answers the banner's curl", async () => {
    const { stdout } = await run("curl", ["-sS", `${gateway.url}/v1/chat/completions`,
      "-H", "Content-Type: application/json", "-H", "X-User-ID: trainee-sam", "-H", "Authorization: Bearer sk-your-openai-key",
      "-d", '{"model":"gpt-4o","messages":[{"role":"user","content":"Hello"}]}']);
    expect(JSON.parse(stdout).choices[0].message.content).toBe("Echo: Hello");
  });

  it("logs to the local D1 that the runbook's wrangler query reads", async () => {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const rows = queryLocalD1("SELECT user_id, status, end_state FROM requests WHERE user_id = 'sdk-amy' ORDER BY id DESC LIMIT 5", { persistTo: stateDir });
    expect(rows).toEqual([{ user_id: "sdk-amy", status: 200, end_state: "complete" }]);
    const response = await fetch(`${gateway.url}/admin/api/users/sdk-burst`, { headers: { authorization: "Bearer e2e-admin-token-0123" } });
    const user = (await response.json()) as { summary: { total_requests: number } };
    expect(user.summary.total_requests).toBe(51);
  });
});
