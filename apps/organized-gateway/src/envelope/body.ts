/**
 * Envelope: the request body is read once, with a size cap enforced before (from
 * Content-Length) and while (counting bytes) it is read, and must be a JSON object.
 */
import { GatewayError } from "../shared/errors";

export type JsonObject = Record<string, unknown>;

function tooLarge(maxBytes: number): GatewayError {
  return new GatewayError(413, "invalid_request_error", "request_too_large",
    `The request body is larger than this gateway accepts (${maxBytes} bytes). Send a shorter prompt or fewer messages.`);
}

async function readCapped(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<Uint8Array> {
  const reader = body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge(maxBytes);
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

export async function readJsonObject(request: Request, maxBytes: number): Promise<JsonObject> {
  const declared = Number(request.headers.get("content-length") ?? NaN);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  // A declared length within the cap is enforced by the runtime, so the native read is safe;
  // a body without one (chunked) is counted as it arrives.
  const text = !request.body ? "" : Number.isFinite(declared)
    ? await request.text()
    : new TextDecoder().decode(await readCapped(request.body, maxBytes));
  if (text.trim() === "") {
    throw new GatewayError(400, "invalid_request_error", "missing_body",
      "The request has no body. Send a JSON object such as {\"model\":\"gpt-4o\",\"messages\":[...]}.");
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new GatewayError(400, "invalid_request_error", "invalid_json",
      "The request body is not valid JSON. Check for a missing quote, comma or brace.");
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new GatewayError(400, "invalid_request_error", "invalid_json",
      "The request body must be a JSON object such as {\"model\":\"gpt-4o\",\"messages\":[...]}.");
  }
  return parsed as JsonObject;
}
