// /mcp end to end: the official MCP SDK's client (as an editor's MCP client connects) against
// the gateway as `npm start` runs it, in front of a real OpenClaw whose model provider is the
// dev upstream. What reached the model is what OpenClaw sent the provider
// (`provider.stats.requests`), with the whole session history OpenClaw replays in each body:
// a turn that carries an earlier turn's secret word was in the same OpenClaw session.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport, StreamableHTTPError } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult, Progress } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDevUpstream } from "@ocg/dev-upstream";
import { startLocalGateway } from "../../scripts/local-gateway.mjs";
import { startOpenClaw } from "../../scripts/openclaw-local.mjs";
import { callJson, startTogether } from "./harness";

const ADMIN = "mcp-e2e-admin-token";
const RATE_LIMIT = 6;
const TURN_TIMEOUT_MS = 240_000;

let provider: Awaited<ReturnType<typeof startDevUpstream>>;
let openclaw: Awaited<ReturnType<typeof startOpenClaw>> | undefined;
let gateway: Awaited<ReturnType<typeof startLocalGateway>> | undefined;
let stateDir: string;

beforeAll(async () => {
  provider = await startDevUpstream({ port: 18919, quiet: true });
  stateDir = mkdtempSync(path.join(tmpdir(), "ocg-mcp-"));
  const token = "mcp-e2e-openclaw-operator-token";
  await startTogether([
    startOpenClaw({ port: 18819, token, providerUrl: provider.url }),
    startLocalGateway({
      port: 18719,
      persistTo: stateDir,
      settings: {
        OPENCLAW_URL: "http://127.0.0.1:18819", OPENCLAW_TOKEN: token, HASH_SECRET: "mcp-e2e-hash-secret",
        ADMIN_TOKEN: ADMIN, UPSTREAM_TIMEOUT_MS: "120000", RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT),
      },
    }),
  ] as const, ([claw, gw]) => {
    openclaw = claw;
    gateway = gw;
  });
  // A fresh OpenClaw's first turn loads its agent runtime, which takes minutes on a busy
  // machine; one turn through /v1 first keeps that out of the tests' turns.
  const warm = await callJson(gateway!.url, "POST", "/v1/chat/completions", {
    bearer: await issueKey("mcp-warmup"), body: { model: "gpt-4o-mini", messages: [{ role: "user", content: "warm up" }] },
  });
  expect(warm.status).toBe(200);
}, 900_000);

afterAll(async () => {
  await gateway?.stop();
  await openclaw?.stop();
  await provider?.close();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

async function issueKey(userId: string): Promise<string> {
  const issued = await callJson(gateway!.url, "POST", `/admin/api/users/${userId}/keys`, { bearer: ADMIN, body: {} });
  expect(issued.status).toBe(201);
  return issued.body.key as string;
}

async function connect(key: string): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(`${gateway!.url}/mcp`), {
    requestInit: { headers: { authorization: `Bearer ${key}` } },
  });
  const client = new Client({ name: "mcp-e2e", version: "1.0.0" });
  await client.connect(transport);
  return client;
}

async function ask(client: Client, args: Record<string, unknown>, progress: Progress[] = []): Promise<CallToolResult> {
  return (await client.callTool({ name: "ask_agent", arguments: args }, undefined, {
    onprogress: (p) => progress.push(p), resetTimeoutOnProgress: true, timeout: TURN_TIMEOUT_MS,
  })) as CallToolResult;
}

const answerOf = (result: CallToolResult) => (result.structuredContent as { answer: string }).answer;
const conversationOf = (result: CallToolResult) => (result.structuredContent as { conversation_id: string }).conversation_id;
const errorOf = (result: CallToolResult) => (result.structuredContent as { error: { code: string; status: number } }).error;

/** Whether the body OpenClaw sent the model provider for the turn whose prompt was `prompt` carries `word`. */
function turnCarries(prompt: string, word: string): boolean {
  const calls = provider.stats.requests
    .map((r: { body: unknown }) => JSON.stringify(r.body))
    .filter((body: string) => body.includes(prompt));
  expect(calls.length).toBeGreaterThan(0);
  return calls.at(-1)!.includes(word);
}

interface Row { user_id: string; status: number; error_code: string | null; endpoint: string }

