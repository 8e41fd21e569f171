import { describe, expect, it } from "vitest";
import { normaliseUpstreamError } from "./index";

const text = (status: number, body: string, type = "text/plain") => new Response(body, { status, headers: { "content-type": type } });
const errorOf = async (response: Response | null) => ((await response!.json()) as { error: { message: string; type: string; code: string } }).error;

describe("a node's error as the caller gets it", () => {
  it("keeps a plain-text refusal's status and quotes the node's reason, never as an outage", async () => {
    const replaced = await normaliseUpstreamError(text(400, "invalid tool configuration"), { "x-request-id": "req_1" });
    expect(replaced!.status).toBe(400);
    expect(replaced!.headers.get("x-request-id")).toBe("req_1");
    const error = await errorOf(replaced);
    expect(error).toMatchObject({ type: "invalid_request_error", code: "upstream_http_400" });
    expect(error.message).toContain("invalid tool configuration");
    expect(error.message).not.toMatch(/organiser is on it|try again in a minute/i);
  });

  it("says an endpoint the node does not serve is not served, and what to use instead", async () => {
    const error = await errorOf(await normaliseUpstreamError(text(404, "Not Found"), {}));
    expect(error.message).toMatch(/does not serve this endpoint \(HTTP 404: Not Found\)/);
    expect(error.message).toContain("/v1/chat/completions");
  });

  it("does not quote an HTML error page", async () => {
    const error = await errorOf(await normaliseUpstreamError(text(403, "<!DOCTYPE html><html><body>Forbidden by tunnel</body></html>", "text/html"), {}));
    expect(error.message).not.toContain("<");
    expect(error.message).toContain("HTTP 403");
  });

  it("keeps a node's failure a 502 that tells the organiser is on it", async () => {
    const replaced = await normaliseUpstreamError(text(500, "boom"), {});
    expect(replaced!.status).toBe(502);
    expect((await errorOf(replaced)).message).toMatch(/organiser is on it/);
  });

  it("lets a JSON refusal pass as the node wrote it", async () => {
    expect(await normaliseUpstreamError(Response.json({ error: { message: "Invalid `model`." } }, { status: 400 }), {})).toBeNull();
  });
});
