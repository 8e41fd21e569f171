// The monthly quota in the attendee's object, driven with its own clock: a new month is a
// new counter, with no reset job; the decision order; tiers as data.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ADMISSION_ORDER, decideInOrder, type Step } from "../src/objects/limits/decision";
import { periodEnd, periodOf } from "../src/objects/attendee-gate/monthly-quota";
import type { AdmitRequest } from "../src/objects/attendee-gate/protocol";
import { tierForPrice, tierTableFor } from "../src/pipeline/admit/tiers";
import { parseConfig } from "../src/settings/config";

const tiers = {
  event: { perMinute: 1000, maxInflight: 10, priority: 0, requestsPerMonth: null, projects: null, priceIds: [] },
  small: { perMinute: 1000, maxInflight: 10, priority: 1, requestsPerMonth: 2, projects: 1, priceIds: [] },
};

function ask(userId: string, now: number, over: Partial<AdmitRequest> = {}): AdmitRequest {
  return {
    now, userId, credential: { kind: "anonymous" }, tiers, queueMs: 0, leaseMs: 60_000,
    nodes: [{ name: "n", key: `node:quota-test-${userId}`, maxConcurrent: 100 }], nodeQueue: { max: 0, ms: 0 },
    defaultTier: "event", dedicatedNodes: {}, project: "default", free: false, requestId: `req_${userId}_${now}`, spend: null, turn: false, session: null, ...over,
  };
}

describe("the monthly quota", () => {
  it("admits again on the 1st of the next month (UTC) with no reset job", async () => {
    const stub = env.ATTENDEE_GATE.get(env.ATTENDEE_GATE.idFromName("clock-fay"));
    await stub.setTier("small");
    const jan31 = Date.UTC(2027, 0, 31, 23, 59);
    const results = [];
    for (let i = 0; i < 3; i++) {
      const result = await stub.admit(ask("clock-fay", jan31 + i));
      results.push(result.ok ? "ok" : result.refusal);
      if (result.ok) await stub.settle({ leaseId: result.leaseId, reachedUpstream: true }, rowFor(i), 0);
    }
    expect(results).toEqual(["ok", "ok", "quota_exceeded"]);
    const feb1 = Date.UTC(2027, 1, 1, 0, 0, 1);
    expect((await stub.admit(ask("clock-fay", feb1))).ok).toBe(true);
  });

  it("does not count a free route, and gives back a unit that never reached the upstream", async () => {
    const stub = env.ATTENDEE_GATE.get(env.ATTENDEE_GATE.idFromName("refund-gus"));
    await stub.setTier("small");
    const now = Date.UTC(2027, 2, 10);
    for (let i = 0; i < 5; i++) expect((await stub.admit(ask("refund-gus", now + i, { free: true }))).ok).toBe(true);
    for (let i = 0; i < 5; i++) {
      const result = await stub.admit(ask("refund-gus", now + 10 + i));
      expect(result.ok).toBe(true);
      if (result.ok) await stub.settle({ leaseId: result.leaseId, reachedUpstream: false }, rowFor(100 + i), 0);
    }
    const used = await stub.admit(ask("refund-gus", now + 20));
    expect(used.ok).toBe(true);
  });

  it("refuses an attendee with no tier once DEFAULT_TIER is none, with 402 subscription_required", async () => {
    const stub = env.ATTENDEE_GATE.get(env.ATTENDEE_GATE.idFromName("after-event"));
    const result = await stub.admit(ask("after-event", Date.now(), { defaultTier: "none" }));
    expect(result).toMatchObject({ ok: false, refusal: "subscription_required" });
  });
});

describe("the cron", () => {
  it("prunes ledger months older than a year, and keeps the rest", async () => {
    const { createExecutionContext, createScheduledController, waitOnExecutionContext } = await import("cloudflare:test");
    const { default: worker } = await import("../src/index");
    await env.DB.prepare("INSERT INTO monthly_usage (user_id, period, project, requests) VALUES ('cron-old', '2025-01', 'default', 3), ('cron-new', '2026-11', 'default', 4)").run();
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: Date.UTC(2026, 11, 2), cron: "17 * * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);
    const { results } = await env.DB.prepare("SELECT user_id FROM monthly_usage WHERE user_id LIKE 'cron-%' ORDER BY user_id").all();
    expect(results).toEqual([{ user_id: "cron-new" }]);
  });
});

