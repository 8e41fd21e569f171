// One OpenClaw process is one trust boundary (OpenClaw's docs/gateway/multi-tenant-hosting.md):
// a paying customer gets a cell, UPSTREAMS nodes that list them in `customers`. A cell serves
// its customers alone; a customer with a cell is served by it alone — no failover to, and no
// model route on, a shared node — and their own agent is set up on their cell only. The dev
// upstream plays every node; `x-ocg-node` says which one answered.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { routeFor, routeTableFor } from "../src/pipeline/route";
import { mayServe, servingNodes } from "../src/pipeline/route/pool";
import { parseConfig } from "../src/settings/config";
import { TEST_ADMIN_TOKEN } from "./constants";
import { UPSTREAM, chatInit, gatewayWith, issueKey, seenRequests, seenWith, type SeenRequest } from "./helpers";

let sequence = 0;
const unique = (prefix: string) => `${prefix}${Date.now().toString(36)}${++sequence}`;

/** Two shared nodes, a free model route, and one cell each for acme and globex. */
function pool(over: { acmeUrl?: string } = {}) {
  return {
    UPSTREAMS: JSON.stringify([
      { name: "shared-a", url: UPSTREAM },
      { name: "shared-b", url: UPSTREAM },
      { name: "free", url: UPSTREAM, models: ["noclaw/*"], free: true },
      { name: "cell-acme", url: over.acmeUrl ?? UPSTREAM, customers: ["Acme"] },
      { name: "cell-globex", url: UPSTREAM, customers: ["globex"] },
    ]),
  };
}

describe("the pool's trust rule, as pure decisions", () => {
  const table = routeTableFor(parseConfig({ ...env, ...pool() }));
  const named = (route: { order: { name: string }[] }) => route.order.map((node) => node.name);

  it("serves a cell's customer by their cell alone, for every model, and never by a shared node", () => {
    expect(named(routeFor(table, "acme", null))).toEqual(["cell-acme"]);
    expect(named(routeFor(table, "acme", "gpt-4o"))).toEqual(["cell-acme"]);
    expect(named(routeFor(table, "globex", null))).toEqual(["cell-globex"]);
    // The free route is a shared node: a cell's customer does not reach it; their cell gets the request.
    expect(named(routeFor(table, "acme", "noclaw/gemma3:27b"))).toEqual(["cell-acme"]);
  });

  it("never puts a cell in anyone else's order, over a thousand attendees and every model", () => {
    for (let i = 0; i < 1000; i++) {
      for (const model of [null, "gpt-4o", "noclaw/x"]) {
        const order = named(routeFor(table, `attendee-${i}`, model));
        expect(order.length).toBeGreaterThan(0);
        expect(order.some((name) => name.startsWith("cell-"))).toBe(false);
      }
    }
    const acmeCell = table.byName.get("cell-acme")!;
    expect(mayServe(table.upstreams, acmeCell, "acme")).toBe(true);
    expect(mayServe(table.upstreams, acmeCell, "globex")).toBe(false);
    expect(mayServe(table.upstreams, table.byName.get("shared-a")!, "acme")).toBe(false);
    expect(servingNodes(table.upstreams, "someone").map((node) => node.name)).toEqual(["shared-a", "shared-b", "free"]);
  });

  it("refuses a tier whose node is a cell: a tier's node is shared by the whole tier", () => {
    const broken = { ...pool(), TIERS: JSON.stringify({ "tier-3": { requests_per_month: null, projects: null, priority: 3, node: "cell-acme" } }) };
    expect(() => parseConfig({ ...env, ...broken })).toThrow(/TIERS/);
    expect(() => parseConfig({ ...env, ...pool() })).not.toThrow();
  });
});

