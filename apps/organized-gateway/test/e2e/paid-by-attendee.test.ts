// PAID_BY=attendee in AUTH_MODE=openai: plain `bash setup.sh` registers the attendee's own
// OPENAI_API_KEY as their model credential, and their turns through a real OpenClaw
// (openclaw@2026.9.6, headless on loopback) are paid by exactly that key.
//
// The attendee's kit is unzipped from the same builder the gateway serves, and its real
// setup.sh is run by bash, on a PATH whose curl writes down its command lines (what `ps`
// would show). Two model providers, both the dev upstream, so the test sees what reaches each:
// - the operator's: OpenClaw's own `dev` provider (what the gateway's OpenClaw account pays);
// - the attendees': OPENAI_BASE_URL (and CODEX_BASE_URL) of the gateway's relay, behind a
//   small proxy that can refuse a key the way OpenAI refuses a dead one (401 from then on).
// A second gateway on the same OpenClaw, PAID_BY=organiser, shows that nothing changes there.
// The first gateway's pool has a free model route beside OpenClaw, which never sees a credential.
// The relay token the host's config holds is also presented as whoever reads that config
// would: outside the attendee's turns and after each organiser or attendee action that ends
// it, nothing reaches the attendees' provider; inside a turn, each call is a row of the turn.
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDevUpstream } from "@ocg/dev-upstream";
import { kitFiles } from "@ocg/trainee-kit/build-kit";
import { startLocalGateway } from "../../scripts/local-gateway.mjs";
import { ATTENDEE_ISOLATION, startOpenClaw } from "../../scripts/openclaw-local.mjs";
import { HOST_CONFIG_FRAGMENT } from "../../src/credentials/host-setup";
import { callJson, openClawRpc, startRevokingProvider, startTogether } from "./harness";

const ADMIN = "paid-by-attendee-e2e-admin-token";
const EVENT_CODE = "PAID-BY-ROOM";
const OPERATOR_TOKEN = "paid-by-attendee-openclaw-operator-token";
const PORTS = { gateway: 19500, openclaw: 19501, operatorProvider: 19502, attendeeProvider: 19503, providerProxy: 19504, organiserGateway: 19505, freeModels: 19519 };
const TURN_TIMEOUT_MS = 240_000;
/** What the Codex backend stand-in answers at, under CODEX_BASE_URL. */
const CODEX_BASE_PATH = "/backend-api/codex";

/**
 * The documented host config offers the agent no tool at all. Here the minimal profile's
 * `session_status` (it reads the caller's own session only: `tools.sessions.visibility` stays
 * "self") is let through, so an agent turn can run a tool loop of its own — two model calls
 * through the relay in one turn. The rest of the deny list is the documented one.
 */
const OWN_TOOL_ALLOWED = { deny: ATTENDEE_ISOLATION.tools.deny.filter((group) => group !== "group:sessions") };

type Gateway = Awaited<ReturnType<typeof startLocalGateway>>;
let operatorProvider: Awaited<ReturnType<typeof startDevUpstream>>;
let attendeeProvider: Awaited<ReturnType<typeof startDevUpstream>>;
/** The free model route's server (a NoClaw-like pass-through): it must never see an attendee's credential. */
let freeModels: Awaited<ReturnType<typeof startDevUpstream>>;
let proxy: Server;
let openclaw: Awaited<ReturnType<typeof startOpenClaw>> | undefined;
let gateway: Gateway | undefined;
let organiserGateway: Gateway | undefined;
const tempDirs: string[] = [];
/** Authorization values the "provider" refuses from now on, as OpenAI does a revoked key. */
const refusedAtProvider = new Set<string>();
/** Where the kit's curl writes each command line it was started with, across every run (see curlThatLogs). */
let curlLog: string;
/** Where it writes each answer's body, so a failed run shows what the gateway said. */
let answerLog: string;
let curlBin: string;

function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/**
 * A directory holding a `curl` that appends its command line to `curlLog`, runs the real one,
 * then appends the answer's body (setup.sh's `-o` file) to `answerLog`.
 */
