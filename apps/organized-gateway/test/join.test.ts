// The join page and the kit ZIP inside workerd: what they link to, what the ZIP holds, what
// the page says for each kind of gateway and device, that nothing interpolated into the page
// can break out of its HTML, and that the address they advertise never comes from a caller's
// Host header.
import { kitFiles } from "@ocg/trainee-kit/build-kit";
import { qrSvg } from "@ocg/trainee-kit/qr";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { strFromU8, unzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../src/settings/config";
import app from "../src/index";
import { isLoopbackHost, kitLinks } from "../src/surfaces/join/links";
import { isHandheld } from "../src/surfaces/join/device";
import { renderJoinPage } from "../src/surfaces/join/page";
import { escapeHtml } from "../src/shared/html";
import { JOIN_JS } from "../src/surfaces/join/script";
import { joinModeOf, setupWording, type JoinMode } from "../src/surfaces/join/wording";
import { GatewayError } from "../src/errors";
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
    // Exactly what the kit's builder makes for this address (apps/trainee-kit pins the list),
    // and at least what the join page tells attendees to run.
    const built = kitFiles({ gatewayUrl: LOCAL });
    expect(Object.keys(files).sort()).toEqual(built.map((f) => `openclaw-kit/${f.path}`).sort());
    for (const file of built) expect(files[`openclaw-kit/${file.path}`], file.path).toBe(file.text);
    for (const name of ["setup.sh", "agent.sh", "agent.mjs", ".env.example", "README.md"]) expect(files, name).toHaveProperty([`openclaw-kit/${name}`]);
    expect(files["openclaw-kit/.env.example"]).toMatch(new RegExp(`^OPENCLAW_GATEWAY_URL=${LOCAL}$`, "m"));
    expect(files["openclaw-kit/.env.example"]).toMatch(/^EVENT_CODE=$/m);
    // Claude Code's subagent file is Markdown with YAML front matter, the format it reads.
    expect(files["openclaw-kit/.claude/agents/project-agent.md"]).toMatch(/^---\nname: project-agent\ndescription: .+\n---\n/);
    // The editors' MCP settings point at this gateway's /mcp.
    expect(JSON.parse(files["openclaw-kit/.cursor/mcp.json"]).mcpServers.openclaw.url).toBe(`${LOCAL}/mcp`);
    expect(JSON.parse(files["openclaw-kit/.mcp.json"]).mcpServers.openclaw.url).toBe(`${LOCAL}/mcp`);
    expect(files["openclaw-kit/.vscode/mcp.json"]).toContain(`"url": "${LOCAL}/mcp"`);
  });

  it("carries the event code only when the organiser turns KIT_INCLUDE_EVENT_CODE on", async () => {
    const files = await kitEntries(await at(`${LOCAL}/kit.zip`, { KIT_INCLUDE_EVENT_CODE: "true" }));
    expect(files["openclaw-kit/.env.example"]).toMatch(new RegExp(`^EVENT_CODE=${TEST_EVENT_CODE}$`, "m"));
  });
});

const IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1";
const LAPTOP = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36";
/** Settings of a gateway that pays (the OpenClaw strategy): attendees bring no key. */
const GATEWAY_PAYS = { OPENCLAW_TOKEN: "join-test-operator-token" };

const BYOK_MODE: JoinMode = { ownAccountPays: false, needsGatewayKey: false, gatewayPays: false, enrollmentOpen: true, eventCodeInKit: false };

/** PAID_BY=attendee on the OpenClaw route: each attendee's own OpenAI key pays (it needs CREDENTIAL_KEY). */
const ATTENDEE_PAYS = { ...GATEWAY_PAYS, PAID_BY: "attendee", CREDENTIAL_KEY: "join-test-credential-key-0123456789abcdef" };

/** AUTH_MODE=codex on the OpenClaw route: each attendee's own account pays (it needs CREDENTIAL_KEY). */
const OWN_ACCOUNTS = { ...GATEWAY_PAYS, AUTH_MODE: "codex", CREDENTIAL_KEY: "join-test-credential-key-0123456789abcdef" };

