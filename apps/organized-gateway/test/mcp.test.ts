// The /mcp surface in workerd, driven by the official MCP SDK's client against the dev
// upstream: the server it announces, its tools, answers streamed as progress, and every
// refusal — a missing or wrong key at the door (HTTP 401, OpenAI-shaped, a row), a blocked
// or rate-limited attendee in a tool call (the tool's error, /v1's code, a row).
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport, StreamableHTTPError } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult, Progress } from "@modelcontextprotocol/sdk/types.js";
import { CfWorkerJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/cfworker";
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import app from "../src/index";
import { BASE, admin, gateway, issueKey, loggedRows, seenWith } from "./helpers";

let networks = 0;
/** A fresh caller network, so refusal budgets of one test never reach another. */
const network = () => `198.19.${Math.floor(++networks / 250)}.${networks % 250}`;

/** An MCP client of the Worker in workerd, with some settings changed if asked. */
async function connect(key: string | null, settings: Record<string, string> = {}): Promise<Client> {
  const ip = network();
  const transport = new StreamableHTTPClientTransport(new URL(`${BASE}/mcp`), {
    requestInit: { headers: { "cf-connecting-ip": ip, ...(key ? { authorization: `Bearer ${key}` } : {}) } },
    fetch: async (url, init) => app.fetch(new Request(url, init as RequestInit), { ...env, ...settings }, createExecutionContext()),
  });
  const client = new Client({ name: "mcp-test", version: "1.0.0" }, { jsonSchemaValidator: new CfWorkerJsonSchemaValidator() });
  await client.connect(transport);
  return client;
}

function textOf(result: CallToolResult): string {
  return result.content.map((part) => (part.type === "text" ? part.text : "")).join("\n");
}

const errorOf = (result: CallToolResult) => (result.structuredContent as { error: { code: string; status: number; message: string } }).error;

describe("POST /mcp speaks MCP as the server `openclaw`", () => {
  it("initializes as `openclaw` and lists ask_agent, new_conversation and list_models, each described", async () => {
    const client = await connect(await issueKey("mcp-ann"));
    expect(client.getServerVersion()?.name).toBe("openclaw");
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(["ask_agent", "list_models", "new_conversation"]);
    for (const tool of tools) expect(tool.description?.length).toBeGreaterThan(40);
    // What an editor's model picks by: who the agent is, when each tool is the one, and the instructions naming all three.
    const described = Object.fromEntries(tools.map((tool) => [tool.name, tool.description ?? ""]));
    expect(described.ask_agent).toMatch(/user's own OpenClaw agent \("my agent"/);
    expect(described.new_conversation).toMatch(/start over/);
    expect(described.list_models).toMatch(/model ids the user's gateway key may use/);
    expect(client.getInstructions()).toMatch(/ask_agent[\s\S]*new_conversation[\s\S]*list_models/);
    const ask = tools.find((tool) => tool.name === "ask_agent")!;
    expect(ask.inputSchema.required).toEqual(["prompt"]);
    expect(Object.keys(ask.inputSchema.properties ?? {}).sort()).toEqual(["conversation_id", "model", "prompt"]);
    await client.close();
  });

  it("answers ask_agent with the agent's text, streams it as progress, and logs the call as the attendee's own row", async () => {
    const client = await connect(await issueKey("mcp-bo"));
    const progress: Progress[] = [];
    const result = (await client.callTool({ name: "ask_agent", arguments: { prompt: "hello from my editor" } }, undefined,
      { onprogress: (p) => progress.push(p), resetTimeoutOnProgress: true })) as CallToolResult;
    expect(result.isError).toBeFalsy();
    expect(result.content[0]).toEqual({ type: "text", text: "Echo: hello from my editor" });
    const { conversation_id } = result.structuredContent as { conversation_id: string };
    expect(conversation_id).toMatch(/^c-[A-Za-z0-9_-]{16}$/);
    expect(textOf(result)).toContain(`conversation_id: ${conversation_id}`);
    // The dev upstream streams a few words per chunk: the pieces, in order, are the answer.
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.map((p) => p.message).join("")).toBe("Echo: hello from my editor");
    expect(progress.map((p) => p.progress)).toEqual(progress.map((_, i) => i + 1));
    const [row] = await loggedRows("user_id = ?", ["mcp-bo"], 1);
    expect(row).toMatchObject({ endpoint: "/mcp/ask_agent", status: 200, auth: "key", end_state: "complete", stream: 1, model: "gpt-4o-mini" });
    await client.close();
  });

  it("keeps sending progress while the agent is quiet mid-turn, so a client that waits on progress never gives up", async () => {
    // The dev upstream pauses 1.5 s after the first piece of its answer; heartbeats come every 200 ms.
    const client = await connect(await issueKey("mcp-bea"), { MCP_HEARTBEAT_MS: "200" });
    const progress: Progress[] = [];
    const result = (await client.callTool({ name: "ask_agent", arguments: { prompt: "take your time", model: "gpt-4o-mini@pause=1500" } }, undefined,
      { onprogress: (p) => progress.push(p), resetTimeoutOnProgress: true })) as CallToolResult;
    expect(result.isError).toBeFalsy();
    const heartbeats = progress.filter((p) => p.message?.startsWith("Your agent is still working"));
    expect(heartbeats.length).toBeGreaterThan(0);
    // The answer's own pieces are all there, in order, between the heartbeats.
    expect(progress.filter((p) => !heartbeats.includes(p)).map((p) => p.message).join("")).toBe("Echo: take your time");
    expect(progress.map((p) => p.progress)).toEqual(progress.map((_, i) => i + 1));
    await client.close();
  });

  it("gives new_conversation a fresh id each time, with no model call and no row", async () => {
    const client = await connect(await issueKey("mcp-cy"));
    const ids = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const result = (await client.callTool({ name: "new_conversation", arguments: {} })) as CallToolResult;
      ids.add((result.structuredContent as { conversation_id: string }).conversation_id);
    }
    expect(ids.size).toBe(3);
    expect(await loggedRows("user_id = ?", ["mcp-cy"], 1, 300)).toEqual([]);
    await client.close();
  });

  it("lists the models the attendee's key may use through the pipeline", async () => {
    const client = await connect(await issueKey("mcp-dee"));
    const result = (await client.callTool({ name: "list_models", arguments: {} })) as CallToolResult;
    expect((result.structuredContent as { models: string[] }).models).toContain("gpt-4o-mini");
    const [row] = await loggedRows("user_id = ?", ["mcp-dee"], 1);
    expect(row).toMatchObject({ status: 200, endpoint: "/mcp/list_models" });
    await client.close();
  });

  it("refuses a conversation id outside its pattern as invalid arguments, before any model call", async () => {
    const client = await connect(await issueKey("mcp-eve"));
    const result = (await client.callTool({ name: "ask_agent", arguments: { prompt: "hi", conversation_id: "../other attendee" } })) as CallToolResult;
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain("conversation_id");
    expect(await loggedRows("user_id = ?", ["mcp-eve"], 1, 300)).toEqual([]);
    await client.close();
  });
});

describe("a conversation id names one OpenClaw session of the caller, and only theirs", () => {
  const openclaw = { OPENCLAW_TOKEN: "operator-token-123", OPENCLAW_AGENT: "main" };

  /** The session value (`user`) OpenClaw was sent for the turn whose prompt is `prompt`. */
  async function sessionOf(client: Client, prompt: string, conversation?: string): Promise<string> {
    const result = (await client.callTool({ name: "ask_agent", arguments: { prompt, ...(conversation ? { conversation_id: conversation } : {}) } })) as CallToolResult;
    expect(result.isError).toBeFalsy();
    const [seen] = await seenWith(prompt);
    return seen.body?.user as string;
  }

  it("keeps one session per conversation, apart from the attendee's other conversations and from their /v1 session", async () => {
    const key = await issueKey("mcp-kai");
    const client = await connect(key, openclaw);
    const first = await sessionOf(client, "kai turn one", "c-first");
    expect(await sessionOf(client, "kai turn two", "c-first")).toBe(first);
    const second = await sessionOf(client, "kai in the second", "c-second");
    expect(second).not.toBe(first);
    // No id: a fresh conversation each time.
    const fresh = [await sessionOf(client, "kai fresh one"), await sessionOf(client, "kai fresh two")];
    expect(new Set([first, second, ...fresh]).size).toBe(4);
    const v1 = await app.fetch(new Request(`${BASE}/v1/chat/completions`, {
      method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "kai through v1" }] }),
    }), { ...env, ...openclaw }, createExecutionContext());
    expect(v1.status).toBe(200);
    await v1.text();
    const [throughV1] = await seenWith("kai through v1");
    expect([first, second, ...fresh]).not.toContain(throughV1.body?.user);
    await client.close();
  });

  it("keeps every hostile id a caller sends inside their own sessions: another attendee's real id, __proto__ and its kin, the longest allowed", async () => {
    const ned = await connect(await issueKey("mcp-ned"), openclaw);
    const ola = await connect(await issueKey("mcp-ola"), openclaw);
    // Ola's own conversation, with the id the gateway handed her: Ned names it as his.
    const olaTurn = (await ola.callTool({ name: "ask_agent", arguments: { prompt: "ola's first turn" } })) as CallToolResult;
    const olaId = (olaTurn.structuredContent as { conversation_id: string }).conversation_id;
    const [olaSeen] = await seenWith("ola's first turn");
    const olaSession = olaSeen.body?.user as string;
    const hostile = [olaId, "__proto__", "constructor", "prototype", "hasOwnProperty", "toString", "__defineGetter__", `c-${"z".repeat(62)}`];
    const nedSessions = new Map<string, string>();
    for (const id of hostile) {
      const nedSession = await sessionOf(ned, `ned names ${id}`, id);
      expect(nedSession, id).not.toBe(olaSession);
      if (id !== olaId) expect(nedSession, id).not.toBe(await sessionOf(ola, `ola names ${id}`, id));
      // The same id again is the same conversation of his: an id names a session, it does not pick one of anyone's.
      expect(await sessionOf(ned, `ned again names ${id}`, id), id).toBe(nedSession);
      nedSessions.set(id, nedSession);
    }
    expect(new Set(nedSessions.values()).size).toBe(hostile.length);
    await ned.close();
    await ola.close();
  });

  it("refuses an id too long, not ASCII, or shaped like a session key, as the tool's invalid arguments, before any model call or row", async () => {
    const client = await connect(await issueKey("mcp-pia"), openclaw);
    const refused = [
      `c-${"z".repeat(63)}`, "x".repeat(20_000), "c-café", "c-\u202Eevil", "c-\u200Bzero", "c-\u{1F600}", "\uFF43-fullwidth", "c-\u0000nul",
      "mcp:c-shared", "agent:main:openai-user:ocg-0", "../mcp-ola", "c shared", "",
    ];
    for (const [index, id] of refused.entries()) {
      const prompt = `pia hostile ${index}`;
      const result = (await client.callTool({ name: "ask_agent", arguments: { prompt, conversation_id: id } })) as CallToolResult;
      expect(result.isError, JSON.stringify(id.slice(0, 80))).toBe(true);
      expect(textOf(result)).toContain("conversation_id");
      expect(await seenWith(prompt)).toEqual([]);
    }
    expect(await loggedRows("user_id = ?", ["mcp-pia"], 1, 300)).toEqual([]);
    await client.close();
  });

  it("never reaches another attendee's session, whatever id is sent", async () => {
    const lea = await connect(await issueKey("mcp-lea"), openclaw);
    const max = await connect(await issueKey("mcp-max"), openclaw);
    for (const id of ["c-shared", "default", "mcp-lea", "0"]) {
      expect(await sessionOf(lea, `lea names ${id}`, id)).not.toBe(await sessionOf(max, `max names ${id}`, id));
    }
    await lea.close();
    await max.close();
  });
});

