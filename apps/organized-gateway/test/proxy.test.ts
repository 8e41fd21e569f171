import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { TEST_EVENT_CODE } from "./constants";
import {
  UPSTREAM, admin, chat, chatInit, gateway, gatewayWith, issueKey, loggedRows, rowFor, sseData, upstreamSaw,
} from "./helpers";

type Completion = { choices: { message: { content: string } }[]; usage: { prompt_tokens: number; completion_tokens: number } };
type ErrorBody = { error: { message: string; type: string; code: string } };

describe("chat through the gateway (BYOK pass-through)", () => {
  it("answers a chat completion with the upstream's content and rate-limit headers", async () => {
    const response = await chat({ user: "amy", key: "sk-amy-0001", content: "hello gateway" });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Completion;
    expect(body.choices[0].message.content).toBe("Echo: hello gateway");
    expect(response.headers.get("x-ratelimit-limit")).toBe("50");
    expect(response.headers.get("x-ratelimit-remaining")).toBe("49");
    expect(Number(response.headers.get("x-ratelimit-reset"))).toBeGreaterThan(0);
  });

  it("forwards the caller's key verbatim and names the attendee upstream", async () => {
    await chat({ user: "ben", key: "sk-ben-0001", headers: { "x-openclaw-agent-id": "admin", cookie: "a=b" } });
    const seen = await upstreamSaw();
    expect(seen.headers.authorization).toBe("Bearer sk-ben-0001");
    // The attendee's derived session value (route/session.ts), never the typed id.
    expect(seen.headers["x-forwarded-user"]).toMatch(/^ocg-[0-9a-f]{32}$/);
    expect(seen.headers["x-openclaw-agent-id"]).toBeUndefined();
    expect(seen.headers.cookie).toBeUndefined();
  });

  it("streams chunks through and strips the usage chunk the caller did not ask for", async () => {
    const response = await chat({ user: "cat", key: "sk-cat-0001", content: "stream please", stream: true });
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const events = sseData(await response.text());
    expect(events.at(-1)).toBe("[DONE]");
    const text = events.filter((e): e is { choices: { delta: { content?: string } }[] } => e !== "[DONE]")
      .map((e) => e.choices[0]?.delta.content ?? "").join("");
    expect(text).toBe("Echo: stream please");
    expect(events.some((e) => e !== "[DONE]" && (e as { usage?: unknown }).usage)).toBe(false);
    expect((await upstreamSaw()).body?.stream_options).toEqual({ include_usage: true });
    const row = await rowFor(response);
    expect(row).toMatchObject({ stream: 1, end_state: "complete", usage_source: "reported", status: 200 });
    expect(row.completion_tokens).toBeGreaterThan(0);
    expect(row.ttfb_ms).not.toBeNull();
  });

  it("keeps the usage chunk when the caller asked for it", async () => {
    const response = await chat({ user: "cat", key: "sk-cat-0001", stream: true, includeUsage: true });
    const events = sseData(await response.text());
    const usage = events.find((e) => e !== "[DONE]" && (e as { usage?: unknown }).usage) as { choices: unknown[] };
    expect(usage.choices).toEqual([]);
  });

  it("records reported tokens for a JSON answer", async () => {
    const response = await chat({ user: "dan", key: "sk-dan-0001", content: "count my tokens" });
    const body = (await response.json()) as Completion;
    const row = await rowFor(response);
    expect(row.prompt_tokens).toBe(body.usage.prompt_tokens);
    expect(row.completion_tokens).toBe(body.usage.completion_tokens);
    expect(row.tokens_est).toBe(body.usage.prompt_tokens + body.usage.completion_tokens);
    expect(row.usage_source).toBe("reported");
    expect(row.model).toBe("gpt-4o");
  });

  it("estimates tokens when the upstream never reports usage", async () => {
    const response = await chat({ user: "dan", key: "sk-dan-0001", stream: true, model: "gpt-4o@nousage=1" });
    await response.text();
    const row = await rowFor(response);
    expect(row.usage_source).toBe("estimated");
    expect(row.completion_tokens).toBeGreaterThan(0);
  });

  it("turns a stream cut mid-answer into an error event and logs it as an upstream error", async () => {
    const response = await chat({ user: "eve", key: "sk-eve-0001", stream: true, model: "gpt-4o@cut=2" });
    const events = sseData(await response.text());
    expect(events.at(-1)).toMatchObject({ error: { code: "stream_cut" } });
    const row = await rowFor(response);
    expect(row).toMatchObject({ end_state: "upstream_error", error_code: "stream_cut", usage_source: "estimated" });
  });

  it("answers a JSON answer cut mid-body with 502 stream_cut, OpenAI-shaped, and logs it", async () => {
    const response = await chat({ user: "eve", key: "sk-eve-0001", model: "gpt-4o@cut=1" });
    expect(response.status).toBe(502);
    const body = (await response.json()) as ErrorBody;
    expect(body.error).toMatchObject({ type: "upstream_error", code: "stream_cut" });
    expect(body.error.message).toContain("Ask again");
    expect(await rowFor(response)).toMatchObject({ status: 502, end_state: "upstream_error", error_code: "stream_cut" });
  });

  it("passes an upstream's error through with its status and logs it", async () => {
    const response = await chat({ user: "eve", key: "sk-eve-0001", model: "gpt-4o@status=503" });
    expect(response.status).toBe(503);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.type).toBe("server_error");
    expect(await rowFor(response)).toMatchObject({ status: 503, end_state: "upstream_error" });
  });

  it.each([500, 501, 507])("answers an upstream's %i as a 502 with the upstream's own words, and logs what it said", async (status) => {
    const response = await chat({ user: "eve", key: "sk-eve-0001", model: `gpt-4o@status=${status}` });
    expect(response.status).toBe(502);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.message).toBeTruthy();
    expect(await rowFor(response)).toMatchObject({ status: 502, end_state: "upstream_error", error_code: `upstream_http_${status}` });
  });

  it("lists models", async () => {
    const response = await gateway("/v1/models", { headers: { "x-user-id": "fay", authorization: "Bearer sk-fay-0001" } });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { data: unknown[] }).data.length).toBeGreaterThan(0);
  });

  it.each([
    { path: "rewritten by the gateway", includeUsage: false },
    { path: "piped natively (the caller asked for usage)", includeUsage: true },
  ])("records a client that leaves mid-stream as client_abort, stream $path", async ({ includeUsage }) => {
    const response = await chat({ user: "gus", key: "sk-gus-0001", stream: true, model: "gpt-4o@pause=1000", includeUsage });
    const reader = response.body!.getReader();
    await reader.read();
    await reader.cancel();
    const row = await rowFor(response);
    expect(row.end_state).toBe("client_abort");
  });

  it("ends a cut stream with stream_cut when the caller asked for usage itself (nothing to strip)", async () => {
    const response = await chat({ user: "eve", key: "sk-eve-0001", stream: true, model: "gpt-4o@cut=2", includeUsage: true });
    const events = sseData(await response.text());
    expect(events.at(-1)).toMatchObject({ error: { code: "stream_cut" } });
    expect(await rowFor(response)).toMatchObject({ end_state: "upstream_error", error_code: "stream_cut" });
  });
});

