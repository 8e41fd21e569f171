// The attendee's whole path from the download, in both kinds of gateway: the ZIP served by
// /kit.zip is unzipped with `unzip`, its setup.sh runs in bash against the gateway with a
// PATH that has no Node.js (bash, curl and the usual tools only), and `bash agent.sh`
// streams a workflow; the Node agent still works for whoever has Node. Measures, as the
// closing note reports them (printed, never asserted), the wall time from unzip to
// "Agent ready." and on to the first workflow, and counts the values the attendee types.
import { execFile, spawn } from "node:child_process";
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { startDevUpstream } from "@ocg/dev-upstream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalGateway } from "../../scripts/local-gateway.mjs";
// The kit's own test helpers: its scripts run by a real bash with typed input, a PATH without
// Node.js, and the stand-in for `npm install`.
import { kitToolsPath, linkAgentDependencies, runScript, runSetup } from "../../../trainee-kit/test/kit-dir.mjs";

const run = promisify(execFile);
const DESCRIPTION = "I run a small bakery with three staff";
const OPERATOR_TOKEN = "kit-zip-operator-token-01";
type Gateway = Awaited<ReturnType<typeof startLocalGateway>>;
let byok: Gateway;
let pays: Gateway;
let paysUpstream: Awaited<ReturnType<typeof startDevUpstream>>;
let work: string;
let noNode: string;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "ocg-kit-zip-"));
  noNode = kitToolsPath();
  // The gateway that pays talks to an upstream that, like OpenClaw, takes only the operator token.
  paysUpstream = await startDevUpstream({ port: 19133, requireToken: OPERATOR_TOKEN });
  [byok, pays] = await Promise.all([
    startLocalGateway({
      port: 19130, upstreamPort: 19131, persistTo: path.join(work, "state-byok"),
      settings: { HASH_SECRET: "kit-zip-e2e-hash-secret-01", EVENT_CODE: "KIT-ZIP-ROOM", KIT_INCLUDE_EVENT_CODE: "true", EVENT_NAME: "Kit ZIP Test" },
    }),
    startLocalGateway({
      port: 19132, persistTo: path.join(work, "state-pays"),
      settings: {
        HASH_SECRET: "kit-zip-e2e-hash-secret-02", EVENT_CODE: "PAID-ROOM", EVENT_NAME: "Kit ZIP Test (gateway pays)",
        OPENCLAW_URL: paysUpstream.url, OPENCLAW_TOKEN: OPERATOR_TOKEN,
      },
    }),
  ]);
});

