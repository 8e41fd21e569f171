// `bash setup.sh` with a person at the keyboard (a pseudo-terminal, test/terminal.mjs):
// nobody edits .env, a file Finder and Explorer hide. A wrong event code, a taken or
// unusable name, a key of the wrong shape or one OpenAI refused is asked again on the spot;
// setup.sh shows what it writes into .env, writes it, and carries on to "Agent ready.". The
// email for the follow-up is asked once, optional, with the consent question, and reaches
// `ocg report`'s drafts. (From a pipe, the same mistakes still stop with Problem/Next:
// setup.test.mjs.)
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { startDevUpstream } from "@ocg/dev-upstream";
import { startLocalGateway } from "organized-gateway/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { envText, kitToolsPath, makeKitDir, readEnv } from "./kit-dir.mjs";
import { findBash32 } from "./bash-3.2.mjs";
import { runAtTerminal } from "./terminal.mjs";

const EVENT_CODE = "ROOM-7";
const ADMIN = "kit-terminal-admin-token-01";
const OPERATOR_TOKEN = "kit-terminal-operator-token";
const OCG = path.resolve(import.meta.dirname, "..", "..", "ocg-cli", "bin", "ocg.mjs");

let pays; // the gateway pays (an OpenClaw-like upstream): attendees enrol for a gateway key
let byok; // pass-through: each attendee's own OpenAI key, with their USER_ID
let openclawLike;
const tempDirs = [];

