// The admin API's figures, checked against rows this file creates through the gateway
// (real local D1 and Durable Objects in workerd), and its authentication on every route.
import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
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
  it("gives a network that has never shown the right token no verdict after ten wrong ones (429, even for the right one), while other networks go on", async () => {
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
    expect(await blocked.text()).toMatch(/Too many wrong admin tokens came from your network in the last minute \(someone here may be guessing\)\. Check yours and try again in \d+ seconds/);
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
    const decoded = decodeURIComponent(value);
    const forged = `${name}=${encodeURIComponent(decoded.replace(/^s\.(.)/, (_, ch: string) => `s.${ch === "A" ? "B" : "A"}`))}`;
    expect(forged).not.toBe(cookie);
    expect((await gateway("/admin/api/overview", { headers: { cookie: forged } })).status).toBe(401);
    const out = await gateway("/admin/sign-out", { method: "POST", headers: { cookie }, redirect: "manual" });
    expect(out.status).toBe(303);
    expect(out.headers.get("set-cookie")).toMatch(/ocg_admin=;.*Max-Age=0/);
  });

  it("stops working for every copy once its session signs out, while another session goes on", async () => {
    const copied = cookieOf(await signIn(TEST_ADMIN_TOKEN));
    const other = cookieOf(await signIn(TEST_ADMIN_TOKEN));
    expect((await gateway("/admin/api/overview", { headers: { cookie: copied } })).status).toBe(200);
    const out = await gateway("/admin/sign-out", { method: "POST", headers: { cookie: copied }, redirect: "manual" });
    expect(out.status).toBe(303);
    const replayed = await gateway("/admin/api/overview", { headers: { cookie: copied } });
    expect(replayed.status).toBe(401);
    expect(((await replayed.json()) as ErrorBody).error.code).toBe("invalid_admin_token");
    const page = await gateway("/admin", { headers: { cookie: copied } });
    expect(await page.text()).toContain('name="token"');
    expect((await gateway("/admin/api/overview", { headers: { cookie: other } })).status).toBe(200);
  });

  it("keeps only a digest of the session id in D1, and ends when its expiry passes", async () => {
    const cookie = cookieOf(await signIn(TEST_ADMIN_TOKEN));
    const sessionId = decodeURIComponent(cookie.split("=")[1]).split(".")[1];
    const { results } = await env.DB.prepare("SELECT id_hash, expires_at FROM admin_sessions").all<{ id_hash: string; expires_at: number }>();
    expect(results.length).toBeGreaterThan(0);
    expect(JSON.stringify(results)).not.toContain(sessionId);
    expect((await gateway("/admin/api/overview", { headers: { cookie } })).status).toBe(200);
    await env.DB.prepare("UPDATE admin_sessions SET expires_at = unixepoch() - 1").run();
    expect((await gateway("/admin/api/overview", { headers: { cookie } })).status).toBe(401);
  });

  it("refuses a sign-in form larger than 4 KB with a 413 sign-in page, whether Content-Length says so or not", async () => {
    const padded = new URLSearchParams({ token: TEST_ADMIN_TOKEN, pad: "x".repeat(5_000) }).toString();
    const declared = await gateway("/admin/session", {
      method: "POST", redirect: "manual", headers: { "content-type": "application/x-www-form-urlencoded" }, body: padded,
    });
    expect(declared.status).toBe(413);
    expect(declared.headers.get("set-cookie")).toBeNull();
    expect(await declared.text()).toContain("larger than 4096 bytes");

    // No Content-Length and a body that never ends: the gateway stops reading at the cap.
    let sent = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += 1024;
        controller.enqueue(new TextEncoder().encode(sent === 1024 ? `token=${TEST_ADMIN_TOKEN}&pad=`.padEnd(1024, "x") : "x".repeat(1024)));
      },
    });
    const streamed = await gateway("/admin/session", {
      method: "POST", redirect: "manual", headers: { "content-type": "application/x-www-form-urlencoded" },
      body: endless, duplex: "half",
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(streamed.headers.get("set-cookie")).toBeNull();
    expect(sent).toBeLessThan(64 * 1024);
  });

  it("signed with another admin token does not open this gateway", async () => {
    const cookie = cookieOf(await signIn(TEST_ADMIN_TOKEN));
    const response = await gatewayWith({ ADMIN_TOKEN: "a-different-admin-token-99" }, "/admin/api/overview", { headers: { cookie } });
    expect(response.status).toBe(401);
  });
});

