// What an attendee runs once setup.sh said "Agent ready.": agent.sh (bash and curl only, no
// Node.js) streaming a workflow, and the settings setup.sh wrote for their coding tools, each
// read the way that tool reads it (Continue's own config parser; TOML for Codex; JSON for
// opencode and Claude Code, whose key script is run) and then used for a real request through
// the gateway, Codex itself through codex.sh. (Each real tool through a real OpenClaw:
// the gateway's test/e2e/agent-tools.test.ts.)
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fillTemplateVariables, getTemplateVariables, parseConfigYaml } from "@continuedev/config-yaml";
import { startDevUpstream } from "@ocg/dev-upstream";
import { installAgentTool, offlineEnv } from "organized-gateway/agent-tools";
import { startLocalGateway } from "organized-gateway/local";
import { parse as parseToml } from "smol-toml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findBash32 } from "./bash-3.2.mjs";
import { envText, kitToolsPath, makeKitDir, readEnv, runScript, runSetup } from "./kit-dir.mjs";

const EVENT_CODE = "TOOLS-ROOM-3";
const ADMIN = "kit-tools-admin-token-01";
const OPERATOR_TOKEN = "openclaw-operator-token-tools";
const bash32 = findBash32();

const gateways = {};
let openclawLike;
const tempDirs = [];

function start(name, port, upstreamPort, settings) {
  const persistTo = mkdtempSync(path.join(tmpdir(), `ocg-tools-${name}-`));
  tempDirs.push(persistTo);
  return startLocalGateway({
    port, upstreamPort, persistTo,
    settings: { HASH_SECRET: `kit-tools-hash-secret-${name}`, ADMIN_TOKEN: ADMIN, EVENT_CODE, LOG_FLUSH_MS: "100", ...settings },
  }).then((gateway) => (gateways[name] = gateway));
}

beforeAll(async () => {
  openclawLike = await startDevUpstream({ port: 19147, requireToken: OPERATOR_TOKEN });
  await Promise.all([
    start("byok", 19150, 19151, {}),
    start("keyed", 19152, 19153, { OPENCLAW_URL: openclawLike.url, OPENCLAW_TOKEN: OPERATOR_TOKEN }),
  ]);
});

