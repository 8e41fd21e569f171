// The MCP settings the kit ships (the agent as the MCP server `openclaw` at <gateway>/mcp),
// each read the way its editor reads it, by its documented rules:
// - VS Code, .vscode/mcp.json: JSON with comments (Microsoft's jsonc-parser, the parser VS Code
//   itself uses), servers under `servers`, `${input:id}` resolved from its `inputs` (VS Code
//   prompts once and keeps the answer in its secret storage). An http server has no `envFile`
//   (that is for stdio servers only), so VS Code cannot read the key from .env.
// - Cursor, .cursor/mcp.json: strict JSON, `mcpServers`, a remote server's `url` and `headers`,
//   `${env:NAME}` (and `${userHome}`, `${workspaceFolder}`) interpolated from Cursor's own
//   environment; `envFile` is for stdio servers only.
// - Claude Code, .mcp.json: strict JSON, `mcpServers`, `type: "http"`, `${NAME}` and
//   `${NAME:-default}` expanded from its environment in command, args, env, url and headers (the
//   real Claude Code reads the kit's file in test/e2e/mcp-claude.test.ts of the gateway).
// - Windsurf: only its own ~/.codeium/windsurf/mcp_config.json (no project file), strict JSON,
//   `mcpServers`, a remote server's `serverUrl` and `headers`, `${env:NAME}` (and `${file:path}`)
//   interpolated from Windsurf's environment; the kit's .windsurf/mcp_config.json is the entry to
//   paste there.
// Each must end up sending the attendee's key as a bearer token to the gateway's /mcp, and
// none may hold a key itself.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parse as parseJsonc, printParseErrorCode } from "jsonc-parser";
import { describe, expect, it } from "vitest";
import { MCP_FILES, kitFiles } from "../src/build-kit.mjs";
import { envText, kitToolsPath, makeKitDir, runScript } from "./kit-dir.mjs";

const GATEWAY = "https://gw.example.org";
const KEY = "ocg_sam_0123456789abcdefghijklmnopqrstuv";
const files = Object.fromEntries(kitFiles({ gatewayUrl: `${GATEWAY}/` }).map((file) => [file.path, file.text]));

/** VS Code: JSONC (comments and trailing commas allowed), parse errors are the file's failure. */
function readVsCode(text) {
  const errors = [];
  const value = parseJsonc(text, errors, { allowTrailingComma: true, disallowComments: false });
  expect(errors.map((e) => printParseErrorCode(e.error))).toEqual([]);
  return value;
}

/** Replaces every `${…}` in the strings of `value` with what `resolve` gives for its inside. */
function substitute(value, resolve) {
  if (typeof value === "string") return value.replace(/\$\{([^}]+)\}/g, (_, inside) => resolve(inside));
  if (Array.isArray(value)) return value.map((item) => substitute(item, resolve));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, resolve)]));
  return value;
}