describe("an unexpected failure", () => {
  afterEach(() => vi.restoreAllMocks());

  it("answers 500 in OpenAI's shape with x-request-id, and logs one JSON line with the request id, the route and the error's class, no secret", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    // A missing table is a fault no handler expects; the name is restored before anything else runs.
    await env.DB.prepare("ALTER TABLE gateway_keys RENAME TO gateway_keys_hidden").run();
    let response: Response;
    try {
      response = await admin("/keys?user_id=fig-ann");
    } finally {
      await env.DB.prepare("ALTER TABLE gateway_keys_hidden RENAME TO gateway_keys").run();
    }
    expect(response.status).toBe(500);
    const body = (await response.json()) as ErrorBody;
    expect(body.error).toMatchObject({ type: "server_error", code: "internal_error" });
    expect(body.error.message).not.toMatch(/gateway_keys|no such table/);
    const requestId = response.headers.get("x-request-id");
    expect(requestId).toMatch(/^req_[0-9a-f]{32}$/);

    const lines = logged.mock.calls.map((args) => args.map(String).join(" "));
    const line = lines.find((text) => text.includes(requestId!));
    expect(line, lines.join("\n")).toBeDefined();
    expect(JSON.parse(line!)).toEqual({
      event: "request_failed", request_id: requestId, method: "GET", route: "/admin/api/keys",
      status: 500, code: "internal_error", error: "Error",
    });
    // Neither the token, nor the query string, nor the database's own message.
    expect(line).not.toContain(TEST_ADMIN_TOKEN);
    expect(line).not.toMatch(/fig-ann|no such table|gateway_keys/);
  });

  it("is not logged when it is an ordinary refusal", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const response = await gateway("/admin/api/overview");
    expect(response.status).toBe(401);
    expect(response.headers.get("x-request-id")).toMatch(/^req_/);
    expect(logged).not.toHaveBeenCalled();
  });
});

describe("the enrolment count", () => {
  it("the overview counts the attendees rows against MAX_ATTENDEES", async () => {
    await env.DB.prepare(`INSERT OR IGNORE INTO attendees (user_id, source, status, generation) VALUES
      ('roster-amy', 'enroll', 'active', 1), ('roster-ben', 'admin', 'active', 1), ('roster-cat', 'byok', 'revoked', 2)`).run();
    const count = (await env.DB.prepare("SELECT COUNT(*) AS n FROM attendees").first<{ n: number }>())!.n;
    expect(count).toBeGreaterThanOrEqual(3);
    const response = await gatewayWith({ MAX_ATTENDEES: "7" }, "/admin/api/overview", { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { enrollment: unknown }).enrollment).toEqual({ attendees: count, max_attendees: 7 });
  });
});

