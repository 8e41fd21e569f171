// The real setup.sh, run by bash, against real gateways started like `npm start`: the happy
// path from an empty .env, re-runs, and every failure an attendee can meet, each provoked
// for real (closed ports, wrong codes, taken ids, rejected keys, rate limits, a dead upstream).
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { startDevUpstream } from "@ocg/dev-upstream";
import { startLocalGateway } from "organized-gateway/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { linkAgentDependencies, makeKitDir, runSetup } from "./kit-dir.mjs";

const EVENT_CODE = "CLAW-ROOM-7";
const ADMIN = "kit-setup-admin-token-01";
const OPERATOR_TOKEN = "openclaw-operator-token-kit";
const CLOSED_PORT = 19198; // nothing listens here: an unreachable gateway
const DEAD_UPSTREAM = "http://127.0.0.1:19199"; // nothing listens here: a dead AI server

const gateways = {};
let openclawLike; // the dev upstream SIMULATOR demanding an operator token, like OpenClaw does
const stateDirs = [];
const kitDirs = [];

function start(name, port, upstreamPort, settings) {
  const persistTo = mkdtempSync(path.join(tmpdir(), `ocg-kit-${name}-`));
  stateDirs.push(persistTo);
  return startLocalGateway({
    port, upstreamPort, persistTo,
    settings: { HASH_SECRET: `kit-setup-hash-secret-${name}`, ADMIN_TOKEN: ADMIN, EVENT_CODE, LOG_FLUSH_MS: "100", ...settings },
  }).then((gateway) => (gateways[name] = gateway));
}

beforeAll(async () => {
  openclawLike = await startDevUpstream({ port: 19117, requireToken: OPERATOR_TOKEN });
  await Promise.all([
    start("byok", 19110, 19111, {}),
    start("limited", 19112, 19113, { RATE_LIMIT_PER_MINUTE: "1" }),
    start("down", 19114, 19115, { OPENCLAW_URL: DEAD_UPSTREAM }),
    start("keyed", 19116, 19119, { OPENCLAW_URL: openclawLike.url, OPENCLAW_TOKEN: OPERATOR_TOKEN }),
  ]);
});

afterAll(async () => {
  await Promise.all(Object.values(gateways).map((gateway) => gateway.stop()));
  await openclawLike?.close();
  for (const dir of [...stateDirs, ...kitDirs]) rmSync(dir, { recursive: true, force: true });
});

function kit(options) {
  const dir = makeKitDir(options);
  kitDirs.push(dir);
  return dir;
}

function readEnv(dir) {
  return Object.fromEntries(readFileSync(path.join(dir, ".env"), "utf8").split("\n")
    .map((line) => /^([A-Z_]+)=(.*)$/.exec(line)).filter(Boolean).map((m) => [m[1], m[2]]));
}

function envText(values) {
  return Object.entries(values).map(([name, value]) => `${name}=${value}`).join("\n") + "\n";
}

const lines = (text) => text.split("\n");

function expectFailure(result, exitCode, problem, next) {
  expect(result.code, result.output).toBe(exitCode);
  expect(result.stderr).toMatch(problem);
  expect(result.stderr).toMatch(next);
  expect(lines(result.output)).not.toContain("Agent ready.");
}

async function admin(gateway, pathname, init = {}) {
  const response = await fetch(`${gateway.url}/admin/api${pathname}`, { ...init, headers: { authorization: `Bearer ${ADMIN}` } });
  return response.json();
}

