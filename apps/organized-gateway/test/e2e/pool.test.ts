// The upstream pool, end to end: the gateway as `npm start` runs it with UPSTREAMS naming
// several dev upstreams (each its own server, each counting what it receives).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDevUpstream } from "@ocg/dev-upstream";
import { queryLocalD1, startLocalGateway } from "../../scripts/local-gateway.mjs";
import { stickyOrder, type PoolNode } from "../../src/pipeline/route/pool";

type Upstream = Awaited<ReturnType<typeof startDevUpstream>>;
type Gateway = Awaited<ReturnType<typeof startLocalGateway>>;

const ADMIN = "pool-e2e-admin-token";
const PORTS = { a: 18931, b: 18932, c: 18933, noclaw: 18934, mini: 18935 };
const ATTENDEES = Array.from({ length: 30 }, (_, i) => `pool-${String(i + 1).padStart(2, "0")}`);

/** Which attendee each upstream saw, by the session value the gateway sends as X-Forwarded-User. */
function seenBy(upstream: Upstream, sessions: Map<string, string>): Set<string> {
  const seen = new Set<string>();
  for (const request of upstream.stats.requests) {
    const attendee = sessions.get(String(request.headers["x-forwarded-user"]));
    if (attendee) seen.add(attendee);
  }
  return seen;
}

