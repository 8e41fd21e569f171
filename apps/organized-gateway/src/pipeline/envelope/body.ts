/**
 * Envelope: the request body is read once, with a size cap enforced before (from
 * Content-Length) and while (counting bytes) it is read, and must be a JSON object
 * nested no deeper than MAX_JSON_DEPTH.
 */
import { type GatewayError, refusal } from "../../errors";

export type JsonObject = Record<string, unknown>;

/**
 * How deeply a request body may nest arrays and objects. The deepest real requests (a tool
 * whose JSON Schema nests objects in arrays in objects) stay well under 30; past this, a
 * body is an attack or a bug. Anything recursive that later walks the body (usage
 * estimates, `JSON.stringify` for the upstream) would otherwise overflow the call stack on
 * a few kilobytes of brackets and answer 500.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * How deeply a parsed JSON value nests: a scalar is 0, `[]` and `{}` are 1, `[[1]]` is 2.
 * Walks with an explicit stack, never recursion, so no input can overflow it; stops as
 * soon as the depth passes `limit` (the answer is then `limit + 1`).
 */
export function nestingDepth(value: unknown, limit = Number.MAX_SAFE_INTEGER): number {
  const nodes: unknown[] = [value];
  const depths: number[] = [0];
  let deepest = 0;
  while (nodes.length > 0) {
    const node = nodes.pop();
    const depth = depths.pop()! + 1;
    if (node === null || typeof node !== "object") continue;
    if (depth > deepest) {
      deepest = depth;
      if (deepest > limit) return deepest;
    }
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (child !== null && typeof child === "object") {
        nodes.push(child);
        depths.push(depth);
      }
    }
  }
  return deepest;
}

function tooLarge(maxBytes: number): GatewayError {
  return refusal("request_too_large", { maxBytes });
}

async function readCapped(body: ReadableStream<Uint8Array>, maxBytes: number, tooLargeError: (maxBytes: number) => GatewayError): Promise<Uint8Array> {
  const reader = body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLargeError(maxBytes);
    }
    parts.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.byteLength;
  }
  return bytes;
}

/**
 * The body as text, at most `maxBytes` of it: refused from Content-Length before reading,
 * counted while reading a body without one. A declared length within the cap is enforced
 * by the runtime, so that body is read natively.
 */
export async function readCappedText(request: Request, maxBytes: number, tooLargeError = tooLarge): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? NaN);
  if (declared > maxBytes) throw tooLargeError(maxBytes);
  if (!request.body) return "";
  if (Number.isFinite(declared)) return request.text();
  return new TextDecoder().decode(await readCapped(request.body, maxBytes, tooLargeError));
}

export async function readJsonObject(request: Request, maxBytes: number): Promise<JsonObject> {
  const text = await readCappedText(request, maxBytes);
  if (text.trim() === "") {
    throw refusal("missing_body");
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw refusal("invalid_json", { why: "syntax" });
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw refusal("invalid_json", { why: "not_object" });
  }
  if (nestingDepth(parsed, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
    throw refusal("too_deeply_nested", { maxDepth: MAX_JSON_DEPTH });
  }
  return parsed as JsonObject;
}