describe("setup.sh on the happy path", () => {
  it("goes from no .env to 'Agent ready.' with a gateway key saved, typing only the key, a first name and the event code", async () => {
    const dir = kit({ gatewayUrl: gateways.byok.url });
    const key = "sk-proj-AmyWorkshopKey0001";
    const result = await runSetup(dir, `\n${key}\nAmy\n${EVENT_CODE}\n`);
    expect(result.code, result.output).toBe(0);
    expect(lines(result.stdout)).toContain("Agent ready.");
    const env = readEnv(dir);
    expect(env).toMatchObject({ OPENCLAW_GATEWAY_URL: gateways.byok.url, OPENAI_API_KEY: key, USER_ID: "amy", EVENT_CODE });
    expect(env.OCG_KEY).toMatch(/^ocg_amy_[A-Za-z0-9]{40}$/);
    // Every note of .env.example survives the edits.
    const example = readFileSync(path.join(dir, ".env.example"), "utf8");
    const saved = readFileSync(path.join(dir, ".env"), "utf8");
    for (const note of lines(example).filter((line) => line.startsWith("#"))) expect(saved).toContain(note);
    // Keys are only ever shown masked.
    expect(result.output).not.toContain(key);
    expect(result.output).not.toContain(env.OCG_KEY);
    expect(result.output).toContain(`${env.OCG_KEY.slice(0, 6)}...${env.OCG_KEY.slice(-4)}`);
    // The saved key is a real one: the gateway accepts it.
    const models = await fetch(`${gateways.byok.url}/v1/models`, { headers: { authorization: `Bearer ${env.OCG_KEY}` } });
    expect(models.status).toBe(200);
  });

  it("is harmless to run again: it reuses the saved key and leaves .env byte for byte as it was", async () => {
    const dir = kit({ gatewayUrl: gateways.byok.url });
    expect((await runSetup(dir, `\nsk-proj-BenWorkshopKey0002\nben\n${EVENT_CODE}\n`)).code).toBe(0);
    const before = readFileSync(path.join(dir, ".env"), "utf8");
    const again = await runSetup(dir);
    expect(again.code, again.output).toBe(0);
    expect(lines(again.stdout)).toContain("Agent ready.");
    expect(again.output).not.toContain("Enrolled");
    expect(readFileSync(path.join(dir, ".env"), "utf8")).toBe(before);
    expect((await admin(gateways.byok, "/keys?user_id=ben")).data).toHaveLength(1);
  });

  it("on a gateway that pays for the AI (OpenClaw route) enrolls from an empty .env and sends only the gateway key", async () => {
    const dir = kit({ gatewayUrl: gateways.keyed.url, env: "" });
    const result = await runSetup(dir, `${gateways.keyed.url}/join\nbob\n${EVENT_CODE}\n`);
    expect(result.code, result.output).toBe(0);
    expect(lines(result.stdout)).toContain("Agent ready.");
    const env = readEnv(dir);
    expect(env.OPENCLAW_GATEWAY_URL).toBe(`${gateways.keyed.url}/join`);
    expect(env.OCG_KEY).toMatch(/^ocg_bob_/);
    expect(env.OPENAI_API_KEY).toBeUndefined();
    const seen = await (await fetch(`${openclawLike.url}/__dev/last-request`)).json();
    expect(JSON.stringify(seen)).not.toContain(env.OCG_KEY);
  });

  it("says a revoked gateway key was switched off, and emptying OCG_KEY gets a new one", async () => {
    const dir = kit({ gatewayUrl: gateways.keyed.url });
    expect((await runSetup(dir, `\ncarla\n${EVENT_CODE}\n`)).code).toBe(0);
    const [issued] = (await admin(gateways.keyed, "/keys?user_id=carla")).data;
    await admin(gateways.keyed, `/keys/${issued.id}`, { method: "DELETE" });

    const revoked = await runSetup(dir);
    expectFailure(revoked, 5, /gateway key \(ocg_ca\.\.\.\w{4}\) was switched off/, /Empty the OCG_KEY line in \.env/);

    const env = readEnv(dir);
    writeFileSync(path.join(dir, ".env"), envText({ ...env, OCG_KEY: "" }));
    const renewed = await runSetup(dir);
    expect(renewed.code, renewed.output).toBe(0);
    expect(readEnv(dir).OCG_KEY).not.toBe(env.OCG_KEY);
  });
});