/** Rows as the organiser's API lists them (`filter` is its query), once `count` have settled. */
async function rowsOf(filter: string, count: number): Promise<Row[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const listed = await callJson(gateway!.url, "GET", `/admin/api/requests?${filter}&limit=100`, { bearer: ADMIN });
    expect(listed.status).toBe(200);
    const rows = listed.body.data as Row[];
    if (rows.length >= count || Date.now() > deadline) return rows;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

describe("/mcp in front of a real OpenClaw, driven by the official MCP client", () => {
  it("initializes as `openclaw`, lists its tools, and lists the attendee's models through the pipeline with a row", async () => {
    const client = await connect(await issueKey("mcp-amy"));
    expect(client.getServerVersion()?.name).toBe("openclaw");
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(["ask_agent", "list_models", "new_conversation"]);
    const listed = (await client.callTool({ name: "list_models", arguments: {} })) as CallToolResult;
    expect(listed.isError).toBeFalsy();
    expect((listed.structuredContent as { models: string[] }).models.length).toBeGreaterThan(0);
    expect(await rowsOf("user_id=mcp-amy", 1)).toEqual([expect.objectContaining({ endpoint: "/mcp/list_models", status: 200 })]);
    await client.close();
  });

  it("answers ask_agent with OpenClaw's answer, streamed as progress, and logs the turn as the attendee's row", async () => {
    const client = await connect(await issueKey("mcp-bo"));
    const progress: Progress[] = [];
    const result = await ask(client, { prompt: "hello through the mcp surface" }, progress);
    expect(result.isError).toBeFalsy();
    expect(answerOf(result)).toContain("hello through the mcp surface");
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.map((p) => p.message).join("")).toBe(answerOf(result));
    const rows = await rowsOf("user_id=mcp-bo", 1);
    expect(rows).toEqual([expect.objectContaining({ status: 200 })]);
    await client.close();
  }, TURN_TIMEOUT_MS);

  it("keeps conversations apart: a second conversation, or another attendee naming the same id, never sees the first", async () => {
    const word = `PELICAN-${randomBytes(4).toString("hex")}`;
    const cy = await connect(await issueKey("mcp-cy"));
    const first = await ask(cy, { prompt: `Remember the secret word ${word}.` });
    expect(first.isError).toBeFalsy();
    const conversation = conversationOf(first);

    const fresh = (await cy.callTool({ name: "new_conversation", arguments: {} })) as CallToolResult;
    const other = conversationOf(fresh);
    expect(other).not.toBe(conversation);
    const elsewhere = await ask(cy, { prompt: "cy asks in another conversation: which word?", conversation_id: other });
    expect(elsewhere.isError).toBeFalsy();
    expect(turnCarries("cy asks in another conversation", word)).toBe(false);

    const dee = await connect(await issueKey("mcp-dee"));
    const intruder = await ask(dee, { prompt: "dee names cy's conversation: which word?", conversation_id: conversation });
    expect(intruder.isError).toBeFalsy();
    expect(turnCarries("dee names cy's conversation", word)).toBe(false);

    // Without this, "never sees" would prove nothing: the same conversation does remember.
    const again = await ask(cy, { prompt: "cy continues: which word?", conversation_id: conversation });
    expect(again.isError).toBeFalsy();
    expect(turnCarries("cy continues", word)).toBe(true);
    await cy.close();
    await dee.close();
  }, TURN_TIMEOUT_MS * 2);
});

describe("/mcp refuses as /v1 does, each refusal a row", () => {
  it("refuses a wrong key at the door with 401 invalid_gateway_key", async () => {
    const key = await issueKey("mcp-eve");
    const wrong = `${key.slice(0, -4)}${key.endsWith("zzzz") ? "yyyy" : "zzzz"}`;
    const error = await connect(wrong).then(() => null, (thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(StreamableHTTPError);
    expect((error as StreamableHTTPError).code).toBe(401);
    expect((error as Error).message).toContain("invalid_gateway_key");
    const rows = await rowsOf("status=401", 1);
    expect(rows).toContainEqual(expect.objectContaining({ user_id: "unauthenticated", endpoint: "/mcp", error_code: "invalid_gateway_key" }));
  });

  it("tells a blocked attendee that the organiser paused their access, and OpenClaw never sees the turn", async () => {
    const client = await connect(await issueKey("mcp-fay"));
    expect((await callJson(gateway!.url, "POST", "/admin/api/users/mcp-fay/block", { bearer: ADMIN })).status).toBe(200);
    const result = await ask(client, { prompt: "fay while blocked" });
    expect(result.isError).toBe(true);
    expect(errorOf(result)).toMatchObject({ status: 403, code: "user_blocked" });
    expect(provider.stats.requests.some((r: { body: unknown }) => JSON.stringify(r.body).includes("fay while blocked"))).toBe(false);
    expect(await rowsOf("user_id=mcp-fay", 1)).toEqual([expect.objectContaining({ status: 403, error_code: "user_blocked" })]);
    await client.close();
  });

  it("tells a rate-limited attendee to wait once their minute's calls are spent", async () => {
    const client = await connect(await issueKey("mcp-gus"));
    const results: CallToolResult[] = [];
    for (let i = 0; i <= RATE_LIMIT; i++) results.push(await ask(client, { prompt: `gus turn ${i}` }));
    expect(results.slice(0, RATE_LIMIT).every((r) => !r.isError)).toBe(true);
    expect(errorOf(results[RATE_LIMIT])).toMatchObject({ status: 429, code: "rate_limit_exceeded" });
    const rows = await rowsOf("user_id=mcp-gus", RATE_LIMIT + 1);
    expect(rows.filter((row) => row.status === 429)).toHaveLength(1);
    await client.close();
  }, TURN_TIMEOUT_MS * 2);
});
