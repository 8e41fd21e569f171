// The admin API's figures, checked against rows this file creates through the gateway
// (real local D1 and Durable Objects in workerd), and its authentication on every route.
import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { ERROR_SPIKE, isErrorSpike } from "../src/surfaces/admin/alerts";
import { errorHelp } from "../src/surfaces/admin/error-help";
import { TEST_ADMIN_TOKEN, TEST_EVENT_CODE } from "./constants";
import { admin, chat, chatInit, gateway, gatewayWith, issueKey, loggedRows } from "./helpers";

type ErrorBody = { error: { message: string; type: string; code: string } };
interface Row { id: number; user_id: string; status: number; latency_ms: number; tokens_est: number; end_state: string; created_at: string; stream: number; error_code: string | null }

const ROUTES: [string, string][] = [
  ["GET", "/overview"], ["GET", "/attendees"], ["GET", "/timeseries"], ["GET", "/requests"], ["GET", "/users"],
  ["GET", "/keys"], ["POST", "/users/zed/keys"], ["DELETE", "/keys/ABCDEFGH"], ["GET", "/users/zed"],
  ["POST", "/users/zed/reset-binding"], ["POST", "/users/zed/block"], ["POST", "/users/zed/unblock"],
  ["POST", "/users/zed/reinstate"], ["GET", "/actions"],
];

/** Nearest-rank percentile, as the figures define it. */
function percentile(values: number[], p: number): number | null {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.ceil((p * sorted.length) / 100) - 1] : null;
}

function enroll(userId: string, extra: Record<string, unknown> = {}): Promise<Response> {
  return gateway("/enroll", {
    method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ event_code: TEST_EVENT_CODE, user_id: userId, ...extra }),
  });
}

/** A dashboard session's cookie, as the sign-in form sets it. */
async function dashboardCookie(): Promise<string> {
  const response = await gateway("/admin/session", {
    method: "POST", redirect: "manual", headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ token: TEST_ADMIN_TOKEN }).toString(),
  });
  return (response.headers.get("set-cookie") ?? "").split(";")[0];
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
    // Bounds that hold however busy the machine is: a request takes at least its upstream delay,
    // and the median of five sits below the slowest (no upper time bound: speed is the bench's).
    expect(ann.p50_latency_ms).toBeGreaterThanOrEqual(120);
    expect(ann.p50_latency_ms).toBeLessThan(Number(ann.p95_latency_ms));
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
  it("the overview counts enrolled attendees without the organiser's test ids, and every roster row as a place taken against MAX_ATTENDEES", async () => {
    await env.DB.prepare(`INSERT OR IGNORE INTO attendees (user_id, source, status, generation) VALUES
      ('roster-amy', 'enroll', 'active', 1), ('roster-ben', 'admin', 'active', 1), ('roster-cat', 'byok', 'revoked', 2),
      ('smoke-roster', 'admin', 'active', 1), ('loadtest-roster-1', 'admin', 'active', 1)`).run();
    const count = (await env.DB.prepare("SELECT COUNT(*) AS n FROM attendees").first<{ n: number }>())!.n;
    const tests = (await env.DB.prepare("SELECT COUNT(*) AS n FROM attendees WHERE user_id LIKE 'smoke-%' OR user_id LIKE 'loadtest-%'").first<{ n: number }>())!.n;
    expect(tests).toBeGreaterThanOrEqual(2);
    const overviewOf = async (query: string) => {
      const response = await gatewayWith({ MAX_ATTENDEES: "7" }, `/admin/api/overview${query}`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
      expect(response.status).toBe(200);
      return ((await response.json()) as { enrollment: unknown }).enrollment;
    };
    expect(await overviewOf("")).toEqual({ attendees: count - tests, places_taken: count, max_attendees: 7 });
    expect(await overviewOf("?include_test=1")).toEqual({ attendees: count, places_taken: count, max_attendees: 7 });
  });
});