describe("setup.sh when something is wrong", () => {
  it("stops when there is no .env and no .env.example to copy", async () => {
    const dir = kit({ gatewayUrl: gateways.byok.url });
    rmSync(path.join(dir, ".env.example"));
    expectFailure(await runSetup(dir), 2, /There is no \.env file/, /Run setup\.sh from inside the kit folder/);
  });

  it("stops when the attendee declines to create .env", async () => {
    const dir = kit({ gatewayUrl: gateways.byok.url });
    expectFailure(await runSetup(dir, "n\n"), 2, /There is no \.env file/, /Copy \.env\.example to a file named \.env/);
  });

  it("names an empty value it needs when nothing is typed", async () => {
    const dir = kit({ env: envText({ OPENCLAW_GATEWAY_URL: gateways.byok.url, OPENAI_API_KEY: "", USER_ID: "dan" }) });
    expectFailure(await runSetup(dir), 2, /OPENAI_API_KEY is empty in \.env/, /put it right after OPENAI_API_KEY=/);
  });

  it("rejects a key without sk- and shows only its first characters", async () => {
    const dir = kit({ env: envText({ OPENCLAW_GATEWAY_URL: gateways.byok.url, OPENAI_API_KEY: "pk-live-Secret123456789", USER_ID: "dan" }) });
    const result = await runSetup(dir);
    expectFailure(result, 2, /OPENAI_API_KEY does not look like an OpenAI key \(pk-liv\.\.\.6789\)/, /platform\.openai\.com\/api-keys/);
    expect(result.output).not.toContain("pk-live-Secret123456789");
  });

  it("rejects a gateway address that is not a web address", async () => {
    const dir = kit({ env: envText({ OPENCLAW_GATEWAY_URL: "gateway.example.org", OPENAI_API_KEY: "sk-proj-Dan0000000003", USER_ID: "dan" }) });
    expectFailure(await runSetup(dir), 2, /not a web address: 'gateway\.example\.org'/, /starts with https:\/\//);
  });

  it("rejects a USER_ID with a space in it", async () => {
    const dir = kit({ env: envText({ OPENCLAW_GATEWAY_URL: gateways.byok.url, OPENAI_API_KEY: "sk-proj-Dan0000000003", USER_ID: "dan smith" }) });
    expectFailure(await runSetup(dir), 2, /USER_ID 'dan smith' is not usable/, /USER_ID=sam/);
  });

  it("says nothing answers when the gateway's port is closed", async () => {
    const dir = kit({ env: envText({ OPENCLAW_GATEWAY_URL: `http://127.0.0.1:${CLOSED_PORT}` }) });
    expectFailure(await runSetup(dir), 3, new RegExp(`Nothing answers at http://127\\.0\\.0\\.1:${CLOSED_PORT}`), /Check OPENCLAW_GATEWAY_URL in \.env against the join page/);
  });

  it("says the address can't be found when its name does not resolve", async () => {
    const dir = kit({ env: envText({ OPENCLAW_GATEWAY_URL: "https://no-such-gateway.invalid" }) });
    expectFailure(await runSetup(dir), 3, /Can't find the gateway's address 'no-such-gateway\.invalid'/, /you are on the internet/);
  });

  it("says when the address answers but is not the gateway", async () => {
    const dir = kit({ env: envText({ OPENCLAW_GATEWAY_URL: `${gateways.byok.url}/admin` }) });
    expectFailure(await runSetup(dir), 3, /answers \(HTTP 404\), but it is not the workshop gateway/, /Copy the gateway address from the join page/);
  });

  it("says the event code is wrong", async () => {
    const dir = kit({ env: envText({ OPENCLAW_GATEWAY_URL: gateways.byok.url, OPENAI_API_KEY: "sk-proj-Eve0000000005", USER_ID: "eve", EVENT_CODE: "WRONG-CODE" }) });
    expectFailure(await runSetup(dir), 4, /The event code 'WRONG-CODE' is not right/, /against the code on the room's screen/);
  });

  it("says a USER_ID used with someone else's key is taken and suggests a last-name initial", async () => {
    const first = kit({ gatewayUrl: gateways.byok.url });
    expect((await runSetup(first, `\nsk-proj-FayOriginal0006\nfay\n${EVENT_CODE}\n`)).code).toBe(0);
    const second = kit({ gatewayUrl: gateways.byok.url, eventCode: EVENT_CODE });
    expectFailure(await runSetup(second, `\nsk-proj-FayImpostor0007\nfay\n`), 4,
      /USER_ID 'fay' is already taken by someone else/, /add your last name's initial in \.env \(e\.g\. USER_ID=fay-k\)/);
  });

  it("says a USER_ID already enrolled on the OpenClaw route is taken", async () => {
    const first = kit({ gatewayUrl: gateways.keyed.url, eventCode: EVENT_CODE });
    expect((await runSetup(first, "\ngus\n")).code).toBe(0);
    const second = kit({ gatewayUrl: gateways.keyed.url, eventCode: EVENT_CODE });
    expectFailure(await runSetup(second, "\ngus\n"), 4, /USER_ID 'gus' is already taken/, /USER_ID=gus-k/);
  });

  it("says OpenAI rejected the key, showing it masked", async () => {
    const dir = kit({ gatewayUrl: gateways.byok.url, eventCode: EVENT_CODE });
    const result = await runSetup(dir, "\nsk-invalid-Hal00000008\nhal\n");
    expectFailure(result, 5, /OpenAI did not accept your key \(sk-inv\.\.\.0008\)/, /Copy your key again/);
    expect(result.output).not.toContain("sk-invalid-Hal00000008");
  });

  it("says when the attendee is rate-limited and when to try again", async () => {
    const key = "sk-proj-Ida000000000009";
    const burn = await fetch(`${gateways.limited.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "x-user-id": "ida", "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "one" }] }),
    });
    expect(burn.status).toBe(200);
    const dir = kit({ env: envText({ OPENCLAW_GATEWAY_URL: gateways.limited.url, OPENAI_API_KEY: key, USER_ID: "ida", EVENT_CODE }) });
    expectFailure(await runSetup(dir), 6, /rate-limiting you/, /Wait \d+ seconds, then run: bash setup\.sh/);
  });

  it("says the AI server is down and that the organiser is on it", async () => {
    const dir = kit({ env: envText({ OPENCLAW_GATEWAY_URL: gateways.down.url, OPENAI_API_KEY: "sk-proj-Jo00000000010", USER_ID: "jo", EVENT_CODE }) });
    expectFailure(await runSetup(dir), 7, /the AI server behind it is not answering right now \(upstream_unreachable\)/, /the organiser is on it/);
  });
});

describe("setup.sh against an OpenClaw directly (path B, no gateway)", () => {
  // The dev upstream SIMULATOR stands in for OpenClaw here: like OpenClaw it has /healthz,
  // takes only its operator token, and answers `openclaw/main`. Issue 5 runs a real one.
  it("notices there is no gateway, uses OPENCLAW_TOKEN and the model openclaw/main", async () => {
    const dir = kit({ env: envText({ OPENCLAW_GATEWAY_URL: openclawLike.url, OPENCLAW_TOKEN: OPERATOR_TOKEN, USER_ID: "kim" }) });
    const result = await runSetup(dir);
    expect(result.code, result.output).toBe(0);
    expect(result.stdout).toContain("Found an OpenClaw");
    expect(lines(result.stdout)).toContain("Agent ready.");
    const seen = await (await fetch(`${openclawLike.url}/__dev/last-request`)).json();
    expect(JSON.stringify(seen)).toContain("openclaw/main");
    expect(result.output).not.toContain(OPERATOR_TOKEN);
  });

  it("says the OpenClaw rejected a wrong token", async () => {
    const dir = kit({ env: envText({ OPENCLAW_GATEWAY_URL: openclawLike.url, OPENCLAW_TOKEN: "not-the-operator-token" }) });
    expectFailure(await runSetup(dir), 5, /Your OpenClaw did not accept OPENCLAW_TOKEN \(not-th\.\.\.oken\)/, /gateway\.auth\.token/);
  });

  it("runs the agent there too, streaming its answer", async () => {
    const dir = kit({ env: envText({ OPENCLAW_GATEWAY_URL: openclawLike.url, OPENCLAW_TOKEN: OPERATOR_TOKEN, USER_ID: "kim" }) });
    linkAgentDependencies(dir);
    // Asynchronously: the simulator answering it runs in this very process.
    const { stdout: out } = await promisify(execFile)(process.execPath, ["agent.mjs", "I run a flower shop"], { cwd: dir });
    expect(out).toMatch(/Here is a 5-step workflow for "My business: I run a flower shop/);
  });
});