describe("identity", () => {
  it("refuses the same USER_ID with a different key, telling the attendee to pick another", async () => {
    expect((await chat({ user: "sam", key: "sk-first-sam" })).status).toBe(200);
    const response = await chat({ user: "sam", key: "sk-second-sam" });
    expect(response.status).toBe(403);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.code).toBe("user_id_taken");
    expect(body.error.message).toContain("Pick another USER_ID");
    expect((await chat({ user: "sam", key: "sk-first-sam" })).status).toBe(200);
  });

  it("rejects a malformed USER_ID with 400", async () => {
    const response = await chat({ user: "sam smith!", key: "sk-x" });
    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).error.code).toBe("invalid_user_id");
  });

  it("puts callers without X-User-ID in the shared anonymous bucket", async () => {
    const response = await chat({ key: "sk-anon" });
    expect(response.status).toBe(200);
    expect((await rowFor(response)).user_id).toBe("anonymous");
  });

  it("accepts a gateway key, ignores a different X-User-ID, and never forwards the key", async () => {
    const key = await issueKey("hana");
    const response = await chat({ key, user: "someone-else" });
    expect(response.status).toBe(200);
    expect((await upstreamSaw()).headers.authorization).toBeUndefined();
    expect(await rowFor(response)).toMatchObject({ user_id: "hana", auth: "key" });
  });

  it("refuses a revoked gateway key", async () => {
    const key = await issueKey("ivan");
    const list = (await (await admin("/keys?user_id=ivan")).json()) as { data: { id: string }[] };
    expect((await admin(`/keys/${list.data[0].id}`, { method: "DELETE" })).status).toBe(200);
    const response = await chat({ key });
    expect(response.status).toBe(401);
    expect(((await response.json()) as ErrorBody).error.code).toBe("revoked_gateway_key");
  });

  it("refuses a well-formed key that was never issued", async () => {
    const response = await chat({ key: `ocg_ivan_${"A".repeat(40)}` });
    expect(response.status).toBe(401);
    expect(((await response.json()) as ErrorBody).error.code).toBe("invalid_gateway_key");
  });
});