function curlThatLogs(): string {
  const bin = tempDir("ocg-paid-by-bin-");
  const logs = tempDir("ocg-paid-by-curl-log-");
  curlLog = path.join(logs, "argv");
  answerLog = path.join(logs, "answers");
  writeFileSync(curlLog, "");
  writeFileSync(answerLog, "");
  const real = execFileSync("bash", ["-c", "command -v curl"], { encoding: "utf8" }).trim();
  writeFileSync(path.join(bin, "curl"), [
    "#!/bin/sh",
    `printf '%s\\n' "$*" >>'${curlLog}'`,
    `'${real}' "$@"`,
    "code=$?",
    `prev=""; for arg in "$@"; do [ "$prev" = -o ] && { cat "$arg"; echo; } >>'${answerLog}'; prev=$arg; done`,
    "exit $code",
    "",
  ].join("\n"));
  chmodSync(path.join(bin, "curl"), 0o755);
  return bin;
}

function startGateway(port: number, name: string, settings: Record<string, string>): Promise<Gateway> {
  return startLocalGateway({
    port,
    persistTo: tempDir(`ocg-paid-by-${name}-`),
    settings: {
      OPENCLAW_URL: `http://127.0.0.1:${PORTS.openclaw}`, OPENCLAW_TOKEN: OPERATOR_TOKEN, HASH_SECRET: `paid-by-e2e-hash-secret-${name}`,
      ADMIN_TOKEN: ADMIN, EVENT_CODE, UPSTREAM_TIMEOUT_MS: "120000", AUTH_MODE: "openai",
      CREDENTIAL_KEY: randomBytes(32).toString("hex"),
      OPENAI_BASE_URL: `http://127.0.0.1:${PORTS.providerProxy}/v1`,
      CODEX_BASE_URL: `http://127.0.0.1:${PORTS.providerProxy}${CODEX_BASE_PATH}`,
      ...settings,
    },
  });
}

beforeAll(async () => {
  [operatorProvider, attendeeProvider, freeModels] = await Promise.all([
    startDevUpstream({ port: PORTS.operatorProvider, quiet: true }),
    startDevUpstream({ port: PORTS.attendeeProvider, quiet: true }),
    startDevUpstream({ port: PORTS.freeModels, quiet: true }),
  ]);
  proxy = await startRevokingProvider(PORTS.providerProxy, () => attendeeProvider.url, refusedAtProvider);
  curlBin = curlThatLogs();
  await startTogether([
    startOpenClaw({ port: PORTS.openclaw, token: OPERATOR_TOKEN, providerUrl: operatorProvider.url, config: { ...HOST_CONFIG_FRAGMENT, tools: OWN_TOOL_ALLOWED } }),
    // The OpenClaw node as the one-node pool would name it, beside a free model route.
    startGateway(PORTS.gateway, "attendee", {
      PAID_BY: "attendee",
      UPSTREAMS: JSON.stringify([
        { name: "openclaw", url: `http://127.0.0.1:${PORTS.openclaw}`, token: OPERATOR_TOKEN },
        { name: "free", url: `http://127.0.0.1:${PORTS.freeModels}`, models: ["noclaw/*"], free: true },
      ]),
    }),
    startGateway(PORTS.organiserGateway, "organiser", { PAID_BY: "organiser" }),
  ] as const, ([claw, attendeePays, organiserPays]) => { openclaw = claw; gateway = attendeePays; organiserGateway = organiserPays; });
}, 600_000);

