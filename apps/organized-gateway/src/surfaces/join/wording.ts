/**
 * What the join page tells an attendee setup.sh will ask for, derived from the gateway that
 * serves it, so the page and setup.sh (apps/trainee-kit/kit/setup.sh) never disagree:
 * - pass-through (BYOK): the attendee's own OpenAI key pays, so setup.sh asks for it;
 * - a route that needs a gateway key (OpenClaw strategy): the key comes from `/enroll`, or
 *   from the organiser when enrolment is closed; with `PAID_BY=organiser` no OpenAI key is
 *   asked (the gateway's account pays), with `PAID_BY=attendee` setup.sh asks for it and
 *   registers it with the gateway (it pays for the attendee's turns);
 * - AUTH_MODE=codex: each attendee's own ChatGPT/Codex or Claude account pays, connected by
 *   `bash setup.sh --auth codex` with a gateway key (enrolled as above); no OpenAI key;
 * - the event code is asked only when enrolment is open and the kit does not carry it.
 */
import type { Config } from "../../settings/config";
import { callersNeedGatewayKey, chooseUpstream, routeTableFor } from "../../pipeline/route";

export interface JoinMode {
  /** AUTH_MODE=codex: every attendee connects their own model account (setup.sh --auth codex). */
  ownAccountPays: boolean;
  /** Callers need a gateway key (pipeline/route callersNeedGatewayKey): setup.sh enrols for one. */
  needsGatewayKey: boolean;
  /** ...and the gateway's own account pays (PAID_BY=organiser): nobody brings a key. */
  gatewayPays: boolean;
  /** EVENT_CODE is set: setup.sh enrols for a gateway key. */
  enrollmentOpen: boolean;
  /** KIT_INCLUDE_EVENT_CODE is on and there is a code: the kit's .env.example carries it. */
  eventCodeInKit: boolean;
  /**
   * The code itself, only when the kit carries it. /kit.zip is as public as this page, so
   * anyone who can read the page can already unzip the code: showing it exposes nothing
   * more, and helps whoever set up from a neighbour's copy or typed their own .env.
   */
  eventCode?: string;
}

export function joinModeOf(config: Config): JoinMode {
  const eventCodeInKit = config.kit.includeEventCode && config.event.code !== undefined;
  const needsGatewayKey = callersNeedGatewayKey(chooseUpstream(routeTableFor(config)));
  return {
    ownAccountPays: config.authMode === "codex",
    needsGatewayKey,
    gatewayPays: needsGatewayKey && config.paidBy === "organiser",
    enrollmentOpen: config.event.code !== undefined,
    eventCodeInKit,
    eventCode: eventCodeInKit ? config.event.code : undefined,
  };
}

export interface SetupWording {
  /** The command step 2 shows. */
  command: string;
  /** Step 2's sentence: what setup.sh asks for, in the order it asks. */
  asks: string;
  /** What the attendee brings to the room, for the line under the download button. */
  bring: string;
  /** Where the event code comes from; null when setup.sh never asks for it. */
  eventCode: string | null;
  /** What the attendee's laptop needs, said exactly (the line above the steps). */
  needs: string;
  /** AUTH_MODE=codex: per kind of account, what it takes to get its token, fastest way first; else empty. */
  tokenWays: string[];
}

const NOTHING_TO_INSTALL = "You need a laptop with a terminal (Windows: Git Bash) — bash and curl, nothing to install.";

/**
 * How each kind of account's token is had. setup.sh itself needs only bash and curl; the
 * subscription tools need Node.js, an API key needs nothing. Device-code sign-in where the
 * provider offers one (Codex): it works from any browser, the phone's too.
 */
export const TOKEN_WAYS: readonly string[] = [
  "ChatGPT Plus or Pro: the Codex CLI, which needs Node.js (nodejs.org): npm install -g @openai/codex, then codex login --device-auth — open the address it shows on any device and type its code. setup.sh then finds the sign-in by itself.",
  "Claude Pro or Max: Claude Code, which needs Node.js (nodejs.org): npm install -g @anthropic-ai/claude-code, then claude setup-token — sign in in the browser it opens, and paste the sk-ant-oat01-… token it prints.",
  "An API key instead, with nothing to install: OpenAI (sk-…, platform.openai.com/api-keys) or Anthropic (sk-ant-api…, console.anthropic.com).",
];