describe("the kit's MCP settings", () => {
  it("are in the kit, each with the gateway's /mcp filled in", () => {
    for (const path of MCP_FILES) {
      expect(files[path], path).toBeDefined();
      expect(files[path], path).toContain(`${GATEWAY}/mcp`);
      expect(files[path], path).not.toContain("{{GATEWAY_URL}}");
    }
  });

  it("hold no key: nothing that looks like a gateway, OpenAI or OpenClaw key", () => {
    for (const path of MCP_FILES) expect(files[path], path).not.toMatch(/ocg_[a-z0-9]|sk-[A-Za-z0-9]|OPENCLAW_TOKEN|OPENAI_API_KEY/);
  });

  it("VS Code: a JSONC file whose `openclaw` server sends the key VS Code prompted for and keeps as a secret", () => {
    const config = readVsCode(files[".vscode/mcp.json"]);
    const server = config.servers.openclaw;
    expect(server).toMatchObject({ type: "http", url: `${GATEWAY}/mcp` });
    const inputs = new Map(config.inputs.map((input) => [input.id, input]));
    const resolved = substitute(server, (inside) => {
      const [kind, id] = inside.split(":");
      expect(kind).toBe("input");
      const input = inputs.get(id);
      expect(input).toMatchObject({ type: "promptString", password: true });
      expect(input.description).toContain("OCG_KEY");
      return KEY;
    });
    expect(resolved.headers).toEqual({ Authorization: `Bearer ${KEY}` });
  });

  it("Cursor: plain JSON whose `openclaw` server sends OCG_KEY from the environment (${env:OCG_KEY})", () => {
    const config = JSON.parse(files[".cursor/mcp.json"]);
    const server = config.mcpServers.openclaw;
    expect(server.url).toBe(`${GATEWAY}/mcp`);
    // Cursor's interpolation: ${env:NAME}, ${userHome}, ${workspaceFolder}; the file uses only the first.
    const resolved = substitute(server, (inside) => {
      expect(inside).toBe("env:OCG_KEY");
      return { "env:OCG_KEY": KEY }[inside];
    });
    expect(resolved.headers).toEqual({ Authorization: `Bearer ${KEY}` });
    expect(server).not.toHaveProperty("envFile");
  });

  it("Claude Code: plain JSON whose http server `openclaw` sends OCG_KEY from the environment (${OCG_KEY})", () => {
    const config = JSON.parse(files[".mcp.json"]);
    const server = config.mcpServers.openclaw;
    expect(server).toMatchObject({ type: "http", url: `${GATEWAY}/mcp` });
    const env = { OCG_KEY: KEY };
    // Claude Code's two documented forms: ${NAME} and ${NAME:-default}.
    const resolved = substitute(server, (inside) => {
      const [name, fallback] = inside.split(":-");
      expect(name).toBe("OCG_KEY");
      return env[name] ?? fallback ?? `\${${inside}}`;
    });
    expect(resolved.headers).toEqual({ Authorization: `Bearer ${KEY}` });
  });

  it("Windsurf: plain JSON whose `openclaw` entry, pasted into Windsurf's own mcp_config.json, sends OCG_KEY from the environment (${env:OCG_KEY}) to its serverUrl", () => {
    const config = JSON.parse(files[".windsurf/mcp_config.json"]);
    const server = config.mcpServers.openclaw;
    // Windsurf reads a remote server from `serverUrl` (`url` too); `type` is not its field.
    expect(server.serverUrl).toBe(`${GATEWAY}/mcp`);
    expect(server).not.toHaveProperty("type");
    const resolved = substitute(server, (inside) => {
      expect(inside).toBe("env:OCG_KEY");
      return KEY;
    });
    expect(resolved.headers).toEqual({ Authorization: `Bearer ${KEY}` });
  });

  it("every editor's file names the same server and the same key variable, so one OCG_KEY serves them all", () => {
    const servers = {
      ".vscode/mcp.json": readVsCode(files[".vscode/mcp.json"]).servers,
      ".cursor/mcp.json": JSON.parse(files[".cursor/mcp.json"]).mcpServers,
      ".mcp.json": JSON.parse(files[".mcp.json"]).mcpServers,
      ".windsurf/mcp_config.json": JSON.parse(files[".windsurf/mcp_config.json"]).mcpServers,
    };
    for (const [path, byName] of Object.entries(servers)) {
      expect(Object.keys(byName), path).toEqual(["openclaw"]);
      expect(byName.openclaw.url ?? byName.openclaw.serverUrl, path).toBe(`${GATEWAY}/mcp`);
      expect(Object.keys(byName.openclaw.headers), path).toEqual(["Authorization"]);
    }
  });

  it("no file the kit asks the attendee to share is where a key would go: .env stays git-ignored, the MCP files do not", () => {
    const ignored = files[".gitignore"].split("\n");
    expect(ignored).toContain(".env");
    for (const path of MCP_FILES) expect(ignored).not.toContain(path);
  });
});

