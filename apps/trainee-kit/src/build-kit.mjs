// Builds the trainee kit ZIP: the files of kit/ with the gateway's address (and, when the
// organiser chooses, the event code) filled in, under one folder, setup.sh keeping its run
// bit. One implementation with two callers: the Worker's GET /kit.zip and the organiser's
// offline `npm run kit`.
import { strToU8, zipSync } from "fflate";
import { KIT_FILES } from "./kit-files.generated.mjs";

export const KIT_FOLDER = "openclaw-kit";
export const KIT_ZIP_NAME = `${KIT_FOLDER}.zip`;
// A fixed date keeps the same inputs giving the same bytes (ZIP dates start in 1980).
const FILE_DATE = new Date("2026-01-01T12:00:00Z");
const UNIX = 3;
const REGULAR_FILE = 0o100000;

/** Throws unless the address is an http(s) URL; returns it without a trailing slash. */
export function gatewayUrlOf(url) {
  const text = String(url ?? "").trim();
  if (!/^https?:\/\/[^\s/]+(\/\S*)?$/.test(text)) {
    throw new Error(`The gateway address must start with https:// (or http://) and have no spaces; got "${text}".`);
  }
  return text.replace(/\/+$/, "");
}

function eventCodeOf(code) {
  if (code === undefined || code === null || code === "") return undefined;
  const text = String(code);
  if (/[\s"'\\#]/.test(text)) throw new Error("The event code must be one word without spaces, quotes, backslashes or #.");
  return text;
}

/** The editors' MCP settings (the agent as the MCP server `openclaw`): the gateway's `/mcp` goes into each. */
export const MCP_FILES = [".cursor/mcp.json", ".vscode/mcp.json", ".mcp.json", ".windsurf/mcp_config.json"];

function setLine(text, name, value) {
  return text.replace(new RegExp(`^${name}=.*$`, "m"), `${name}=${value}`);
}

/**
 * The kit's files ready for download: `.env.example` has OPENCLAW_GATEWAY_URL (and
 * EVENT_CODE when given) filled in, and the MCP settings pointed at the gateway (setup.sh writes the
 * other tools' settings from .env).
 * @param {{ gatewayUrl: string, eventCode?: string }} options
 * @returns {{ path: string, text: string, executable: boolean }[]}
 */
export function kitFiles({ gatewayUrl, eventCode }) {
  const url = gatewayUrlOf(gatewayUrl);
  const code = eventCodeOf(eventCode);
  return KIT_FILES.map((file) => {
    let text = file.text;
    if (file.path === ".env.example") {
      text = setLine(text, "OPENCLAW_GATEWAY_URL", url);
      if (code) text = setLine(text, "EVENT_CODE", code);
    }
    if (MCP_FILES.includes(file.path)) text = text.replaceAll("{{GATEWAY_URL}}", JSON.stringify(url).slice(1, -1));
    return { ...file, text };
  });
}

/**
 * The kit as ZIP bytes: every file under `openclaw-kit/`, with unix permissions in each
 * entry (0755 for setup.sh, 0644 for the rest) so unzip and macOS keep setup.sh runnable.
 * @param {{ gatewayUrl: string, eventCode?: string }} options
 * @returns {Uint8Array}
 */
export function buildKitZip(options) {
  const entries = {};
  for (const file of kitFiles(options)) {
    const mode = REGULAR_FILE | (file.executable ? 0o755 : 0o644);
    entries[`${KIT_FOLDER}/${file.path}`] = [strToU8(file.text), { os: UNIX, attrs: (mode << 16) >>> 0, mtime: FILE_DATE }];
  }
  return zipSync(entries, { level: 9 });
}