function chat(gateway: Gateway, user: string, model = "gpt-4o", stream = false): Promise<Response> {
  return fetch(`${gateway.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-user-id": user, authorization: `Bearer sk-${user}` },
    body: JSON.stringify({ model, stream, messages: [{ role: "user", content: `hi from ${user}` }] }),
  });
}

describe("a pool of three nodes and a free one", () => {
  const up: Record<"a" | "b" | "c" | "noclaw", Upstream> = {} as never;
  let gateway: Gateway;
  let stateDir: string;
  const sessions = new Map<string, string>();
  const nodes: PoolNode[] = [
    { name: "a", weight: 1, models: [], free: false },
    { name: "b", weight: 2, models: [], free: false },
    { name: "c", weight: 1, models: [], free: false },
  ];
  const home = new Map<string, string>();

  beforeAll(async () => {
    for (const name of ["a", "b", "c", "noclaw"] as const) up[name] = await startDevUpstream({ port: PORTS[name] });
    stateDir = mkdtempSync(path.join(tmpdir(), "ocg-pool-"));
    gateway = await startLocalGateway({
      port: 18736,
      persistTo: stateDir,
      settings: {
        HASH_SECRET: "pool-e2e-hash-secret-0123", ADMIN_TOKEN: ADMIN, LOG_FLUSH_MS: "0",
        UPSTREAMS: JSON.stringify([
          { name: "a", url: up.a.url, weight: 1 },
          { name: "b", url: up.b.url, weight: 2 },
          { name: "c", url: up.c.url, weight: 1 },
          { name: "noclaw", url: up.noclaw.url, models: ["noclaw/*"], free: true },
        ]),
      },
    });
    for (const user of ATTENDEES) home.set(user, stickyOrder(user, nodes)[0].name);
  }, 180_000);

  afterAll(async () => {
    await gateway?.stop();
    for (const upstream of Object.values(up)) await upstream?.close();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  it("reports every node by name in /health, never its address", async () => {
    const health = (await (await fetch(`${gateway.url}/health`)).json()) as { upstreams: { name: string; state: string }[] };
    expect(health.upstreams.map((u) => u.name)).toEqual(["a", "b", "c", "noclaw"]);
    expect(health.upstreams.every((u) => u.state === "up")).toBe(true);
    expect(JSON.stringify(health)).not.toContain("127.0.0.1:1893");
  });

  it("spreads 30 attendees across the nodes by weight, and keeps each on its node over repeated requests", async () => {
    for (let round = 0; round < 3; round++) {
      const answers = await Promise.all(ATTENDEES.map((user) => chat(gateway, user)));
      expect(answers.map((r) => r.status).every((s) => s === 200)).toBe(true);
      await Promise.all(answers.map((r) => r.text()));
    }
    // Learn each attendee's session value from a node that saw it (one request each is enough).
    for (const upstream of [up.a, up.b, up.c]) {
      for (const request of upstream.stats.requests) {
        const content = JSON.stringify(request.body);
        const user = ATTENDEES.find((u) => content.includes(`hi from ${u}"`));
        if (user) sessions.set(String(request.headers["x-forwarded-user"]), user);
      }
    }
    const on = { a: seenBy(up.a, sessions), b: seenBy(up.b, sessions), c: seenBy(up.c, sessions) };
    expect(on.a.size + on.b.size + on.c.size).toBe(30); // nobody on two nodes
    for (const user of ATTENDEES) expect(on[home.get(user) as "a" | "b" | "c"].has(user)).toBe(true);
    expect(on.b.size).toBeGreaterThan(on.a.size);
    expect(on.b.size).toBeGreaterThan(on.c.size);
    expect(Math.min(on.a.size, on.c.size)).toBeGreaterThan(0);
  }, 120_000);

  it("moves only a killed node's attendees, loses and doubles no request, and brings them back when it returns", async () => {
    const onA = ATTENDEES.filter((u) => home.get(u) === "a");
    for (const upstream of [up.a, up.b, up.c]) upstream.stats.reset();
    await up.a.close();
    const answers = await Promise.all(ATTENDEES.map((user) => chat(gateway, user)));
    expect(answers.map((r) => r.status)).toEqual(ATTENDEES.map(() => 200));
    const ids = await Promise.all(answers.map(async (r) => {
      await r.text();
      return r.headers.get("x-request-id")!;
    }));
    const on = { b: seenBy(up.b, sessions), c: seenBy(up.c, sessions) };
    for (const user of ATTENDEES) {
      const expected = home.get(user) === "a" ? stickyOrder(user, nodes.filter((n) => n.name !== "a"))[0].name : home.get(user)!;
      expect(on[expected as "b" | "c"].has(user), `${user} on ${expected}`).toBe(true);
    }
    // Each request is one row, on the node that answered it.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const rows = queryLocalD1(`SELECT request_id, upstream, status FROM requests WHERE request_id IN (${ids.map((id) => `'${id}'`).join(",")})`,
      { persistTo: stateDir }) as { request_id: string; upstream: string; status: number }[];
    expect(rows).toHaveLength(ATTENDEES.length);
    expect(rows.every((row) => row.status === 200 && row.upstream !== "a")).toBe(true);

    up.a = await startDevUpstream({ port: PORTS.a });
    await new Promise((resolve) => setTimeout(resolve, 5_500)); // the node's down period, then a probe
    for (let round = 0; round < 2; round++) {
      await Promise.all(onA.map(async (user) => (await chat(gateway, user)).text()));
    }
    const back = seenBy(up.a, sessions);
    for (const user of onA) expect(back.has(user), `${user} back on a`).toBe(true);
  }, 120_000);

  it("lists the models of the attendee's node and of the free route in /v1/models", async () => {
    const response = await fetch(`${gateway.url}/v1/models`, { headers: { "x-user-id": "pool-02", authorization: "Bearer sk-pool-02" } });
    expect(response.status).toBe(200);
    const ids = ((await response.json()) as { data: { id: string }[] }).data.map((m) => m.id);
    expect(ids).toContain("gpt-4o");
    expect(ids).toContain("noclaw/gpt-4o");
    expect(ids.filter((id) => id === "gpt-4o")).toHaveLength(1);
  });

  it("sends a noclaw/* model only to the free node, without its prefix, and marks its row free", async () => {
    up.noclaw.stats.reset();
    const response = await chat(gateway, "pool-01", "noclaw/gemma3:27b");
    expect(response.status).toBe(200);
    await response.text();
    expect(up.noclaw.stats.requests).toHaveLength(1);
    expect((up.noclaw.stats.requests[0].body as { model: string }).model).toBe("gemma3:27b");
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const [row] = queryLocalD1(`SELECT upstream, free FROM requests WHERE request_id = '${response.headers.get("x-request-id")}'`,
      { persistTo: stateDir }) as { upstream: string; free: number }[];
    expect(row).toEqual({ upstream: "noclaw", free: 1 });
  }, 60_000);
});

