// The join page and the kit ZIP inside workerd: what they link to, what the ZIP holds,
// and that nothing interpolated into the page can break out of its HTML.
import { strFromU8, unzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../src/config";
import { kitLinks } from "../src/join/links";
import { escapeHtml, renderJoinPage } from "../src/join/page";
import { BASE, gateway, gatewayWith } from "./helpers";
import { TEST_EVENT_CODE } from "./constants";

async function kitEntries(response: Response): Promise<Record<string, string>> {
  const files = unzipSync(new Uint8Array(await response.arrayBuffer()));
  return Object.fromEntries(Object.entries(files).map(([name, bytes]) => [name, strFromU8(bytes)]));
}

describe("GET /kit.zip", () => {
  it("serves the kit as a ZIP download with this gateway's address filled into .env.example", async () => {
    const response = await gateway("/kit.zip");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/zip");
    expect(response.headers.get("content-disposition")).toBe('attachment; filename="openclaw-kit.zip"');
    const files = await kitEntries(response);
    expect(Object.keys(files).sort()).toEqual([
      "openclaw-kit/.claude/agents/project-agent.json", "openclaw-kit/.env.example", "openclaw-kit/README.md",
      "openclaw-kit/agent.mjs", "openclaw-kit/package.json", "openclaw-kit/setup.sh",
    ]);
    expect(files["openclaw-kit/.env.example"]).toMatch(new RegExp(`^OPENCLAW_GATEWAY_URL=${BASE}$`, "m"));
    expect(files["openclaw-kit/.env.example"]).toMatch(/^EVENT_CODE=$/m);
    expect(JSON.parse(files["openclaw-kit/.claude/agents/project-agent.json"]).endpoint.base_url).toBe(`${BASE}/v1`);
  });

  it("carries the event code only when the organiser turns KIT_INCLUDE_EVENT_CODE on", async () => {
    const files = await kitEntries(await gatewayWith({ KIT_INCLUDE_EVENT_CODE: "true" }, "/kit.zip"));
    expect(files["openclaw-kit/.env.example"]).toMatch(new RegExp(`^EVENT_CODE=${TEST_EVENT_CODE}$`, "m"));
  });

  it("advertises PUBLIC_URL instead of the request's origin when it is set", async () => {
    const files = await kitEntries(await gatewayWith({ PUBLIC_URL: "https://gw.example.org/" }, "/kit.zip"));
    expect(files["openclaw-kit/.env.example"]).toMatch(/^OPENCLAW_GATEWAY_URL=https:\/\/gw\.example\.org$/m);
  });
});

describe("GET /join", () => {
  it("is an HTML page with the event name, a QR code, the download link and the 3 steps", async () => {
    const response = await gatewayWith({ EVENT_NAME: "Problem Solved!: OpenClaw Workshop" }, "/join");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(response.headers.get("content-security-policy")).toContain("default-src 'none'");
    const html = await response.text();
    expect(html).toContain("<h1>Problem Solved!: OpenClaw Workshop</h1>");
    expect(html).toMatch(/<svg[^>]*viewBox/);
    expect(html).toContain(`href="${BASE}/kit.zip"`);
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
    expect(await (await gateway("/join")).text()).toContain("the event code on the screen");
    expect(await (await gatewayWith({ KIT_INCLUDE_EVENT_CODE: "true" }, "/join")).text()).not.toContain("the event code on the screen");
  });

  it("links to the request's own origin, or to PUBLIC_URL when set", () => {
    const base = { OPENCLAW_URL: "http://127.0.0.1:1", HASH_SECRET: "join-test-hash-secret-01" };
    expect(kitLinks(parseConfig(base), "http://127.0.0.1:8787/join").kitUrl).toBe("http://127.0.0.1:8787/kit.zip");
    expect(kitLinks(parseConfig({ ...base, PUBLIC_URL: "https://gw.example.org" }), "http://127.0.0.1:8787/join").joinUrl)
      .toBe("https://gw.example.org/join");
  });
});
