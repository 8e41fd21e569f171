// The admin API's figures, checked against rows this file creates through the gateway
// (real local D1 and Durable Objects in workerd), and its authentication on every route.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { TEST_ADMIN_TOKEN } from "./constants";
import { admin, chat, chatInit, gateway, gatewayWith, issueKey, loggedRows } from "./helpers";

type ErrorBody = { error: { message: string; type: string; code: string } };
interface Row { id: number; user_id: string; status: number; latency_ms: number; tokens_est: number; end_state: string; created_at: string; stream: number }

const ROUTES: [string, string][] = [
  ["GET", "/overview"], ["GET", "/attendees"], ["GET", "/timeseries"], ["GET", "/requests"], ["GET", "/users"],
  ["GET", "/keys"], ["POST", "/users/zed/keys"], ["DELETE", "/keys/ABCDEFGH"], ["GET", "/users/zed"],
  ["POST", "/users/zed/reset-binding"],
];

/** Nearest-rank percentile, as the figures define it. */
function percentile(values: number[], p: number): number | null {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.ceil((p * sorted.length) / 100) - 1] : null;
}

async function json<T>(path: string): Promise<T> {
  const response = await admin(path);
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as T;
}

// Traffic of three attendees: ann chats 5 times with rising upstream delays (the last one
// streamed), bob gets one answer and one upstream 503, cy goes over a limit of 2 per minute once.
let rows: Row[];
beforeAll(async () => {
  for (const delay of [0, 60, 120, 180]) {
    await (await chat({ user: "fig-ann", key: "sk-fig-ann-1", model: `gpt-4o@latency=${delay}` })).text();
  }
  await (await chat({ user: "fig-ann", key: "sk-fig-ann-1", stream: true, model: "gpt-4o@latency=240" })).text();
  await (await chat({ user: "fig-bob", key: "sk-fig-bob-1" })).text();
  await (await chat({ user: "fig-bob", key: "sk-fig-bob-1", model: "gpt-4o@status=503" })).text();
  for (let i = 0; i < 3; i++) {
    await gatewayWith({ RATE_LIMIT_PER_MINUTE: "2" }, "/v1/chat/completions", chatInit({ user: "fig-cy", key: "sk-fig-cy-1" }));
  }
  rows = (await loggedRows("user_id LIKE 'fig-%'", [], 10)) as unknown as Row[];
  expect(rows).toHaveLength(10);
});

describe("admin API authentication", () => {
  it.each(ROUTES)("%s %s refuses a request without the admin token", async (method, path) => {
    const response = await gateway(`/admin/api${path}`, { method });
    expect(response.status).toBe(401);
    expect(((await response.json()) as ErrorBody).error.code).toBe("invalid_admin_token");
  });

  // Each from its own network: wrong tokens are counted per network (see the guessing tests).
  it.each(ROUTES.map((route, i) => [...route, i] as const))("%s %s refuses a wrong admin token", async (method, path, i) => {
    const response = await gateway(`/admin/api${path}`, {
      method, headers: { authorization: "Bearer not-the-admin-token-42", "cf-connecting-ip": `198.51.100.${i + 1}` },
    });
    expect(response.status).toBe(401);
    const body = (await response.json()) as ErrorBody;
    expect(body.error).toMatchObject({ type: "authentication_error", code: "invalid_admin_token" });
    expect(JSON.stringify(body)).not.toContain(TEST_ADMIN_TOKEN);
  });
});

