// The attendee's whole path from the download: the ZIP served by /kit.zip is unzipped with
// `unzip`, its setup.sh runs in bash against the gateway, and the agent streams a workflow.
// Also measures the wall time from unzip to "Agent ready." (printed, never asserted).
import { execFile, spawn } from "node:child_process";
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalGateway } from "../../scripts/local-gateway.mjs";
// The kit's own test helpers: bash setup.sh with typed input, and the stand-in for `npm install`.
import { linkAgentDependencies, runSetup } from "../../../trainee-kit/test/kit-dir.mjs";

const run = promisify(execFile);
const EVENT_CODE = "KIT-ZIP-ROOM";
let gateway: Awaited<ReturnType<typeof startLocalGateway>>;
let work: string;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "ocg-kit-zip-"));
  gateway = await startLocalGateway({
    port: 19130,
    upstreamPort: 19131,
    persistTo: path.join(work, "state"),
    settings: { HASH_SECRET: "kit-zip-e2e-hash-secret-01", EVENT_CODE, KIT_INCLUDE_EVENT_CODE: "true", EVENT_NAME: "Kit ZIP Test" },
  });
});

afterAll(async () => {
  await gateway?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("the kit downloaded from /kit.zip", () => {
  it("unzips with setup.sh runnable, reaches 'Agent ready.' typing only a key and a first name, and its agent streams a workflow", async () => {
    const download = await fetch(`${gateway.url}/kit.zip`);
    expect(download.status).toBe(200);
    const zipFile = path.join(work, "openclaw-kit.zip");
    writeFileSync(zipFile, new Uint8Array(await download.arrayBuffer()));

    const started = performance.now();
    await run("unzip", ["-q", zipFile, "-d", work]);
    const kit = path.join(work, "openclaw-kit");
    accessSync(path.join(kit, "setup.sh"), constants.X_OK);
    // What the attendee types: Enter (create .env), their key, their first name.
    const result = await runSetup(kit, "\nsk-proj-ZoeWorkshopKey0001\nZoe\n");
    const toReady = performance.now() - started;
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout.split("\n")).toContain("Agent ready.");
    console.log(`unzip -> "Agent ready.": ${(toReady / 1000).toFixed(2)} s wall time`);
    const env = readFileSync(path.join(kit, ".env"), "utf8");
    expect(env).toMatch(new RegExp(`^OPENCLAW_GATEWAY_URL=${gateway.url}$`, "m"));
    expect(env).toMatch(new RegExp(`^EVENT_CODE=${EVENT_CODE}$`, "m"));
    expect(env).toMatch(/^OCG_KEY=ocg_zoe_[A-Za-z0-9]{40}$/m);

    linkAgentDependencies(kit);
    const agent = spawn(process.execPath, ["agent.mjs"], { cwd: kit, stdio: ["pipe", "pipe", "pipe"] });
    agent.stdin.end("I run a small bakery with three staff\n");
    const pieces: string[] = [];
    agent.stdout.on("data", (d) => pieces.push(String(d)));
    let stderr = "";
    agent.stderr.on("data", (d) => (stderr += d));
    const code = await new Promise((resolve) => agent.on("close", resolve));
    const answer = pieces.join("");
    expect(code, stderr).toBe(0);
    expect(answer).toContain('Here is a 5-step workflow for "My business: I run a small bakery with"');
    expect(answer).toMatch(/5\. Roll it out/);
    const seen = await (await fetch(`${gateway.upstream!.url}/__dev/last-request`)).json() as { body: { stream?: boolean }; headers: Record<string, string> };
    expect(seen.body.stream).toBe(true);
    // The upstream sees zoe's derived session value (src/route/session.ts), never the typed id.
    expect(seen.headers["x-forwarded-user"]).toMatch(/^ocg-[0-9a-f]{32}$/);
  });
});