describe("a node's concurrency cap and its tier-ordered queue", () => {
  let mini: Upstream;
  let gateway: Gateway;
  let stateDir: string;
  const TIERS = ["event", "tier-2", "tier-3"] as const;
  const PRIORITY: Record<string, number> = { event: 0, "tier-2": 2, "tier-3": 3 };

  beforeAll(async () => {
    mini = await startDevUpstream({ port: PORTS.mini });
    stateDir = mkdtempSync(path.join(tmpdir(), "ocg-cap-"));
    gateway = await startLocalGateway({
      port: 18737,
      persistTo: stateDir,
      settings: {
        HASH_SECRET: "cap-e2e-hash-secret-01234", ADMIN_TOKEN: ADMIN, NODE_QUEUE_MAX: "12", NODE_QUEUE_MS: "30000",
        UPSTREAMS: JSON.stringify([{ name: "mini", url: mini.url, max_concurrent: 4 }]),
      },
    });
  }, 180_000);

  afterAll(async () => {
    await gateway?.stop();
    await mini?.close();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  it("never lets the host see more than 4 streams, serves the queue in tier order, and refuses past its bound with 503 host_busy", async () => {
    const admin = (p: string, init: RequestInit) =>
      fetch(`${gateway.url}/admin/api${p}`, { ...init, headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" } });
    const users = Array.from({ length: 20 }, (_, i) => ({ id: `cap-${i}`, tier: i < 4 ? "event" : TIERS[i % 3] }));
    for (const user of users) {
      expect((await admin(`/users/${user.id}/tier`, { method: "PUT", body: JSON.stringify({ tier: user.tier }) })).status).toBe(200);
    }
    const stream = (user: string, model: string) => fetch(`${gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-user-id": user, authorization: `Bearer sk-${user}` },
      body: JSON.stringify({ model, stream: true, messages: [{ role: "user", content: `stream for ${user}` }] }),
    }).then(async (r) => ({ user, status: r.status, retryAfter: r.headers.get("retry-after"), code: r.ok ? null : (JSON.parse(await r.text()) as { error: { code: string } }).error.code, body: r.ok ? await r.text() : "" }));

    // Four long streams take every slot; then sixteen more arrive at once.
    const first = users.slice(0, 4).map((u) => stream(u.id, "gpt-4o@chunks=10,chunkdelay=300"));
    await expect.poll(() => mini.stats.inflight, { timeout: 15_000 }).toBe(4);
    const rest = users.slice(4).map((u) => stream(u.id, "gpt-4o@chunks=4,chunkdelay=150"));
    const answers = await Promise.all([...first, ...rest]);

    expect(mini.stats.peakInflight).toBe(4);
    const refused = answers.filter((a) => a.status === 503);
    expect(refused).toHaveLength(4); // 4 running + 12 queued; the other 4 are past the bound
    expect(refused.every((a) => a.code === "host_busy" && Number(a.retryAfter) > 0)).toBe(true);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(16);

    // The queued ones reached the host highest tier first, oldest first within a tier.
    const arrivals = mini.stats.requests
      .filter((r) => r.path === "/v1/chat/completions")
      .map((r) => JSON.stringify(r.body))
      .map((body) => users.find((u) => body.includes(`stream for ${u.id}"`))!)
      .slice(4);
    const priorities = arrivals.map((u) => PRIORITY[u.tier]);
    expect(priorities).toEqual([...priorities].sort((x, y) => y - x));
    expect(new Set(arrivals.map((u) => u.tier)).size).toBeGreaterThan(1);
  }, 120_000);
});