interface AttendeeRow {
  user_id: string; state: string; requests: number; active: boolean; roster_status: string | null; blocked: boolean;
  last_status: number | null; last_request_at: string | null;
  last_error_code: string | null; last_error_message: string | null; last_error_at: string | null;
}
interface OverviewBody {
  active_attendees: { count: number; user_ids: string[] };
  attendee_states: Record<string, number>;
  recent: { minutes: number; requests: number; errors: number; error_rate: number | null; requests_last_minute: number; top_error: { code: string; message: string } | null };
  alerts: { error_spike: boolean };
}

// Traffic that is not an attendee's own /v1 use: an enrolment without a request yet, a
// mistyped key, a bad id, no id at all, and the organiser's smoke and load tests.
describe("who is stuck", () => {
  const NOT_ATTENDEES = ["unauthenticated", "anonymous", "smoke-probe", "loadtest-007"];
  let samKey: string;

  beforeAll(async () => {
    const enrolled = await enroll("stuck-sam");
    expect(enrolled.status).toBe(201);
    samKey = ((await enrolled.json()) as { key: string }).key;
    const typo = `${samKey.slice(0, -1)}${samKey.endsWith("A") ? "B" : "A"}`;
    expect((await chat({ key: typo })).status).toBe(401);
    expect((await chat({ user: "not a valid id!", key: "sk-bad-id-1" })).status).toBe(400);
    expect((await chat()).status).toBe(200);
    expect((await chat({ user: "smoke-probe", key: "sk-smoke-probe-1" })).status).toBe(200);
    expect((await chat({ user: "loadtest-007", key: "sk-loadtest-007-1" })).status).toBe(200);
    await loggedRows("user_id IN ('smoke-probe', 'loadtest-007', 'anonymous')", [], 3);
    await loggedRows("user_id = 'unauthenticated' AND endpoint LIKE '/v1/%'", [], 2);
  });

  it("shows a roster attendee who never made a /v1 request as stuck at setup, and their enrolment and mistyped key do not make them active", async () => {
    const { data } = await json<{ data: AttendeeRow[] }>("/attendees?minutes=60");
    expect(data.find((a) => a.user_id === "stuck-sam")).toMatchObject({
      state: "setup", requests: 0, active: false, roster_status: "active", blocked: false, last_status: null, last_request_at: null,
    });
    const overview = await json<OverviewBody>("/overview?minutes=60");
    expect(overview.active_attendees.user_ids).not.toContain("stuck-sam");
  });

  it("gives each attendee their last status, last error code with a sentence for the organiser, and when", async () => {
    const { data } = await json<{ data: AttendeeRow[] }>("/attendees?minutes=60");
    const bobFailure = rows.find((r) => r.user_id === "fig-bob" && r.status === 503)!;
    expect(data.find((a) => a.user_id === "fig-bob")).toMatchObject({
      state: "failing", last_status: 503, last_error_code: bobFailure.error_code, last_error_at: bobFailure.created_at,
      last_error_message: expect.stringContaining("The agent host failed (HTTP 503)"),
    });
    // A 429 means the attendee's setup works: ready, with the limit as their last error.
    expect(data.find((a) => a.user_id === "fig-cy")).toMatchObject({
      state: "ready", last_status: 429, last_error_code: "rate_limit_exceeded", last_error_message: expect.stringContaining("per-minute limit"),
    });
    expect(data.find((a) => a.user_id === "fig-ann")).toMatchObject({ state: "ready", last_status: 200, last_error_code: null, last_error_message: null });
  });

  it("leaves refused callers, anonymous callers and test users out of Active now and the attendee table, test users back in with include_test=1", async () => {
    const overview = await json<OverviewBody>("/overview?minutes=60");
    const table = await json<{ data: AttendeeRow[] }>("/attendees?minutes=60");
    for (const id of NOT_ATTENDEES) {
      expect(overview.active_attendees.user_ids).not.toContain(id);
      expect(table.data.map((a) => a.user_id)).not.toContain(id);
    }
    const { n } = (await env.DB.prepare(`SELECT COUNT(DISTINCT user_id) AS n FROM requests
      WHERE created_at >= datetime('now', '-5 minutes') AND endpoint LIKE '/v1/%'
        AND user_id NOT IN ('unauthenticated', 'anonymous') AND user_id NOT LIKE 'smoke-%' AND user_id NOT LIKE 'loadtest-%'`).first<{ n: number }>())!;
    expect(overview.active_attendees.count).toBe(n);

    const withTests = await json<OverviewBody>("/overview?minutes=60&include_test=1");
    expect(withTests.active_attendees.user_ids).toEqual(expect.arrayContaining(["smoke-probe", "loadtest-007"]));
    expect(withTests.active_attendees.count).toBe(n + 2);
    const tableWithTests = await json<{ data: AttendeeRow[] }>("/attendees?minutes=60&include_test=1");
    expect(tableWithTests.data.map((a) => a.user_id)).toEqual(expect.arrayContaining(["smoke-probe", "loadtest-007"]));
    expect(tableWithTests.data.map((a) => a.user_id)).not.toContain("unauthenticated");
    expect(tableWithTests.data.map((a) => a.user_id)).not.toContain("anonymous");
  });

  it("lists only attendees with traffic in the window with include_idle=0, and the stuck first with sort=state", async () => {
    const active = await json<{ data: AttendeeRow[] }>("/attendees?minutes=60&include_idle=0");
    expect(active.data.map((a) => a.user_id)).not.toContain("stuck-sam");
    expect(active.data.every((a) => a.requests > 0)).toBe(true);
    const byState = await json<{ data: AttendeeRow[] }>("/attendees?sort=state");
    const order = byState.data.map((a) => a.state);
    const rankOf = (state: string) => ["failing", "setup", "blocked", "revoked", "ready"].indexOf(state);
    expect(order.map(rankOf)).toEqual([...order.map(rankOf)].sort((a, b) => a - b));
    expect(order[0]).toBe("failing");
  });

  it("counts ready and stuck attendees in the overview exactly as the table shows their states", async () => {
    const overview = await json<OverviewBody>("/overview");
    const { data } = await json<{ data: AttendeeRow[] }>("/attendees?limit=1000");
    const tally: Record<string, number> = { ready: 0, setup: 0, failing: 0, blocked: 0, revoked: 0 };
    for (const a of data) tally[a.state] += 1;
    expect(overview.attendee_states).toEqual({
      ...tally, stuck: tally.setup + tally.failing, total: data.length,
    });
    expect(overview.attendee_states.setup).toBeGreaterThanOrEqual(1);
    expect(overview.attendee_states.failing).toBeGreaterThanOrEqual(1);
  });

  it("explains each failed request in /requests with the organiser's sentence for its code", async () => {
    const body = await json<{ data: { status: number; error_code: string | null; error_message: string | null }[] }>("/requests?user_id=fig-bob");
    // The dev upstream names its own code (as OpenAI does); the sentence goes by the host's status then.
    expect(body.data.find((r) => r.status === 503)).toMatchObject({ error_code: "service_unavailable", error_message: expect.stringContaining("HTTP 503") });
    expect(body.data.find((r) => r.status === 200)).toMatchObject({ error_code: null, error_message: null });
  });
});

