// Several turns of one attendee at once in one OpenClaw session, through the gateway and a real
// OpenClaw (the documented host config). OpenClaw fails a turn that starts while another is
// starting in the same session (SessionWorkStartChangedError, answered as its opaque 500
// "internal error", or an error event on a stream), and such a 5xx counts in the month: the
// gateway queues one session's turns in the attendee's object, so they run one after another
// and every one is answered. Each group below is the attendee's one default session (the
// kit's agent.sh), or one tool's conversation as each tool names it, on each surface.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDevUpstream } from "@ocg/dev-upstream";
import { startLocalGateway } from "../../scripts/local-gateway.mjs";
import { startOpenClaw } from "../../scripts/openclaw-local.mjs";
import { HOST_CONFIG_FRAGMENT } from "../../src/credentials/host-setup";
import { startTogether } from "./harness";

const ADMIN = "session-turns-e2e-admin-token";
const PORTS = { gateway: 19520, openclaw: 19521, provider: 19522 };
/** Turns sent at once in each session. */
const AT_ONCE = 4;
let provider: Awaited<ReturnType<typeof startDevUpstream>>;
let openclaw: Awaited<ReturnType<typeof startOpenClaw>> | undefined;
let gateway: Awaited<ReturnType<typeof startLocalGateway>> | undefined;
let stateDir: string;

beforeAll(async () => {
  provider = await startDevUpstream({ port: PORTS.provider, quiet: true });
  stateDir = mkdtempSync(path.join(tmpdir(), "ocg-session-turns-"));
  await startTogether([
    startOpenClaw({ port: PORTS.openclaw, token: "session-turns-operator-token", providerUrl: provider.url, config: HOST_CONFIG_FRAGMENT }),
    startLocalGateway({
      port: PORTS.gateway,
      persistTo: stateDir,
      settings: {
        OPENCLAW_URL: `http://127.0.0.1:${PORTS.openclaw}`, OPENCLAW_TOKEN: "session-turns-operator-token", HASH_SECRET: "session-turns-hash-secret",
        ADMIN_TOKEN: ADMIN, UPSTREAM_TIMEOUT_MS: "120000",
        // A metered tier, so the month's count is there to read; a queue long enough for four turns in a row.
        DEFAULT_TIER: "metered", TIERS: JSON.stringify({ metered: { requests_per_month: 1000, projects: null, priority: 1, price_ids: [] } }),
        INFLIGHT_QUEUE_MS: "180000",
      },
    }),
  ] as const, ([claw, started]) => { openclaw = claw; gateway = started; });
}, 600_000);