/** Joins ["a", "b", "c"] as "a, b and c". */
function listOf(items: string[]): string {
  return items.length < 2 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

/** The command that connects an attendee's own model account (setup.sh's --auth codex). */
export const OWN_ACCOUNT_COMMAND = "bash setup.sh --auth codex";

/** AUTH_MODE=codex: setup.sh enrols (or takes the organiser's key), then asks for the account's token. */
function ownAccountWording(mode: JoinMode): SetupWording {
  const token = "your model account's token (claude setup-token prints one; a ChatGPT sign-in from codex login is found by itself)";
  const asked = ["your first name"];
  const asksForCode = mode.enrollmentOpen && !mode.eventCodeInKit;
  if (asksForCode) asked.push("the event code");
  asked.push(token);
  const asks = mode.enrollmentOpen
    ? `setup.sh asks for ${listOf(asked)}, then prints Agent ready.`
    : `setup.sh asks for your personal gateway key: the organiser hands those out (put it after OCG_KEY= in .env), then for ${token}, then it prints Agent ready.`;
  const bring = `No OpenAI key needed: you connect your own ChatGPT/Codex or Claude account with ${OWN_ACCOUNT_COMMAND}, and it pays for your turns.`;
  const needs = "You need a laptop with a terminal (Windows: Git Bash): setup.sh itself needs only bash and curl. Getting your account's token may need Node.js, depending on the account (see step 2).";
  return { command: OWN_ACCOUNT_COMMAND, asks, bring, eventCode: eventCodeWording(mode, asksForCode), needs, tokenWays: [...TOKEN_WAYS] };
}

function eventCodeWording(mode: JoinMode, asksForCode: boolean): string | null {
  if (mode.eventCodeInKit) {
    return mode.eventCode === undefined
      ? "The kit already carries the event code: you will not type it."
      : `The kit already carries the event code (${mode.eventCode}): you will not type it.`;
  }
  return asksForCode ? "The event code is on the room's screen; the organiser can tell you too." : null;
}

export function setupWording(mode: JoinMode): SetupWording {
  if (mode.ownAccountPays) return ownAccountWording(mode);
  const asked: string[] = [];
  if (!mode.gatewayPays) asked.push("your OpenAI key (sk-…)");
  asked.push("your first name");
  const asksForCode = mode.enrollmentOpen && !mode.eventCodeInKit;
  if (asksForCode) asked.push("the event code");

  let asks = `setup.sh asks for ${listOf(asked)}, then prints Agent ready.`;
  if (mode.needsGatewayKey && !mode.enrollmentOpen) {
    // setup.sh stops here without a key (enrolment closed): say so before it does.
    const first = mode.gatewayPays ? "your first name" : "your first name, your OpenAI key (sk-…)";
    asks = `setup.sh asks for ${first} and your personal gateway key: the organiser hands those out (put it after OCG_KEY= in .env), then it prints Agent ready.`;
  }

  const bring = mode.gatewayPays
    ? "No OpenAI key needed: the workshop pays for the AI."
    : mode.needsGatewayKey
      ? "Bring your own OpenAI API key (it starts with sk-; platform.openai.com/api-keys): setup.sh registers it with the gateway, and it pays for your turns."
      : "Bring your own OpenAI API key (it starts with sk-; platform.openai.com/api-keys).";

  return { command: "bash setup.sh", asks, bring, eventCode: eventCodeWording(mode, asksForCode), needs: NOTHING_TO_INSTALL, tokenWays: [] };
}

/** A coding tool the kit sets up, as step 3 lists it: the name and how to start it in the kit folder. */
export interface CodingTool {
  name: string;
  start: string;
}

/**
 * The coding tools proven to work on this gateway, the same list setup.sh ends with
 * (apps/trainee-kit/kit/editors.sh): all four with a gateway key (the gateway shapes their
 * requests for OpenClaw; test/e2e/agent-tools.test.ts), Codex and Continue on a pass-through.
 */
export function codingToolsOf(mode: JoinMode): CodingTool[] {
  const codex = { name: "Codex CLI", start: "bash codex.sh" };
  const cont = { name: "Continue", start: "its extension in VS Code or Cursor" };
  if (!mode.needsGatewayKey) return [codex, cont];
  return [
    { name: "Claude Code", start: "claude" },
    codex,
    { name: "opencode", start: "bash opencode.sh" },
    { ...cont, start: "its extension in VS Code or Cursor, or cn --config .continue/assistants/openclaw-workshop.yaml" },
  ];
}

/** An editor that gets the agent as its MCP tool `openclaw`, as step 3 lists it: the name and the one step left. */
export interface McpEditor {
  name: string;
  step: string;
}

/**
 * The editors whose MCP settings in the kit (.vscode/mcp.json, .cursor/mcp.json, .mcp.json,
 * .windsurf/mcp_config.json) reach the attendee's agent through this gateway's /mcp, the same
 * list setup.sh ends with: /mcp takes a gateway key, so none on a pass-through gateway, where
 * the attendee's own OpenAI key is what pays and /mcp would have none to send.
 */
export function mcpEditorsOf(mode: JoinMode): McpEditor[] {
  if (!mode.needsGatewayKey) return [];
  return [
    { name: "VS Code", step: "open .vscode/mcp.json, click Start, paste your OCG_KEY once" },
    { name: "Cursor", step: "bash with-key.sh cursor . then Settings → MCP: switch openclaw on" },
    { name: "Claude Code", step: "bash with-key.sh claude" },
    { name: "Windsurf", step: "paste .windsurf/mcp_config.json into its MCP raw config, then bash with-key.sh windsurf ." },
  ];
}