describe("admission", () => {
  it("admits exactly 50 of 120 simultaneous requests from one attendee; others are unaffected", async () => {
    const responses = await Promise.all(Array.from({ length: 120 }, () => chat({ user: "burst", key: "sk-burst-0001" })));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(50);
    expect(statuses.filter((s) => s === 429)).toHaveLength(70);
    const refused = responses.find((r) => r.status === 429)!;
    const body = (await refused.json()) as ErrorBody;
    expect(body.error).toMatchObject({ type: "rate_limit_error", code: "rate_limit_exceeded" });
    expect(body.error.message).toMatch(/50 requests per minute.*Try again in \d+ seconds/);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(refused.headers.get("x-ratelimit-remaining")).toBe("0");
    await Promise.all(responses.map((r) => (r.bodyUsed ? null : r.arrayBuffer())));
    expect((await chat({ user: "bystander", key: "sk-bystander" })).status).toBe(200);
  });

  it("logs 50 requests of one attendee as 50 rows, summarised in user_summary, with no key in D1", async () => {
    const key = "sk-logged-SECRET-4242";
    for (let i = 0; i < 50; i++) {
      const response = await chat({ user: "logged", key, content: `request ${i}` });
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    }
    const rows = await loggedRows("user_id = ?", ["logged"], 50);
    expect(rows).toHaveLength(50);
    const summary = await env.DB.prepare("SELECT * FROM user_summary WHERE user_id = 'logged'").first<{ total_requests: number; total_tokens: number }>();
    expect(summary?.total_requests).toBe(50);
    expect(summary?.total_tokens).toBe(rows.reduce((n, r) => n + r.tokens_est, 0));
    const dump = JSON.stringify((await env.DB.prepare("SELECT * FROM requests").all()).results)
      + JSON.stringify((await env.DB.prepare("SELECT * FROM gateway_keys").all()).results);
    expect(dump).not.toContain("SECRET-4242");
    expect(dump).not.toContain("sk-");
  });

  it("queues requests beyond the in-flight cap instead of refusing them", async () => {
    const started = Date.now();
    const responses = await Promise.all(Array.from({ length: 6 }, () => chat({ user: "queue", key: "sk-q", model: "gpt-4o@latency=200" })));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    // Four at a time: the last two waited for a slot.
    expect(Date.now() - started).toBeGreaterThanOrEqual(380);
  });

  it("refuses with 429 when the in-flight queue wait runs out", async () => {
    const settings = { MAX_INFLIGHT_PER_USER: "1", INFLIGHT_QUEUE_MS: "100" };
    const [first, second] = await Promise.all([
      gatewayWith(settings, "/v1/chat/completions", chatInit({ user: "runaway", key: "sk-r", model: "gpt-4o@latency=600" })),
      new Promise((r) => setTimeout(r, 50)).then(() =>
        gatewayWith(settings, "/v1/chat/completions", chatInit({ user: "runaway", key: "sk-r" }))),
    ]);
    expect(first.status).toBe(200);
    expect(second.status).toBe(429);
    expect(((await second.json()) as ErrorBody).error.code).toBe("too_many_requests_in_flight");
  });
});