describe("the organiser's sentences for error codes", () => {
  const UNDESCRIBED = errorHelp("a_code_nobody_wrote_down");

  // The refusals the contract lists for /v1, and what the host and /enroll add.
  it.each([
    "invalid_gateway_key", "revoked_gateway_key", "user_id_taken", "user_id_revoked", "user_blocked", "rate_limit_exceeded",
    "too_many_requests_in_flight", "too_many_refused_requests", "gateway_key_required", "missing_api_key", "invalid_user_id",
    "malformed_authorization", "upstream_unreachable", "upstream_timeout", "stream_cut", "unsupported_endpoint",
    "unsupported_parameter", "request_too_large", "invalid_event_code", "event_full", "too_many_wrong_codes", "internal_error",
  ])("has a sentence of its own for %s", (code) => {
    const help = errorHelp(code);
    expect(help).toMatch(/\.$/);
    expect(help).not.toBe(UNDESCRIBED);
  });

  it("names the host's HTTP status for a passed-on upstream error, and says nothing for no error", () => {
    expect(errorHelp("upstream_http_502")).toContain("HTTP 502");
    expect(errorHelp("upstream_http_401")).toContain("refused");
    expect(errorHelp("bad_gateway", 502)).toContain("HTTP 502");
    expect(errorHelp(null)).toBeNull();
  });
});

