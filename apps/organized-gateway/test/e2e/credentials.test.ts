// Each attendee's own model credential pays for their turns through a real OpenClaw
// (openclaw@2026.9.6, headless on loopback), and nobody else's turns ever carry it.
//
// Two model providers, both the dev upstream, so the test sees everything that reaches each:
// - the operator's: OpenClaw's own `dev` provider (what the gateway's OpenClaw account pays);
// - the attendees': OPENAI_BASE_URL of the gateway's relay, behind a small proxy that can
//   "revoke" a key the way OpenAI would (401 for it from then on).
// OpenClaw runs with the host set-up the gateway prints (`GET /admin/api/credentials/host`,
// what `npx ocg host` shows) on top of the usual isolation settings, and the gateway in
// AUTH_MODE=codex: attendees' credentials only.
import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDevUpstream } from "@ocg/dev-upstream";
import { kitFiles } from "@ocg/trainee-kit/build-kit";
import { startLocalGateway } from "../../scripts/local-gateway.mjs";
import { startOpenClaw } from "../../scripts/openclaw-local.mjs";
import { HOST_CONFIG_FRAGMENT } from "../../src/credentials/host-setup";
import { attendeeAgentId } from "../../src/credentials/names";
import { callJson, openClawRpc, startRevokingProvider, startTogether, type CallOptions } from "./harness";

const ADMIN = "credentials-e2e-admin-token";
const EVENT_CODE = "CREDENTIALS-ROOM";
const OPERATOR_TOKEN = "credentials-openclaw-operator-token";
const HASH_SECRET = "credentials-e2e-hash-secret";
const PORTS = { gateway: 19471, openclaw: 19472, operatorProvider: 19473, attendeeProvider: 19474, providerProxy: 19475, secondOpenclaw: 19476 };
const TURN_TIMEOUT_MS = 240_000;
const OCG = path.join(import.meta.dirname, "..", "..", "..", "ocg-cli", "bin", "ocg.mjs");
const FIRST_KEY = randomBytes(32).toString("hex");

let operatorProvider: Awaited<ReturnType<typeof startDevUpstream>>;
let attendeeProvider: Awaited<ReturnType<typeof startDevUpstream>>;
let proxy: Server;
let openclaw: Awaited<ReturnType<typeof startOpenClaw>> | undefined;
let gateway: Awaited<ReturnType<typeof startLocalGateway>> | undefined;
let stateDir: string;
/** Authorization values the "provider" refuses from now on, as OpenAI does a revoked key. */
const revokedAtProvider = new Set<string>();

beforeAll(async () => {
  [operatorProvider, attendeeProvider] = await Promise.all([
    startDevUpstream({ port: PORTS.operatorProvider, quiet: true }),
    startDevUpstream({ port: PORTS.attendeeProvider, quiet: true }),
  ]);
  proxy = await startRevokingProvider(PORTS.providerProxy, () => attendeeProvider.url, revokedAtProvider);
  stateDir = mkdtempSync(path.join(tmpdir(), "ocg-credentials-"));
  await startTogether([
    startOpenClaw({ port: PORTS.openclaw, token: OPERATOR_TOKEN, providerUrl: operatorProvider.url, config: HOST_CONFIG_FRAGMENT }),
    startGateway({ CREDENTIAL_KEY: FIRST_KEY }),
  ] as const, ([claw, gw]) => { openclaw = claw; gateway = gw; });
}, 600_000);

/** The gateway as `npm start` runs it, on the same local state every time (a restart keeps D1 and the objects). */
function startGateway(keys: Record<string, string>) {
  return startLocalGateway({
    port: PORTS.gateway,
    persistTo: stateDir,
    settings: {
      OPENCLAW_URL: `http://127.0.0.1:${PORTS.openclaw}`, OPENCLAW_TOKEN: OPERATOR_TOKEN, HASH_SECRET,
      ADMIN_TOKEN: ADMIN, EVENT_CODE, UPSTREAM_TIMEOUT_MS: "120000", AUTH_MODE: "codex",
      OPENAI_BASE_URL: `http://127.0.0.1:${PORTS.providerProxy}/v1`, ...keys,
    },
  });
}