describe("bad input and failures", () => {
  const byok = { "x-user-id": "typo", authorization: "Bearer sk-typo", "content-type": "application/json" };

  it("answers malformed JSON with 400, OpenAI-shaped, and logs it", async () => {
    const response = await gateway("/v1/chat/completions", { method: "POST", headers: byok, body: "{\"model\": " });
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toContain("application/json");
    const body = (await response.json()) as ErrorBody;
    expect(body.error).toMatchObject({ type: "invalid_request_error", code: "invalid_json" });
    expect(await rowFor(response)).toMatchObject({ status: 400, end_state: "rejected", error_code: "invalid_json" });
  });

  it("answers a body over MAX_BODY_BYTES with 413 from its Content-Length alone", async () => {
    const big = JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "x".repeat(1024 * 1024 + 10) }] });
    const response = await gateway("/v1/chat/completions", { method: "POST", headers: byok, body: big });
    expect(response.status).toBe(413);
    expect(((await response.json()) as ErrorBody).error.code).toBe("request_too_large");
  });

  it("answers a streamed body that grows past the limit with 413", async () => {
    const part = new TextEncoder().encode("x".repeat(64 * 1024));
    let sent = 0;
    const body = new ReadableStream({
      pull(controller) {
        if (sent++ < 40) controller.enqueue(part);
        else controller.close();
      },
    });
    const response = await gatewayWith({}, "/v1/chat/completions", { method: "POST", headers: byok, body, duplex: "half" } as RequestInit);
    expect(response.status).toBe(413);
  });

  it("answers an unknown path with 404 and a wrong method with 405", async () => {
    const missing = await gateway("/v1/audio/transcriptions", { method: "POST", headers: byok, body: "{}" });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as ErrorBody).error.code).toBe("unknown_endpoint");
    const wrong = await gateway("/v1/chat/completions", { headers: byok });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("POST");
    expect(((await wrong.json()) as ErrorBody).error.code).toBe("method_not_allowed");
    const elsewhere = await gateway("/wp-login.php");
    expect(elsewhere.status).toBe(404);
    expect(((await elsewhere.json()) as ErrorBody).error.type).toBe("not_found_error");
  });

  it("answers an unreachable upstream with 502, logs it, and /health stays up", async () => {
    const down = { OPENCLAW_URL: "http://127.0.0.1:9" };
    const response = await gatewayWith(down, "/v1/chat/completions", chatInit({ user: "down", key: "sk-down" }));
    expect(response.status).toBe(502);
    expect(((await response.json()) as ErrorBody).error.code).toBe("upstream_unreachable");
    expect(await rowFor(response)).toMatchObject({ status: 502, end_state: "upstream_error" });
    const health = await gatewayWith(down, "/health");
    expect(health.status).toBe(200);
    expect(((await health.json()) as { upstream: { reachable: boolean } }).upstream.reachable).toBe(false);
  });

  it("answers an upstream that sends nothing within UPSTREAM_TIMEOUT_MS with 504 and logs a timeout", async () => {
    const response = await gatewayWith({ UPSTREAM_TIMEOUT_MS: "300" }, "/v1/chat/completions",
      chatInit({ user: "slow", key: "sk-slow", model: "gpt-4o@latency=1500" }));
    expect(response.status).toBe(504);
    expect(((await response.json()) as ErrorBody).error.code).toBe("upstream_timeout");
    expect(await rowFor(response)).toMatchObject({ status: 504, end_state: "timeout" });
  });

  it("answers a misconfigured gateway with 503 naming the setting, not its value", async () => {
    const response = await gatewayWith({ OPENCLAW_URL: "not a url" }, "/v1/models");
    expect(response.status).toBe(503);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.message).toContain("OPENCLAW_URL");
    expect(body.error.message).not.toContain("not a url");
  });
});

describe("the OpenClaw route", () => {
  const openclaw = { OPENCLAW_TOKEN: "operator-token-123", OPENCLAW_AGENT: "main" };

  it("injects the gateway's token, rewrites model and user, and strips x-openclaw-* headers", async () => {
    const key = await issueKey("oli");
    const response = await gatewayWith(openclaw, "/v1/chat/completions",
      chatInit({ key, headers: { "x-openclaw-scopes": "admin", "x-openclaw-session-key": "steal" } }));
    expect(response.status).toBe(200);
    const seen = await upstreamSaw();
    expect(seen.headers.authorization).toBe("Bearer operator-token-123");
    expect(seen.body).toMatchObject({ model: "openclaw/main" });
    expect(seen.body?.user).toMatch(/^ocg-[0-9a-f]{32}$/);
    expect(Object.keys(seen.headers).filter((h) => h.startsWith("x-openclaw-"))).toEqual([]);
    expect(seen.headers["x-forwarded-user"]).toBeUndefined();
  });

  it("refuses a bare X-User-ID caller, since the gateway pays on this route", async () => {
    const response = await gatewayWith(openclaw, "/v1/chat/completions", chatInit({ user: "pat", key: "sk-pat" }));
    expect(response.status).toBe(401);
    expect(((await response.json()) as ErrorBody).error.code).toBe("gateway_key_required");
  });
});

