// The MCP surface's pure parts: conversation ids, which messages the door checks the key
// for, and reading the pipeline's streamed answer.
import { describe, expect, it } from "vitest";
import { ChatStreamReader, refusalOf } from "../src/surfaces/mcp/answer";
import { CONVERSATION_ID_PATTERN, newConversationId, pipelineConversation } from "../src/surfaces/mcp/conversation";
import { needsKeyCheck, unexpandedPlaceholder } from "../src/surfaces/mcp/door";

describe("conversation ids", () => {
  it("are fresh, unguessable and within the pattern a caller's id must match", () => {
    const ids = new Set(Array.from({ length: 200 }, () => newConversationId()));
    expect(ids.size).toBe(200);
    for (const id of ids) expect(id).toMatch(CONVERSATION_ID_PATTERN);
  });

  it("name the pipeline's conversation inside the MCP surface's own space", () => {
    expect(pipelineConversation("c-1")).toBe("mcp:c-1");
    expect(pipelineConversation("default")).not.toBe("default");
  });

  it("refuse what could escape a name: separators, spaces, empty, too long", () => {
    for (const id of ["", "a/b", "a:b", "a b", "..", "x".repeat(65), "é"]) expect(CONVERSATION_ID_PATTERN.test(id)).toBe(false);
  });
});

describe("the door checks the key itself unless admission will", () => {
  const call = (name: string) => ({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name, arguments: {} } });

  it("leaves calls of pipeline tools to admission", () => {
    expect(needsKeyCheck(call("ask_agent"))).toBe(false);
    expect(needsKeyCheck([call("ask_agent"), call("list_models")])).toBe(false);
  });

  it("checks initialize, tools/list, notifications, other tools, mixed batches and non-JSON-RPC bodies", () => {
    expect(needsKeyCheck({ jsonrpc: "2.0", id: 1, method: "initialize", params: {} })).toBe(true);
    expect(needsKeyCheck({ jsonrpc: "2.0", method: "notifications/initialized" })).toBe(true);
    expect(needsKeyCheck(call("new_conversation"))).toBe(true);
    expect(needsKeyCheck([call("ask_agent"), { jsonrpc: "2.0", id: 2, method: "tools/list" }])).toBe(true);
    for (const body of [[], null, "x", 3, { method: "tools/call" }]) expect(needsKeyCheck(body)).toBe(true);
  });
});

describe("an editor's unexpanded key reference, told apart from a missing or wrong key", () => {
  it("names the reference each editor writes when the variable is not in its environment", () => {
    for (const sent of ["${OCG_KEY}", "${env:OCG_KEY}", "${input:ocg-key}"]) expect(unexpandedPlaceholder(sent), sent).toBe(sent);
  });

  it("names nothing else back: a key, an empty or long reference, anything around it", () => {
    for (const sent of [undefined, "", "ocg_sam_abc", "sk-proj-123", "${}", "x${OCG_KEY}", "${OCG_KEY}x", `\${${"A".repeat(65)}}`, "${a b}", "${<script>}"]) {
      expect(unexpandedPlaceholder(sent), String(sent)).toBeNull();
    }
  });
});

describe("reading the pipeline's answer", () => {
  const chunk = (content: string, finish: string | null = null) =>
    `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content }, finish_reason: finish }] })}\n\n`;

  it("yields the text of each delta, across events split between network chunks", () => {
    const reader = new ChatStreamReader();
    const stream = chunk("Hel") + chunk("lo, ") + chunk("world", "stop") + "data: [DONE]\n\n";
    const texts: string[] = [];
    let finished = false;
    for (let i = 0; i < stream.length; i += 7) {
      const step = reader.push(stream.slice(i, i + 7));
      if (step.text) texts.push(step.text);
      finished ||= step.finished;
    }
    expect(texts.join("")).toBe("Hello, world");
    expect(finished).toBe(true);
  });

  it("reports an error chunk with its code and sentence", () => {
    const step = new ChatStreamReader().push(`data: ${JSON.stringify({ error: { message: "The agent failed.", type: "upstream_error", code: "agent_failed" } })}\n\n`);
    expect(step.failure).toEqual({ code: "agent_failed", message: "The agent failed." });
  });

  it("turns an OpenAI-shaped refusal into the tool's error, with the wait it asks for", async () => {
    const response = new Response(JSON.stringify({ error: { message: "Wait.", type: "rate_limit_error", code: "rate_limit_exceeded" } }),
      { status: 429, headers: { "retry-after": "12" } });
    expect(await refusalOf(response)).toEqual({ status: 429, type: "rate_limit_error", code: "rate_limit_exceeded", message: "Wait.", retryAfterSeconds: 12 });
  });

  it("still gives a sentence for an answer that is not OpenAI-shaped", async () => {
    const refusal = await refusalOf(new Response("<html>bad gateway</html>", { status: 502 }));
    expect(refusal).toMatchObject({ status: 502, code: "http_502" });
    expect(refusal.message).toMatch(/Try again/);
  });
});