describe("the error-spike alert", () => {
  it("is raised from a quarter of the requests failing, and never on fewer than ten requests", () => {
    expect(ERROR_SPIKE).toEqual({ minutes: 5, minRequests: 10, errorRate: 0.25 });
    expect(isErrorSpike({ requests: 9, errors: 9 })).toBe(false);
    expect(isErrorSpike({ requests: 12, errors: 2 })).toBe(false);
    expect(isErrorSpike({ requests: 12, errors: 3 })).toBe(true);
    expect(isErrorSpike({ requests: 0, errors: 0 })).toBe(false);
  });

  it("turns on in /overview once enough of the last five minutes' /v1 requests failed, naming the commonest code", async () => {
    const before = await json<OverviewBody>("/overview");
    expect(before.recent.requests).toBeGreaterThanOrEqual(ERROR_SPIKE.minRequests);
    expect(before.recent.errors / before.recent.requests).toBeLessThan(ERROR_SPIKE.errorRate);
    expect(before.alerts.error_spike).toBe(false);
    // The number of failures that tips the share over the threshold; one fewer does not.
    const needed = Math.ceil((ERROR_SPIKE.errorRate * before.recent.requests - before.recent.errors) / (1 - ERROR_SPIKE.errorRate));
    const fail = async (i: number) => expect((await chat({ user: `spike-${i}`, key: `sk-spike-${i}`, model: "gpt-4o@status=502" })).status).toBe(502);
    for (let i = 0; i < needed - 1; i++) await fail(i);
    await loggedRows("user_id LIKE 'spike-%'", [], needed - 1);
    expect((await json<OverviewBody>("/overview")).alerts.error_spike).toBe(false);
    for (let i = needed - 1; i < needed + 2; i++) await fail(i);
    await loggedRows("user_id LIKE 'spike-%'", [], needed + 2);
    const after = await json<OverviewBody>("/overview");
    expect(after.alerts.error_spike).toBe(true);
    expect(after.recent).toMatchObject({ minutes: 5, errors: before.recent.errors + needed + 2 });
    expect(after.recent.top_error).toMatchObject({ code: "bad_gateway", status: 502, message: expect.stringContaining("HTTP 502") });
    expect(after.recent.requests_last_minute).toBeGreaterThanOrEqual(needed + 2);
  });
});

