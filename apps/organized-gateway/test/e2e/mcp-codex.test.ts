// A real editor-side MCP client: OpenAI's Codex CLI (the npm package at the version
// scripts/agent-tools-local.mjs pins and installs), run headless (`codex exec`), with the
// gateway's /mcp as its MCP server `openclaw` and the attendee's gateway key as its bearer
// token from the environment. Its model is the dev upstream's scripted model through the
// gateway: asked to `[[call ask_agent …]]`, it calls the tool Codex offers for it, and given
// the tool's result, answers with text quoting it — so what Codex prints shows the agent's
// answer came back through the MCP tool. The gateway's route is the dev upstream itself
// (pass-through): Codex's own model calls and the agent's turn are both plain model calls.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDevUpstream } from "@ocg/dev-upstream";
import { installAgentTool, offlineEnv } from "../../scripts/agent-tools-local.mjs";
import { startLocalGateway } from "../../scripts/local-gateway.mjs";
import { callJson, loggedEndpoints, startTogether } from "./harness";

const ADMIN = "mcp-codex-e2e-admin-token";
const RUN_TIMEOUT_MS = 180_000;

let provider: Awaited<ReturnType<typeof startDevUpstream>> | undefined;
let gateway: Awaited<ReturnType<typeof startLocalGateway>> | undefined;
let codex: string;
let stateDir: string;
let home: string;

beforeAll(async () => {
  codex = installAgentTool("codex");
  stateDir = mkdtempSync(path.join(tmpdir(), "ocg-mcp-codex-"));
  home = mkdtempSync(path.join(tmpdir(), "ocg-mcp-codex-home-"));
  await startTogether([
    startDevUpstream({ port: 18918, quiet: true }),
    startLocalGateway({
      port: 18718, persistTo: stateDir,
      settings: { OPENCLAW_URL: "http://127.0.0.1:18918", HASH_SECRET: "mcp-codex-e2e-hash-secret", ADMIN_TOKEN: ADMIN },
    }),
  ] as const, ([dev, gw]) => {
    provider = dev;
    gateway = gw;
  });
}, 600_000);

afterAll(async () => {
  await gateway?.stop();
  await provider?.close();
  for (const dir of [stateDir, home]) if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Codex's settings: the gateway as its model provider, and /mcp as its MCP server `openclaw`, both keyed by OCG_KEY. */
function codexHome(gatewayUrl: string): string {
  const dir = path.join(home, "codex");
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "config.toml"), [
    'model = "gpt-4o-mini"',
    'model_provider = "workshop"',
    "check_for_update_on_startup = false",
    "",
    "[model_providers.workshop]",
    'name = "Workshop gateway"',
    `base_url = "${gatewayUrl}/v1"`,
    'env_key = "OCG_KEY"',
    'wire_api = "responses"',
    "",
    "[mcp_servers.openclaw]",
    `url = "${gatewayUrl}/mcp"`,
    'bearer_token_env_var = "OCG_KEY"',
    "",
    "[analytics]",
    "enabled = false",
    "",
    "[feedback]",
    "enabled = false",
    "",
  ].join("\n"));
  return dir;
}

function run(command: string, args: string[], env: Record<string, string>, cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { PATH: process.env.PATH ?? "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("Codex CLI's MCP client calls ask_agent through the gateway", () => {
  it("calls the tool `openclaw` offers, and prints the agent's answer that came back through it", async () => {
    const issued = await callJson(gateway!.url, "POST", "/admin/api/users/mcp-codex/keys", { bearer: ADMIN, body: {} });
    const key = issued.body.key as string;
    const project = mkdtempSync(path.join(home, "project-"));
    const ran = await run(codex, [
      // Codex asks before any MCP tool call; headless, nobody can answer, so the test says yes up front.
      "exec", "--skip-git-repo-check", "--dangerously-bypass-approvals-and-sandbox", '[[call ask_agent {"prompt": "hello from codex"}]]',
    ], { ...offlineEnv(home), CODEX_HOME: codexHome(gateway!.url), OCG_KEY: key }, project);
    expect(ran.code, ran.stderr).toBe(0);
    // The scripted model quotes the tool's result: the agent's own answer to the prompt.
    expect(ran.stdout).toContain("The tool answered:");
    expect(ran.stdout).toContain("Echo: hello from codex");
    expect(ran.stdout + ran.stderr).not.toContain(key);
    // The tool call is a model call of the attendee's own, with its row (rows settle after the answer).
    expect(await loggedEndpoints(gateway!.url, ADMIN, "mcp-codex", "/mcp/ask_agent 200")).toContain("/mcp/ask_agent 200");
  }, RUN_TIMEOUT_MS);
});