afterAll(async () => {
  await Promise.all(Object.values(gateways).map((gateway) => gateway.stop()));
  await openclawLike?.close();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function toolsOnly(options) {
  const bin = kitToolsPath(options);
  tempDirs.push(bin);
  return bin;
}

/** A kit in which setup.sh has said "Agent ready." (BYOK on `byok`, gateway key on `keyed`). */
async function readyKit(mode, userId) {
  const gateway = gateways[mode];
  const dir = makeKitDir({ gatewayUrl: gateway.url, eventCode: EVENT_CODE });
  tempDirs.push(dir);
  const key = `sk-proj-${userId}-ToolsKey000001`;
  const result = await runSetup(dir, mode === "byok" ? `\n${key}\n${userId}\n` : `\n${userId}\n`);
  expect(result.code, result.output).toBe(0);
  return { dir, gateway, env: readEnv(dir) };
}

function setEnvLine(dir, name, value) {
  const env = readEnv(dir);
  writeFileSync(path.join(dir, ".env"), envText({ ...env, [name]: value }));
}

/** Every file under dir, as text. */
function allText(dir) {
  return readdirSync(dir, { recursive: true }).map((name) => path.join(dir, name))
    .filter((file) => statSync(file).isFile() && !file.includes("node_modules")).map((file) => readFileSync(file, "utf8"));
}

/** The words of a streamed answer that arrived before the last piece did. */
function wordsBeforeTheEnd(result) {
  const end = result.pieces.at(-1).at;
  return result.pieces.filter((piece) => piece.at < end - 1000).map((piece) => piece.text).join("");
}

describe("agent.sh: the first agent with bash and curl only", () => {
  it("with no node on PATH, streams a workflow from the gateway as it is written", async () => {
    const { dir } = await readyKit("byok", "nina");
    // The simulator pauses 1.5 s after its first words: they must show before the rest.
    setEnvLine(dir, "MODEL", "gpt-4o-mini@pause=1500");
    const noNode = toolsOnly();
    expect(existsSync(path.join(noNode, "node"))).toBe(false);
    const result = await runScript(dir, "agent.sh", "I run a small bakery with three staff\n", { path: noNode });
    expect(result.code, result.output).toBe(0);
    expect(result.stdout).toContain('Here is a 5-step workflow for "My business: I run a small bakery with"');
    expect(result.stdout).toMatch(/5\. Roll it out, document it, and review it every month\./);
    expect(wordsBeforeTheEnd(result)).toContain("Here is a 5-step workflow");
    expect(wordsBeforeTheEnd(result)).not.toContain("5. Roll it out");
  });

  it("on a gateway that pays, sends the gateway key and asks for a streamed answer with usage, as agent.mjs does", async () => {
    const { dir, env } = await readyKit("keyed", "omar");
    const result = await runScript(dir, "agent.sh", "", { args: ["I run a flower shop"], path: toolsOnly() });
    expect(result.code, result.output).toBe(0);
    expect(result.stdout).toContain('Here is a 5-step workflow for "My business: I run a flower shop');
    const seen = await (await fetch(`${openclawLike.url}/__dev/last-request`)).json();
    expect(seen.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(seen.body.messages[0]).toMatchObject({ role: "system", content: expect.stringContaining("business-process coach") });
    expect(result.output).not.toContain(env.OCG_KEY);
  });

  it("prints the gateway's own message when it refuses the request (a revoked key)", async () => {
    const { dir } = await readyKit("keyed", "rita");
    const { data: [issued] } = await (await fetch(`${gateways.keyed.url}/admin/api/keys?user_id=rita`, { headers: { authorization: `Bearer ${ADMIN}` } })).json();
    await fetch(`${gateways.keyed.url}/admin/api/keys/${issued.id}`, { method: "DELETE", headers: { authorization: `Bearer ${ADMIN}` } });
    const result = await runScript(dir, "agent.sh", "I run a shop\n", { path: toolsOnly() });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("Problem: This gateway key was revoked by the organiser.");
    expect(result.stderr).toContain("Next:    Run: bash setup.sh");
  });

  it("says the answer stopped when the AI server fails mid-answer, after the words that came", async () => {
    const { dir } = await readyKit("byok", "stan");
    setEnvLine(dir, "MODEL", "gpt-4o-mini@streamerror=1");
    const result = await runScript(dir, "agent.sh", "I run a bike workshop\n", { path: toolsOnly() });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("Here is");
    expect(result.stderr).toContain("Problem: The answer stopped: upstream provider timeout");
  });

  it("asks for a description when none is given, and stops saying how to give one", async () => {
    const { dir } = await readyKit("byok", "tara");
    const result = await runScript(dir, "agent.sh", "", { path: toolsOnly() });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("No business description was given.");
  });

  it.skipIf(!bash32.bash)(`streams under bash 3.2 too${bash32.bash ? "" : ` (skipped: ${bash32.reason})`}`, async () => {
    const { dir } = await readyKit("byok", "ugo");
    setEnvLine(dir, "MODEL", "gpt-4o-mini@pause=1500");
    const result = await runScript(dir, "agent.sh", "I run a café in Zürich 😀\n", { shell: bash32.bash, path: toolsOnly({ bash: bash32.bash }) });
    expect(result.code, result.output).toBe(0);
    expect(result.stdout).toContain('Here is a 5-step workflow for "My business: I run a café in Zürich');
    expect(wordsBeforeTheEnd(result)).toContain("Here is a 5-step workflow");
  });
});

/** The Continue assistant setup.sh wrote, read as Continue reads it: its parser, then ${{ secrets.X }} from the folder's .env. */
/**
 * The kit's Continue assistant, found as Continue finds local assistants in an open folder
 * (its core/config/loadLocalAssistants.ts: every .yaml/.yml under <folder>/.continue/assistants,
 * /agents and /configs, each a profile picked by its `name`), its secrets filled from the
 * folder's .env (its LocalPlatformClient reads ~/.continue/.env, <folder>/.continue/.env, then
 * <folder>/.env).
 */
function continueModel(dir) {
  const found = ["assistants", "agents", "configs"].flatMap((sub) => {
    const folder = path.join(dir, ".continue", sub);
    return existsSync(folder) ? readdirSync(folder, { recursive: true }).map((name) => path.join(folder, String(name))) : [];
  }).filter((file) => /\.ya?ml$/.test(file));
  expect(found).toEqual([path.join(dir, ".continue", "assistants", "openclaw-workshop.yaml")]);
  const yaml = readFileSync(found[0], "utf8");
  parseConfigYaml(yaml); // throws, naming the field, on anything Continue's schema refuses
  const secrets = getTemplateVariables(yaml);
  const env = readEnv(dir);
  const filled = fillTemplateVariables(yaml, Object.fromEntries(secrets.map((name) => [name, env[name.replace(/^secrets\./, "")]])));
  return { yaml, secrets, config: parseConfigYaml(filled) };
}

/** Codex's config.toml (and its profile) as TOML, with the provider it selects. */
function codexProvider(file) {
  const config = parseToml(readFileSync(file, "utf8"));
  return { config, provider: config.model_providers?.[config.model_provider] };
}

// The keys Codex's ModelProviderInfo knows (codex-rs/model-provider-info): anything else is a typo.
const CODEX_PROVIDER_KEYS = new Set(["name", "base_url", "env_key", "env_key_instructions", "experimental_bearer_token", "auth", "aws",
  "wire_api", "query_params", "http_headers", "env_http_headers", "request_max_retries", "stream_max_retries", "stream_idle_timeout_ms",
  "websocket_connect_timeout_ms", "requires_openai_auth", "supports_websockets"]);

describe("the editor settings setup.sh writes from .env", () => {
  it.each([
    ["byok", "vera", "OPENAI_API_KEY"],
    ["keyed", "walt", "OCG_KEY"],
  ])("Continue (%s): Continue's parser takes the assistant; its openai model's apiBase and secret from .env answer a chat", async (mode, userId, keyName) => {
    const { dir, env } = await readyKit(mode, userId);
    const { yaml, secrets, config } = continueModel(dir);
    expect(secrets).toEqual([`secrets.${keyName}`]);
    expect(yaml).not.toContain(env[keyName]);
    const [model] = config.models;
    expect(model).toMatchObject({ provider: "openai", apiBase: `${gateways[mode].url}/v1/`, apiKey: env[keyName], roles: expect.arrayContaining(["chat"]) });
    expect(model.requestOptions?.headers ?? {}).toEqual(mode === "byok" ? { "X-User-ID": userId } : {});
    expect(config.prompts[0]).toMatchObject({ name: "workflow" });
    // The README tells the attendee to pick it by this name, and gives cn this file.
    const readme = readFileSync(path.join(dir, "README.md"), "utf8");
    expect(readme).toContain(`pick **${config.name}**`);
    expect(readme).toContain("cn --config .continue/assistants/openclaw-workshop.yaml");

    // What Continue's openai provider sends: POST <apiBase>chat/completions, Bearer apiKey, the headers.
    const response = await fetch(new URL("chat/completions", model.apiBase), {
      method: "POST",
      headers: { authorization: `Bearer ${model.apiKey}`, "content-type": "application/json", ...model.requestOptions?.headers },
      body: JSON.stringify({ model: model.model, messages: [{ role: "user", content: "My business: a bakery. What workflow?" }] }),
    });
    expect(response.status).toBe(200);
    expect((await response.json()).choices[0].message.content).toContain("5-step workflow");
  });

  it.each([
    ["byok", "xena", "OPENAI_API_KEY"],
    ["keyed", "yuri", "OCG_KEY"],
  ])("Codex (%s): config.toml and its profile name a custom provider (base_url, env_key, wire_api responses) whose Responses stream completes", async (mode, userId, keyName) => {
    const { dir, env } = await readyKit(mode, userId);
    for (const file of ["config.toml", "openclaw-workshop.config.toml"]) {
      const { config, provider } = codexProvider(path.join(dir, ".codex", file));
      expect(config.model_provider, file).toBe("openclaw-workshop");
      expect(["openai", "ollama", "lmstudio", "amazon-bedrock"]).not.toContain(config.model_provider);
      expect(provider, file).toMatchObject({ base_url: `${gateways[mode].url}/v1`, env_key: keyName, wire_api: "responses" });
      for (const key of Object.keys(provider)) expect(CODEX_PROVIDER_KEYS.has(key), `${file}: ${key}`).toBe(true);
      expect(provider.http_headers ?? {}).toEqual(mode === "byok" ? { "X-User-ID": userId } : {});
      expect(config.profiles, `${file}: [profiles] tables are refused by current Codex`).toBeUndefined();
    }
    for (const text of allText(dir).filter((t) => !t.includes(`${keyName}=`))) expect(text).not.toContain(env[keyName]);

    // What Codex sends: POST <base_url>/responses, streamed, Bearer $env_key, the provider's headers.
    const { config, provider } = codexProvider(path.join(dir, ".codex", "config.toml"));
    const response = await fetch(`${provider.base_url}/responses`, {
      method: "POST",
      headers: { authorization: `Bearer ${env[provider.env_key]}`, "content-type": "application/json", ...provider.http_headers },
      body: JSON.stringify({ model: config.model, stream: true, input: [{ role: "user", content: [{ type: "input_text", text: "My business: a bakery" }] }] }),
    });
    expect(response.status).toBe(200);
    const events = await response.text();
    expect(events).toContain("event: response.completed");
    expect(events).toContain("5-step workflow");
  });

  it("Claude Code (keyed): settings.local.json names the gateway and a key helper that prints OCG_KEY from .env; no key in any file", async () => {
    const { dir, env } = await readyKit("keyed", "zoey");
    const settings = JSON.parse(readFileSync(path.join(dir, ".claude", "settings.local.json"), "utf8"));
    expect(settings.env).toMatchObject({ ANTHROPIC_BASE_URL: gateways.keyed.url, CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1", DISABLE_AUTOUPDATER: "1" });
    expect(settings.env.ANTHROPIC_API_KEY).toBeUndefined();
    // Claude Code runs apiKeyHelper in a shell, from wherever it was started.
    const key = execFileSync("bash", ["-c", settings.apiKeyHelper], { cwd: tmpdir(), encoding: "utf8" }).trim();
    expect(key).toBe(env.OCG_KEY);
    for (const text of allText(dir).filter((t) => !t.includes("OCG_KEY="))) expect(text).not.toContain(env.OCG_KEY);
    // Claude Code's subagent: Markdown with YAML front matter (name, description), the prompt as its body.
    const agent = readFileSync(path.join(dir, ".claude", "agents", "project-agent.md"), "utf8");
    expect(agent).toMatch(/^---\nname: project-agent\ndescription: [^\n]+\n---\nYou are a friendly business-process coach/);
    expect(readFileSync(path.join(dir, ".gitignore"), "utf8").split("\n")).toContain(".claude/settings.local.json");
  });

  it.each([
    ["byok", "olga", "OPENAI_API_KEY"],
    ["keyed", "owen", "OCG_KEY"],
  ])("opencode (%s): opencode.json names the gateway as an OpenAI-compatible provider whose key is {env:%s}, and opencode.sh hands it over from .env", async (mode, userId, keyName) => {
    const { dir, env } = await readyKit(mode, userId);
    const config = JSON.parse(readFileSync(path.join(dir, "opencode.json"), "utf8"));
    expect(config).toMatchObject({ autoupdate: false, share: "disabled", model: "openclaw-workshop/gpt-4o-mini" });
    const provider = config.provider["openclaw-workshop"];
    expect(provider).toMatchObject({ npm: "@ai-sdk/openai-compatible", options: { baseURL: `${gateways[mode].url}/v1`, apiKey: `{env:${keyName}}` } });
    expect(provider.options.headers ?? {}).toEqual(mode === "byok" ? { "X-User-ID": userId } : {});
    expect(Object.keys(provider.models)).toEqual(["gpt-4o-mini"]);
    // opencode.sh execs `opencode` from PATH with the key in the environment: a stand-in prints it.
    const bin = toolsOnly();
    writeFileSync(path.join(bin, "opencode"), `#!/bin/sh\nprintf '%s|%s' "$${keyName}" "$*"\n`, { mode: 0o755 });
    const result = await runScript(dir, "opencode.sh", "", { args: ["run", "hello"], path: bin });
    expect(result.code, result.output).toBe(0);
    expect(result.stdout).toBe(`${env[keyName]}|run hello`);
  });

  it("path B (an OpenClaw directly): the same folder's settings follow OPENCLAW_GATEWAY_URL with OPENCLAW_TOKEN, and Claude Code's are removed", async () => {
    const { dir } = await readyKit("keyed", "zack");
    writeFileSync(path.join(dir, ".env"), envText({ OPENCLAW_GATEWAY_URL: openclawLike.url, OPENCLAW_TOKEN: OPERATOR_TOKEN, USER_ID: "zack" }));
    const result = await runSetup(dir);
    expect(result.code, result.output).toBe(0);
    expect(result.stdout).not.toContain("Ready in this folder too");
    const { config } = continueModel(dir);
    expect(config.models[0]).toMatchObject({ model: "openclaw/main", apiBase: `${openclawLike.url}/v1/`, apiKey: OPERATOR_TOKEN });
    expect(codexProvider(path.join(dir, ".codex", "config.toml")).provider.env_key).toBe("OPENCLAW_TOKEN");
    expect(JSON.parse(readFileSync(path.join(dir, "opencode.json"), "utf8")).provider["openclaw-workshop"].options.apiKey).toBe("{env:OPENCLAW_TOKEN}");
    expect(existsSync(path.join(dir, ".claude", "settings.local.json"))).toBe(false);
  });

  it.each([
    ["keyed", "pia", ["Claude Code:", "Codex CLI:", "opencode:", "Continue:"]],
    ["byok", "quin", ["Codex CLI:", "Continue:"]],
  ])("setup.sh's last lines (%s) name the tools ready on that gateway, one line each with how to start it", async (mode, userId, tools) => {
    const dir = makeKitDir({ gatewayUrl: gateways[mode].url, eventCode: EVENT_CODE });
    tempDirs.push(dir);
    const result = await runSetup(dir, mode === "byok" ? `\nsk-proj-${userId}-ToolsKey000001\n${userId}\n` : `\n${userId}\n`);
    expect(result.code, result.output).toBe(0);
    const lines = result.stdout.trimEnd().split("\n");
    const start = lines.indexOf("Ready in this folder too, on the same gateway (see README.md):") + 1;
    const end = lines.findIndex((line, index) => index >= start && !line.startsWith("  "));
    const last = lines.slice(start, end === -1 ? undefined : end);
    expect(start).toBeGreaterThan(0);
    expect(last.map((line) => line.trim().split(/\s{2,}/)[0])).toEqual(tools);
  });

  it("the README's own-settings way works with the real Codex: the profile file copied into ~/.codex, codex --profile openclaw-workshop", { timeout: 180_000 }, async () => {
    const { dir, env } = await readyKit("keyed", "pim");
    const readme = readFileSync(path.join(dir, "README.md"), "utf8").replace(/\s+/g, " ");
    expect(readme).toContain("copy `.codex/openclaw-workshop.config.toml` into `~/.codex/` and run `codex --profile openclaw-workshop`");
    const home = mkdtempSync(path.join(tmpdir(), "ocg-codex-profile-home-"));
    tempDirs.push(home);
    execFileSync("mkdir", ["-p", path.join(home, ".codex")]);
    execFileSync("cp", [path.join(dir, ".codex", "openclaw-workshop.config.toml"), path.join(home, ".codex")]);
    const bin = toolsOnly();
    execFileSync("ln", ["-s", installAgentTool("codex"), path.join(bin, "codex")]);
    execFileSync("ln", ["-s", process.execPath, path.join(bin, "node")]);
    // An attendee's own project (no kit files in it), the key the profile names in the environment.
    const project = mkdtempSync(path.join(tmpdir(), "ocg-codex-project-"));
    tempDirs.push(project);
    writeFileSync(path.join(project, "run.sh"), 'exec codex --profile openclaw-workshop exec --skip-git-repo-check "$@"\n');
    const result = await runScript(project, "run.sh", "", {
      args: ["My business: a bakery. Suggest a workflow."], path: bin, env: { ...offlineEnv(home), OCG_KEY: env.OCG_KEY },
    });
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain("provider: openclaw-workshop");
    expect(result.output).toContain("5-step workflow");
  });

  it("codex.sh says how to get Codex where neither it nor Node.js is installed", async () => {
    const { dir } = await readyKit("byok", "abel");
    const result = await runScript(dir, "codex.sh", "", { path: toolsOnly() });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("Codex is not installed, and neither is Node.js");
    expect(result.stderr).toContain("npm install -g @openai/codex");
  });

  // setup.sh names Codex ready on both kinds of gateway: the real Codex runs on each.
  it.each([
    ["keyed", "cody", () => openclawLike.url],
    ["byok", "bodhi", () => "http://127.0.0.1:19151"],
  ])("codex.sh runs the real Codex CLI (the npm package) on the gateway (%s) from the kit folder, not a git repository, the key handed over from .env", { timeout: 180_000 }, async (mode, userId, upstreamUrl) => {
    const { dir } = await readyKit(mode, userId);
    const bin = toolsOnly();
    execFileSync("ln", ["-s", installAgentTool("codex"), path.join(bin, "codex")]);
    execFileSync("ln", ["-s", process.execPath, path.join(bin, "node")]); // Codex's launcher is a Node script
    const home = mkdtempSync(path.join(tmpdir(), "ocg-codex-home-"));
    tempDirs.push(home);
    const result = await runScript(dir, "codex.sh", "", { args: ["exec", "My business: a bakery. Suggest a workflow."], path: bin, env: offlineEnv(home) });
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain("provider: openclaw-workshop");
    expect(result.output).toContain("5-step workflow");
    const seen = await (await fetch(`${upstreamUrl()}/__dev/last-request`)).json();
    expect(seen.path).toBe("/v1/responses");
  });
});