describe("cells through the gateway", () => {
  async function servedBy(user: string, settings: Record<string, string>, model = "gpt-4o", marker = unique("cell-")) {
    const response = await gatewayWith(settings, "/v1/chat/completions", chatInit({ user, key: `sk-${user}-000000001`, model, content: marker }));
    return { status: response.status, node: response.headers.get("x-ocg-node"), marker };
  }

  it("answers a customer from their cell, and nobody else from it", async () => {
    for (let i = 0; i < 3; i++) expect(await servedBy("acme", pool())).toMatchObject({ status: 200, node: "cell-acme" });
    for (let i = 0; i < 20; i++) {
      const answer = await servedBy(`cell-outsider-${i}`, pool());
      expect(answer.status).toBe(200);
      expect(["shared-a", "shared-b"]).toContain(answer.node);
    }
  });

  it("never fails a customer over to a shared node when their cell is down", async () => {
    const down = pool({ acmeUrl: "http://127.0.0.1:9" });
    const answer = await servedBy("acme", down);
    expect(answer.status).toBeGreaterThanOrEqual(502);
    expect(answer.status).toBeLessThanOrEqual(503);
    expect(answer.node === null || answer.node === "cell-acme").toBe(true);
    expect(await seenWith(answer.marker)).toEqual([]);
    // Others are served meanwhile.
    expect((await servedBy("cell-bystander", down)).status).toBe(200);
  });

  it("sets a customer's own agent up on their cell only, and another attendee's on the shared hosts only", async () => {
    const user = unique("cellbyok-");
    const cell = unique("cellhost-");
    const shared = unique("sharedhost-");
    const settings = {
      OPENAI_BASE_URL: `${UPSTREAM}/v1`, CREDENTIAL_KEY: "cells-credential-key-0123456789abcdef", PUBLIC_URL: "https://gateway.example",
      UPSTREAMS: JSON.stringify([
        { name: "shared", url: `${UPSTREAM}/v1/${shared}`, token: "operator-token-shared" },
        { name: "cell", url: `${UPSTREAM}/v1/${cell}`, token: "operator-token-cell", customers: [user] },
      ]),
    };
    const rpcAt = async (host: string) => ((await seenRequests()) as SeenRequest[]).filter((r) => r.path === `/v1/${host}/api/v1/admin/rpc`).length;
    const register = async (who: string) => gatewayWith(settings, "/me/credential", {
      method: "PUT", headers: { authorization: `Bearer ${await issueKey(who)}`, "content-type": "application/json" },
      body: JSON.stringify({ kind: "openai", token: `sk-cells${crypto.randomUUID().replaceAll("-", "")}` }),
    });
    await register(user);
    expect(await rpcAt(cell)).toBeGreaterThan(0);
    expect(await rpcAt(shared)).toBe(0);
    const cellCalls = await rpcAt(cell);
    await register(unique("cellother-"));
    expect(await rpcAt(shared)).toBeGreaterThan(0);
    expect(await rpcAt(cell)).toBe(cellCalls);
  });
});

describe("a tier's dedicated node", () => {
  const settings = {
    UPSTREAMS: JSON.stringify([
      { name: "shared-a", url: UPSTREAM },
      { name: "shared-b", url: UPSTREAM },
      { name: "vip", url: UPSTREAM },
      { name: "vip-down", url: "http://127.0.0.1:9" },
    ]),
    TIERS: JSON.stringify({
      "tier-3": { requests_per_month: null, projects: null, priority: 3, node: "vip" },
      "tier-down": { requests_per_month: null, projects: null, priority: 3, node: "vip-down" },
    }),
  };
  const putOnTier = async (user: string, tier: string) => {
    const response = await gatewayWith(settings, `/admin/api/users/${user}/tier`, {
      method: "PUT", headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, "content-type": "application/json" }, body: JSON.stringify({ tier }),
    });
    expect(response.status).toBe(200);
  };
  const ask = async (user: string) => {
    const marker = unique("vip-");
    const response = await gatewayWith(settings, "/v1/chat/completions", chatInit({ user, key: `sk-${user}-000000001`, content: marker }));
    return { status: response.status, node: response.headers.get("x-ocg-node"), marker };
  };

  it("serves its tier there, and nobody else", async () => {
    const vip = unique("tier3-");
    await putOnTier(vip, "tier-3");
    expect(await ask(vip)).toMatchObject({ status: 200, node: "vip" });
    for (let i = 0; i < 20; i++) expect(["shared-a", "shared-b"]).toContain((await ask(`tier-outsider-${i}`)).node);
  });

  it("never fails its tier over to a shared node when it is down: 503 host_down, nothing sent elsewhere", async () => {
    const vip = unique("tierdown-");
    await putOnTier(vip, "tier-down");
    const answer = await ask(vip);
    expect([502, 503]).toContain(answer.status);
    expect(answer.node === null || answer.node === "vip-down").toBe(true);
    expect(await seenWith(answer.marker)).toEqual([]);
  });
});