describe("an upstream behind Cloudflare Access", () => {
  const access = { CF_ACCESS_CLIENT_ID: "access-id.access", CF_ACCESS_CLIENT_SECRET: "access-secret-value" };

  it("gets the service-token headers on every call, whatever the route's strategy", async () => {
    expect((await gatewayWith(access, "/v1/chat/completions", chatInit({ user: "acc", key: "sk-acc" }))).status).toBe(200);
    let seen = await upstreamSaw();
    expect(seen.headers).toMatchObject({ "cf-access-client-id": "access-id.access", "cf-access-client-secret": "access-secret-value" });
    const key = await issueKey("acc-key");
    await gatewayWith({ ...access, OPENCLAW_TOKEN: "operator-token-123" }, "/v1/chat/completions", chatInit({ key }));
    seen = await upstreamSaw();
    expect(seen.headers["cf-access-client-id"]).toBe("access-id.access");
    expect(seen.headers.authorization).toBe("Bearer operator-token-123");
  });

  it("refuses half a service token as a configuration mistake, naming the missing setting", async () => {
    const response = await gatewayWith({ CF_ACCESS_CLIENT_ID: "only-the-id" }, "/v1/models");
    expect(response.status).toBe(503);
    const message = ((await response.json()) as ErrorBody).error.message;
    expect(message).toContain("CF_ACCESS_CLIENT_SECRET");
    expect(message).not.toContain("only-the-id");
  });
});

describe("enrollment", () => {
  const enroll = (body: object, headers: Record<string, string> = {}) =>
    gateway("/enroll", { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });

  it("gives a key for the right event code, which then works", async () => {
    const response = await enroll({ event_code: TEST_EVENT_CODE, user_id: "quinn" });
    expect(response.status).toBe(201);
    const { user_id, key } = (await response.json()) as { user_id: string; key: string };
    expect(user_id).toBe("quinn");
    expect((await chat({ key })).status).toBe(200);
  });

  it("refuses a wrong event code with 403", async () => {
    const response = await enroll({ event_code: "nope", user_id: "rita" });
    expect(response.status).toBe(403);
    expect(((await response.json()) as ErrorBody).error.code).toBe("invalid_event_code");
  });

  it("answers a second enrollment of the same id with 409 and what to do", async () => {
    expect((await enroll({ event_code: TEST_EVENT_CODE, user_id: "sid" })).status).toBe(201);
    const response = await enroll({ event_code: TEST_EVENT_CODE, user_id: "sid" });
    expect(response.status).toBe(409);
    expect(((await response.json()) as ErrorBody).error.message).toContain("sid-k");
  });

  it("lets a whole room enroll from one network address in the same minute", async () => {
    const room = { "cf-connecting-ip": "203.0.113.50" };
    const statuses = [];
    for (let i = 0; i < 30; i++) statuses.push((await enroll({ event_code: TEST_EVENT_CODE, user_id: `room-${i}` }, room)).status);
    expect(statuses.every((s) => s === 201)).toBe(true);
  });

  it("slows down a network that keeps guessing the code, with Retry-After", async () => {
    const guesser = { "cf-connecting-ip": "203.0.113.66" };
    for (let i = 0; i < 20; i++) expect((await enroll({ event_code: `guess-${i}`, user_id: "mallory" }, guesser)).status).toBe(403);
    const blocked = await enroll({ event_code: TEST_EVENT_CODE, user_id: "mallory" }, guesser);
    expect(blocked.status).toBe(429);
    expect(((await blocked.json()) as ErrorBody).error.code).toBe("too_many_wrong_codes");
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await enroll({ event_code: TEST_EVENT_CODE, user_id: "mallory" }, { "cf-connecting-ip": "203.0.113.67" })).status).toBe(201);
  });

  it("binds the enrollee's own key to the id, so BYOK with that key keeps working and another key does not", async () => {
    const response = await enroll({ event_code: TEST_EVENT_CODE, user_id: "vera" }, { authorization: "Bearer sk-vera-own" });
    expect(response.status).toBe(201);
    expect((await chat({ user: "vera", key: "sk-vera-own" })).status).toBe(200);
    expect((await chat({ user: "vera", key: "sk-not-vera" })).status).toBe(403);
  });

  it("is closed when no EVENT_CODE is set", async () => {
    const response = await gatewayWith({ EVENT_CODE: "" }, "/enroll", {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ event_code: "x", user_id: "tom" }),
    });
    expect(response.status).toBe(403);
    expect(((await response.json()) as ErrorBody).error.code).toBe("enrollment_closed");
  });
});