async function joinHtml(settings: Record<string, string> = {}, headers: Record<string, string> = {}): Promise<string> {
  const response = await at(`${LOCAL}/join`, settings, headers);
  expect(response.status).toBe(200);
  return response.text();
}

/** The text a reader sees: tags dropped, entities of the escapes undone. */
function visibleText(html: string): string {
  return html.replace(/<style>[\s\S]*?<\/style>|<script>[\s\S]*?<\/script>/g, "").replace(/<[^>]+>/g, " ")
    .replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");
}

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

  it("draws a QR code of the join page's own address, never of the ZIP (a phone cannot run the kit)", async () => {
    const html = await joinHtml();
    expect(html).toContain(await qrSvg(`${LOCAL}/join`));
    expect(html).not.toContain(await qrSvg(`${LOCAL}/kit.zip`));
  });

  it("escapes the event name and the addresses it prints", () => {
    const html = renderJoinPage({
      eventName: `<script>alert("x")</script> & 'co'`,
      links: { gatewayUrl: "https://a.test", joinUrl: `https://a.test/join?"><b>`, kitUrl: "https://a.test/kit.zip" },
      qrSvg: "<svg></svg>",
      mode: BYOK_MODE,
      handheld: false,
      upstreamReachable: true,
    });
    expect(html).not.toContain("<script>alert");
    expect(html).not.toContain('"><b>');
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;");
    expect(escapeHtml(`<>&"'`)).toBe("&lt;&gt;&amp;&quot;&#39;");
  });

  it("on pass-through (BYOK) says setup.sh asks for the attendee's OpenAI key, first name and event code", async () => {
    const text = visibleText(await joinHtml());
    expect(text).toContain("setup.sh asks for your OpenAI key (sk-…), your first name and the event code, then prints Agent ready.");
    expect(text).toContain("Bring your own OpenAI API key");
    expect(text).toContain("The event code is on the room's screen");
  });

  it("names in step 3 the coding tools ready on this gateway, one line each, as setup.sh's last lines do: all four with a gateway key, Codex and Continue on pass-through", async () => {
    const tools = (html: string) => [...html.matchAll(/<li class="tool">([^:<]+):/g)].map((m) => m[1]);
    expect(tools(await joinHtml(GATEWAY_PAYS))).toEqual(["Claude Code", "Codex CLI", "opencode", "Continue"]);
    expect(visibleText(await joinHtml(GATEWAY_PAYS))).toContain("Claude Code: claude");
    expect(tools(await joinHtml())).toEqual(["Codex CLI", "Continue"]);
  });

  it("when the gateway pays (OpenClaw strategy) never asks for an OpenAI key", async () => {
    const text = visibleText(await joinHtml(GATEWAY_PAYS));
    expect(text).toContain("setup.sh asks for your first name and the event code, then prints Agent ready.");
    expect(text).toContain("No OpenAI key needed: the workshop pays for the AI.");
    expect(text).not.toMatch(/OpenAI key \(sk-|Bring your own/);
  });

  it("links to /billing, where attendees with a gateway key see their plan and this month's requests; not in BYOK pass-through, which has no key", async () => {
    const html = await joinHtml(GATEWAY_PAYS);
    expect(html).toMatch(/<a href="http:\/\/[^"]+\/billing">/);
    expect(visibleText(html).replace(/\s+/g, " ")).toMatch(/Later: your plan and this month's requests are at http:\/\/\S+\/billing \(sign in with the OCG_KEY in your kit's \.env ?\)\./);
    expect(visibleText(await joinHtml({}))).not.toContain("/billing");
  });

  it("with AUTH_MODE=codex says exactly what each account needs for its token: Node.js for the subscription tools (Codex by device code), nothing for an API key; never 'nothing to install'", async () => {
    const text = visibleText(await joinHtml(OWN_ACCOUNTS));
    expect(text).not.toContain("nothing to install.");
    expect(text).toContain("setup.sh itself needs only bash and curl. Getting your account's token may need Node.js, depending on the account (see step 2).");
    expect(text).toContain("ChatGPT Plus or Pro: the Codex CLI, which needs Node.js (nodejs.org): npm install -g @openai/codex, then codex login --device-auth");
    expect(text).toContain("Claude Pro or Max: Claude Code, which needs Node.js (nodejs.org): npm install -g @anthropic-ai/claude-code, then claude setup-token");
    expect(text).toContain("An API key instead, with nothing to install");
    // The other modes need nothing but bash and curl, and list no token ways.
    const plain = visibleText(await joinHtml(GATEWAY_PAYS));
    expect(plain).toContain("bash and curl, nothing to install.");
    expect(plain).not.toContain("codex login");
  });

  it("with AUTH_MODE=codex says to connect your own ChatGPT/Codex or Claude account with bash setup.sh --auth codex, and asks for no OpenAI key", async () => {
    const html = await joinHtml(OWN_ACCOUNTS);
    expect(html).toContain("<pre><code>bash setup.sh --auth codex</code></pre>");
    const text = visibleText(html);
    expect(text).toContain("No OpenAI key needed: you connect your own ChatGPT/Codex or Claude account with bash setup.sh --auth codex, and it pays for your turns.");
    expect(text).toContain("setup.sh asks for your first name, the event code and your model account's token (claude setup-token prints one; a ChatGPT sign-in from codex login is found by itself), then prints Agent ready.");
    expect(text).not.toMatch(/OpenAI key \(sk-|Bring your own|the workshop pays/);
    // Enrolment closed: the organiser's gateway key, then the token.
    const closed = visibleText(await joinHtml({ ...OWN_ACCOUNTS, EVENT_CODE: "" }));
    expect(closed).toContain("setup.sh asks for your personal gateway key: the organiser hands those out (put it after OCG_KEY= in .env), then for your model account's token");
    expect(closed).not.toContain("event code");
    // The default (AUTH_MODE=openai) keeps the plain command.
    expect(await joinHtml(GATEWAY_PAYS)).toContain("<pre><code>bash setup.sh</code></pre>");
  });

  it("when the gateway pays and enrolment is closed, says the organiser hands out the gateway keys", async () => {
    const text = visibleText(await joinHtml({ ...GATEWAY_PAYS, EVENT_CODE: "" }));
    expect(text).toContain("your personal gateway key: the organiser hands those out (put it after OCG_KEY= in .env)");
    expect(text).not.toContain("event code");
  });

  it("shows the event code only when the kit carries it (then /kit.zip already gives it to anyone), and never otherwise", async () => {
    const hidden = await joinHtml();
    expect(hidden).not.toContain(TEST_EVENT_CODE);
    expect(await joinHtml(GATEWAY_PAYS)).not.toContain(TEST_EVENT_CODE);
    const carried = visibleText(await joinHtml({ KIT_INCLUDE_EVENT_CODE: "true" }));
    expect(carried).toContain(`The kit already carries the event code (${TEST_EVENT_CODE}): you will not type it.`);
    expect(carried).toContain("setup.sh asks for your OpenAI key (sk-…) and your first name, then prints");
    expect(visibleText(await joinHtml({ ...GATEWAY_PAYS, KIT_INCLUDE_EVENT_CODE: "true" })))
      .toContain("setup.sh asks for your first name, then prints Agent ready.");
  });

  it("says the agent runs with bash and curl alone, and that Node.js is optional", async () => {
    const text = visibleText(await joinHtml());
    expect(text).toContain("bash agent.sh");
    expect(text).toContain("It needs only bash and curl.");
    expect(text).toContain("Node.js is optional: with Node 20 or newer, npm install then npm run agent");
  });

  it("names in step 3 the editors that get the agent as the MCP tool `openclaw` with a gateway key, one line each with its step, as setup.sh does; none on pass-through", async () => {
    const editors = (html: string) => [...html.matchAll(/<li class="editor">([^:<]+): <code>([^<]+)<\/code>/g)].map((m) => [m[1], m[2]]);
    expect(editors(await joinHtml(GATEWAY_PAYS))).toEqual([
      ["VS Code", expect.stringContaining(".vscode/mcp.json")], ["Cursor", expect.stringContaining("bash with-key.sh cursor .")],
      ["Claude Code", "bash with-key.sh claude"], ["Windsurf", expect.stringContaining(".windsurf/mcp_config.json")],
    ]);
    expect(visibleText(await joinHtml(GATEWAY_PAYS))).toContain("as the tool openclaw (MCP, with your gateway key)");
    expect(editors(await joinHtml())).toEqual([]);
  });

  it("puts a full-width banner on top when the agent server does not answer, and keeps it hidden while it does", async () => {
    const down = await joinHtml({ OPENCLAW_URL: "http://127.0.0.1:1" });
    expect(down).toMatch(/<div class="banner" id="upstream-down" role="alert">The workshop&#39;s agent server is not answering right now\. The organiser sees this too/);
    expect(down.indexOf('id="upstream-down"')).toBeLessThan(down.indexOf("<main>"));
    expect(await joinHtml()).toContain('<div class="banner" id="upstream-down" role="alert" hidden>');
  });

  it("leads with 'open this page on your laptop' for a phone or tablet, and with the download for a laptop", async () => {
    expect(await joinHtml({}, { "user-agent": IPHONE })).toContain('<body class="handheld"');
    expect(await joinHtml({}, { "user-agent": LAPTOP, "sec-ch-ua-mobile": "?1" })).toContain('<body class="handheld"');
    const laptop = await joinHtml({}, { "user-agent": LAPTOP, "sec-ch-ua-mobile": "?0" });
    expect(laptop).toContain('<body class="laptop"');
    // Both layouts are in every page (a narrow window gets the phone one from the stylesheet).
    for (const html of [laptop, await joinHtml({}, { "user-agent": IPHONE })]) {
      expect(html).toContain("Open this page on your laptop");
      expect(html).toContain(`<input id="join-url" class="url-field" type="text" readonly value="${LOCAL}/join">`);
      expect(html).toContain(`href="mailto:?subject=`);
      expect(html).toContain(encodeURIComponent(`${LOCAL}/join`));
    }
    expect(["Mozilla/5.0 (Linux; Android 15; Pixel 9) Mobile Safari/537.36", IPHONE].every((ua) => isHandheld(new Headers({ "user-agent": ua })))).toBe(true);
    expect(isHandheld(new Headers({ "user-agent": LAPTOP }))).toBe(false);
  });

  it("runs only its own script: the CSP admits that one inline script by its SHA-256 and lets it poll /health on this origin", async () => {
    const response = await at(`${LOCAL}/join`);
    const csp = response.headers.get("content-security-policy")!;
    const html = await response.text();
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
    expect(scripts).toEqual([JOIN_JS]);
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(JOIN_JS)));
    expect(csp).toContain(`script-src 'sha256-${btoa(String.fromCharCode(...digest))}'`);
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
  });
});