describe("the MCP files follow .env's gateway, as the other settings do (editors.sh, run by setup.sh)", () => {
  /** Each editor's server address, read as that editor reads its file. */
  const addressesIn = (dir) => {
    const read = (file) => readFileSync(path.join(dir, file), "utf8");
    return [
      readVsCode(read(".vscode/mcp.json")).servers.openclaw.url,
      JSON.parse(read(".cursor/mcp.json")).mcpServers.openclaw.url,
      JSON.parse(read(".mcp.json")).mcpServers.openclaw.url,
      JSON.parse(read(".windsurf/mcp_config.json")).mcpServers.openclaw.serverUrl,
    ];
  };
  const editors = (dir, auth, url) => runScript(dir, "editors.sh", "", { args: [auth, url], path: kitToolsPath() });

  it("points every editor at the gateway setup.sh found, whichever gateway the kit was downloaded from, keeping the rest of each file", async () => {
    const dir = makeKitDir({ gatewayUrl: "https://old-gateway.example.org" });
    const before = readFileSync(path.join(dir, ".vscode/mcp.json"), "utf8");
    for (const auth of ["gateway-key", "byok"]) {
      const url = `https://${auth}.example.net/ws&1|x`;
      const run = await editors(dir, auth, url);
      expect(run.code, run.output).toBe(0);
      expect(addressesIn(dir)).toEqual(Array(4).fill(`${url}/mcp`));
    }
    // Only the address changed: the comments, inputs and headers are as shipped.
    expect(readFileSync(path.join(dir, ".vscode/mcp.json"), "utf8")).toBe(before.replace("https://old-gateway.example.org/mcp", "https://byok.example.net/ws&1|x/mcp"));
  });

  it("fills in a copy of the repository's kit/ (its placeholder address), and leaves the files alone for an OpenClaw reached directly", async () => {
    const dir = makeKitDir();
    for (const file of MCP_FILES) writeFileSync(path.join(dir, file), readFileSync(path.join(import.meta.dirname, "..", "kit", file), "utf8"));
    expect((await editors(dir, "openclaw", "http://localhost:18789")).code).toBe(0);
    expect(readFileSync(path.join(dir, ".mcp.json"), "utf8")).toContain("{{GATEWAY_URL}}/mcp");
    expect((await editors(dir, "gateway-key", "https://gw.example.org")).code).toBe(0);
    expect(addressesIn(dir)).toEqual(Array(4).fill("https://gw.example.org/mcp"));
  });
});

describe("Claude Code's settings that setup.sh writes (editors.sh) for the kit's MCP server", () => {
  it("with a gateway key: switch the kit's server `openclaw` on, let its tools run, and offer MCP tools up front (no ToolSearch)", async () => {
    const dir = makeKitDir();
    const run = await runScript(dir, "editors.sh", "", { args: ["gateway-key", GATEWAY], path: kitToolsPath() });
    expect(run.code, run.output).toBe(0);
    const settings = JSON.parse(readFileSync(path.join(dir, ".claude", "settings.local.json"), "utf8"));
    expect(settings.enabledMcpjsonServers).toEqual(["openclaw"]);
    expect(settings.permissions.allow).toEqual(["mcp__openclaw"]);
    expect(settings.env.ENABLE_TOOL_SEARCH).toBe("false");
    // The server it switches on is the one .mcp.json declares.
    expect(Object.keys(JSON.parse(files[".mcp.json"]).mcpServers)).toEqual(settings.enabledMcpjsonServers);
  });

  it("on a pass-through gateway or an OpenClaw reached directly: no Claude Code settings at all", async () => {
    for (const auth of ["byok", "openclaw"]) {
      const dir = makeKitDir();
      const run = await runScript(dir, "editors.sh", "", { args: [auth, GATEWAY], path: kitToolsPath() });
      expect(run.code, run.output).toBe(0);
      expect(existsSync(path.join(dir, ".claude", "settings.local.json")), auth).toBe(false);
    }
  });
});

describe("with-key.sh: starts an editor with OCG_KEY from .env in its environment", () => {
  // The "editor" here prints what it got: OCG_KEY from its environment, and its arguments.
  const editor = ["bash", "-c", 'printf "key=%s args=%s" "$OCG_KEY" "$*"', "editor", "."];

  it("hands the program the key from .env (quotes and a Windows line end taken off), never on its command line", async () => {
    const dir = makeKitDir({ env: envText({ USER_ID: "sam", OCG_KEY: `"${KEY}"\r` }) });
    const run = await runScript(dir, "with-key.sh", "", { args: editor, path: kitToolsPath() });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`key=${KEY} args=.`);
  });

  it("says what to do when there is no .env, no key in it, or no program named", async () => {
    const cases = [
      [makeKitDir(), editor, /no \.env.*\n.*bash setup\.sh/s],
      [makeKitDir({ env: envText({ USER_ID: "sam", OCG_KEY: "" }) }), editor, /OCG_KEY is empty.*\n.*bash setup\.sh/s],
      [makeKitDir({ env: envText({ OCG_KEY: KEY }) }), [], /Say which program.*\n.*bash with-key\.sh cursor \./s],
      [makeKitDir({ env: envText({ OCG_KEY: KEY }) }), ["no-such-editor", "."], /'no-such-editor' is not a command.*\n.*Shell Command/s],
    ];
    for (const [dir, args, said] of cases) {
      const run = await runScript(dir, "with-key.sh", "", { args, path: kitToolsPath() });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(said);
      expect(run.output).not.toContain(KEY);
    }
  });
});
