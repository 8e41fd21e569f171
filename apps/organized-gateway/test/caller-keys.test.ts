// Names a caller chooses never reach Object.prototype: every place where a header, a path,
// a form field, a JSON field or a webhook's field selects an entry of a table is thrown the
// names a plain object answers by itself. The lint rule in scripts/check-caller-keys.mjs
// (run by `npm run typecheck`) keeps new lookups from bypassing src/shared/own-key.ts.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { CfWorkerJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/cfworker";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { errorHelp } from "../src/surfaces/admin/error-help";
import { tierForPrice, tierLimits, tierTableFor } from "../src/pipeline/admit/tiers";
import type { AppEnv } from "../src/app-env";
import { billingAdminApi, billingPages, defaultBillingDeps } from "../src/surfaces/billing";
import { snapshotOf, statusRank, tierOfSubscriptions, type SubscriptionRow } from "../src/surfaces/billing/subscription-state";
import { configFor } from "../src/settings/config";
import { agentsPatch, alreadyInPlace } from "../src/credentials/openclaw-agent";
import { answerUncaught } from "../src/shared/on-error";
import { escapeHtml } from "../src/shared/html";
import { TEST_ADMIN_TOKEN } from "./constants";
import app from "../src/index";
import { BASE, chatInit, gateway, gatewayWith, issueKey } from "./helpers";
import { StripeApiMock } from "./mocks/stripe-api";
import { subscriptionObject } from "./stripe-events";

/** What a plain object answers without being told: each must be just another name here. */
const POISON = ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf"] as const;

/** One project and 20 requests a month, for everyone (DEFAULT_TIER), with Checkout on sale. */
const SETTINGS: Record<string, string> = {
  DEFAULT_TIER: "tier-1",
  TIERS: JSON.stringify({ "tier-1": { requests_per_month: 20, projects: 1, priority: 1, price_ids: ["price_t1"] } }),
  STRIPE_SECRET_KEY: "sk_test_mock_0123456789",
};

type ErrorBody = { error: { message: string; type: string; code: string } };

let sequence = 0;
const unique = (prefix: string) => `${prefix}${Date.now().toString(36)}${++sequence}`;

async function errorOf(response: Response): Promise<{ status: number; code: string | null }> {
  const text = await response.text();
  let code: string | null = null;
  try {
    code = (JSON.parse(text) as Partial<ErrorBody>).error?.code ?? null;
  } catch { /* a page, not JSON */ }
  return { status: response.status, code };
}

function askAs(key: string, project: string): Promise<Response> {
  return gatewayWith(SETTINGS, "/v1/chat/completions", chatInit({ key, headers: { "x-project-id": project } }));
}

describe("X-Project-ID on a one-project tier", () => {
  it.each(POISON)("refuses '%s' as a second project, like any other name", async (name) => {
    const key = await issueKey(unique("proj-second-"));
    expect((await askAs(key, "shop")).status).toBe(200);
    expect(await errorOf(await askAs(key, name))).toEqual({ status: 403, code: "project_limit" });
  });

  it.each(POISON)("counts '%s' as a whole number in the attendee's object and in the D1 ledger", async (name) => {
    const user = unique("proj-count-");
    const key = await issueKey(user);
    for (let i = 0; i < 3; i++) expect((await askAs(key, name)).status).toBe(200);
    expect(await errorOf(await askAs(key, "shop"))).toEqual({ status: 403, code: "project_limit" });
    const period = new Date().toISOString().slice(0, 7);
    const usage = await env.ATTENDEE_GATE.get(env.ATTENDEE_GATE.idFromName(user)).monthlyUsage(period);
    expect(usage.total).toBe(3);
    expect(Object.entries(usage.projects)).toEqual([[name.toLowerCase(), 3]]);
    const rows = await env.DB.prepare("SELECT project, requests, typeof(requests) AS type FROM monthly_usage WHERE user_id = ?")
      .bind(user).all<{ project: string; requests: number; type: string }>();
    expect(rows.results).toEqual([{ project: name.toLowerCase(), requests: 3, type: "integer" }]);
  });

  it("keeps text out of monthly_usage.requests: the table refuses it", async () => {
    const write = env.DB.prepare("INSERT INTO monthly_usage (user_id, period, project, requests) VALUES ('text-ida', '2027-01', 'x', 'function Object() { [native code] }1')");
    await expect(write.run()).rejects.toThrow(/CHECK constraint/);
  });
});

