// `ocg smoke <url>`: the runbook's smoke test after a deploy, one PASS/FAIL line per step:
// the gateway's health, one chat through it as a test attendee, and that request's row in
// D1 read back through the admin API. Without --key/--openai-key it issues a temporary
// gateway key for a fresh test user and revokes it at the end. Exit 1 if any step fails.
// No key or token is ever printed (only key ids and hints).
import { GatewayClient } from "../admin-client.mjs";
import { CliError } from "../errors.mjs";

export const name = "smoke";
export const summary = "smoke-test a gateway: health, one chat as a test user, its row in D1";
export const usage = `Usage: ocg smoke [<url>] [--key ocg_...] [--openai-key sk-...] [--user <id>] [--model <model>]

Steps, each reported PASS or FAIL:
  health        GET /health answers and the upstream is reachable
  test key      (only without --key/--openai-key) a temporary gateway key for a fresh test user
  chat          POST /v1/chat/completions as that user answers 200 with a message
  D1 row        the admin API lists that request (matched by its x-request-id) as logged
  user summary  the admin API's user view counts the test user's requests
  revoke key    (only if a temporary key was issued) it is revoked again
The chat authenticates with --key (a gateway key), or --openai-key (BYOK: X-User-ID + your
own sk- key, for pass-through gateways), or a temporary key issued with the admin token.
The D1 steps need the admin token (--token or ADMIN_TOKEN). Exit code 1 if any step fails.`;

export const options = {
  key: { type: "string" },
  "openai-key": { type: "string" },
  user: { type: "string" },
  model: { type: "string", default: "gpt-4o" },
};

const CHAT_TIMEOUT_MS = 90_000;
// Rows reach D1 after the response, batched per attendee: give them a moment.
const ROW_WAIT_MS = 20_000;

export async function run({ values, positionals, context }) {
  const { stdout, token } = context;
  const gateway = positionals[0] ? new GatewayClient({ url: positionals[0], token }) : context.gateway;
  if (values.key && values["openai-key"]) throw new CliError("use either --key or --openai-key, not both", 2);
  if (values.key && !/^ocg_[A-Za-z0-9._-]{1,64}_[A-Za-z0-9]{40}$/.test(values.key)) {
    throw new CliError("--key must be a gateway key (ocg_<user>_<secret>); for your own OpenAI key use --openai-key", 2);
  }
  const results = [];
  const report = (ok, step, detail) => {
    results.push(ok);
    stdout.write(`  ${ok ? "PASS" : "FAIL"}  ${step.padEnd(13)} ${detail}\n`);
  };
  stdout.write(`Smoke test of ${gateway.url}\n`);

  // 1. health
  let health;
  try {
    health = await gateway.health();
    const up = health.upstream ?? {};
    const reachable = up.reachable === true;
    report(health.status === "ok" && reachable, "health",
      `status ${health.status}; upstream ${up.name ?? "?"} ${reachable ? `reachable (${up.latency_ms} ms)` : "NOT reachable — check OPENCLAW_URL and docs/exposing-openclaw.md"}; strategy ${up.strategy}`);
  } catch (error) {
    report(false, "health", error.message);
    return finish(stdout, results);
  }

  // 2. who the test attendee is
  let userId = values.user ?? `smoke-${Date.now().toString(36)}`;
  let authorization;
  const headers = { "content-type": "application/json" };
  let temporaryKey = null;
  if (values.key) {
    userId = values.key.slice(4, values.key.lastIndexOf("_"));
    authorization = `Bearer ${values.key}`;
  } else if (values["openai-key"]) {
    authorization = `Bearer ${values["openai-key"]}`;
    headers["x-user-id"] = userId;
  } else {
    try {
      temporaryKey = await gateway.admin(`/users/${encodeURIComponent(userId)}/keys`, { method: "POST", body: { label: "ocg smoke (temporary)" } });
      authorization = `Bearer ${temporaryKey.key}`;
      report(true, "test key", `issued key ${temporaryKey.id} (${temporaryKey.hint}) for ${userId}; revoked at the end`);
    } catch (error) {
      report(false, "test key", `${error.message} — or pass --key ocg_... / --openai-key sk-...`);
      return finish(stdout, results);
    }
  }
  headers.authorization = authorization;

  try {
    // 3. one chat
    const requestId = await chat(gateway.url, headers, values.model, userId, { health, byok: Boolean(values["openai-key"]) }, report);

    // 4-5. the row in D1, via the admin API
    if (!token) {
      report(false, "D1 row", "no admin token: pass --token <ADMIN_TOKEN> (or set ADMIN_TOKEN) to check the log");
    } else if (requestId) {
      await checkRow(gateway, userId, requestId, report);
    }
  } finally {
    if (temporaryKey) {
      try {
        await gateway.admin(`/keys/${encodeURIComponent(temporaryKey.id)}`, { method: "DELETE" });
        report(true, "revoke key", `key ${temporaryKey.id} revoked`);
      } catch (error) {
        report(false, "revoke key", `${error.message} — revoke it by hand: ocg keys revoke ${temporaryKey.id}`);
      }
    }
  }
  return finish(stdout, results);
}

