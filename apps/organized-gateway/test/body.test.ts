import { describe, expect, it } from "vitest";
import { MAX_JSON_DEPTH, nestingDepth } from "../src/pipeline/envelope/body";
import { gateway, rowFor } from "./helpers";

type ErrorBody = { error: { message: string; type: string; code: string } };

/** `n` arrays nested around `inner`, built as text (no recursion in the test either). */
const arrays = (n: number, inner = '"x"') => "[".repeat(n) + inner + "]".repeat(n);
/** `n` objects nested around `inner`: {"a":{"a":...}}. */
const objects = (n: number, inner = '"x"') => '{"a":'.repeat(n) + inner + "}".repeat(n);
/** A message whose content is `content` (raw JSON text). */
const chatWith = (content: string, extra = "") =>
  `{"model":"gpt-4o","messages":[{"role":"user","content":${content}}]${extra}}`;

/** Builds a value nested `n` levels deep without recursion. */
function deepValue(n: number): unknown {
  let value: unknown = "x";
  for (let i = 0; i < n; i++) value = i % 2 ? [value] : { a: value };
  return value;
}

describe("the nesting depth of a body", () => {
  it("counts a scalar as 0 and each array or object around it as one level", () => {
    expect(nestingDepth("x")).toBe(0);
    expect(nestingDepth(null)).toBe(0);
    expect(nestingDepth({})).toBe(1);
    expect(nestingDepth([[1]])).toBe(2);
    expect(nestingDepth({ messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }] })).toBe(5);
  });

  it("reports the deepest branch, wherever it is", () => {
    expect(nestingDepth({ a: 1, b: [[[]]], c: { d: [] } })).toBe(4);
    expect(nestingDepth([[], [[], [[[]]]], []])).toBe(5);
  });

  it("measures a value a million levels deep without overflowing the stack", () => {
    expect(nestingDepth(deepValue(1_000_000))).toBe(1_000_000);
  });

  it("stops counting once past its limit", () => {
    expect(nestingDepth(deepValue(1_000), 64)).toBe(65);
    expect(nestingDepth(deepValue(64), 64)).toBe(64);
  });
});

describe("a body nested too deeply", () => {
  const headers = (user: string) => ({ "x-user-id": user, authorization: `Bearer sk-${user}`, "content-type": "application/json" });

  it.each([
    { shape: "3,000 arrays deep in messages[].content (the reported 6 KB body)", path: "/v1/chat/completions",
      body: chatWith(arrays(3_000)) },
    { shape: "20,000 arrays deep in messages[].content", path: "/v1/chat/completions", body: chatWith(arrays(20_000)) },
    { shape: "arrays deep in a content part's text", path: "/v1/chat/completions",
      body: chatWith(`[{"type":"text","text":${arrays(3_000)}}]`) },
    { shape: "100,000 objects deep in a Responses API input", path: "/v1/responses",
      body: `{"model":"gpt-4o","input":${objects(100_000)}}` },
    { shape: "arrays deep in a Responses API input item's content", path: "/v1/responses",
      body: `{"model":"gpt-4o","input":[{"role":"user","content":${arrays(3_000)}}]}` },
    { shape: "100,000 levels deep in a tool's parameter schema", path: "/v1/chat/completions",
      body: chatWith('"hi"', `,"tools":[{"type":"function","function":{"name":"f","parameters":${objects(50_000, arrays(50_000))}}}]`) },
    { shape: "arrays deep in a legacy completion prompt", path: "/v1/completions",
      body: `{"model":"gpt-4o","prompt":${arrays(3_000)}}` },
  ])("gets 400 too_deeply_nested, never 500: $shape", async ({ path, body }) => {
    const response = await gateway(path, { method: "POST", headers: headers("deep-nester"), body });
    expect(response.status).toBe(400);
    const answer = (await response.json()) as ErrorBody;
    expect(answer.error).toMatchObject({ type: "invalid_request_error", code: "too_deeply_nested" });
    expect(answer.error.message).toContain(`${MAX_JSON_DEPTH} levels`);
    expect(await rowFor(response)).toMatchObject({ status: 400, end_state: "rejected", error_code: "too_deeply_nested" });
  });

  it(`is forwarded as usual at exactly ${MAX_JSON_DEPTH} levels, and refused at one more`, async () => {
    // The body object, messages and the message are 3 levels; the rest is content's arrays.
    const atLimit = chatWith(arrays(MAX_JSON_DEPTH - 3, '"hi"'));
    const ok = await gateway("/v1/chat/completions", { method: "POST", headers: headers("deep-edge"), body: atLimit });
    expect(ok.status).toBe(200);
    const over = chatWith(arrays(MAX_JSON_DEPTH - 2, '"hi"'));
    const refused = await gateway("/v1/chat/completions", { method: "POST", headers: headers("deep-edge"), body: over });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as ErrorBody).error.code).toBe("too_deeply_nested");
  });
});