/** Runs `ocg` as the organiser does. */
function ocg(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [OCG, ...args], { env: { ...process.env, OCG_URL: gateway!.url, OCG_ADMIN_TOKEN: ADMIN }, timeout: 120_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
}

/** The attendee's kit, unzipped into a folder of its own, and its real setup.sh run there by bash. */
function runKitSetup(env: Record<string, string>, args: string[], input: string) {
  const dir = mkdtempSync(path.join(tmpdir(), "ocg-credentials-kit-"));
  for (const file of kitFiles({ gatewayUrl: gateway!.url })) {
    mkdirSync(path.dirname(path.join(dir, file.path)), { recursive: true });
    writeFileSync(path.join(dir, file.path), file.text);
    if (file.executable) chmodSync(path.join(dir, file.path), 0o755);
  }
  writeFileSync(path.join(dir, ".env"), Object.entries(env).map(([k, v]) => `${k}=${v}`).join("\n") + "\n");
  return new Promise<{ code: number | null; output: string; dir: string }>((resolve) => {
    const child = spawn("bash", ["setup.sh", ...args], { cwd: dir, env: { PATH: process.env.PATH, HOME: dir, LANG: "C" } });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("close", (code) => resolve({ code, output, dir }));
    child.stdin.end(input);
  });
}

afterAll(async () => {
  await gateway?.stop();
  await openclaw?.stop();
  await new Promise((resolve) => proxy?.close(resolve));
  await operatorProvider?.close();
  await attendeeProvider?.close();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

interface Seen {
  authorization: string;
  body: string;
}

interface Answer {
  status: number;
  body: any;
  text: string;
  /** The model calls that reached the attendees' provider while this request ran. */
  attendeeCalls: Seen[];
  /** How many model calls reached the operator's provider meanwhile. */
  operatorCalls: number;
}

async function call(method: string, route: string, options: CallOptions = {}): Promise<Answer> {
  const attendeeBefore = attendeeProvider.stats.requestCount;
  const operatorBefore = operatorProvider.stats.requestCount;
  const { status, body, text } = await callJson(gateway!.url, method, route, options);
  const attendeeCalls = attendeeProvider.stats.requests
    .filter((r) => r.seq > attendeeBefore && r.path.endsWith("/chat/completions"))
    .map((r) => ({ authorization: String(r.headers.authorization ?? ""), body: JSON.stringify(r.body) }));
  return { status, body, text, attendeeCalls, operatorCalls: operatorProvider.stats.requestCount - operatorBefore };
}

const openaiKey = (name: string) => `sk-${name}-${randomBytes(16).toString("hex")}`;
const secretWord = () => `word${randomBytes(6).toString("hex")}`;

async function enroll(userId: string): Promise<string> {
  const answer = await call("POST", "/enroll", { body: { event_code: EVENT_CODE, user_id: userId } });
  expect(answer.status, answer.text).toBe(201);
  return answer.body.key;
}

async function connect(key: string, token: string) {
  const answer = await call("PUT", "/me/credential", { bearer: key, body: { kind: "openai", token } });
  expect(answer.status, answer.text).toBe(201);
  return answer.body as { kind: string; fingerprint: string; stored_at: string };
}

function chat(key: string, content: string, stream = false): Promise<Answer> {
  return call("POST", "/v1/chat/completions", {
    bearer: key, body: { model: "gpt-4o", stream, messages: [{ role: "user", content }] },
  });
}

/** A turn that reached the attendees' provider, every call of it with exactly this key. */
async function turnPaidBy(key: string, token: string, content: string): Promise<Answer> {
  const answer = await chat(key, content);
  expect(answer.status, answer.text).toBe(200);
  expect(answer.attendeeCalls.length).toBeGreaterThan(0);
  expect(answer.attendeeCalls.map((c) => c.authorization)).toEqual(answer.attendeeCalls.map(() => `Bearer ${token}`));
  expect(answer.operatorCalls).toBe(0);
  return answer;
}

/** Calls OpenClaw's admin RPC directly, as the host's operator. */
const adminRpc = (method: string, params: unknown, url = openclaw!.url) => openClawRpc(url, OPERATOR_TOKEN, method, params);

/** The OpenClaw host's current config. */
async function hostConfig(url = openclaw!.url): Promise<any> {
  // A host that has just started may answer its admin RPC before the plugin is ready: ask again, for up to 30 s.
  for (let attempt = 0; ; attempt++) {
    const answer = await adminRpc("config.get", {}, url);
    if (answer?.ok && answer.payload?.config) return answer.payload.config;
    if (attempt >= 60) throw new Error(`config.get on ${url} kept failing: ${JSON.stringify(answer?.error ?? answer)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

describe("attendees' own credentials through a real OpenClaw (AUTH_MODE=codex)", () => {
  it("tells the organiser the host is set up, with the set-up OpenClaw runs here", async () => {
    const host = await call("GET", "/admin/api/credentials/host", { bearer: ADMIN });
    expect(host.status, host.text).toBe(200);
    expect(host.body).toMatchObject({
      auth_mode: "codex", credentials_enabled: true, relay_url: `${gateway!.url}/relay`,
      openclaw_config: HOST_CONFIG_FRAGMENT, nodes: [{ name: "openclaw", state: "ready", responses: true }],
    });
    const printed = await ocg(["host"]);
    expect(printed.code, printed.stderr).toBe(0);
    expect(printed.stdout).toContain('"admin-http-rpc"');
    expect(printed.stdout).toContain('"ownership": "explicit"');
    expect(printed.stdout).toMatch(/openclaw: ready/);
    expect(printed.stdout).toContain(`${gateway!.url}/relay`);
  }, TURN_TIMEOUT_MS);

  it("pays each attendee's turns with their own credential, never the other's nor the operator's; a rotation takes effect at the next turn and keeps the conversation", async () => {
    const ada = await enroll("ada");
    const bob = await enroll("bob");
    const none = await chat(ada, "hello before connecting");
    expect(none.status).toBe(401);
    expect(none.body.error).toMatchObject({ code: "no_credential", message: "No Codex session. Run: bash setup.sh --auth codex" });
    expect(none.attendeeCalls).toEqual([]);
    expect(none.operatorCalls).toBe(0);

    const adaKey = openaiKey("ada");
    const bobKey = openaiKey("bob");
    await connect(ada, adaKey);
    await connect(bob, bobKey);
    const adaSecret = secretWord();
    const bobSecret = secretWord();
    const turns = [
      await turnPaidBy(ada, adaKey, `my secret word is ${adaSecret}`),
      await turnPaidBy(bob, bobKey, `my secret word is ${bobSecret}`),
    ];
    const adaAgain = await turnPaidBy(ada, adaKey, "what did I tell you earlier?");
    expect(adaAgain.attendeeCalls.some((c) => c.body.includes(adaSecret))).toBe(true);
    for (const answer of [...turns, adaAgain]) {
      for (const seen of answer.attendeeCalls) expect(seen.authorization).not.toContain("sk-local-dev");
    }
    expect(turns[1].attendeeCalls.some((c) => c.body.includes(adaSecret))).toBe(false);
    // Streams too.
    const streamed = await chat(bob, "stream it", true);
    expect(streamed.status).toBe(200);
    expect(streamed.text).toContain("data: [DONE]");
    expect(streamed.attendeeCalls.map((c) => c.authorization)).toEqual(streamed.attendeeCalls.map(() => `Bearer ${bobKey}`));
    expect(streamed.attendeeCalls.length).toBeGreaterThan(0);

    const rotated = openaiKey("ada2");
    await connect(ada, rotated);
    const afterRotation = await turnPaidBy(ada, rotated, "and now?");
    expect(afterRotation.attendeeCalls.every((c) => !c.authorization.includes(adaKey))).toBe(true);
    // The same agent and session: the conversation before the rotation is still there.
    expect(afterRotation.attendeeCalls.some((c) => c.body.includes(adaSecret))).toBe(true);
    // On the host, ada's agent has one provider entry: the rotation removed the old one.
    const adaAgent = await attendeeAgentId(HASH_SECRET, "ada", 1);
    const config = await hostConfig();
    const providers = Object.keys(config.models.providers).filter((id) => id.startsWith(adaAgent));
    expect(providers).toHaveLength(1);
    expect(config.agents.entries[adaAgent]).toMatchObject({ model: `${providers[0]}/gpt-5.4-mini`, utilityModel: "" });
    expect(JSON.stringify(config)).not.toContain(adaKey);
    await turnPaidBy(bob, bobKey, "still mine?");
  }, TURN_TIMEOUT_MS * 2);

  it("lists in /v1/models no other attendee's agent, though OpenClaw lists every agent it has", async () => {
    const cleo = await enroll("cleo");
    const dora = await enroll("dora");
    await connect(cleo, openaiKey("cleo"));
    await connect(dora, openaiKey("dora"));
    const cleoAgent = await attendeeAgentId(HASH_SECRET, "cleo", 1);
    const doraAgent = await attendeeAgentId(HASH_SECRET, "dora", 1);
    // The host itself lists both (what the gateway has to hide).
    const direct = await fetch(`${openclaw!.url}/v1/models`, { headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } });
    const hostIds = ((await direct.json()) as { data: { id: string }[] }).data.map((m) => m.id);
    expect(hostIds.filter((id) => id.includes(cleoAgent) || id.includes(doraAgent)).length).toBeGreaterThanOrEqual(2);

    const listed = await call("GET", "/v1/models", { bearer: cleo });
    expect(listed.status, listed.text).toBe(200);
    const ids = (listed.body.data as { id: string }[]).map((m) => m.id);
    expect(ids.length).toBeGreaterThan(0);
    expect(listed.text).not.toContain(doraAgent);
    expect(ids.filter((id) => /ocg-/.test(id)).every((id) => id.includes(cleoAgent))).toBe(true);
    const other = await call("GET", `/v1/models/${encodeURIComponent(`openclaw/${doraAgent}`)}`, { bearer: cleo });
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe("model_not_found");
  }, TURN_TIMEOUT_MS);

  it("after the attendee revokes, or the organiser does, answers 401 and no model call carries the old credential", async () => {
    const cy = await enroll("cy");
    const dee = await enroll("dee");
    const cyKey = openaiKey("cy");
    const deeKey = openaiKey("dee");
    await connect(cy, cyKey);
    await connect(dee, deeKey);
    await turnPaidBy(cy, cyKey, "first");
    await turnPaidBy(dee, deeKey, "first");

    expect((await call("DELETE", "/me/credential", { bearer: cy })).status).toBe(204);
    const revoked = await chat(cy, "after revoking");
    expect(revoked.status).toBe(401);
    expect(revoked.body.error.code).toBe("no_credential");
    expect(revoked.attendeeCalls).toEqual([]);
    expect(revoked.operatorCalls).toBe(0);

    const byOrganiser = await ocg(["credentials", "revoke", "dee"]);
    expect(byOrganiser.code, byOrganiser.stderr).toBe(0);
    expect(byOrganiser.stdout).toBe("dee: model account revoked.\n");
    expect((await call("GET", "/admin/api/users/dee/credential", { bearer: ADMIN })).body).toEqual({ user_id: "dee", credential: null });
    const after = await chat(dee, "after the organiser revoked");
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe("no_credential");
    expect(after.attendeeCalls).toEqual([]);

    // Not even a caller with OpenClaw's operator token, driving cy's agent on the host
    // directly, gets a model call made with cy's old credential: the relay token in
    // OpenClaw's config died with it.
    const before = attendeeProvider.stats.requestCount;
    const direct = await fetch(`${openclaw!.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ model: `openclaw/${await attendeeAgentId(HASH_SECRET, "cy", 1)}`, messages: [{ role: "user", content: "on the host" }] }),
    });
    expect(direct.status).not.toBe(200);
    expect(attendeeProvider.stats.requests.filter((r) => r.seq > before && r.path.endsWith("/chat/completions"))).toEqual([]);
    // A new connection works again, with the new credential only.
    const cyNew = openaiKey("cy2");
    await connect(cy, cyNew);
    await turnPaidBy(cy, cyNew, "back");
  }, TURN_TIMEOUT_MS);

  it("turns the provider's refusal of a credential into 401 credential_rejected, shows it to the organiser, and refuses at once until the attendee reconnects", async () => {
    const eve = await enroll("eve");
    const eveKey = openaiKey("eve");
    await connect(eve, eveKey);
    await turnPaidBy(eve, eveKey, "works");
    revokedAtProvider.add(`Bearer ${eveKey}`);

    const refused = await chat(eve, "after the provider revoked my key");
    expect(refused.status, refused.text).toBe(401);
    expect(refused.body.error.code).toBe("credential_rejected");
    expect(refused.body.error.message).toContain("reconnect your account: bash setup.sh --auth codex");
    expect(refused.operatorCalls).toBe(0);

    const shown = await call("GET", "/admin/api/users/eve/credential", { bearer: ADMIN });
    expect(shown.body).toMatchObject({ user_id: "eve", credential: { kind: "openai", last_result: "rejected" } });
    expect(shown.text).not.toContain(eveKey);

    const again = await chat(eve, "and again");
    expect(again.status).toBe(401);
    expect(again.body.error.code).toBe("credential_rejected");
    expect(again.attendeeCalls).toEqual([]);

    const fresh = openaiKey("eve2");
    await connect(eve, fresh);
    await turnPaidBy(eve, fresh, "reconnected");

    // A stream has already answered 200 when the provider refuses: the refusal comes as the
    // stream's error event, in the attendee's words, and the next request is refused at once.
    const gil = await enroll("gil");
    const gilKey = openaiKey("gil");
    await connect(gil, gilKey);
    revokedAtProvider.add(`Bearer ${gilKey}`);
    const streamed = await chat(gil, "stream after the provider revoked my key", true);
    expect(streamed.status).toBe(200);
    expect(streamed.text).toContain("reconnect your account: bash setup.sh --auth codex");
    const next = await chat(gil, "and now");
    expect(next.status).toBe(401);
    expect(next.body.error.code).toBe("credential_rejected");
    expect(next.attendeeCalls).toEqual([]);
  }, TURN_TIMEOUT_MS);
  it("connects an attendee with the real `bash setup.sh --auth codex`, whose test request is then paid by their own key through OpenClaw", async () => {
    const token = openaiKey("kit");
    const before = attendeeProvider.stats.requestCount;
    const result = await runKitSetup({ OPENCLAW_GATEWAY_URL: gateway!.url, USER_ID: "kit", EVENT_CODE }, ["--auth", "codex"], `${token}\n`);
    try {
      expect(result.code, result.output).toBe(0);
      expect(result.output).toContain("Connected your openai account");
      expect(result.output).toContain("Agent ready.");
      expect(result.output).not.toContain(token);
      const calls = attendeeProvider.stats.requests.filter((r) => r.seq > before && r.path.endsWith("/chat/completions"));
      expect(calls.length).toBeGreaterThan(0);
      expect(calls.every((r) => r.headers.authorization === `Bearer ${token}`)).toBe(true);
    } finally {
      rmSync(result.dir, { recursive: true, force: true });
    }
  }, TURN_TIMEOUT_MS);

  it("sets up a room's worth of attendees who register at the same moment, one host write at a time", async () => {
    const names = Array.from({ length: 12 }, (_, i) => `rush${i}`);
    const keys = await Promise.all(names.map((name) => enroll(name)));
    const tokens = names.map((name) => openaiKey(name));
    const answers = await Promise.all(keys.map((key, i) => call("PUT", "/me/credential", { bearer: key, body: { kind: "openai", token: tokens[i] } })));
    expect(answers.map((a) => a.status), answers.map((a) => a.text).join("\n")).toEqual(names.map(() => 201));
    const config = await hostConfig();
    for (const name of names) {
      const agent = await attendeeAgentId(HASH_SECRET, name, 1);
      expect(config.agents.entries[agent]?.model, name).toMatch(new RegExp(`^${agent}-[0-9a-f]{8}/`));
    }
    await turnPaidBy(keys[0], tokens[0], "first of the rush");
    await turnPaidBy(keys[11], tokens[11], "last of the rush");
    // Registering the same key again (setup.sh run twice) changes nothing on the host.
    const before = await hostConfig();
    const again = await call("PUT", "/me/credential", { bearer: keys[3], body: { kind: "openai", token: tokens[3] } });
    expect(again.status).toBe(201);
    expect(again.body.stored_at).toBe(answers[3].body.stored_at);
    expect(await hostConfig()).toEqual(before);
  }, TURN_TIMEOUT_MS);

  it("gives a node added to the pool after an attendee registered their agent at their next turn", async () => {
    const hal = await enroll("hal");
    const halKey = openaiKey("hal");
    await connect(hal, halKey);
    await turnPaidBy(hal, halKey, "on the first host");
    const agent = await attendeeAgentId(HASH_SECRET, "hal", 1);
    // A fresh OpenClaw host, set up once as `ocg host` says, that has never heard of hal; the
    // organiser moves the pool onto it (UPSTREAMS) and restarts the gateway.
    const fresh = await startOpenClaw({ port: PORTS.secondOpenclaw, token: OPERATOR_TOKEN, providerUrl: operatorProvider.url, config: HOST_CONFIG_FRAGMENT });
    try {
      const freshConfig = () => hostConfig(fresh.url);
      expect((await freshConfig()).agents.entries[agent]).toBeUndefined();
      await gateway!.stop();
      gateway = await startGateway({
        CREDENTIAL_KEY: FIRST_KEY,
        UPSTREAMS: JSON.stringify([{ name: "added", url: fresh.url, token: OPERATOR_TOKEN }]),
      });
      await turnPaidBy(hal, halKey, "on the host added later");
      expect((await freshConfig()).agents.entries[agent]?.model).toMatch(new RegExp(`^${agent}-[0-9a-f]{8}/gpt-5.4-mini$`));
    } finally {
      await gateway!.stop();
      gateway = await startGateway({ CREDENTIAL_KEY: FIRST_KEY });
      await fresh.stop();
    }
  }, TURN_TIMEOUT_MS * 2);

  it("re-encrypts every credential under a new CREDENTIAL_KEY with `ocg credentials reencrypt`, and the attendees' turns never stop", async () => {
    const fay = await enroll("fay");
    const fayKey = openaiKey("fay");
    await connect(fay, fayKey);
    await turnPaidBy(fay, fayKey, "before the rotation");

    const newKey = randomBytes(32).toString("hex");
    await gateway!.stop();
    gateway = await startGateway({ CREDENTIAL_KEY: newKey, CREDENTIAL_KEY_PREVIOUS: FIRST_KEY });
    await turnPaidBy(fay, fayKey, "during the rotation");
    const walked = await ocg(["credentials", "reencrypt"]);
    expect(walked.code, walked.stderr).toBe(0);
    expect(walked.stdout).toMatch(/re-encrypted under CREDENTIAL_KEY/);
    expect(walked.stdout).toContain("you can now delete CREDENTIAL_KEY_PREVIOUS");

    await gateway!.stop();
    gateway = await startGateway({ CREDENTIAL_KEY: newKey });
    await turnPaidBy(fay, fayKey, "after the rotation");
    const shown = await ocg(["credentials", "show", "fay"]);
    expect(shown.stdout).toMatch(/^fay: openai fp_[0-9a-f]{16}, stored .*worked$/m);
    expect(shown.stdout).not.toContain(fayKey);
  }, TURN_TIMEOUT_MS * 2);
});
