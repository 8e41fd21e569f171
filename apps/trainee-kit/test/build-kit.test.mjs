// The kit builder as a unit: the generated module matches kit/, the ZIP holds every file
// with the address filled in, and setup.sh keeps its run bit in the ZIP's unix attributes.
import { strFromU8, unzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { renderGenerated } from "../scripts/generate.mjs";
import { buildKitZip, gatewayUrlOf, kitFiles } from "../src/build-kit.mjs";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Unix permission bits of each entry, read from the ZIP's central directory. */
function unixModes(zip) {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const modes = {};
  for (let at = 0; at + 46 <= zip.length; at++) {
    if (view.getUint32(at, true) !== 0x02014b50) continue;
    const nameLength = view.getUint16(at + 28, true);
    const name = strFromU8(zip.subarray(at + 46, at + 46 + nameLength));
    modes[name] = { madeBy: view.getUint8(at + 5), mode: view.getUint32(at + 38, true) >>> 16 };
  }
  return modes;
}

describe("the generated kit module", () => {
  it("is up to date with kit/ (run `npm run generate -w @ocg/trainee-kit` after editing kit/)", () => {
    const generated = readFileSync(fileURLToPath(new URL("../src/kit-files.generated.mjs", import.meta.url)), "utf8");
    expect(generated).toBe(renderGenerated());
  });
});

describe("buildKitZip", () => {
  const zip = buildKitZip({ gatewayUrl: "https://gw.example.org/", eventCode: "ROOM-1" });
  const files = Object.fromEntries(Object.entries(unzipSync(zip)).map(([name, bytes]) => [name, strFromU8(bytes)]));

  it("puts every kit file under openclaw-kit/ with the gateway's address and the event code filled in", () => {
    expect(Object.keys(files).sort()).toEqual([
      ".claude/agents/project-agent.md", ".claude/gateway-key.sh", ".cursor/mcp.json", ".env.example", ".gitignore", ".mcp.json",
      ".vscode/mcp.json", ".windsurf/mcp_config.json", "CLAUDE.md", "README.md", "agent.mjs", "agent.sh", "codex.sh", "editors.sh", "opencode.sh", "package.json",
      "setup.sh", "with-key.sh",
    ].map((name) => `openclaw-kit/${name}`));
    const env = files["openclaw-kit/.env.example"];
    expect(env).toMatch(/^OPENCLAW_GATEWAY_URL=https:\/\/gw\.example\.org$/m);
    expect(env).toMatch(/^EVENT_CODE=ROOM-1$/m);
    expect(env).toMatch(/^OPENAI_API_KEY=$/m);
    expect(env).toMatch(/^USER_ID=$/m);
    expect(env).toMatch(/^OCG_KEY=$/m);
    expect(files["openclaw-kit/setup.sh"].startsWith("#!/usr/bin/env bash\n")).toBe(true);
  });

  it("marks the shell scripts executable (0755, unix) and the other files 0644", () => {
    const modes = unixModes(zip);
    for (const script of ["setup.sh", "agent.sh", "codex.sh", "editors.sh", "with-key.sh", "opencode.sh", ".claude/gateway-key.sh"]) {
      expect(modes[`openclaw-kit/${script}`], script).toEqual({ madeBy: 3, mode: 0o100755 });
    }
    expect(modes["openclaw-kit/.env.example"]).toEqual({ madeBy: 3, mode: 0o100644 });
    expect(modes["openclaw-kit/.gitignore"]).toEqual({ madeBy: 3, mode: 0o100644 });
  });

  it("keeps .env out of git in the attendee's folder (it holds their keys)", () => {
    expect(files["openclaw-kit/.gitignore"].split("\n")).toContain(".env");
    // Claude Code's settings name this laptop's kit path: written by setup.sh, not shared.
    expect(files["openclaw-kit/.gitignore"].split("\n")).toContain(".claude/settings.local.json");
  });

  it("leaves EVENT_CODE empty when no code is given", () => {
    const env = kitFiles({ gatewayUrl: "https://gw.example.org" }).find((f) => f.path === ".env.example").text;
    expect(env).toMatch(/^EVENT_CODE=$/m);
  });

  it("gives the same bytes for the same inputs", () => {
    expect(buildKitZip({ gatewayUrl: "https://gw.example.org", eventCode: "ROOM-1" })).toEqual(zip);
  });

  it("refuses an address without http(s):// and an event code that would break .env", () => {
    expect(() => gatewayUrlOf("gw.example.org")).toThrow(/must start with https:\/\//);
    expect(() => buildKitZip({ gatewayUrl: "https://gw.example.org", eventCode: "two words" })).toThrow(/one word/);
  });
});