describe("the ledger", () => {
  it("is brought back in line with the attendee's object by the cron's reconciliation", async () => {
    const { reconcileLedger, periodOf } = await import("../src/objects/attendee-gate/monthly-quota");
    const now = Date.now();
    const stub = env.ATTENDEE_GATE.get(env.ATTENDEE_GATE.idFromName("ledger-hal"));
    await stub.setTier("tier-1");
    const tiers1 = { ...tiers, "tier-1": { ...tiers.small, requestsPerMonth: 100 } };
    for (let i = 0; i < 3; i++) {
      const result = await stub.admit(ask("ledger-hal", now + i, { tiers: tiers1, project: "shop" }));
      expect(result.ok).toBe(true);
    }
    // A ledger row that lost its last writes.
    await env.DB.prepare("INSERT INTO monthly_usage (user_id, period, project, requests) VALUES ('ledger-hal', ?, 'shop', 1) ON CONFLICT DO UPDATE SET requests = 1").bind(periodOf(now)).run();
    const fixed = await reconcileLedger(env.DB, (userId, period) => env.ATTENDEE_GATE.get(env.ATTENDEE_GATE.idFromName(userId)).monthlyUsage(period), now);
    expect(fixed).toBeGreaterThanOrEqual(1);
    const row = await env.DB.prepare("SELECT requests FROM monthly_usage WHERE user_id = 'ledger-hal' AND project = 'shop'").first<{ requests: number }>();
    expect(row?.requests).toBe(3);
  });
});

describe("the decision order", () => {
  const step = (name: (typeof ADMISSION_ORDER)[number], log: string[], refuse = false): Step => ({
    name,
    run: () => {
      log.push(name);
      return refuse ? { ok: false, refusal: "rate_limited", retryAfterMs: 5 } : { ok: true };
    },
    undo: () => void log.push(`undo ${name}`),
  });

  it("stops at the first refusal and undoes what had passed, in reverse", async () => {
    const log: string[] = [];
    const decision = await decideInOrder([step("credential", log), step("window", log), step("quota", log), step("slot", log, true), step("node", log)]);
    expect(decision).toMatchObject({ ok: false, step: "slot", refusal: "rate_limited" });
    expect(log).toEqual(["credential", "window", "quota", "slot", "undo quota", "undo window", "undo credential"]);
  });

  it("refuses steps given out of order: a wrong key must never cost a window slot", async () => {
    await expect(decideInOrder([step("window", []), step("credential", [])])).rejects.toThrow(/out of order/);
  });
});

describe("tiers as data", () => {
  const base = { OPENCLAW_URL: "http://127.0.0.1:1", HASH_SECRET: "0123456789abcdef0123" };

  it("has the seed's tiers and the event tier by default, and TIERS overrides rows", () => {
    const table = tierTableFor(parseConfig({ ...base, TIERS: JSON.stringify({ "tier-1": { requests_per_month: 5, projects: 1, priority: 1, price_ids: ["price_x"] } }) }));
    expect(table["tier-1"]).toMatchObject({ requestsPerMonth: 5, projects: 1, priceIds: ["price_x"], perMinute: 50 });
    expect(table["tier-2"]).toMatchObject({ requestsPerMonth: 50_000, projects: 3, priority: 2 });
    expect(table.event).toMatchObject({ requestsPerMonth: null, projects: null, priority: 0 });
    expect(tierForPrice(table, "price_x")).toBe("tier-1");
  });

  it("refuses a TIERS row naming no UPSTREAMS node, naming the setting and not its value", () => {
    expect(() => parseConfig({ ...base, TIERS: JSON.stringify({ vip: { requests_per_month: null, projects: null, priority: 3, node: "ghost" } }) }))
      .toThrow(/TIERS/);
  });

  it("knows a month's end", () => {
    expect(periodOf(Date.UTC(2027, 11, 31, 23))).toBe("2027-12");
    expect(periodEnd("2027-12")).toBe("2028-01-01T00:00:00.000Z");
  });
});

function rowFor(n: number) {
  return {
    request_id: `req_quota_${n}_${Math.random()}`, user_id: "quota", endpoint: "/v1/chat/completions", method: "POST", auth: "none" as const,
    model: null, upstream: null, stream: false, free: false, status: 200, latency_ms: 1, ttfb_ms: null, queue_ms: null,
    prompt_tokens: null, completion_tokens: null, tokens_est: 0, usage_source: "none" as const, end_state: "complete" as const,
    error_code: null, ip_hash: null, turn_id: null, model_calls: null, model_tokens: null, created_at: "2027-01-31 23:59:00",
  };
}