describe("the organiser's actions", () => {
  interface ActionRow { id: number; action: string; user_id: string; key_id: string | null; actor: string; request_id: string | null; created_at: string }
  const actionsOf = async (userId: string) =>
    (await env.DB.prepare("SELECT * FROM admin_actions WHERE user_id = ? ORDER BY id").bind(userId).all<ActionRow>()).results;

  it("records every change made with the admin token — issue, revoke, reinstate, block, unblock, reset — with the key and the request id", async () => {
    const user = "audit-ann";
    const issued = await admin(`/users/${user}/keys`, { method: "POST", body: "{}" });
    expect(issued.status).toBe(201);
    const { id: keyId } = (await issued.json()) as { id: string };
    const steps: [string, Response][] = [["issue_key", issued]];
    steps.push(["revoke_key", await admin(`/keys/${keyId}`, { method: "DELETE" })]);
    for (const [action, path] of [["reinstate", "reinstate"], ["block", "block"], ["unblock", "unblock"], ["reset_binding", "reset-binding"]]) {
      steps.push([action, await admin(`/users/${user}/${path}`, { method: "POST" })]);
    }
    for (const [action, response] of steps) expect(response.status, action).toBeLessThan(300);
    const recorded = await actionsOf(user);
    expect(recorded.map(({ action, key_id, actor, request_id }) => ({ action, key_id, actor, request_id }))).toEqual(
      steps.map(([action, response]) => ({
        action, key_id: action.endsWith("_key") ? keyId : null, actor: "token", request_id: response.headers.get("x-request-id"),
      })));
    expect(recorded[0].created_at).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  });

  it("says a change came from the dashboard, and records nothing for a change that did not happen", async () => {
    const cookie = await dashboardCookie();
    const blocked = await gateway("/admin/api/users/audit-bea/block", { method: "POST", headers: { cookie, "x-ocg-admin-request": "1" } });
    expect(blocked.status).toBe(200);
    const refused = await gateway("/admin/api/users/audit-bea/unblock", { method: "POST", headers: { cookie } });
    expect(refused.status).toBe(403);
    expect((await admin("/keys/ZZZZZZZZ", { method: "DELETE" })).status).toBe(404);
    expect((await actionsOf("audit-bea")).map(({ action, actor }) => ({ action, actor }))).toEqual([{ action: "block", actor: "dashboard" }]);
    const { n } = (await env.DB.prepare("SELECT COUNT(*) AS n FROM admin_actions WHERE key_id = 'ZZZZZZZZ'").first<{ n: number }>())!;
    expect(n).toBe(0);
  });

  it("lists the actions newest first, a bounded page at a time, for everyone or one attendee", async () => {
    const all = (await env.DB.prepare("SELECT id FROM admin_actions ORDER BY id DESC").all<{ id: number }>()).results.map((r) => r.id);
    const first = await json<{ data: ActionRow[]; next_cursor: number }>("/actions?limit=2");
    expect(first.data.map((a) => a.id)).toEqual(all.slice(0, 2));
    expect(first.next_cursor).toBe(all[1]);
    const second = await json<{ data: ActionRow[] }>(`/actions?limit=2&before=${first.next_cursor}`);
    expect(second.data.map((a) => a.id)).toEqual(all.slice(2, 4));
    const ann = await json<{ data: ActionRow[]; next_cursor: number | null }>("/actions?user_id=audit-ann");
    expect(ann.data.map((a) => a.action)).toEqual(["reset_binding", "unblock", "block", "reinstate", "revoke_key", "issue_key"]);
    expect(ann.next_cursor).toBeNull();
    expect((await admin("/actions?limit=501")).status).toBe(400);
  });
});

describe("users as the CLI's report reads them", () => {
  it("carry the roster's email (only given with consent), status and block, and say which are test users", async () => {
    expect((await enroll("mail-meg", { email: "meg@example.com", email_consent: true })).status).toBe(201);
    expect((await enroll("mail-nan")).status).toBe(201);
    expect((await admin("/users/mail-nan/block", { method: "POST" })).status).toBe(200);
    const { data } = await json<{ data: Record<string, unknown>[] }>("/users?limit=1000");
    expect(data.find((u) => u.user_id === "mail-meg")).toMatchObject({ email: "meg@example.com", status: "active", blocked: false, test_user: false });
    expect(data.find((u) => u.user_id === "mail-nan")).toMatchObject({ email: null, status: "active", blocked: true });
    expect(data.find((u) => u.user_id === "smoke-probe")).toMatchObject({ test_user: true, email: null });
    // Not on the roster: no status, never blocked.
    expect(data.find((u) => u.user_id === "unauthenticated")).toMatchObject({ test_user: false, status: null, blocked: false, email: null });
    const one = await json<{ roster: Record<string, unknown> }>("/users/mail-meg");
    expect(one.roster).toMatchObject({ source: "enroll", status: "active", blocked: false, email: "meg@example.com" });
  });
});