describe("ask_agent when the agent's answer fails on the way", () => {
  it("returns the tool's error with the failure's sentence when the stream reports an error, and what was written before it", async () => {
    const client = await connect(await issueKey("mcp-ida"));
    const result = (await client.callTool({ name: "ask_agent", arguments: { prompt: "fail in the middle", model: "gpt-4o-mini@streamerror=1" } })) as CallToolResult;
    expect(result.isError).toBe(true);
    expect(errorOf(result)).toMatchObject({ status: 502 });
    expect(textOf(result)).toContain("upstream provider timeout");
    expect(textOf(result)).toContain("What your agent had written so far:\nEcho:");
    await client.close();
  });

  it("says the answer was cut off when the stream stops before its end, never passing a partial answer off as whole", async () => {
    const client = await connect(await issueKey("mcp-jo"));
    const result = (await client.callTool({ name: "ask_agent", arguments: { prompt: "one two three four five six", model: "gpt-4o-mini@cut=2" } })) as CallToolResult;
    expect(result.isError).toBe(true);
    // The pipeline tells a cut stream with its own error chunk: the tool's error carries its code, as the row does.
    const [row] = await loggedRows("user_id = ?", ["mcp-jo"], 1);
    expect(row.end_state).not.toBe("complete");
    expect(errorOf(result)).toMatchObject({ status: 502, code: row.error_code });
    expect(errorOf(result).message.length).toBeGreaterThan(20);
    await client.close();
  });
});

