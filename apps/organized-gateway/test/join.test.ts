// The join page and the kit ZIP inside workerd: what they link to, what the ZIP holds,
// that nothing interpolated into the page can break out of its HTML, and that the address
// they advertise never comes from a caller's Host header.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { strFromU8, unzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../src/config";
import app from "../src/index";
import { isLoopbackHost, kitLinks } from "../src/join/links";
import { escapeHtml, renderJoinPage } from "../src/join/page";
import { GatewayError } from "../src/shared/errors";
import { TEST_EVENT_CODE } from "./constants";

/** How `npm start` serves it: this machine's own origin, no PUBLIC_URL. */
const LOCAL = "http://127.0.0.1:8787";

/** The Worker at `url` (its host is what a Host header would make it), with some settings changed. */
async function at(url: string, settings: Record<string, string> = {}, headers: Record<string, string> = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await app.fetch(new Request(url, { headers }), { ...env, ...settings }, ctx);
  const body = await response.arrayBuffer();
  await waitOnExecutionContext(ctx);
  return new Response(body, response);
}

async function kitEntries(response: Response): Promise<Record<string, string>> {
  const files = unzipSync(new Uint8Array(await response.arrayBuffer()));
  return Object.fromEntries(Object.entries(files).map(([name, bytes]) => [name, strFromU8(bytes)]));
}

