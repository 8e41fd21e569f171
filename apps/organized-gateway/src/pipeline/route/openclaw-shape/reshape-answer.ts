/**
 * The node's answer, as a Response, given back in the client's terms by an AnswerReshaper
 * (index.ts): a stream event by event as it arrives, a JSON body whole (the pipeline has
 * read it whole already). An error answer passes as it is: it carries no tool calls.
 */
import type { AnswerReshaper } from "./index";
import { rewriteEvents } from "./sse-events";

export async function reshapeAnswer(response: Response, reshaper: AnswerReshaper): Promise<Response> {
  if (!response.ok || !response.body) return response;
  const headers = new Headers(response.headers);
  headers.delete("content-length");
  if ((headers.get("content-type") ?? "").includes("text/event-stream")) {
    return new Response(rewriteEvents(response.body, reshaper.stream()), { status: response.status, headers });
  }
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return new Response(text, { status: response.status, headers });
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) return new Response(text, { status: response.status, headers });
  return new Response(JSON.stringify(reshaper.json(json as Record<string, unknown>)), { status: response.status, headers });
}