// The finding: after 1,000 invented users, /timeseries?by_user=1&minutes=1440 answered 218 MB.
// Here 1,200 users, 1,200 + 121 keys, 60 long made-up error codes and one very long path are
// written straight into D1; every answer must stay small and say when it was cut.
describe("answers stay bounded with many users", () => {
  const MANY = 1_200;
  const sizeOf = async (path: string) => {
    const response = await admin(path);
    const text = await response.text();
    expect(response.status, text.slice(0, 300)).toBe(200);
    return { bytes: text.length, body: JSON.parse(text) as Record<string, any> };
  };

  beforeAll(async () => {
    await env.DB.batch([
      env.DB.prepare(`
        INSERT INTO requests (user_id, endpoint, method, status, latency_ms, tokens_est, created_at, request_id, end_state, error_code)
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${MANY})
        SELECT printf('many-%04d', i), '/v1/chat/completions', 'POST', CASE WHEN i <= 60 THEN 502 ELSE 200 END, 5, 10,
               datetime('now', printf('-%d minutes', i % 30)), 'req_many_' || i, 'complete',
               CASE WHEN i <= 60 THEN printf('made_up_%02d_', i) || replace(hex(zeroblob(150)), '00', 'x') END
        FROM n`),
      env.DB.prepare(`INSERT INTO requests (user_id, endpoint, method, status, latency_ms, tokens_est, request_id, end_state)
        VALUES ('many-0002', '/v1/' || replace(hex(zeroblob(2000)), '00', 'p'), 'GET', 404, 1, 0, 'req_many_long', 'rejected')`),
      env.DB.prepare(`
        INSERT INTO gateway_keys (id, user_id, hint, source)
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${MANY})
        SELECT printf('M%07d', i), printf('many-%04d', i), printf('ocg_many-%04d_…abcd', i), 'admin' FROM n`),
      env.DB.prepare(`
        INSERT INTO gateway_keys (id, user_id, hint, source, revoked_at)
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 120)
        SELECT printf('K%07d', i), 'many-0001', 'ocg_many-0001_…k', 'admin', CASE WHEN i % 2 = 0 THEN datetime('now') END FROM n`),
    ]);
  });

  it("/timeseries by user names the busiest attendees only, within a point budget, and says it was cut", async () => {
    const day = await sizeOf("/timeseries?by_user=1&minutes=1440&limit=50");
    expect(day.body.by_user).toHaveLength(10); // 14,400 points / 1,440 minutes
    expect(day.body).toMatchObject({ by_user_limit: 10, by_user_truncated: true });
    expect(day.body.by_user_attendees).toBeGreaterThan(MANY);
    expect(day.bytes).toBeLessThan(1_600_000);
    const totals = day.body.by_user.map((u: { points: { requests: number }[] }) => u.points.reduce((sum, p) => sum + p.requests, 0));
    expect(totals).toEqual([...totals].sort((a, b) => b - a));
    expect(day.body.by_user[0].user_id).toBe("fig-ann");
    // The total still counts everyone, not only the attendees shown.
    const all = (await env.DB.prepare("SELECT COUNT(*) AS n FROM requests WHERE created_at >= ?").bind(`${day.body.total[0].minute}:00`).first<{ n: number }>())!.n;
    expect(day.body.total.reduce((sum: number, p: { requests: number }) => sum + p.requests, 0)).toBe(all);

    const recent = await sizeOf("/timeseries?by_user=1&minutes=30&limit=50");
    expect(recent.body.by_user).toHaveLength(50);
    expect(recent.body.by_user_truncated).toBe(true);
    const one = await sizeOf("/timeseries?by_user=1&minutes=30&user_id=many-0777");
    expect(one.body.by_user.map((u: { user_id: string }) => u.user_id)).toEqual(["many-0777"]);
    expect(one.body.by_user_truncated).toBe(false);
  });

  it("/overview counts every active attendee but names at most 100, and lists at most 50 error codes, clipped", async () => {
    const { bytes, body } = await sizeOf("/overview?minutes=60&active_minutes=60");
    expect(body.active_attendees.count).toBeGreaterThan(MANY);
    expect(body.active_attendees.user_ids).toHaveLength(100);
    expect(body.active_attendees.user_ids_truncated).toBe(true);
    expect(body.error_codes).toHaveLength(50);
    expect(body.error_codes_truncated).toBe(true);
    for (const { error_code } of body.error_codes) expect(error_code.length).toBeLessThanOrEqual(128);
    expect(bytes).toBeLessThan(64_000);
  });

  it("/attendees returns at most its limit and says the list was cut", async () => {
    const capped = await sizeOf("/attendees?limit=1000");
    expect(capped.body.data).toHaveLength(1000);
    expect(capped.body.truncated).toBe(true);
    expect(capped.bytes).toBeLessThan(500_000);
    const small = await sizeOf("/attendees?limit=3&minutes=5");
    expect(small.body.data).toHaveLength(3);
    expect(small.body.truncated).toBe(true);
  });

  it("/users pages through everyone with a cursor, showing at most 5 keys per user with their counts", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await sizeOf(`/users?limit=1000${cursor ? `&after=${cursor}` : ""}`);
      expect(page.bytes).toBeLessThan(2_500_000);
      expect(page.body.data.length).toBeLessThanOrEqual(1000);
      for (const user of page.body.data) expect(user.keys.length).toBeLessThanOrEqual(5);
      seen.push(...page.body.data.map((u: { user_id: string }) => u.user_id));
      const heavy = page.body.data.find((u: { user_id: string }) => u.user_id === "many-0001");
      if (heavy) {
        expect(heavy).toMatchObject({ key_count: 121, active_keys: 61, keys_truncated: true });
        expect(heavy.keys.every((k: { revoked_at: string | null }) => k.revoked_at === null)).toBe(true);
      }
      cursor = page.body.next_cursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(2);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual([...seen].sort());
    for (const id of ["many-0001", "many-0600", `many-${String(MANY).padStart(4, "0")}`]) expect(seen).toContain(id);
  });

  it("/users/{id} shows at most 100 of a user's keys and says how many there are", async () => {
    const { body } = await sizeOf("/users/many-0001");
    expect(body.keys).toHaveLength(100);
    expect(body).toMatchObject({ key_count: 121, active_keys: 61, keys_truncated: true });
  });

  it("/keys pages oldest first with a cursor, each key exactly once, and refuses an unknown cursor", async () => {
    const { results } = await env.DB.prepare("SELECT id FROM gateway_keys ORDER BY created_at, id").all<{ id: string }>();
    const first = await sizeOf("/keys");
    expect(first.body.data).toHaveLength(100);
    expect(first.body.next_cursor).toBe(first.body.data[99].id);
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await sizeOf(`/keys?limit=1000${cursor ? `&after=${cursor}` : ""}`);
      expect(page.body.data.length).toBeLessThanOrEqual(1000);
      expect(page.bytes).toBeLessThan(400_000);
      ids.push(...page.body.data.map((k: { id: string }) => k.id));
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(ids).toEqual(results.map((r) => r.id));
    const oneUser = await sizeOf("/keys?user_id=many-0001&limit=50");
    expect(oneUser.body.data).toHaveLength(50);
    expect(oneUser.body.data.every((k: { user_id: string }) => k.user_id === "many-0001")).toBe(true);
    const unknown = await admin("/keys?after=ZZZZZZZZ");
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as ErrorBody).error.code).toBe("invalid_query");
  });

  it("/requests clips text a caller chose, so a page of rows stays small", async () => {
    const { body } = await sizeOf("/requests?user_id=many-0002&status=404");
    expect(body.data).toHaveLength(1);
    expect(body.data[0].endpoint.length).toBe(256);
    const full = await sizeOf("/requests?limit=500");
    expect(full.body.data).toHaveLength(500);
    expect(full.bytes).toBeLessThan(400_000);
  });
});