describe("GET /kit.zip", () => {
  it("serves the kit as a ZIP download with this gateway's address filled into .env.example", async () => {
    const response = await at(`${LOCAL}/kit.zip`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/zip");
    expect(response.headers.get("content-disposition")).toBe('attachment; filename="openclaw-kit.zip"');
    const files = await kitEntries(response);
    expect(Object.keys(files).sort()).toEqual([
      "openclaw-kit/.claude/agents/project-agent.json", "openclaw-kit/.env.example", "openclaw-kit/README.md",
      "openclaw-kit/agent.mjs", "openclaw-kit/package.json", "openclaw-kit/setup.sh",
    ]);
    expect(files["openclaw-kit/.env.example"]).toMatch(new RegExp(`^OPENCLAW_GATEWAY_URL=${LOCAL}$`, "m"));
    expect(files["openclaw-kit/.env.example"]).toMatch(/^EVENT_CODE=$/m);
    expect(JSON.parse(files["openclaw-kit/.claude/agents/project-agent.json"]).endpoint.base_url).toBe(`${LOCAL}/v1`);
  });

  it("carries the event code only when the organiser turns KIT_INCLUDE_EVENT_CODE on", async () => {
    const files = await kitEntries(await at(`${LOCAL}/kit.zip`, { KIT_INCLUDE_EVENT_CODE: "true" }));
    expect(files["openclaw-kit/.env.example"]).toMatch(new RegExp(`^EVENT_CODE=${TEST_EVENT_CODE}$`, "m"));
  });
});

describe("GET /join", () => {
  it("is an HTML page with the event name, a QR code, the download link and the 3 steps", async () => {
    const response = await at(`${LOCAL}/join`, { EVENT_NAME: "Problem Solved!: OpenClaw Workshop" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(response.headers.get("content-security-policy")).toContain("default-src 'none'");
    const html = await response.text();
    expect(html).toContain("<h1>Problem Solved!: OpenClaw Workshop</h1>");
    expect(html).toMatch(/<svg[^>]*viewBox/);
    expect(html).toContain(`href="${LOCAL}/kit.zip"`);
    expect(html.match(/<li>/g)).toHaveLength(3);
    expect(html).toContain("bash setup.sh");
  });

  it("escapes the event name and the addresses it prints", () => {
    const html = renderJoinPage({
      eventName: `<script>alert("x")</script> & 'co'`,
      links: { gatewayUrl: "https://a.test", joinUrl: `https://a.test/join?"><b>`, kitUrl: "https://a.test/kit.zip" },
      qrSvg: "<svg></svg>",
      eventCodeInKit: false,
    });
    expect(html).not.toContain("<script>");
    expect(html).not.toContain('"><b>');
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;");
    expect(escapeHtml(`<>&"'`)).toBe("&lt;&gt;&amp;&quot;&#39;");
  });

  it("asks for the event code in step 2 unless the kit already carries it", async () => {
    expect(await (await at(`${LOCAL}/join`)).text()).toContain("the event code on the screen");
    expect(await (await at(`${LOCAL}/join`, { KIT_INCLUDE_EVENT_CODE: "true" })).text()).not.toContain("the event code on the screen");
  });
});

describe("the address /join and /kit.zip advertise", () => {
  // Hosts a caller can put in a request: the request's URL is built from its Host header
  // (test/e2e/join.test.ts sends the header itself through wrangler dev).
  const FOREIGN = [
    "http://attacker.example", "https://attacker.example:8443", "http://gateway.test", "http://10.0.0.5:8787",
    "http://127.0.0.1.attacker.example", "http://localhost.attacker.example", "http://[::2]:8787", "http://0.0.0.0:8787",
  ];
  const PUBLIC_URL = "https://gw.example.org";

  it("without PUBLIC_URL, a request from any other host than this machine gets a 503 public_url_required, never a kit or page pointing at it", async () => {
    for (const origin of FOREIGN) {
      const host = new URL(origin).host;
      const kit = await at(`${origin}/kit.zip`);
      expect(kit.status, origin).toBe(503);
      expect(kit.headers.get("content-type"), origin).toMatch(/^application\/json/);
      const error = (await kit.json() as { error: { type: string; code: string; message: string } }).error;
      expect(error.code).toBe("public_url_required");
      expect(error.type).toBe("configuration_error");
      expect(error.message).toContain("set PUBLIC_URL");
      expect(error.message).not.toContain(host);

      const page = await at(`${origin}/join`);
      expect(page.status, origin).toBe(503);
      expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
      const html = await page.text();
      expect(html).toContain("PUBLIC_URL");
      expect(html, origin).not.toContain(host);
      expect(html).not.toMatch(/<svg|kit\.zip"/);
    }
  });

  it("with PUBLIC_URL set, the kit and the page point at PUBLIC_URL whatever the Host", async () => {
    for (const origin of [...FOREIGN, LOCAL, "http://localhost:8787"]) {
      const files = await kitEntries(await at(`${origin}/kit.zip`, { PUBLIC_URL: `${PUBLIC_URL}/` }));
      expect(files["openclaw-kit/.env.example"], origin).toMatch(/^OPENCLAW_GATEWAY_URL=https:\/\/gw\.example\.org$/m);
      const html = await (await at(`${origin}/join`, { PUBLIC_URL })).text();
      expect(html).toContain(`href="${PUBLIC_URL}/kit.zip"`);
      expect(html).toContain(`href="${PUBLIC_URL}/join"`);
      expect(html, origin).not.toContain(new URL(origin).host);
    }
  });

  it("without PUBLIC_URL, on this machine (localhost, 127.x, [::1]) they point at the request's own origin, as npm start serves them", async () => {
    for (const origin of [LOCAL, "http://localhost:8787", "http://127.0.0.2:9000", "http://[::1]:8787", "http://gw.localhost:8787"]) {
      const files = await kitEntries(await at(`${origin}/kit.zip`));
      expect(files["openclaw-kit/.env.example"], origin).toMatch(new RegExp(`^OPENCLAW_GATEWAY_URL=${origin.replace(/[.[\]]/g, "\\$&")}$`, "m"));
      expect(await (await at(`${origin}/join`)).text()).toContain(`href="${origin}/kit.zip"`);
    }
  });

  it("kitLinks decides it: PUBLIC_URL, else a loopback origin, else a public_url_required error", () => {
    const base = { OPENCLAW_URL: "http://127.0.0.1:1", HASH_SECRET: "join-test-hash-secret-01" };
    expect(kitLinks(parseConfig(base), "http://127.0.0.1:8787/join").kitUrl).toBe("http://127.0.0.1:8787/kit.zip");
    expect(kitLinks(parseConfig({ ...base, PUBLIC_URL: PUBLIC_URL }), "http://attacker.example/join").joinUrl).toBe(`${PUBLIC_URL}/join`);
    expect(() => kitLinks(parseConfig(base), "http://attacker.example/join")).toThrow(GatewayError);
    expect(["localhost", "LOCALHOST", "a.localhost", "127.0.0.1", "127.255.0.9", "[::1]"].every(isLoopbackHost)).toBe(true);
    expect(["localhost.example", "127.0.0.1.example", "128.0.0.1", "0.0.0.0", "[::]", "10.0.0.1", "example.com"].some(isLoopbackHost)).toBe(false);
  });
});