describe("the join page's wording for each kind of gateway", () => {
  const cases: [string, JoinMode, string, string | null][] = [
    ["BYOK, enrolment open", BYOK_MODE,
      "setup.sh asks for your OpenAI key (sk-…), your first name and the event code, then prints Agent ready.",
      "The event code is on the room's screen; the organiser can tell you too."],
    ["BYOK, enrolment closed", { ownAccountPays: false, needsGatewayKey: false, gatewayPays: false, enrollmentOpen: false, eventCodeInKit: false },
      "setup.sh asks for your OpenAI key (sk-…) and your first name, then prints Agent ready.", null],
    ["BYOK, code in the kit", { ownAccountPays: false, needsGatewayKey: false, gatewayPays: false, enrollmentOpen: true, eventCodeInKit: true, eventCode: "ROOM-1" },
      "setup.sh asks for your OpenAI key (sk-…) and your first name, then prints Agent ready.",
      "The kit already carries the event code (ROOM-1): you will not type it."],
    ["gateway pays, enrolment open", { ownAccountPays: false, needsGatewayKey: true, gatewayPays: true, enrollmentOpen: true, eventCodeInKit: false },
      "setup.sh asks for your first name and the event code, then prints Agent ready.",
      "The event code is on the room's screen; the organiser can tell you too."],
    ["gateway pays, code in the kit", { ownAccountPays: false, needsGatewayKey: true, gatewayPays: true, enrollmentOpen: true, eventCodeInKit: true, eventCode: "ROOM-1" },
      "setup.sh asks for your first name, then prints Agent ready.",
      "The kit already carries the event code (ROOM-1): you will not type it."],
    ["gateway pays, enrolment closed", { ownAccountPays: false, needsGatewayKey: true, gatewayPays: true, enrollmentOpen: false, eventCodeInKit: false },
      "setup.sh asks for your first name and your personal gateway key: the organiser hands those out (put it after OCG_KEY= in .env), then it prints Agent ready.", null],
    ["attendee pays through OpenClaw, enrolment open", { ownAccountPays: false, needsGatewayKey: true, gatewayPays: false, enrollmentOpen: true, eventCodeInKit: false },
      "setup.sh asks for your OpenAI key (sk-…), your first name and the event code, then prints Agent ready.",
      "The event code is on the room's screen; the organiser can tell you too."],
    ["attendee pays through OpenClaw, enrolment closed", { ownAccountPays: false, needsGatewayKey: true, gatewayPays: false, enrollmentOpen: false, eventCodeInKit: false },
      "setup.sh asks for your first name, your OpenAI key (sk-…) and your personal gateway key: the organiser hands those out (put it after OCG_KEY= in .env), then it prints Agent ready.", null],
  ];
  it.each(cases)("%s: says what setup.sh will ask, in its order", (_name, mode, asks, eventCode) => {
    const wording = setupWording(mode);
    expect(wording.asks).toBe(asks);
    expect(wording.eventCode).toBe(eventCode);
    expect(wording.bring).toEqual(mode.gatewayPays ? "No OpenAI key needed: the workshop pays for the AI." : expect.stringContaining("Bring your own OpenAI API key"));
    if (mode.needsGatewayKey && !mode.gatewayPays) expect(wording.bring).toContain("setup.sh registers it with the gateway, and it pays for your turns.");
  });

  it("derives the mode from the config: the upstream strategy, EVENT_CODE and KIT_INCLUDE_EVENT_CODE", () => {
    const base = { OPENCLAW_URL: "http://127.0.0.1:1", HASH_SECRET: "join-test-hash-secret-01" };
    expect(joinModeOf(parseConfig(base))).toEqual({ ownAccountPays: false, needsGatewayKey: false, gatewayPays: false, enrollmentOpen: false, eventCodeInKit: false, eventCode: undefined });
    expect(joinModeOf(parseConfig({ ...base, OPENCLAW_TOKEN: "t", EVENT_CODE: "C-1" })))
      .toEqual({ ownAccountPays: false, needsGatewayKey: true, gatewayPays: true, enrollmentOpen: true, eventCodeInKit: false, eventCode: undefined });
    expect(joinModeOf(parseConfig({ ...base, EVENT_CODE: "C-1", KIT_INCLUDE_EVENT_CODE: "true" })))
      .toEqual({ ownAccountPays: false, needsGatewayKey: false, gatewayPays: false, enrollmentOpen: true, eventCodeInKit: true, eventCode: "C-1" });
    expect(joinModeOf(parseConfig({ ...base, ...OWN_ACCOUNTS, EVENT_CODE: "C-1" })))
      .toEqual({ ownAccountPays: true, needsGatewayKey: true, gatewayPays: false, enrollmentOpen: true, eventCodeInKit: false, eventCode: undefined });
    // PAID_BY=attendee: the OpenClaw route still needs a gateway key, and the attendee's own OpenAI key pays.
    expect(joinModeOf(parseConfig({ ...base, ...ATTENDEE_PAYS, EVENT_CODE: "C-1" })))
      .toEqual({ ownAccountPays: false, needsGatewayKey: true, gatewayPays: false, enrollmentOpen: true, eventCodeInKit: false, eventCode: undefined });
    // The flag without a code puts nothing in the kit, so nothing is claimed.
    expect(joinModeOf(parseConfig({ ...base, KIT_INCLUDE_EVENT_CODE: "true" })).eventCodeInKit).toBe(false);
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