function temp(prefix) {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

beforeAll(async () => {
  openclawLike = await startDevUpstream({ port: 19530, quiet: true, requireToken: OPERATOR_TOKEN });
  [pays, byok] = await Promise.all([
    startLocalGateway({
      port: 19531, upstreamPort: 19532, persistTo: temp("ocg-kit-terminal-pays-"),
      settings: { HASH_SECRET: "kit-terminal-hash-pays", ADMIN_TOKEN: ADMIN, EVENT_CODE, LOG_FLUSH_MS: "100", OPENCLAW_URL: openclawLike.url, OPENCLAW_TOKEN: OPERATOR_TOKEN },
    }),
    startLocalGateway({
      port: 19533, upstreamPort: 19534, persistTo: temp("ocg-kit-terminal-byok-"),
      settings: { HASH_SECRET: "kit-terminal-hash-byok", ADMIN_TOKEN: ADMIN, EVENT_CODE, LOG_FLUSH_MS: "100" },
    }),
  ]);
});

afterAll(async () => {
  await Promise.all([pays?.stop(), byok?.stop()]);
  await openclawLike?.close();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function kit(env) {
  const dir = makeKitDir({ env: envText(env) });
  tempDirs.push(dir);
  return dir;
}

function toolsOnly(options) {
  const bin = kitToolsPath(options);
  tempDirs.push(bin);
  return bin;
}

const ready = (result) => {
  expect(result.code, result.output).toBe(0);
  expect(result.output.split("\n")).toContain("Agent ready.");
};

/** Waits until the gateway has settled `count` refused requests sent as `userId` (its claim on the name is let go then). */
async function refusalsSettled(gateway, userId, count) {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const response = await fetch(`${gateway.url}/admin/api/attendees?minutes=60`, { headers: { authorization: `Bearer ${ADMIN}` } });
    const { data } = await response.json();
    if ((data.find((a) => a.user_id === userId)?.refused_key?.requests ?? 0) >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the gateway never logged ${count} refused requests sent as ${userId}`);
}

describe("bash setup.sh at a terminal asks again instead of sending the attendee into .env", () => {
  it("asks for the event code again when it is wrong, shows and saves the new one, and enrols", async () => {
    const dir = kit({ OPENCLAW_GATEWAY_URL: pays.url, USER_ID: "", EVENT_CODE: "ROOM-1", EMAIL: "", EMAIL_CONSENT: "" });
    const result = await runAtTerminal(dir, "setup.sh", [
      { after: /Your first name \(e\.g\. sam\): $/, type: "Ann" },
      { after: /Your email \(or press Enter to skip\): $/, type: "" },
      { after: /The event code on the room's screen: $/, type: "room-7" },
    ], { path: toolsOnly() });
    ready(result);
    expect(result.output).toContain("Problem: The event code 'ROOM-1' is not right.");
    expect(result.output).toContain("Saving in .env: USER_ID=ann");
    expect(result.output).toContain("Saving in .env: EVENT_CODE=room-7");
    expect(result.output).toContain("Saving in .env: EMAIL_CONSENT=no");
    // Asked once: the run after the fix does not ask for the email again.
    expect(result.output.match(/Your email \(or press Enter to skip\)/g)).toHaveLength(1);
    expect(result.output).not.toMatch(/^Next: {4}/m);
    const env = readEnv(dir);
    expect(env).toMatchObject({ USER_ID: "ann", EVENT_CODE: "room-7", EMAIL_CONSENT: "no" });
    expect(env.OCG_KEY).toMatch(/^ocg_ann_[A-Za-z0-9]{40}$/);
  });

  it("asks for another name when the one in .env is taken or not usable, saves it and enrols with it", async () => {
    const taken = await fetch(`${pays.url}/enroll`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ event_code: EVENT_CODE, user_id: "bo" }) });
    expect(taken.status).toBe(201);
    const dir = kit({ OPENCLAW_GATEWAY_URL: pays.url, USER_ID: "bo smith", EVENT_CODE, EMAIL_CONSENT: "no" });
    const result = await runAtTerminal(dir, "setup.sh", [
      { after: /Your first name \(e\.g\. sam\): $/, type: "bo" },
      { after: /Another name, then \(e\.g\. bo-k; .*\): $/, type: "Bo-K" },
    ], { path: toolsOnly() });
    ready(result);
    expect(result.output).toContain("Problem: USER_ID 'bo smith' is not usable");
    expect(result.output).toContain("Problem: USER_ID 'bo' is already taken.");
    expect(result.output).toContain("Saving in .env: USER_ID=bo-k");
    expect(readEnv(dir).OCG_KEY).toMatch(/^ocg_bo-k_[A-Za-z0-9]{40}$/);
  });

  it("asks for the OpenAI key again, hidden, when it has the wrong shape and when OpenAI refuses it, and saves only the one that works", async () => {
    const dir = kit({ OPENCLAW_GATEWAY_URL: byok.url, USER_ID: "cy", OPENAI_API_KEY: "pk-live-0123456789", EVENT_CODE, EMAIL_CONSENT: "no" });
    const refused = "sk-invalid-cy-no-credit-01"; // the dev upstream refuses keys with "invalid" in them
    const good = "sk-proj-CyWorkingKey000001";
    const result = await runAtTerminal(dir, "setup.sh", [
      { after: /Your OpenAI API key \(starts with sk-; hidden while you paste\): $/, type: refused },
      { after: /Paste a working key .*hidden while you paste\): $/, type: good, before: () => refusalsSettled(byok, "cy", 1) },
    ], { path: toolsOnly() });
    ready(result);
    expect(result.output).toContain("Problem: OPENAI_API_KEY does not look like an OpenAI key (pk-liv...6789)");
    expect(result.output).toContain("Problem: OpenAI did not accept your key (sk-inv...t-01)");
    expect(result.output).toContain("Saving in .env: OPENAI_API_KEY=sk-pro...0001");
    // Hidden while typed: neither key is on the screen.
    expect(result.output).not.toContain(refused);
    expect(result.output).not.toContain(good);
    expect(readEnv(dir).OPENAI_API_KEY).toBe(good);
  });

  it("without an answer, stops with the same Problem and Next lines as from a pipe", async () => {
    const dir = kit({ OPENCLAW_GATEWAY_URL: pays.url, USER_ID: "dov", EVENT_CODE: "ROOM-1", EMAIL_CONSENT: "no" });
    const result = await runAtTerminal(dir, "setup.sh", [{ after: /The event code on the room's screen: $/, type: "" }], { path: toolsOnly() });
    expect(result.code).toBe(4);
    expect(result.output).toMatch(/Problem: The event code 'ROOM-1' is not right\.\nNext: +Check EVENT_CODE in \.env against the code on the room's screen, then run: bash setup\.sh/);
    expect(readEnv(dir).EVENT_CODE).toBe("ROOM-1");
  });

  const bash32 = findBash32();
  it.skipIf(!bash32.bash)(`asks again the same way in bash 3.2 (macOS)${bash32.bash ? "" : ` — skipped: ${bash32.reason}`}`, async () => {
    const dir = kit({ OPENCLAW_GATEWAY_URL: pays.url, USER_ID: "", EVENT_CODE: "ROOM-1", EMAIL_CONSENT: "no" });
    const result = await runAtTerminal(dir, "setup.sh", [
      { after: /Your first name \(e\.g\. sam\): $/, type: "eli" },
      { after: /The event code on the room's screen: $/, type: EVENT_CODE },
    ], { path: toolsOnly({ bash: bash32.bash }) });
    ready(result);
  });
});

describe("the email for the follow-up", () => {
  it("is asked once at a terminal, with the consent question, sent with the enrolment, and is the To: of the attendee's draft in ocg report", async () => {
    const dir = kit({ OPENCLAW_GATEWAY_URL: pays.url, USER_ID: "dee", EVENT_CODE, EMAIL: "", EMAIL_CONSENT: "" });
    const result = await runAtTerminal(dir, "setup.sh", [
      { after: /Your email \(or press Enter to skip\): $/, type: "dee at example" },
      { after: /Your email \(e\.g\. sam@example\.com\), or press Enter to leave it out: $/, type: "dee@example.com" },
      { after: /May the organiser keep dee@example\.com to send you the workshop follow-up\? \[y\/N\] $/, type: "y" },
    ], { path: toolsOnly() });
    ready(result);
    expect(result.output).toContain("It is sent only with your yes, and used for nothing else.");
    expect(result.output).toContain("Saving in .env: EMAIL=dee@example.com");
    expect(result.output).toContain("Saving in .env: EMAIL_CONSENT=yes");
    expect(result.output).toContain("The organiser may email you the follow-up at dee@example.com.");

    // A second run asks nothing.
    const again = await runAtTerminal(dir, "setup.sh", [], { path: toolsOnly() });
    ready(again);
    expect(again.output).not.toContain("Your email");

    const { stdout } = await promisify(execFile)(process.execPath, [OCG, "report", "--url", pays.url], { env: { ...process.env, OCG_ADMIN_TOKEN: ADMIN } });
    expect(stdout).toContain("To: dee@example.com (USER_ID dee at ");
    expect(stdout).toMatch(/Emails on file: [1-9]/);
  });
});