afterAll(async () => {
  await gateway?.stop();
  await openclaw?.stop();
  await provider?.close();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

const asAdmin = { authorization: `Bearer ${ADMIN}` };

async function keyFor(user: string): Promise<string> {
  const issued = await fetch(`${gateway!.url}/admin/api/users/${user}/keys`, { method: "POST", headers: asAdmin });
  return ((await issued.json()) as { key: string }).key;
}

/** The attendee's requests this month, as their object counts them (what the quota reads). */
async function monthTotal(user: string): Promise<number> {
  const answer = await fetch(`${gateway!.url}/admin/api/users/${user}`, { headers: asAdmin });
  return ((await answer.json()) as { usage: { total: number } }).usage.total;
}

interface Turn {
  status: number;
  /** The answer's text (a stream's content deltas joined). */
  text: string;
  /** A stream's error events, or a plain answer's error body. */
  errors: unknown[];
}

/** How each surface is asked for a turn in one conversation, and where its answer's text is. */
type Surface = "chat" | "responses" | "messages";
interface TurnOptions { surface: Surface; session?: string; stream?: boolean }

function requestFor(content: string, { surface, session, stream }: TurnOptions): { path: string; headers: Record<string, string>; body: object } {
  if (surface === "responses") {
    // Codex CLI's conversation: its thread id as prompt_cache_key.
    return { path: "/v1/responses", headers: {}, body: { model: "gpt-5.5", input: content, ...(session ? { prompt_cache_key: session } : {}) } };
  }
  if (surface === "messages") {
    // Claude Code's conversation: its session header.
    return {
      path: "/v1/messages", headers: { "anthropic-version": "2023-06-01", ...(session ? { "x-claude-code-session-id": session } : {}) },
      body: { model: "claude-sonnet-4-5", max_tokens: 200, messages: [{ role: "user", content }] },
    };
  }
  return {
    path: "/v1/chat/completions", headers: session ? { "x-session-id": session } : {},
    body: { model: "gpt-4o", stream: stream === true, messages: [{ role: "user", content }] },
  };
}

/** Every `text` in an answer: chat's message content, Responses' output_text parts, Messages' text blocks. */
function textOf(json: Record<string, unknown>): string {
  const choices = json.choices as { message: { content: string } }[] | undefined;
  if (choices) return choices[0]?.message.content ?? "";
  const parts = (json.output as { content?: { text?: string }[] }[] | undefined)?.flatMap((item) => item.content ?? [])
    ?? (json.content as { text?: string }[] | undefined) ?? [];
  return parts.map((part) => part.text ?? "").join("");
}

async function turn(key: string, content: string, options: TurnOptions): Promise<Turn> {
  const { path: route, headers, body: sent } = requestFor(content, options);
  const response = await fetch(`${gateway!.url}${route}`, {
    method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...headers }, body: JSON.stringify(sent),
  });
  const body = await response.text();
  if (!options.stream || !response.ok) {
    const json = JSON.parse(body) as Record<string, unknown>;
    return { status: response.status, text: textOf(json), errors: json.error ? [json.error] : [] };
  }
  const events = body.split("\n").filter((line) => line.startsWith("data: ") && line !== "data: [DONE]")
    .map((line) => JSON.parse(line.slice(6)) as { error?: unknown; choices?: { delta?: { content?: string } }[] });
  return {
    status: response.status,
    text: events.map((event) => event.choices?.[0]?.delta?.content ?? "").join(""),
    errors: events.filter((event) => event.error).map((event) => event.error),
  };
}

/** The user messages of OpenClaw's last model call that carries `marker`: the session's history as the model saw it. */
function historyOfLastCallWith(marker: string): string[] {
  const calls = (provider.stats.requests as { path: string; body: { messages?: { role: string; content: unknown }[] } }[])
    .filter((r) => r.path.endsWith("/chat/completions") && JSON.stringify(r.body).includes(marker));
  const messages = calls.at(-1)?.body.messages ?? [];
  return messages.filter((m) => m.role === "user").map((m) => JSON.stringify(m.content));
}

describe(`${AT_ONCE} turns of one attendee at once in one OpenClaw session`, () => {
  for (const [name, options] of [
    ["the attendee's one default session (chat completions)", { surface: "chat" }],
    ["one tool conversation (x-session-id)", { surface: "chat", session: "tool-conversation-1" }],
    ["one tool conversation, streamed", { surface: "chat", session: "tool-conversation-2", stream: true }],
    ["one Codex thread (Responses, prompt_cache_key)", { surface: "responses", session: "codex-thread-1" }],
    ["one Claude Code session (Messages, x-claude-code-session-id)", { surface: "messages", session: "11111111-2222-4333-8444-555555555555" }],
  ] satisfies [string, TurnOptions][]) {
    it(`${name}: every turn is answered (no 5xx, no error event), one after another in the one session, and the month counts exactly those`, async () => {
      const user = `turns-${name.replace(/[^a-z]/g, "").slice(0, 40)}`;
      const key = await keyFor(user);
      const before = await monthTotal(user);
      const marker = `${user}-marker`;
      const turns = await Promise.all(Array.from({ length: AT_ONCE }, (_, i) => turn(key, `${marker} turn ${i}`, options)));
      expect(turns.map((t) => t.status)).toEqual(Array(AT_ONCE).fill(200));
      expect(turns.flatMap((t) => t.errors)).toEqual([]);
      for (const [i, answered] of turns.entries()) expect(answered.text).toContain(`${marker} turn ${i}`);
      // They ran in one session, each after the one before: the last model call saw every turn.
      const history = historyOfLastCallWith(marker);
      for (let i = 0; i < AT_ONCE; i++) expect(history.some((text) => text.includes(`${marker} turn ${i}`))).toBe(true);
      expect((await monthTotal(user)) - before).toBe(AT_ONCE);
    }, 600_000);
  }
});