describe("the projector view", () => {
  it("is behind the same sign-in, which leads back to it, and never to an address from outside", async () => {
    const signedOut = await gateway("/admin/projector");
    const form = await signedOut.text();
    expect(form).toContain('name="token"');
    expect(form).toContain('name="next" value="/admin/projector"');
    const signIn = (next: string) => gateway("/admin/session", {
      method: "POST", redirect: "manual", headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: TEST_ADMIN_TOKEN, next }).toString(),
    });
    const back = await signIn("/admin/projector");
    expect(back.status).toBe(303);
    expect(back.headers.get("location")).toBe("/admin/projector");
    expect((await signIn("https://evil.example/admin")).headers.get("location")).toBe("/admin");
    const cookie = (back.headers.get("set-cookie") ?? "").split(";")[0];
    const page = await gateway("/admin/projector", { headers: { cookie } });
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toContain('src="/admin/assets/projector.js"');
    expect(html).toContain('id="p-stuck"');
    expect((await gateway("/admin/assets/projector.js")).status).toBe(200);
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
    // About 500 bytes a row: the figures, the state and the last error with its sentence.
    expect(capped.bytes).toBeLessThan(600_000);
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

describe("an attendee whose own key the provider refused", () => {
  const REFUSED_KEY = "sk-invalid-dana-key-1"; // the dev upstream refuses any key with "invalid" in it

  beforeAll(async () => {
    // dana's key has no credit: twice refused, before any key worked for her name.
    for (let i = 0; i < 2; i++) expect((await chat({ user: "key-dana", key: REFUSED_KEY })).status).toBe(401);
    // Someone sends a dead key as eve before eve's own works; then eve's works.
    expect((await chat({ user: "key-eve", key: "sk-invalid-stranger-1" })).status).toBe(401);
    // Settled (its row is written once its claim on the name is let go): eve's own key may bind now.
    await loggedRows("claimed_user_id = 'key-eve'", [], 1);
    const eve = await chat({ user: "key-eve", key: "sk-key-eve-1" });
    expect(eve.status, await eve.clone().text()).toBe(200);
    // A dead key sent as fig-ann, whose name is bound to her working key: refused by the gateway itself.
    expect((await chat({ user: "fig-ann", key: "sk-invalid-stranger-2" })).status).toBe(403);
    await loggedRows("claimed_user_id IN ('key-dana', 'key-eve')", [], 3);
    await loggedRows("user_id = 'key-eve'", [], 1);
  });

  it("logs the refused requests under unauthenticated, with the claimed id beside it", async () => {
    const refused = await loggedRows("claimed_user_id = 'key-dana'", [], 2);
    expect(refused.map((r) => [r.user_id, r.status])).toEqual([["unauthenticated", 401], ["unauthenticated", 401]]);
  });

  it("lists them stuck at setup under the claimed id, with the refusal and what to do, and none of it in their own figures", async () => {
    const { data } = await json<{ data: (AttendeeRow & { refused_key: unknown; errors: number })[] }>("/attendees?minutes=60&sort=state");
    const dana = data.find((a) => a.user_id === "key-dana");
    expect(dana).toMatchObject({
      state: "setup", requests: 0, errors: 0, last_status: null, last_error_code: null,
      refused_key: {
        requests: 2, error_code: "invalid_api_key", last_at: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
        message: expect.stringMatching(/^OpenAI refused the key sent as key-dana \(no credit, mistyped or revoked\?\)\. Ask them to check the key and its credit at platform\.openai\.com, then run bash setup\.sh again/),
      },
    });
    const overview = await json<OverviewBody>("/overview?minutes=60");
    expect(overview.active_attendees.user_ids).not.toContain("key-dana");
    expect(overview.attendee_states.setup).toBeGreaterThanOrEqual(1);
  });

  it("shows the refusal in /admin/api/users/<id>, where the id's own figures and summary stay empty", async () => {
    const user = await json<{ figures: { state: string; requests: number; refused_key: { requests: number; message: string } | null }; summary: unknown }>("/users/key-dana");
    expect(user.figures).toMatchObject({ state: "setup", requests: 0, refused_key: { requests: 2, message: expect.stringContaining("key-dana") } });
    expect(user.summary).toBeNull();
  });

  it("never counts a stranger's refused requests in the figures of the attendee whose name they used", async () => {
    const { data } = await json<{ data: (AttendeeRow & { refused_key: { requests: number } | null; errors: number })[] }>("/attendees?minutes=60");
    // eve: her one answer is hers; the stranger's refusal is only a note beside her name.
    expect(data.find((a) => a.user_id === "key-eve")).toMatchObject({ state: "ready", requests: 1, errors: 0, last_status: 200, refused_key: { requests: 1 } });
    // ann's name is bound: the dead key sent with it is the gateway's refusal, not hers, and not a claim on her name.
    const ann = data.find((a) => a.user_id === "fig-ann")!;
    expect(ann).toMatchObject({ state: "ready", errors: 0, refused_key: null });
    const annRows = await loggedRows("user_id = 'fig-ann'", [], 5);
    expect(annRows.every((r) => r.status === 200)).toBe(true);
  });
});