afterAll(async () => {
  await gateway?.stop();
  await organiserGateway?.stop();
  await openclaw?.stop();
  await new Promise((resolve) => proxy?.close(resolve));
  await operatorProvider?.close();
  await attendeeProvider?.close();
  await freeModels?.close();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** The attendee's kit for this gateway, unzipped into a folder of its own, with this .env. */
function kit(on: Gateway, env: Record<string, string>): string {
  const dir = tempDir("ocg-paid-by-kit-");
  for (const file of kitFiles({ gatewayUrl: on.url })) {
    mkdirSync(path.dirname(path.join(dir, file.path)), { recursive: true });
    writeFileSync(path.join(dir, file.path), file.text);
    if (file.executable) chmodSync(path.join(dir, file.path), 0o755);
  }
  writeFileSync(path.join(dir, ".env"), Object.entries({ OPENCLAW_GATEWAY_URL: on.url, EVENT_CODE, ...env }).map(([k, v]) => `${k}=${v}`).join("\n") + "\n");
  return dir;
}

/** The kit's .env as an object (NAME=value lines only). */
function readEnv(dir: string): Record<string, string> {
  return Object.fromEntries(readFileSync(path.join(dir, ".env"), "utf8").split("\n")
    .map((line) => /^([A-Z_]+)=(.*)$/.exec(line)).filter((m) => m !== null).map((m) => [m[1], m[2]]));
}

function setEnv(dir: string, name: string, value: string) {
  const file = path.join(dir, ".env");
  writeFileSync(file, readFileSync(file, "utf8").replace(new RegExp(`^${name}=.*$`, "m"), `${name}=${value}`));
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  output: string;
  /** The model calls that reached the attendees' provider while it ran. */
  attendeeCalls: Seen[];
  /** The model calls that reached the operator's provider while it ran. */
  operatorCalls: number;
  /** The command lines curl was started with while it ran (what `ps` would have shown). */
  curlLines: string[];
  /** The bodies of the gateway's answers while it ran. */
  answers: string[];
}

interface Seen {
  path: string;
  authorization: string;
}

/** What reached each provider's model endpoints after the given request numbers. */
function modelCallsSince(attendeeSeq: number, operatorSeq: number) {
  const isModelCall = (r: { path: string; method: string }) => r.method === "POST" && /\/(chat\/completions|responses)$/.test(r.path);
  return {
    attendeeCalls: attendeeProvider.stats.requests.filter((r) => r.seq > attendeeSeq && isModelCall(r))
      .map((r) => ({ path: r.path, authorization: String(r.headers.authorization ?? "") })),
    operatorCalls: operatorProvider.stats.requests.filter((r) => r.seq > operatorSeq && isModelCall(r)).length,
  };
}

/** `bash setup.sh` in the kit folder, as the attendee runs it, typing `input`; HOME is the folder itself unless given. */
function setup(dir: string, { args = [], input = "", home = dir }: { args?: string[]; input?: string; home?: string } = {}): Promise<Run> {
  const attendeeSeq = attendeeProvider.stats.requestCount;
  const operatorSeq = operatorProvider.stats.requestCount;
  const logged = readFileSync(curlLog, "utf8").length;
  const answered = readFileSync(answerLog, "utf8").length;
  return new Promise((resolve) => {
    const child = spawn("bash", ["setup.sh", ...args], {
      cwd: dir, env: { PATH: `${curlBin}${path.delimiter}${process.env.PATH}`, HOME: home, LANG: "C" },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.stdin.on("error", () => {});
    child.on("close", (code) => resolve({
      code, stdout, stderr, output: stdout + stderr, ...modelCallsSince(attendeeSeq, operatorSeq),
      curlLines: readFileSync(curlLog, "utf8").slice(logged).split("\n").filter(Boolean),
      answers: readFileSync(answerLog, "utf8").slice(answered).split("\n").filter(Boolean),
    }));
    child.stdin.end(input);
  });
}

function expectReady(run: Run) {
  expect(run.code, `${run.output}\nThe gateway's last answers:\n${run.answers.slice(-3).join("\n").replace(/ocg_[\w.-]+/g, "ocg_…")}`).toBe(0);
  expect(run.stdout.split("\n")).toContain("Agent ready.");
}

/** Every model call of the run went to the attendees' provider with exactly this key, and none to the operator's. */
function expectPaidBy(run: Run, token: string) {
  expect(run.attendeeCalls.length, run.output).toBeGreaterThan(0);
  expect(run.attendeeCalls.map((c) => c.authorization)).toEqual(run.attendeeCalls.map(() => `Bearer ${token}`));
  expect(run.operatorCalls).toBe(0);
}

/** No secret of the attendee's shows in what setup.sh printed, nor on any curl command line. */
function expectKeptSecret(run: Run, ...secrets: string[]) {
  expect(run.curlLines.length).toBeGreaterThan(0);
  for (const secret of secrets) {
    expect(run.output).not.toContain(secret);
    expect(run.curlLines.join("\n")).not.toContain(secret);
  }
}

async function adminCredential(on: Gateway, userId: string): Promise<any> {
  const response = await fetch(`${on.url}/admin/api/users/${userId}/credential`, { headers: { authorization: `Bearer ${ADMIN}` } });
  expect(response.status).toBe(200);
  return (await response.json()).credential;
}

async function health(on: Gateway): Promise<any> {
  return (await fetch(`${on.url}/health`)).json();
}

const openaiKey = (name: string) => `sk-proj-${name}-${randomBytes(16).toString("hex")}`;
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** A ChatGPT-sign-in-shaped access token, as `codex login` saves it: its account in the auth claim, an hour to live. */
function codexAccessToken(account: string): string {
  const claims = { exp: Math.floor(Date.now() / 1000) + 3600, "https://api.openai.com/auth": { chatgpt_account_id: account }, sub: `user-${account}` };
  return `${b64({ alg: "RS256", typ: "JWT" })}.${b64(claims)}.${randomBytes(24).toString("base64url")}`;
}

/** Calls OpenClaw's admin RPC directly, as the host's operator. */
const adminRpc = (method: string, params: unknown) => openClawRpc(openclaw!.url, OPERATOR_TOKEN, method, params);

describe("PAID_BY=attendee: plain `bash setup.sh` registers the attendee's OPENAI_API_KEY, through a real OpenClaw", () => {
  it("says who pays in /health, and refuses an attendee who registered no key with 401 no_credential, no model call made", async () => {
    expect(await health(gateway!)).toMatchObject({ auth_mode: "openai", paid_by: "attendee", gateway_key_required: true, enrollment_open: true });
    expect(await health(organiserGateway!)).toMatchObject({ auth_mode: "openai", paid_by: "organiser", gateway_key_required: true });

    const enrolled = await fetch(`${gateway!.url}/enroll`, {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ event_code: EVENT_CODE, user_id: "nia" }),
    });
    expect(enrolled.status).toBe(201);
    const { key } = await enrolled.json();
    const attendeeSeq = attendeeProvider.stats.requestCount;
    const operatorSeq = operatorProvider.stats.requestCount;
    const answer = await fetch(`${gateway!.url}/v1/chat/completions`, {
      method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hello before registering" }] }),
    });
    expect(answer.status).toBe(401);
    expect((await answer.json()).error).toMatchObject({ code: "no_credential", message: "No OpenAI key registered for you. Run: bash setup.sh" });
    expect(modelCallsSince(attendeeSeq, operatorSeq)).toEqual({ attendeeCalls: [], operatorCalls: 0 });
  });

  it("registers OPENAI_API_KEY from .env and ends 'Agent ready.' with its model calls paid by exactly that key; a re-run is no rotation; a changed key rotates", async () => {
    const first = openaiKey("ada");
    const dir = kit(gateway!, { USER_ID: "ada", OPENAI_API_KEY: first });
    const run = await setup(dir);
    expectReady(run);
    expect(run.stdout).toMatch(/^Enrolled as ada\./m);
    expect(run.stdout).toMatch(/^Registered your OpenAI key sk-pro\.\.\.[0-9a-f]{4} with the gateway \(fp_[0-9a-f]{16}\): it pays your turns/m);
    expectPaidBy(run, first);
    expectKeptSecret(run, first, readEnv(dir).OCG_KEY);
    // The key stays in .env: it is the credential (nothing offers to remove it).
    expect(readEnv(dir).OPENAI_API_KEY).toBe(first);
    expect(run.output).not.toContain("Remove OPENAI_API_KEY");
    const stored = await adminCredential(gateway!, "ada");
    expect(stored).toMatchObject({ kind: "openai", fingerprint: expect.stringMatching(/^fp_[0-9a-f]{16}$/) });
    expect(run.stdout).toContain(`(${stored.fingerprint})`);
    expect(run.curlLines.some((line) => line.includes("-X PUT") && line.endsWith("/me/credential"))).toBe(true);

    // Again, as attendees do: nothing changes at the gateway.
    const again = await setup(dir);
    expectReady(again);
    expect(again.stdout).toContain(`Your OpenAI key sk-pro...${first.slice(-4)} is registered with the gateway (${stored.fingerprint}): it pays your turns.`);
    expectPaidBy(again, first);
    expect(await adminCredential(gateway!, "ada")).toMatchObject({ kind: "openai", fingerprint: stored.fingerprint, stored_at: stored.stored_at });

    // A new key in .env replaces the old at the next run.
    const second = openaiKey("ada2");
    setEnv(dir, "OPENAI_API_KEY", second);
    const rotated = await setup(dir);
    expectReady(rotated);
    expect(rotated.stdout).toMatch(/^Registered your OpenAI key /m);
    expectPaidBy(rotated, second);
    expectKeptSecret(rotated, first, second);
    const now = await adminCredential(gateway!, "ada");
    expect(now.fingerprint).not.toBe(stored.fingerprint);
    expect(now.stored_at).not.toBe(stored.stored_at);
    expect(rotated.stdout).toContain(`(${now.fingerprint})`);
  }, TURN_TIMEOUT_MS);

  it("asks for the key with hidden input when .env has none, and saves it there", async () => {
    const key = openaiKey("pia");
    const dir = kit(gateway!, { USER_ID: "pia", OPENAI_API_KEY: "" });
    const run = await setup(dir, { input: `${key}\n` });
    expectReady(run);
    expect(run.stderr).toContain("Your OpenAI API key (starts with sk-; hidden while you paste): ");
    expect(readEnv(dir).OPENAI_API_KEY).toBe(key);
    expectPaidBy(run, key);
    expectKeptSecret(run, key);
  }, TURN_TIMEOUT_MS);

  it("keeps the account an attendee connected with --auth codex: a plain re-run neither replaces it with OPENAI_API_KEY nor spends that key", async () => {
    const home = tempDir("ocg-paid-by-home-");
    mkdirSync(path.join(home, ".codex"));
    const access = codexAccessToken("acct-cody");
    writeFileSync(path.join(home, ".codex", "auth.json"), JSON.stringify({ tokens: { access_token: access, refresh_token: "rt_never-sent", account_id: "acct-cody" } }));
    const apiKey = openaiKey("cody");
    const dir = kit(gateway!, { USER_ID: "cody", OPENAI_API_KEY: apiKey });
    // Enter: use the sign-in found; n: keep OPENAI_API_KEY in .env.
    const connected = await setup(dir, { args: ["--auth", "codex"], input: "\nn\n", home });
    expectReady(connected);
    expect(connected.stdout).toContain("Connected your openai-codex account");
    const account = await adminCredential(gateway!, "cody");
    expect(account).toMatchObject({ kind: "openai-codex" });

    const plain = await setup(dir, { home });
    expectReady(plain);
    expect(plain.stdout).toContain("Your own openai-codex account (connected with bash setup.sh --auth codex) pays your turns: kept it; OPENAI_API_KEY is not used.");
    expect(await adminCredential(gateway!, "cody")).toMatchObject({ kind: "openai-codex", fingerprint: account.fingerprint, stored_at: account.stored_at });
    expectPaidBy(plain, access);
    expect(plain.attendeeCalls.every((c) => c.path === `${CODEX_BASE_PATH}/responses`)).toBe(true);
    expectKeptSecret(plain, access, apiKey);
  }, TURN_TIMEOUT_MS);

  it("says OpenAI refused the key, naming OPENAI_API_KEY, at registration and after a key that worked dies; a working key in .env then gets ready", async () => {
    const dead = openaiKey("rex");
    refusedAtProvider.add(`Bearer ${dead}`);
    const dir = kit(gateway!, { USER_ID: "rex", OPENAI_API_KEY: dead });
    const refused = await setup(dir);
    expect(refused.code, refused.output).toBe(5);
    expect(refused.stderr).toMatch(/Problem: OpenAI did not accept your key \(sk-pro\.\.\.[0-9a-f]{4}\)/);
    expect(refused.stderr).toMatch(/Next: +Copy your key again .* into OPENAI_API_KEY in \.env .*then run: bash setup\.sh$/m);
    expect(refused.output).not.toContain("Agent ready.");
    expect(refused.attendeeCalls).toEqual([]);
    expect(refused.operatorCalls).toBe(0);
    expectKeptSecret(refused, dead);
    expect(await adminCredential(gateway!, "rex")).toBeNull();

    // A key that worked, revoked at OpenAI afterwards: the gateway says so, and so does a re-run.
    const working = openaiKey("rex2");
    setEnv(dir, "OPENAI_API_KEY", working);
    expectReady(await setup(dir));
    refusedAtProvider.add(`Bearer ${working}`);
    const turn = await fetch(`${gateway!.url}/v1/chat/completions`, {
      method: "POST", headers: { authorization: `Bearer ${readEnv(dir).OCG_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "after OpenAI revoked my key" }] }),
    });
    expect(turn.status).toBe(401);
    const error = (await turn.json()).error;
    expect(error.code).toBe("credential_rejected");
    expect(error.message).toContain("OPENAI_API_KEY in .env");
    expect(error.message).toContain("bash setup.sh");
    const rerun = await setup(dir);
    expect(rerun.code, rerun.output).toBe(5);
    expect(rerun.stderr).toMatch(/OpenAI did not accept your key .*\n.*OPENAI_API_KEY in \.env/);

    const fresh = openaiKey("rex3");
    setEnv(dir, "OPENAI_API_KEY", fresh);
    const fixed = await setup(dir);
    expectReady(fixed);
    expectPaidBy(fixed, fresh);
  }, TURN_TIMEOUT_MS);

  it("waits its turn, by itself, while the agent server cannot take another attendee's set-up (503 host_busy with Retry-After)", async () => {
    // OpenClaw takes 30 config writes a minute; spend what is left of this minute's, as a room
    // registering at once would. A refused write (a stale hash) spends one too, and changes nothing.
    let busy: any;
    for (let i = 0; i < 40 && !busy; i++) {
      const answer = await adminRpc("config.patch", { raw: "{}", baseHash: "stale", note: "test: a busy minute" });
      if (answer.error?.code === "UNAVAILABLE") busy = answer.error;
    }
    expect(busy, "OpenClaw never said its config writes were used up").toBeDefined();
    // Long enough that the gateway does not wait it out itself (it waits a few seconds at most).
    if (busy.retryAfterMs < 15_000) {
      await new Promise((resolve) => setTimeout(resolve, busy.retryAfterMs + 500));
      busy = undefined;
      for (let i = 0; i < 40 && !busy; i++) {
        const answer = await adminRpc("config.patch", { raw: "{}", baseHash: "stale", note: "test: a busy minute" });
        if (answer.error?.code === "UNAVAILABLE") busy = answer.error;
      }
      expect(busy?.retryAfterMs).toBeGreaterThan(15_000);
    }
    const key = openaiKey("bea");
    const run = await setup(kit(gateway!, { USER_ID: "bea", OPENAI_API_KEY: key }));
    expectReady(run);
    expect(run.stdout).toMatch(/^The agent server is setting up many attendees' accounts at once; waiting \d+ seconds for your turn\.\.\.$/m);
    expect(run.stdout).toMatch(/^Registered your OpenAI key /m);
    expectPaidBy(run, key);
  }, TURN_TIMEOUT_MS);
});

/** The relay tokens of this attendee that the host's config holds now: what whoever reads the config (or a backup of it) can present. */
function relayTokensOnHost(userId: string): string[] {
  const config = JSON.parse(readFileSync(path.join(openclaw!.home, ".openclaw", "openclaw.json"), "utf8"));
  return Object.values<{ apiKey?: unknown }>(config.models?.providers ?? {})
    .map((entry) => entry.apiKey)
    .filter((apiKey): apiKey is string => typeof apiKey === "string" && apiKey.startsWith(`ocgr_${userId}_`));
}

/** The one relay token the host holds for this attendee. */
function relayTokenOnHost(userId: string): string {
  const tokens = relayTokensOnHost(userId);
  expect(tokens).toHaveLength(1);
  return tokens[0];
}

interface Row {
  request_id: string;
  endpoint: string;
  auth: string;
  status: number;
  tokens_est: number;
  turn_id: string | null;
  model_calls: number | null;
  model_tokens: number | null;
}

/** The attendee's rows, once `ready` says they are all there (rows are written after the answers, in batches). */
async function rowsOf(userId: string, ready: (rows: Row[]) => boolean): Promise<Row[]> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const response = await fetch(`${gateway!.url}/admin/api/requests?user_id=${userId}&limit=500`, { headers: { authorization: `Bearer ${ADMIN}` } });
    const { data } = (await response.json()) as { data: Row[] };
    if (ready(data) || Date.now() > deadline) return data;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** A model call at the relay with this token, as OpenClaw makes it for the attendee's agent. */
function relayCall(token: string, content: string) {
  return callJson(gateway!.url, "POST", "/relay/openai/chat/completions", {
    bearer: token, body: { model: "gpt-5.4-mini", messages: [{ role: "user", content }] },
  });
}

/** The relay refuses this token with this code, and nothing reaches the attendees' provider. */
async function refusedAtRelay(token: string, status: number, code: string) {
  const before = attendeeProvider.stats.requestCount;
  const answer = await relayCall(token, `a model call with the host's relay token, expecting ${code}`);
  expect(answer.status, answer.text).toBe(status);
  expect(answer.body.error.code).toBe(code);
  expect(attendeeProvider.stats.requestCount).toBe(before);
}

function asAttendee(key: string, method: string, route: string, body?: unknown) {
  return callJson(gateway!.url, method, route, { bearer: key, body });
}

function asOrganiser(method: string, route: string) {
  return callJson(gateway!.url, method, `/admin/api${route}`, { bearer: ADMIN });
}

describe("PAID_BY=attendee: the relay token the host's config holds, through a real OpenClaw", () => {
  it("spends the attendee's key only inside their turns: refused outside one, after rotation, block, delete, revoke and reinstate, with nothing reaching the provider", async () => {
    const first = openaiKey("rhea");
    const dir = kit(gateway!, { USER_ID: "rhea", OPENAI_API_KEY: first });
    expectReady(await setup(dir));
    const key = readEnv(dir).OCG_KEY;
    const firstToken = relayTokenOnHost("rhea");
    await refusedAtRelay(firstToken, 403, "no_active_turn");

    // Rotation: the host gets the new key's token, and the old one is dead.
    const second = openaiKey("rhea2");
    const rotated = await asAttendee(key, "PUT", "/me/credential", { kind: "openai", token: second });
    expect(rotated.status, rotated.text).toBe(201);
    const secondToken = relayTokenOnHost("rhea");
    expect(secondToken).not.toBe(firstToken);
    await refusedAtRelay(firstToken, 401, "invalid_relay_token");

    expect((await asOrganiser("POST", "/users/rhea/block")).status).toBe(200);
    await refusedAtRelay(secondToken, 403, "user_blocked");
    expect((await asOrganiser("POST", "/users/rhea/unblock")).status).toBe(200);
    await refusedAtRelay(secondToken, 403, "no_active_turn");

    expect((await asAttendee(key, "DELETE", "/me/credential")).status).toBe(204);
    await refusedAtRelay(secondToken, 401, "invalid_relay_token");

    // Registering again takes the deleted credential's entry, and its dead token, off the host.
    const third = openaiKey("rhea3");
    expect((await asAttendee(key, "PUT", "/me/credential", { kind: "openai", token: third })).status).toBe(201);
    const thirdToken = relayTokenOnHost("rhea");
    expect(thirdToken).not.toBe(secondToken);
    const keyId = key.slice("ocg_rhea_".length, "ocg_rhea_".length + 8);
    expect((await asOrganiser("DELETE", `/keys/${keyId}`)).status).toBe(200);
    await refusedAtRelay(thirdToken, 403, "user_id_revoked");
    expect((await asOrganiser("POST", "/users/rhea/reinstate")).status).toBe(200);
    await refusedAtRelay(thirdToken, 401, "invalid_relay_token");
  }, TURN_TIMEOUT_MS);

  it("logs every model call of a turn that reached the provider as a row linked to the turn, and the turn's row counts a tool loop's calls and tokens", async () => {
    const key = openaiKey("theo");
    const dir = kit(gateway!, { USER_ID: "theo", OPENAI_API_KEY: key });
    expectReady(await setup(dir));
    const gatewayKey = readEnv(dir).OCG_KEY;

    // One of the agent's own tools, called by the scripted model: the agent runs it and calls the model again.
    const before = attendeeProvider.stats.requestCount;
    const turn = await asAttendee(gatewayKey, "POST", "/v1/chat/completions", {
      model: "gpt-4o-mini", messages: [{ role: "user", content: "[[call session_status {}]]" }],
    });
    expect(turn.status, turn.text).toBe(200);
    expect(turn.body.choices[0].message.content).toContain("The tool answered:");
    const turnId = turn.headers.get("x-request-id")!;
    const loopCalls = modelCallsSince(before, operatorProvider.stats.requestCount).attendeeCalls;
    expect(loopCalls.length).toBeGreaterThanOrEqual(2);
    expect(loopCalls.map((call) => call.authorization)).toEqual(loopCalls.map(() => `Bearer ${key}`));

    const rows = await rowsOf("theo", (found) => {
      const turnRow = found.find((row) => row.request_id === turnId);
      return found.filter((row) => row.turn_id === turnId).length >= loopCalls.length && turnRow?.model_calls != null;
    });
    const loopRows = rows.filter((row) => row.turn_id === turnId);
    expect(loopRows).toHaveLength(loopCalls.length);
    for (const row of loopRows) expect(row).toMatchObject({ auth: "relay", endpoint: "/relay/openai/chat/completions", status: 200 });
    const turnRow = rows.find((row) => row.request_id === turnId)!;
    expect(turnRow).toMatchObject({ auth: "key", endpoint: "/v1/chat/completions", status: 200, model_calls: loopCalls.length });
    expect(turnRow.model_tokens).toBe(loopRows.reduce((sum, row) => sum + row.tokens_est, 0));

    // Every call paid with the attendee's key (setup's own test turn included) is a relay row linked to one of their /v1 turns.
    const paidWithKey = attendeeProvider.stats.requests.filter((r) => r.method === "POST" && /\/chat\/completions$/.test(r.path)
      && String(r.headers.authorization ?? "") === `Bearer ${key}`).length;
    const relayRows = rows.filter((row) => row.auth === "relay" && row.status === 200);
    expect(relayRows).toHaveLength(paidWithKey);
    const turns = new Set(rows.filter((row) => row.endpoint.startsWith("/v1/")).map((row) => row.request_id));
    for (const row of relayRows) expect(turns.has(row.turn_id!), row.request_id).toBe(true);
  }, TURN_TIMEOUT_MS);

  it("never gives the free model route the attendee's key or relay token, and its 401 leaves the key paying their OpenClaw turns", async () => {
    const key = openaiKey("uma");
    const enrolled = await callJson(gateway!.url, "POST", "/enroll", { body: { event_code: EVENT_CODE, user_id: "uma" } });
    expect(enrolled.status, enrolled.text).toBe(201);
    const gatewayKey: string = enrolled.body.key;
    expect((await asAttendee(gatewayKey, "PUT", "/me/credential", { kind: "openai", token: key })).status).toBe(201);
    const relayToken = relayTokenOnHost("uma");
    const freeBefore = freeModels.stats.requestCount;

    const free = await asAttendee(gatewayKey, "POST", "/v1/chat/completions", { model: "noclaw/gemma3", messages: [{ role: "user", content: "hello, free route" }] });
    expect(free.status, free.text).toBe(200);
    const refused = await asAttendee(gatewayKey, "POST", "/v1/chat/completions", { model: "noclaw/gemma3@status=401", messages: [{ role: "user", content: "refuse me" }] });
    expect(refused.status, refused.text).toBe(401);
    expect(refused.body.error.code).not.toBe("credential_rejected");
    const seenByFree = freeModels.stats.requests.filter((r) => r.seq > freeBefore);
    expect(seenByFree.map((r) => r.body?.model)).toEqual(["gemma3", "gemma3@status=401"]);
    for (const secret of [key, relayToken, gatewayKey]) expect(JSON.stringify(seenByFree)).not.toContain(secret);
    expect(JSON.stringify(seenByFree)).not.toContain("ocgr_");

    const attendeeSeq = attendeeProvider.stats.requestCount;
    const operatorSeq = operatorProvider.stats.requestCount;
    const turn = await asAttendee(gatewayKey, "POST", "/v1/chat/completions", { model: "gpt-4o-mini", messages: [{ role: "user", content: "hello after the free route's 401" }] });
    expect(turn.status, turn.text).toBe(200);
    const calls = modelCallsSince(attendeeSeq, operatorSeq);
    expect(calls.attendeeCalls.length).toBeGreaterThan(0);
    expect(calls.attendeeCalls.map((c) => c.authorization)).toEqual(calls.attendeeCalls.map(() => `Bearer ${key}`));
    expect(calls.operatorCalls).toBe(0);
    expect((await adminCredential(gateway!, "uma")).last_result).not.toBe("rejected");
  }, TURN_TIMEOUT_MS);
});

describe("PAID_BY=organiser: plain `bash setup.sh` is as before", () => {
  it("gets 'Agent ready.' with the operator's provider paying, and registers no key even when .env has one", async () => {
    const key = openaiKey("olga");
    const dir = kit(organiserGateway!, { USER_ID: "olga", OPENAI_API_KEY: key });
    const run = await setup(dir);
    expectReady(run);
    expect(run.operatorCalls).toBeGreaterThan(0);
    expect(run.attendeeCalls).toEqual([]);
    expect(run.output).not.toMatch(/Registered your OpenAI key|is registered with the gateway/);
    expect(run.curlLines.filter((line) => line.includes("/me/credential"))).toEqual([]);
    expect(await adminCredential(organiserGateway!, "olga")).toBeNull();
    expect(readEnv(dir).OPENAI_API_KEY).toBe(key);
    expectKeptSecret(run, key);
  }, TURN_TIMEOUT_MS);
});