describe("guessing the admin token", () => {
  it("is refused with 429 after ten wrong tokens from one network, even with the right token, while other networks go on", async () => {
    const guesser = { "cf-connecting-ip": "198.51.100.200" };
    for (let i = 0; i < 10; i++) {
      const wrong = await gateway("/admin/api/overview", { headers: { ...guesser, authorization: `Bearer guess-number-${i}-xyz` } });
      expect(wrong.status).toBe(401);
    }
    const blocked = await gateway("/admin/api/overview", { headers: { ...guesser, authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
    expect(blocked.status).toBe(429);
    expect(((await blocked.json()) as ErrorBody).error.code).toBe("too_many_wrong_admin_tokens");
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    const elsewhere = await gateway("/admin/api/overview", { headers: { "cf-connecting-ip": "198.51.100.201", authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
    expect(elsewhere.status).toBe(200);
  });
});

describe("per-attendee figures", () => {
  type Attendee = Record<string, number | string | boolean | null> & { user_id: string };

  it("counts each attendee's requests, tokens, 429s, errors and latency percentiles as the log has them", async () => {
    const { data } = await json<{ data: Attendee[] }>("/attendees?minutes=60");
    for (const user of ["fig-ann", "fig-bob", "fig-cy"]) {
      const mine = rows.filter((r) => r.user_id === user);
      const served = mine.filter((r) => r.end_state !== "rejected").map((r) => r.latency_ms);
      const figures = data.find((a) => a.user_id === user);
      expect(figures, user).toMatchObject({
        requests: mine.length,
        tokens: mine.reduce((sum, r) => sum + r.tokens_est, 0),
        rate_limited: mine.filter((r) => r.status === 429).length,
        errors: mine.filter((r) => r.status >= 400 && r.status !== 429).length,
        upstream_errors: mine.filter((r) => r.end_state === "upstream_error" || r.end_state === "timeout").length,
        streamed: mine.filter((r) => r.stream === 1).length,
        p50_latency_ms: percentile(served, 50),
        p95_latency_ms: percentile(served, 95),
        last_seen: mine.map((r) => r.created_at).sort().at(-1),
        active: true,
      });
    }
    const ann = data.find((a) => a.user_id === "fig-ann")!;
    expect(ann).toMatchObject({ requests: 5, rate_limited: 0, errors: 0, streamed: 1 });
    expect(ann.p50_latency_ms).toBeGreaterThanOrEqual(120);
    expect(ann.p50_latency_ms).toBeLessThan(180);
    expect(ann.p95_latency_ms).toBeGreaterThanOrEqual(240);
    expect(data.find((a) => a.user_id === "fig-bob")).toMatchObject({ requests: 2, errors: 1, upstream_errors: 1 });
    expect(data.find((a) => a.user_id === "fig-cy")).toMatchObject({ requests: 3, rate_limited: 1 });
  });

  it("ranks attendees by the chosen column", async () => {
    const byRequests = await json<{ data: Attendee[] }>("/attendees?sort=requests");
    const ids = byRequests.data.map((a) => a.user_id).filter((id) => id.startsWith("fig-"));
    expect(ids).toEqual(["fig-ann", "fig-cy", "fig-bob"]);
    const byLimits = await json<{ data: Attendee[] }>("/attendees?sort=rate_limited&limit=1");
    expect(byLimits.data.map((a) => a.user_id)).toEqual(["fig-cy"]);
  });

  it("shows one attendee's figures next to the seed's user_summary", async () => {
    const body = await json<{ summary: { total_requests: number }; figures: Attendee }>("/users/fig-cy");
    expect(body.summary.total_requests).toBe(3);
    expect(body.figures).toMatchObject({ user_id: "fig-cy", requests: 3, rate_limited: 1 });
  });
});

describe("totals, breakdowns and the per-minute series", () => {
  it("adds up every logged request: totals, status codes, rate limits, upstream errors and active attendees", async () => {
    const body = await json<{
      totals: Record<string, number>; status_codes: { status: number; count: number }[];
      latency_ms: Record<string, number | null>; active_attendees: { count: number; user_ids: string[] };
    }>("/overview?minutes=60");
    const { results: all } = await env.DB.prepare("SELECT * FROM requests").all<Row>();
    expect(body.totals).toMatchObject({
      requests: all.length,
      attendees: new Set(all.map((r) => r.user_id)).size,
      tokens: all.reduce((sum, r) => sum + r.tokens_est, 0),
      rate_limited: all.filter((r) => r.status === 429).length,
      upstream_errors: all.filter((r) => r.end_state === "upstream_error" || r.end_state === "timeout").length,
    });
    const counts = new Map<number, number>();
    for (const r of all) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
    expect(body.status_codes).toEqual([...counts].sort((a, b) => a[0] - b[0]).map(([status, count]) => ({ status, count })));
    const served = all.filter((r) => r.end_state !== "rejected").map((r) => r.latency_ms);
    expect(body.latency_ms).toMatchObject({ p50: percentile(served, 50), p95: percentile(served, 95), p99: percentile(served, 99) });
    expect(body.active_attendees.user_ids).toEqual(expect.arrayContaining(["fig-ann", "fig-bob", "fig-cy"]));
  });

  it("counts requests per minute for everyone and per attendee, with empty minutes as zeros", async () => {
    const body = await json<{ total: { minute: string; requests: number; rate_limited: number }[]; by_user: { user_id: string; points: { requests: number }[] }[] }>(
      "/timeseries?minutes=10&by_user=1");
    expect(body.total).toHaveLength(10);
    expect(body.total[9].minute).toBe(new Date().toISOString().replace("T", " ").slice(0, 16));
    const { results: all } = await env.DB.prepare("SELECT * FROM requests").all<Row>();
    expect(body.total.reduce((sum, m) => sum + m.requests, 0)).toBe(all.length);
    expect(body.total.reduce((sum, m) => sum + m.rate_limited, 0)).toBe(all.filter((r) => r.status === 429).length);
    const cy = body.by_user.find((u) => u.user_id === "fig-cy");
    expect(cy?.points.reduce((sum, m) => sum + m.requests, 0)).toBe(3);
    const one = await json<{ total: { requests: number }[] }>("/timeseries?minutes=5&user_id=fig-ann");
    expect(one.total.reduce((sum, m) => sum + m.requests, 0)).toBe(5);
  });
});

describe("raw recent requests", () => {
  it("filters by attendee and status and never shows the IP digest", async () => {
    const body = await json<{ data: Record<string, unknown>[] }>("/requests?user_id=fig-bob&status=503");
    expect(body.data).toHaveLength(1);
    expect(body.data[0]).toMatchObject({ user_id: "fig-bob", status: 503, end_state: "upstream_error" });
    expect(body.data[0]).not.toHaveProperty("ip_hash");
    const text = JSON.stringify(await json("/requests?limit=500"));
    expect(text).not.toMatch(/sk-fig-/);
  });

  it("pages newest first with an id cursor", async () => {
    const first = await json<{ data: { id: number }[]; next_cursor: number }>("/requests?user_id=fig-ann&limit=3");
    expect(first.data).toHaveLength(3);
    expect(first.next_cursor).toBe(first.data[2].id);
    const second = await json<{ data: { id: number }[]; next_cursor: number | null }>(`/requests?user_id=fig-ann&limit=3&before=${first.next_cursor}`);
    expect(second.data).toHaveLength(2);
    expect(second.next_cursor).toBeNull();
    const ids = rows.filter((r) => r.user_id === "fig-ann").map((r) => r.id).sort((a, b) => b - a);
    expect([...first.data, ...second.data].map((r) => r.id)).toEqual(ids);
  });

  it("filters by end state and start time", async () => {
    const rejected = await json<{ data: { user_id: string; status: number }[] }>("/requests?end_state=rejected&user_id=fig-cy");
    expect(rejected.data).toEqual([expect.objectContaining({ user_id: "fig-cy", status: 429 })]);
    const future = await json<{ data: unknown[] }>("/requests?since=2999-01-01T00:00:00Z");
    expect(future.data).toEqual([]);
  });
});

describe("query validation", () => {
  it.each([
    ["/attendees?minutes=0", "minutes"],
    ["/attendees?sort=shoe_size", "sort"],
    ["/requests?status=abc", "status"],
    ["/requests?end_state=exploded", "end_state"],
    ["/requests?since=yesterday", "since"],
    ["/timeseries?minutes=99999", "minutes"],
    ["/requests?usr=fig-ann", "usr"],
  ])("answers %s with an OpenAI-shaped 400 naming %s", async (path, name) => {
    const response = await admin(path);
    expect(response.status).toBe(400);
    const body = (await response.json()) as ErrorBody;
    expect(body.error).toMatchObject({ type: "invalid_request_error", code: "invalid_query" });
    expect(body.error.message).toContain(name);
  });
});

describe("users and their keys", () => {
  it("lists every user with their keys by hint, never the key", async () => {
    const key = await issueKey("fig-dee");
    const response = await admin("/users");
    const text = await response.text();
    expect(text).not.toContain(key);
    const { data } = JSON.parse(text) as { data: { user_id: string; requests: number; keys: { hint: string }[] }[] };
    expect(data.find((u) => u.user_id === "fig-dee")).toMatchObject({ requests: 0, keys: [expect.objectContaining({ hint: expect.stringContaining("ocg_fig-dee_") })] });
    expect(data.find((u) => u.user_id === "fig-ann")).toMatchObject({ requests: 5, keys: [] });
    const page = await json<{ data: { user_id: string }[]; next_cursor: string }>("/users?limit=1");
    const next = await json<{ data: { user_id: string }[] }>(`/users?limit=1&after=${page.next_cursor}`);
    expect(next.data[0].user_id > page.data[0].user_id).toBe(true);
  });
});

describe("the dashboard's session cookie", () => {
  async function signIn(token: string): Promise<Response> {
    return gateway("/admin/session", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token }).toString(),
      redirect: "manual",
    });
  }

  function cookieOf(response: Response): string {
    return (response.headers.get("set-cookie") ?? "").split(";")[0];
  }

  it("is set on sign-in as HttpOnly and SameSite=Strict, holds no token, and opens the admin API for reads", async () => {
    const response = await signIn(TEST_ADMIN_TOKEN);
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/admin");
    const setCookie = response.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).toMatch(/Path=\/admin/);
    expect(setCookie).not.toContain(TEST_ADMIN_TOKEN);
    const read = await gateway("/admin/api/overview", { headers: { cookie: cookieOf(response) } });
    expect(read.status).toBe(200);
  });

  it("stops a network that keeps guessing at the sign-in form, saying when to try again", async () => {
    for (let i = 0; i < 10; i++) {
      const wrong = await gateway("/admin/session", {
        method: "POST", redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded", "cf-connecting-ip": "198.51.100.210" },
        body: new URLSearchParams({ token: `form-guess-${i}-xyz` }).toString(),
      });
      expect(wrong.status).toBe(401);
    }
    const blocked = await gateway("/admin/session", {
      method: "POST", redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", "cf-connecting-ip": "198.51.100.210" },
      body: new URLSearchParams({ token: TEST_ADMIN_TOKEN }).toString(),
    });
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get("set-cookie")).toBeNull();
    expect(await blocked.text()).toMatch(/Too many wrong admin tokens from your network\. Check it and try again in \d+ seconds/);
  });

  it("is refused for a wrong token, with the sign-in page saying so", async () => {
    const response = await signIn("wrong-admin-token-123");
    expect(response.status).toBe(401);
    expect(response.headers.get("set-cookie")).toBeNull();
    expect(await response.text()).toContain("That admin token is not right");
  });

  it("needs the dashboard's header for changes, so another site cannot act with it", async () => {
    const cookie = cookieOf(await signIn(TEST_ADMIN_TOKEN));
    const bare = await gateway("/admin/api/users/fig-cy/reset-binding", { method: "POST", headers: { cookie } });
    expect(bare.status).toBe(403);
    expect(((await bare.json()) as ErrorBody).error.code).toBe("admin_request_header_missing");
    const withHeader = await gateway("/admin/api/users/fig-cy/reset-binding", {
      method: "POST", headers: { cookie, "x-ocg-admin-request": "1" },
    });
    expect(withHeader.status).toBe(200);
  });

  it("is worthless when tampered with, and cleared by signing out", async () => {
    const cookie = cookieOf(await signIn(TEST_ADMIN_TOKEN));
    const [name, value] = cookie.split("=");
    const forged = `${name}=${decodeURIComponent(value).replace(/admin\.\d+/, "admin.99999999999")}`;
    expect((await gateway("/admin/api/overview", { headers: { cookie: forged } })).status).toBe(401);
    const out = await gateway("/admin/sign-out", { method: "POST", headers: { cookie }, redirect: "manual" });
    expect(out.status).toBe(303);
    expect(out.headers.get("set-cookie")).toMatch(/ocg_admin=;.*Max-Age=0/);
  });

  it("signed with another admin token does not open this gateway", async () => {
    const cookie = cookieOf(await signIn(TEST_ADMIN_TOKEN));
    const response = await gatewayWith({ ADMIN_TOKEN: "a-different-admin-token-99" }, "/admin/api/overview", { headers: { cookie } });
    expect(response.status).toBe(401);
  });
});