describe("the admin API", () => {
  it("refuses requests without the admin token, or with a wrong one", async () => {
    expect((await gateway("/admin/api/keys")).status).toBe(401);
    const wrong = await gateway("/admin/api/keys", { headers: { authorization: "Bearer wrong-token-123456" } });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as ErrorBody).error.code).toBe("invalid_admin_token");
  });

  it("says how to turn itself on when no ADMIN_TOKEN is set", async () => {
    const response = await gatewayWith({ ADMIN_TOKEN: "" }, "/admin/api/keys", { headers: { authorization: "Bearer x" } });
    expect(response.status).toBe(403);
    expect(((await response.json()) as ErrorBody).error.message).toContain("ADMIN_TOKEN");
  });

  it("lists keys by hint only", async () => {
    const key = await issueKey("uma");
    const listing = await (await admin("/keys?user_id=uma")).text();
    expect(listing).toContain("ocg_uma_");
    expect(listing).not.toContain(key);
  });
});

describe("health", () => {
  it("reports ok, the gateway's name, and that the upstream answers", async () => {
    const response = await gateway("/health");
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; gateway: string; upstream: { reachable: boolean } };
    expect(body).toMatchObject({ status: "ok", gateway: "organized-gateway", upstream: { reachable: true } });
    expect(JSON.stringify(body)).not.toContain(UPSTREAM);
  });
});

describe("rate-limit headers", () => {
  it("are on every /v1 answer once the caller is identified, errors included", async () => {
    const byok = { "x-user-id": "headers", authorization: "Bearer sk-headers" };
    const answers = [
      await gateway("/v1/models", { headers: byok }),
      await gateway("/v1/nope", { headers: byok }),
      await gateway("/v1/chat/completions", { headers: byok }),
      await gateway("/v1/chat/completions", { method: "POST", headers: byok, body: "not json" }),
      await chat({ user: "headers", key: "sk-headers", model: "gpt-4o@status=500" }),
    ];
    // An upstream's 500 reaches the caller as a 502: the gateway itself did not fail.
    expect(answers.map((r) => r.status)).toEqual([200, 404, 405, 400, 502]);
    for (const answer of answers) {
      expect(answer.headers.get("x-ratelimit-limit")).toBe("50");
      expect(answer.headers.get("x-ratelimit-remaining")).not.toBeNull();
      expect(answer.headers.get("x-ratelimit-reset")).not.toBeNull();
    }
    expect(answers.map((r) => r.headers.get("x-ratelimit-remaining"))).toEqual(["49", "48", "47", "46", "45"]);
  });
});

describe("the attendee's window across a restart", () => {
  it("is remembered by an evicted and restarted object, so a restart does not grant a fresh minute", async () => {
    const { evictDurableObject } = await import("cloudflare:test");
    const { env } = await import("cloudflare:workers");
    for (let i = 0; i < 3; i++) expect((await chat({ user: "restart", key: "sk-restart" })).status).toBe(200);
    const stub = env.ATTENDEE_GATE.get(env.ATTENDEE_GATE.idFromName("restart"));
    // The summary is saved at most once a second.
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    await evictDurableObject(stub);
    expect((await stub.describe()).inWindow).toBe(3);
    const next = await chat({ user: "restart", key: "sk-restart" });
    expect(next.headers.get("x-ratelimit-remaining")).toBe("46");
  });
});

describe("a caller who leaves before the upstream answers", () => {
  it("cancels the upstream call and is logged as client_abort (499)", async () => {
    const { createExecutionContext, waitOnExecutionContext } = await import("cloudflare:test");
    const { env } = await import("cloudflare:workers");
    const app = (await import("../src/index")).default;
    const leaving = new AbortController();
    const ctx = createExecutionContext();
    const started = Date.now();
    const pending = app.fetch(new Request("http://gateway.test/v1/chat/completions", {
      ...chatInit({ user: "leaver", key: "sk-leaver", model: "gpt-4o@latency=3000" }), signal: leaving.signal,
    }), env, ctx);
    setTimeout(() => leaving.abort(), 200);
    const response = await pending;
    await waitOnExecutionContext(ctx);
    expect(Date.now() - started).toBeLessThan(2_000);
    const row = await rowFor(response);
    expect(row).toMatchObject({ status: 499, end_state: "client_abort", error_code: "client_closed_request" });
  });
});