describe("attendee ids that are Object.prototype's names", () => {
  it.each(["__proto__", "constructor", "tostring", "hasownproperty", "valueof"])("serves and counts '%s' as an attendee of their own", async (user) => {
    const key = await issueKey(user);
    const answer = await gatewayWith(SETTINGS, "/v1/chat/completions", chatInit({ key }));
    expect(answer.status).toBe(200);
    const usage = await env.ATTENDEE_GATE.get(env.ATTENDEE_GATE.idFromName(user)).monthlyUsage(new Date().toISOString().slice(0, 7));
    expect(typeof usage.total).toBe("number");
    expect(usage.projects.default).toBeGreaterThan(0);
  });
});

describe("names in paths, forms and JSON bodies", () => {
  it.each(POISON)("answers /admin/assets/%s with 404, signed in or not", async (name) => {
    expect((await gateway(`/admin/assets/${name}`)).status).toBe(404);
  });

  it.each(POISON)("refuses Checkout for tier '%s' with 400 unknown_tier, on the admin API and the /billing form", async (name) => {
    const stripe = new StripeApiMock();
    const deps = { ...defaultBillingDeps, fetch: stripe.fetch };
    const app = new Hono<AppEnv>()
      .use("*", async (c, next) => { c.set("requestId", "req_caller_keys"); await next(); })
      .route("/billing", billingPages(deps))
      .route("/admin/api/billing", billingAdminApi(deps))
      .onError(answerUncaught);
    const run = async (path: string, init: RequestInit) => {
      const ctx = createExecutionContext();
      const response = await app.fetch(new Request(`${BASE}${path}`, init), { ...env, ...SETTINGS }, ctx);
      await waitOnExecutionContext(ctx);
      return response;
    };
    const byAdmin = await run("/admin/api/billing/users/ada/checkout", {
      method: "POST", headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, "content-type": "application/json" }, body: JSON.stringify({ tier: name }),
    });
    expect(await errorOf(byAdmin)).toEqual({ status: 400, code: "unknown_tier" });

    const key = await issueKey(unique("checkout-form-"));
    const signIn = await run("/billing/session", {
      method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", origin: BASE, "sec-fetch-site": "same-origin" },
      body: new URLSearchParams({ key }).toString(), redirect: "manual",
    });
    const cookie = (signIn.headers.get("set-cookie") ?? "").split(";")[0];
    expect(cookie).toMatch(/^ocg_billing=/);
    const byForm = await run("/billing/checkout", {
      method: "POST", headers: { cookie, "content-type": "application/x-www-form-urlencoded", origin: BASE, "sec-fetch-site": "same-origin" },
      body: new URLSearchParams({ tier: name }).toString(), redirect: "manual",
    });
    expect(byForm.status).toBe(400);
    expect(await byForm.text()).toContain("There is no tier");
    expect(stripe.calls).toHaveLength(0);
  });

  it.each(POISON)("refuses tier '%s' for an attendee on the admin API with 400", async (name) => {
    const response = await gatewayWith(SETTINGS, "/admin/api/users/ada/tier", {
      method: "PUT", headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, "content-type": "application/json" }, body: JSON.stringify({ tier: name }),
    });
    expect(response.status).toBe(400);
  });

  it.each(POISON)("refuses sort=%s on the attendee list with 400", async (name) => {
    const response = await gateway(`/admin/api/attendees?sort=${name}`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
    expect(response.status).toBe(400);
  });

  it.each(POISON)("refuses credential kind '%s' on PUT /me/credential and on the relay's path with 4xx", async (name) => {
    const key = await issueKey(unique("kind-"));
    const put = await gatewayWith({ CREDENTIAL_KEY: "test-credential-key-0123456789abcdef-A" }, "/me/credential", {
      method: "PUT", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify({ kind: name, token: "sk-abc" }),
    });
    expect(put.status).toBeGreaterThanOrEqual(400);
    expect(put.status).toBeLessThan(500);
    const relay = await gateway(`/relay/${name}/v1/chat/completions`, { method: "POST", headers: { authorization: "Bearer ocgr_x" }, body: "{}" });
    expect(relay.status).toBeGreaterThanOrEqual(400);
    expect(relay.status).toBeLessThan(500);
  });

  it.each(POISON)("answers an enrolment naming a field '%s' with 400 and a sentence", async (name) => {
    const response = await gateway("/enroll", {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ [name]: 1, event_code: 7, user_id: {} }),
    });
    const body = (await response.json()) as ErrorBody;
    expect(response.status).toBe(400);
    expect(typeof body.error.message).toBe("string");
  });

  it.each(POISON)("forwards model '%s' without a 5xx from the gateway itself", async (name) => {
    const key = await issueKey(unique("model-"));
    const response = await gateway("/v1/chat/completions", chatInit({ key, model: name }));
    expect(response.status).not.toBe(500);
  });
});