afterAll(async () => {
  await Promise.all([byok?.stop(), pays?.stop()]);
  await paysUpstream?.close();
  for (const dir of [work, noNode]) if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Downloads this gateway's kit and unzips it, as an attendee does; returns the kit folder and when unzip began. */
async function downloadAndUnzip(gateway: Gateway, name: string): Promise<{ kit: string; started: number }> {
  const download = await fetch(`${gateway.url}/kit.zip`);
  expect(download.status).toBe(200);
  const dir = path.join(work, name);
  const zipFile = path.join(work, `${name}.zip`);
  writeFileSync(zipFile, new Uint8Array(await download.arrayBuffer()));
  const started = performance.now();
  await run("unzip", ["-q", zipFile, "-d", dir]);
  const kit = path.join(dir, "openclaw-kit");
  accessSync(path.join(kit, "setup.sh"), constants.X_OK);
  return { kit, started };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

describe("the kit downloaded from /kit.zip", () => {
  it("BYOK, the code in the kit: typing only a key and a first name, with no Node.js, reaches 'Agent ready.' and bash agent.sh streams a workflow", async () => {
    const { kit, started } = await downloadAndUnzip(byok, "byok");
    // What the attendee types: Enter (create .env), their key, their first name.
    const typed = ["sk-proj-ZoeWorkshopKey0001", "Zoe"];
    const result = await runSetup(kit, `\n${typed.join("\n")}\n`, { path: noNode });
    const toReady = performance.now() - started;
    expect(result.code, result.output).toBe(0);
    expect(result.stdout.split("\n")).toContain("Agent ready.");
    expect(result.stdout).toContain("Next: bash agent.sh");
    // No Node.js on this PATH: setup.sh does not send the attendee to npm.
    expect(result.stdout).not.toMatch(/npm (install|run)/);
    const env = readFileSync(path.join(kit, ".env"), "utf8");
    expect(env).toMatch(new RegExp(`^OPENCLAW_GATEWAY_URL=${byok.url}$`, "m"));
    expect(env).toMatch(/^EVENT_CODE=KIT-ZIP-ROOM$/m);
    expect(env).toMatch(/^OCG_KEY=ocg_zoe_[A-Za-z0-9]{40}$/m);

    // Spread the dev upstream's answer over time (its model-name knob), so streaming shows.
    writeFileSync(path.join(kit, ".env"), `${env.trimEnd()}\nMODEL=gpt-4o-mini@chunkdelay=40\n`);
    const agent = await runScript(kit, "agent.sh", "", { path: noNode, args: [DESCRIPTION] });
    const toWorkflow = performance.now() - started;
    expect(agent.code, agent.output).toBe(0);
    expect(agent.stdout).toContain('Here is a 5-step workflow for "My business: I run a small bakery with');
    expect(agent.stdout).toMatch(/5\. Roll it out/);
    const firstText = agent.pieces.find((p) => /\w/.test(p.text))!;
    const lastText = agent.pieces.at(-1)!;
    expect(agent.pieces.filter((p) => /\w/.test(p.text)).length, "the answer arrives in pieces").toBeGreaterThan(2);
    expect(lastText.at - firstText.at, "written as it arrives, not all at the end").toBeGreaterThan(100);
    const seen = await (await fetch(`${byok.upstream!.url}/__dev/last-request`)).json() as { body: { stream?: boolean }; headers: Record<string, string> };
    expect(seen.body.stream).toBe(true);
    // The upstream sees zoe's derived session value (src/route/session.ts), never the typed id.
    expect(seen.headers["x-forwarded-user"]).toMatch(/^ocg-[0-9a-f]{32}$/);
    console.log(`BYOK: unzip -> "Agent ready.": ${seconds(toReady)}; -> first workflow (bash agent.sh): ${seconds(toWorkflow)} ` +
      `(its first words after ${seconds(firstText.at)}); values typed: ${typed.length} (OpenAI key, first name) and one Enter to create .env`);
  });

  it("the gateway pays: typing only a first name and the event code reaches 'Agent ready.' with no OpenAI key, and bash agent.sh answers through the operator token", async () => {
    const { kit, started } = await downloadAndUnzip(pays, "pays");
    const typed = ["Ada", "paid-room"]; // the code in the wrong case: accepted
    const result = await runSetup(kit, `\n${typed.join("\n")}\n`, { path: noNode });
    const toReady = performance.now() - started;
    expect(result.code, result.output).toBe(0);
    expect(result.stdout.split("\n")).toContain("Agent ready.");
    expect(result.output).not.toMatch(/OpenAI API key/);
    const env = readFileSync(path.join(kit, ".env"), "utf8");
    expect(env).toMatch(/^OCG_KEY=ocg_ada_[A-Za-z0-9]{40}$/m);
    expect(env).toMatch(/^OPENAI_API_KEY=$/m);

    const agent = await runScript(kit, "agent.sh", "", { path: noNode, args: [DESCRIPTION] });
    const toWorkflow = performance.now() - started;
    expect(agent.code, agent.output).toBe(0);
    expect(agent.stdout).toMatch(/5\. Roll it out/);
    const seen = paysUpstream.stats.lastRequest() as { headers: Record<string, string>; body: { model: string; stream?: boolean } };
    expect(seen.headers.authorization).toBe(`Bearer ${OPERATOR_TOKEN}`);
    expect(seen.body.model).toBe("openclaw/main");
    expect(seen.body.stream).toBe(true);
    const firstText = agent.pieces.find((p) => /\w/.test(p.text))!;
    console.log(`Gateway pays: unzip -> "Agent ready.": ${seconds(toReady)}; -> first workflow (bash agent.sh): ${seconds(toWorkflow)} ` +
      `(its first words after ${seconds(firstText.at)}); values typed: ${typed.length} (first name, event code) and one Enter to create .env`);

    // Whoever has Node.js can run the same agent in Node.
    linkAgentDependencies(kit);
    const node = spawn(process.execPath, ["agent.mjs"], { cwd: kit, stdio: ["pipe", "pipe", "pipe"] });
    node.stdin.end(`${DESCRIPTION}\n`);
    let answer = "";
    let stderr = "";
    node.stdout.on("data", (d) => (answer += d));
    node.stderr.on("data", (d) => (stderr += d));
    const code = await new Promise((resolve) => node.on("close", resolve));
    expect(code, stderr).toBe(0);
    expect(answer).toContain('Here is a 5-step workflow for "My business: I run a small bakery with');
  });
});
