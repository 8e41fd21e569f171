// Tiers as data, end to end: monthly quotas that cannot be overspent, projects, and a
// tier's dedicated node — the gateway as `npm start` runs it, in front of dev upstreams
// that count what they receive.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDevUpstream } from "@ocg/dev-upstream";
import { queryLocalD1, startLocalGateway } from "../../scripts/local-gateway.mjs";

type Upstream = Awaited<ReturnType<typeof startDevUpstream>>;
const ADMIN = "tiers-e2e-admin-token";
let shared: Upstream;
let dedicated: Upstream;
let gateway: Awaited<ReturnType<typeof startLocalGateway>>;
let stateDir: string;

const admin = (p: string, init: RequestInit = {}) =>
  fetch(`${gateway.url}/admin/api${p}`, { ...init, headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" } });

async function keyFor(user: string, tier: string): Promise<string> {
  const issued = (await (await admin(`/users/${user}/keys`, { method: "POST", body: "{}" })).json()) as { key: string };
  expect((await admin(`/users/${user}/tier`, { method: "PUT", body: JSON.stringify({ tier }) })).status).toBe(200);
  return issued.key;
}

function chat(key: string, { stream = false, project }: { stream?: boolean; project?: string } = {}): Promise<Response> {
  return fetch(`${gateway.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}`, ...(project ? { "x-project-id": project } : {}) },
    body: JSON.stringify({ model: "gpt-4o", stream, messages: [{ role: "user", content: "count me" }] }),
  });
}

beforeAll(async () => {
  shared = await startDevUpstream({ port: 18941 });
  dedicated = await startDevUpstream({ port: 18942 });
  stateDir = mkdtempSync(path.join(tmpdir(), "ocg-tiers-"));
  gateway = await startLocalGateway({
    port: 18744,
    persistTo: stateDir,
    settings: {
      HASH_SECRET: "tiers-e2e-hash-secret-0123", ADMIN_TOKEN: ADMIN, LOG_FLUSH_MS: "0",
      RATE_LIMIT_PER_MINUTE: "1000", MAX_INFLIGHT_PER_USER: "300", INFLIGHT_QUEUE_MS: "30000",
      UPSTREAMS: JSON.stringify([
        { name: "shared", url: shared.url, max_concurrent: 1000 },
        { name: "dedicated", url: dedicated.url, max_concurrent: 1000 },
      ]),
      TIERS: JSON.stringify({
        "tier-1": { requests_per_month: 100, projects: 1, priority: 1, price_ids: ["price_t1"] },
        "tier-3": { requests_per_month: null, projects: null, priority: 3, price_ids: ["price_t3"], node: "dedicated" },
      }),
    },
  });
}, 180_000);

afterAll(async () => {
  await gateway?.stop();
  await shared?.close();
  await dedicated?.close();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

describe("a monthly quota", () => {
  it("lets exactly 100 of 200 simultaneous requests (streamed and not) reach the upstream, the rest 402 quota_exceeded", async () => {
    const key = await keyFor("quota-amy", "tier-1");
    const before = shared.stats.requestCount;
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => chat(key, { stream: i % 2 === 0 })));
    const bodies = await Promise.all(answers.map((r) => r.text()));
    expect(answers.filter((r) => r.status === 200)).toHaveLength(100);
    const refused = answers.map((r, i) => ({ r, body: bodies[i] })).filter(({ r }) => r.status === 402);
    expect(refused).toHaveLength(100);
    const error = (JSON.parse(refused[0].body) as { error: { code: string; message: string; type: string } }).error;
    expect(error).toMatchObject({ code: "quota_exceeded", type: "insufficient_quota" });
    expect(error.message).toContain("tier-1");
    expect(error.message).toMatch(/resets on \d{4}-\d{2}-01/);
    expect(error.message).toContain("/billing");
    expect(shared.stats.requestCount - before).toBe(100);

    // The ledger agrees with what the upstream counted.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const [ledger] = queryLocalD1("SELECT SUM(requests) AS n FROM monthly_usage WHERE user_id = 'quota-amy'", { persistTo: stateDir }) as { n: number }[];
    expect(ledger.n).toBe(100);
  }, 120_000);

  it("limits a tier-1 customer to one project, naming the limit", async () => {
    const key = await keyFor("proj-bo", "tier-1");
    expect((await chat(key, { project: "shop" })).status).toBe(200);
    expect((await chat(key, { project: "Shop" })).status).toBe(200);
    const second = await chat(key, { project: "blog" });
    expect(second.status).toBe(403);
    const { error } = (await second.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe("project_limit");
    expect(error.message).toContain("1 project");
    expect(error.message).toContain("shop");
    // The organiser sees the month's usage by project, as the object counts it.
    const view = (await (await admin("/users/proj-bo")).json()) as { usage: { total: number; projects: Record<string, number> } };
    expect(view.usage).toMatchObject({ total: 2, projects: { shop: 2 } });
  });

  it("gives back the month's unit of a request that never reached the upstream", async () => {
    const key = await keyFor("quota-cy", "tier-1");
    const wrong = await fetch(`${gateway.url}/v1/no-such-endpoint`, { headers: { authorization: `Bearer ${key}` } });
    expect(wrong.status).toBe(404);
    await (await chat(key)).text();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const [ledger] = queryLocalD1("SELECT SUM(requests) AS n FROM monthly_usage WHERE user_id = 'quota-cy'", { persistTo: stateDir }) as { n: number }[];
    expect(ledger.n).toBe(1);
  });
});

describe("a tier's dedicated node", () => {
  it("takes every request of its tier, and no one else's", async () => {
    const vip = await keyFor("vip-dee", "tier-3");
    const regular = await keyFor("reg-eli", "event");
    const before = { shared: shared.stats.requestCount, dedicated: dedicated.stats.requestCount };
    for (let i = 0; i < 5; i++) {
      expect((await chat(vip)).status).toBe(200);
      expect((await chat(regular)).status).toBe(200);
    }
    expect(dedicated.stats.requestCount - before.dedicated).toBe(5);
    expect(shared.stats.requestCount - before.shared).toBe(5);
  });
});