async function chat(base, headers, model, userId, { health, byok }, report) {
  const started = Date.now();
  let response;
  try {
    response = await fetch(`${base}/v1/chat/completions`, {
      method: "POST",
      headers,
      body: JSON.stringify({ model, messages: [{ role: "user", content: "Smoke test: reply with one short sentence." }] }),
      signal: AbortSignal.timeout(CHAT_TIMEOUT_MS),
    });
  } catch (error) {
    report(false, "chat", `no answer within ${CHAT_TIMEOUT_MS / 1000} s or connection failed (${error.cause?.code ?? error.name})`);
    return null;
  }
  const ms = Date.now() - started;
  const requestId = response.headers.get("x-request-id");
  const text = await response.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    report(false, "chat", `HTTP ${response.status} without JSON (${text.slice(0, 80).replace(/\s+/g, " ")})`);
    return null;
  }
  const content = body?.choices?.[0]?.message?.content;
  if (response.status === 200 && typeof content === "string" && content.trim()) {
    report(true, "chat", `200 in ${ms} ms as ${userId}: "${oneLine(content, 60)}" (request ${requestId})`);
    return requestId;
  }
  const error = body?.error ?? {};
  let hint = "";
  if (error.code === "invalid_api_key" && byok) {
    hint = " — the upstream refused that --openai-key: check the key";
  } else if (error.code === "invalid_api_key" && health.upstream?.strategy === "passthrough") {
    hint = " — this gateway passes each attendee's own key through: pass --openai-key sk-...";
  } else if (error.code === "invalid_api_key") {
    hint = " — the upstream refused the gateway's credential: check the OPENCLAW_TOKEN secret";
  }
  report(false, "chat", `HTTP ${response.status} ${error.code ?? ""}: ${error.message ?? oneLine(text, 80)}${hint}`);
  return requestId;
}

async function checkRow(gateway, userId, requestId, report) {
  const deadline = Date.now() + ROW_WAIT_MS;
  let row;
  try {
    for (;;) {
      const { data } = await gateway.admin(`/requests?user_id=${encodeURIComponent(userId)}&limit=20`);
      row = data.find((r) => r.request_id === requestId);
      if (row || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  } catch (error) {
    report(false, "D1 row", error.message);
    return;
  }
  if (!row) {
    report(false, "D1 row", `request ${requestId} is not in D1 after ${ROW_WAIT_MS / 1000} s: check the Worker's logs (npx wrangler tail) for D1 errors`);
    return;
  }
  const ok = row.status === 200 && row.end_state === "complete";
  report(ok, "D1 row", `request ${requestId} logged: status ${row.status}, end_state ${row.end_state}, ${row.tokens_est ?? 0} tokens (${row.usage_source ?? "?"}), ${row.latency_ms} ms`);
  try {
    const user = await gateway.admin(`/users/${encodeURIComponent(userId)}`);
    const total = Number(user.summary?.total_requests ?? 0);
    report(total >= 1, "user summary", `${userId}: ${total} request(s) in user_summary, last seen ${user.summary?.last_seen ?? "never"}`);
  } catch (error) {
    report(false, "user summary", error.message);
  }
}

function oneLine(text, max) {
  const flat = String(text).replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function finish(stdout, results) {
  const failed = results.filter((r) => r === false).length;
  stdout.write(failed ? `Smoke test FAILED: ${failed} of ${results.length} step(s) failed.\n` : `Smoke test PASSED (${results.length} steps).\n`);
  return failed ? 1 : 0;
}