describe("names in MCP tool calls", () => {
  /** The official MCP client on /mcp, recording every HTTP status the Worker answered. */
  async function mcpClient(key: string): Promise<{ client: Client; statuses: number[] }> {
    const statuses: number[] = [];
    const transport = new StreamableHTTPClientTransport(new URL(`${BASE}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${key}`, "cf-connecting-ip": "198.18.250.1" } },
      fetch: async (url, init) => {
        const response = await app.fetch(new Request(url, init as RequestInit), env, createExecutionContext());
        statuses.push(response.status);
        return response;
      },
    });
    const client = new Client({ name: "caller-keys", version: "1.0.0" }, { jsonSchemaValidator: new CfWorkerJsonSchemaValidator() });
    await client.connect(transport);
    return { client, statuses };
  }

  it.each(POISON)("answers a call of tool '%s' as a tool that is not there, and ask_agent with conversation_id and model '%s' as any other, never a 5xx", async (name) => {
    const { client, statuses } = await mcpClient(await issueKey(unique("mcp-names-")));
    const unknown = await client.callTool({ name, arguments: {} }).then((result) => result as CallToolResult, (error: unknown) => error);
    // The SDK's own answer for a tool it does not have: an error, as for any unknown name.
    const said = unknown instanceof Error ? unknown.message : JSON.stringify((unknown as CallToolResult).content);
    if (!(unknown instanceof Error)) expect((unknown as CallToolResult).isError).toBe(true);
    expect(said).toContain(`Tool ${name}`);
    const asked = (await client.callTool({ name: "ask_agent", arguments: { prompt: "hi", conversation_id: name, model: name } })) as CallToolResult;
    expect(asked.content.length).toBeGreaterThan(0);
    await client.close();
    expect(statuses.filter((status) => status >= 500)).toEqual([]);
  });
});

describe("names from Stripe, upstreams and the gateway's own tables", () => {
  const table = tierTableFor(configFor({ ...env, ...SETTINGS }));

  it.each(POISON)("has no tier and no price named '%s'", (name) => {
    expect(tierLimits(table, name)).toBeNull();
    expect(tierForPrice(table, name)).toBeNull();
  });

  it.each(POISON)("ranks a subscription status '%s' like an unknown one", (name) => {
    expect(statusRank(name)).toBe(0);
  });

  it.each(POISON)("grants nothing for a subscription row whose tier is '%s', nor for a price of that name", (name) => {
    const row: SubscriptionRow = {
      subscription_id: "sub_p", user_id: "ann", customer_id: null, status: "active", tier: name, price_id: null,
      current_period_end: null, cancel_at_period_end: 0, updated_from_event_created: 1, payment_failed_at: null,
    };
    expect(tierOfSubscriptions([row, { ...row, tier: "tier-1" }], 1, table)).toBe("tier-1");
    expect(tierOfSubscriptions([row], 1, table)).toBeNull();
    const subscription = subscriptionObject({ id: "sub_p", userId: "ann", price: name, customer: "cus_p" });
    expect(snapshotOf(subscription as never, table).tier).toBeNull();
  });

  it.each(POISON)("describes an upstream's error code '%s' with the generic sentence", (name) => {
    expect(errorHelp(name, 502)).toMatch(/^[A-Z].*\.$/);
    expect(errorHelp(name)).toBe("An error the gateway does not describe: open the attendee's last requests for the status.");
    expect(escapeHtml(name)).toBe(name);
  });

  it.each(POISON)("writes and reads an agent and a provider id '%s' as own entries of OpenClaw's config", (name) => {
    const spec = {
      kind: "openai" as const, providerId: name, agentId: name, relayBaseUrl: "http://gw/relay/openai", relayToken: "ocgr_t", previousProviderId: null,
    };
    const { patch } = agentsPatch([spec]);
    const entries = (patch.agents as { entries: object }).entries;
    expect(Object.hasOwn(entries, name)).toBe(true);
    expect(Object.getPrototypeOf(entries)).toBe(Object.prototype);
    expect(alreadyInPlace(spec, {})).toBe(false);
    expect(alreadyInPlace(spec, JSON.parse(JSON.stringify(patch)))).toBe(true);
  });
});