describe("POST /mcp refuses anyone without the attendee's gateway key, as /v1 does", () => {
  async function refusalOf(key: string | null): Promise<{ status: number; code: string; message: string }> {
    const error = await connect(key).then(() => null, (thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(StreamableHTTPError);
    const { code, message } = error as StreamableHTTPError;
    const body = JSON.parse(message.slice(message.indexOf("{"))) as { error: { code: string; message: string; type: string } };
    return { status: code!, code: body.error.code, message: body.error.message };
  }

  it("answers a wrong key 401 invalid_gateway_key with a sentence, and logs it under `unauthenticated`", async () => {
    const key = await issueKey("mcp-fay");
    const wrong = `${key.slice(0, -4)}${key.endsWith("AAAA") ? "BBBB" : "AAAA"}`;
    const refused = await refusalOf(wrong);
    expect(refused).toMatchObject({ status: 401, code: "invalid_gateway_key" });
    expect(refused.message).toMatch(/OCG_KEY/);
    const rows = await loggedRows("endpoint = '/mcp' AND error_code = 'invalid_gateway_key'", [], 1);
    expect(rows[0]).toMatchObject({ user_id: "unauthenticated", status: 401, end_state: "rejected" });
  });

  it("answers no key, or a key that is not a gateway key, 401 gateway_key_required", async () => {
    expect(await refusalOf(null)).toMatchObject({ status: 401, code: "gateway_key_required" });
    expect(await refusalOf("sk-an-openai-key")).toMatchObject({ status: 401, code: "gateway_key_required" });
  });

  it("tells an editor started without OCG_KEY (it sent its own ${OCG_KEY} unexpanded) to start it with with-key.sh, 401 gateway_key_required", async () => {
    for (const placeholder of ["${OCG_KEY}", "${env:OCG_KEY}"]) {
      const refused = await refusalOf(placeholder);
      expect(refused).toMatchObject({ status: 401, code: "gateway_key_required" });
      expect(refused.message).toContain(`Your editor sent ${placeholder} instead of your gateway key`);
      expect(refused.message).toContain("bash with-key.sh");
    }
    const rows = await loggedRows("endpoint = '/mcp' AND error_code = 'gateway_key_required'", [], 2);
    expect(rows.length).toBeGreaterThanOrEqual(2);
  });

  it("answers GET and DELETE 405 with Allow: POST (no sessions, no server-initiated stream)", async () => {
    for (const method of ["GET", "DELETE"]) {
      const response = await gateway("/mcp", { method, headers: { accept: "text/event-stream" } });
      expect(response.status).toBe(405);
      expect(response.headers.get("allow")).toBe("POST");
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe("method_not_allowed");
    }
  });
});

describe("ask_agent is admitted like any /v1 call: a refusal is the tool's error with /v1's code, and a row", () => {
  it("tells a blocked attendee that the organiser paused their access", async () => {
    const client = await connect(await issueKey("mcp-gus"));
    expect((await admin("/users/mcp-gus/block", { method: "POST" })).status).toBe(200);
    const result = (await client.callTool({ name: "ask_agent", arguments: { prompt: "am I in?" } })) as CallToolResult;
    expect(result.isError).toBe(true);
    expect(errorOf(result)).toMatchObject({ status: 403, code: "user_blocked" });
    expect(textOf(result)).toMatch(/organiser has paused your access/);
    const [row] = await loggedRows("user_id = ?", ["mcp-gus"], 1);
    expect(row).toMatchObject({ status: 403, error_code: "user_blocked", end_state: "rejected" });
    await client.close();
  });

  it("refuses list_models as /v1/models is refused: a blocked attendee hears the organiser paused their access, with a row", async () => {
    const client = await connect(await issueKey("mcp-quy"));
    expect((await admin("/users/mcp-quy/block", { method: "POST" })).status).toBe(200);
    const result = (await client.callTool({ name: "list_models", arguments: {} })) as CallToolResult;
    expect(result.isError).toBe(true);
    expect(errorOf(result)).toMatchObject({ status: 403, code: "user_blocked" });
    expect(textOf(result)).toMatch(/organiser has paused your access/);
    const [row] = await loggedRows("user_id = ?", ["mcp-quy"], 1);
    expect(row).toMatchObject({ endpoint: "/mcp/list_models", status: 403, error_code: "user_blocked" });
    await client.close();
  });

  it("refuses a pipeline tool called straight away with a wrong key (no initialize first) with /v1's invalid_gateway_key, and logs it", async () => {
    const key = await issueKey("mcp-rex");
    const wrong = `${key.slice(0, -4)}${key.endsWith("CCCC") ? "DDDD" : "CCCC"}`;
    for (const [id, name, args] of [[1, "list_models", {}], [2, "ask_agent", { prompt: "rex with a wrong key" }]] as const) {
      const response = await app.fetch(new Request(`${BASE}/mcp`, {
        method: "POST",
        headers: { authorization: `Bearer ${wrong}`, "content-type": "application/json", accept: "application/json, text/event-stream", "cf-connecting-ip": network() },
        body: JSON.stringify({ jsonrpc: "2.0", id, method: "tools/call", params: { name, arguments: args } }),
      }), env, createExecutionContext());
      const text = await response.text();
      const message = JSON.parse(text.split("\n").find((line) => line.startsWith("data: "))?.slice(6) ?? text) as { result: CallToolResult };
      expect(message.result.isError, text).toBe(true);
      expect(errorOf(message.result)).toMatchObject({ status: 401, code: "invalid_gateway_key" });
    }
    expect(await seenWith("rex with a wrong key")).toEqual([]);
    const rows = await loggedRows("endpoint IN ('/mcp/list_models', '/mcp/ask_agent') AND error_code = 'invalid_gateway_key'", [], 2);
    expect(rows.map((row) => row.endpoint).sort()).toEqual(["/mcp/ask_agent", "/mcp/list_models"]);
  });

  it("tells a rate-limited attendee how long to wait, counting ask_agent calls in the same window as /v1", async () => {
    const settings = { RATE_LIMIT_PER_MINUTE: "2" };
    const client = await connect(await issueKey("mcp-hal"), settings);
    const results: CallToolResult[] = [];
    for (let i = 0; i < 3; i++) {
      results.push((await client.callTool({ name: "ask_agent", arguments: { prompt: `turn ${i}` } })) as CallToolResult);
    }
    expect(results.map((r) => Boolean(r.isError))).toEqual([false, false, true]);
    expect(errorOf(results[2])).toMatchObject({ status: 429, code: "rate_limit_exceeded" });
    expect(textOf(results[2])).toMatch(/Try again in \d+ seconds/);
    // A streamed answer's row settles when its stream ends, so rows land in any order.
    const rows = await loggedRows("user_id = ?", ["mcp-hal"], 3);
    expect(rows.map((r) => r.status).sort()).toEqual([200, 200, 429]);
    await client.close();
  });
});
