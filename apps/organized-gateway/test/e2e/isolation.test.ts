// One attendee never sees another's conversation, checked against a real OpenClaw (the npm
// package, headless on loopback) whose model provider is the dev upstream. What "reaches
// the model provider" is what OpenClaw sent it: `provider.stats.requests`, one request per
// agent turn here, with the whole session history OpenClaw replays in its body. So an
// attendee's turn that carries another attendee's secret word is a leak, and an attendee's
// second turn that carries their own earlier secret proves sessions work at all (without
// that, "no leak" would prove nothing).
//
// OpenClaw 2026.9.6 builds its session key from `user` by trimming and lower-casing it
// (see /work/notes/openclaw-facts.md), and scopes /v1/responses' `previous_response_id` by
// a hash of the bearer token — the gateway's one operator token. Its OpenClaw here also has
// a second agent, `other`, whose memory-search embeddings use the model `dev-embed-other`,
// so the provider's log tells which agent an /v1/embeddings call reached.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDevUpstream } from "@ocg/dev-upstream";
import { startLocalGateway } from "../../scripts/local-gateway.mjs";
import { startOpenClaw } from "../../scripts/openclaw-local.mjs";
import { callJson, startTogether, type CallOptions } from "./harness";

const ADMIN = "isolation-e2e-admin-token";
const EVENT_CODE = "ISOLATION-ROOM";
const OPENCLAW_PORT = 18759;
const TURN_TIMEOUT_MS = 240_000;

let provider: Awaited<ReturnType<typeof startDevUpstream>>;
let openclaw: Awaited<ReturnType<typeof startOpenClaw>> | undefined;
let gateway: Awaited<ReturnType<typeof startLocalGateway>> | undefined;
let stateDir: string;

beforeAll(async () => {
  provider = await startDevUpstream({ port: 18969, quiet: true });
  stateDir = mkdtempSync(path.join(tmpdir(), "ocg-isolation-"));
  const token = "isolation-openclaw-operator-token";
  // Both take 10-60 s to start; the gateway does not need OpenClaw up to start.
  await startTogether([
    startOpenClaw({
      port: OPENCLAW_PORT, token, providerUrl: provider.url, embeddings: true, extraAgents: ["other"],
    }),
    startLocalGateway({
      port: 18748,
      persistTo: stateDir,
      settings: {
        OPENCLAW_URL: `http://127.0.0.1:${OPENCLAW_PORT}`, OPENCLAW_TOKEN: token, HASH_SECRET: "isolation-e2e-hash-secret",
        ADMIN_TOKEN: ADMIN, EVENT_CODE, UPSTREAM_TIMEOUT_MS: "120000",
      },
    }),
  ] as const, ([claw, gw]) => { openclaw = claw; gateway = gw; });
}, 600_000);

afterAll(async () => {
  await gateway?.stop();
  await openclaw?.stop();
  await provider?.close();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  body: any;
  /** The bodies of the model-provider requests OpenClaw made while this call ran, as JSON text. */
  reached: string[];
}

/** Sends one request to the gateway and collects what reached the model provider meanwhile. */
async function call(method: string, route: string, options: CallOptions & { providerPath?: string } = {}): Promise<Answer> {
  const before = provider.stats.requestCount;
  const { status, body } = await callJson(gateway!.url, method, route, options);
  const reached = provider.stats.requests
    .filter((r: { seq: number; path: string }) => r.seq > before && (!options.providerPath || r.path.endsWith(options.providerPath)))
    .map((r: { body: unknown }) => JSON.stringify(r.body));
  return { status, body, reached };
}

const admin = (method: string, route: string, body?: unknown) => call(method, `/admin/api${route}`, { bearer: ADMIN, body });

function chat(key: string, content: string): Promise<Answer> {
  return call("POST", "/v1/chat/completions", {
    bearer: key, providerPath: "/chat/completions", body: { model: "gpt-4o", messages: [{ role: "user", content }] },
  });
}

async function enroll(userId: string): Promise<{ userId: string; key: string }> {
  const answer = await call("POST", "/enroll", { body: { event_code: EVENT_CODE, user_id: userId } });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return { userId: answer.body.user_id, key: answer.body.key };
}

/** A gateway key is `ocg_<user>_<8-char key id><32-char secret>`. */
function keyIdOf(key: string): string {
  return key.slice(-40, -32);
}

function secretWord(): string {
  return `word${randomBytes(6).toString("hex")}`;
}

/** Tells the agent a secret in one turn; asserts the turn reached the model provider. */
async function tell(key: string, secret: string): Promise<Answer> {
  const told = await chat(key, `my secret word is ${secret}`);
  expect(told.status, JSON.stringify(told.body)).toBe(200);
  expect(told.reached.length).toBeGreaterThan(0);
  return told;
}

async function askEarlier(key: string): Promise<Answer> {
  const asked = await chat(key, "what did I tell you earlier?");
  expect(asked.status, JSON.stringify(asked.body)).toBe(200);
  expect(asked.reached.length).toBeGreaterThan(0);
  return asked;
}

const carries = (answer: Answer, secret: string) => answer.reached.some((body) => body.includes(secret));

describe("one attendee never sees another's conversation (real OpenClaw)", () => {
  it("treats ids that differ only in case as one attendee: /enroll refuses the other spelling and the admin API's key for it belongs to the lower-case id", async () => {
    const samuel = await enroll("samuel");
    expect(samuel.userId).toBe("samuel");
    for (const spelling of ["Samuel", "SAMUEL", "saMuel"]) {
      const again = await call("POST", "/enroll", { body: { event_code: EVENT_CODE, user_id: spelling } });
      expect(again.status, spelling).toBe(409);
      expect(again.body).toMatchObject({ error: { type: expect.any(String), code: "user_id_taken", message: expect.any(String) } });
    }
    const minted = await admin("POST", "/users/Samuel/keys");
    expect(minted.status).toBe(201);
    expect(minted.body.user_id).toBe("samuel");
    expect(minted.body.key.startsWith("ocg_samuel_")).toBe(true);

    // An id typed with capitals at enrolment comes back canonical.
    const mixed = await enroll("Casey-Mixed");
    expect(mixed.userId).toBe("casey-mixed");
  }, TURN_TIMEOUT_MS);

  it("keeps every attendee's turns free of every other attendee's secret, for ids OpenClaw would fold or confuse, while each attendee's own history works", async () => {
    // sam.k / sam_k / sam-k: one punctuation apart (an upstream that maps punctuation would
    // merge them); iris / Iris: one attendee by design (the admin key for `Iris` is iris's),
    // so it must see its own history and nobody else's.
    const iris = await enroll("iris");
    const irisAgain = await admin("POST", "/users/Iris/keys");
    expect(irisAgain.status).toBe(201);
    expect(irisAgain.body.user_id).toBe("iris");
    const attendees = [
      { name: "sam.k", key: (await enroll("sam.k")).key },
      { name: "sam_k", key: (await enroll("sam_k")).key },
      { name: "sam-k", key: (await enroll("sam-k")).key },
      { name: "iris", key: iris.key },
    ].map((a) => ({ ...a, secret: secretWord(), turns: [] as Answer[] }));

    for (const a of attendees) a.turns.push(await tell(a.key, a.secret));
    for (const a of attendees) a.turns.push(await askEarlier(a.key));
    // The organiser's key for `Iris` continues iris's own session.
    const irisByAdminKey = await askEarlier(irisAgain.body.key);

    for (const a of attendees) {
      expect(carries(a.turns[1], a.secret), `${a.name}'s second turn carries its own earlier secret`).toBe(true);
      for (const other of attendees) {
        if (other === a) continue;
        for (const turn of a.turns) {
          expect(carries(turn, other.secret), `${a.name}'s turn carries ${other.name}'s secret`).toBe(false);
        }
      }
    }
    const irisSecret = attendees.find((a) => a.name === "iris")!.secret;
    expect(carries(irisByAdminKey, irisSecret)).toBe(true);
    for (const other of attendees.filter((a) => a.name !== "iris")) expect(carries(irisByAdminKey, other.secret)).toBe(false);
  }, TURN_TIMEOUT_MS * 2);

  it("blocks a revoked id from /enroll until the organiser reinstates it, and the reinstated id starts with none of the previous holder's messages", async () => {
    const first = await enroll("rita");
    const secret = secretWord();
    await tell(first.key, secret);

    const revoked = await admin("DELETE", `/keys/${keyIdOf(first.key)}`);
    expect(revoked.status).toBe(200);
    const oldKey = await chat(first.key, "still there?");
    expect([401, 403]).toContain(oldKey.status);
    expect(oldKey.reached).toEqual([]);

    const squat = await call("POST", "/enroll", { body: { event_code: EVENT_CODE, user_id: "rita" } });
    expect(squat.status).toBe(403);
    expect(squat.body).toMatchObject({ error: { code: "user_id_revoked", message: expect.any(String) } });
    const squatCased = await call("POST", "/enroll", { body: { event_code: EVENT_CODE, user_id: "Rita" } });
    expect(squatCased.status).toBe(403);

    const reinstated = await admin("POST", "/users/rita/reinstate");
    expect(reinstated.status).toBe(200);
    const next = await enroll("rita");
    expect(next.userId).toBe("rita");
    const asked = await askEarlier(next.key);
    expect(carries(asked, secret)).toBe(false);

    // The new holder's own session works.
    const own = secretWord();
    await tell(next.key, own);
    const again = await askEarlier(next.key);
    expect(carries(again, own)).toBe(true);
    expect(carries(again, secret)).toBe(false);
  }, TURN_TIMEOUT_MS);

  it("reinstates a revoked id with a fresh session when the organiser issues it a key", async () => {
    const first = await enroll("otto");
    const secret = secretWord();
    await tell(first.key, secret);
    expect((await admin("DELETE", `/keys/${keyIdOf(first.key)}`)).status).toBe(200);

    const issued = await admin("POST", "/users/otto/keys");
    expect(issued.status).toBe(201);
    expect(issued.body.user_id).toBe("otto");
    const asked = await askEarlier(issued.body.key);
    expect(carries(asked, secret)).toBe(false);
  }, TURN_TIMEOUT_MS);

  it("never lets /v1/embeddings reach another OpenClaw agent, whatever model or header the caller names", async () => {
    const { key } = await enroll("emma");
    const attempts: { body: Record<string, unknown>; headers?: Record<string, string> }[] = [
      { body: { model: "openclaw/other", input: "embed me" } },
      { body: { model: "openclaw:other", input: "embed me" } },
      { body: { model: "agent:other", input: "embed me" } },
      { body: { model: "openclaw/main", input: "embed me" }, headers: { "x-openclaw-agent-id": "other" } },
      { body: { model: "openclaw/main", input: "embed me" }, headers: { "x-openclaw-agent": "other" } },
      { body: { model: "openclaw/main", input: "embed me" }, headers: { "x-openclaw-model": "openai/dev-embed-other" } },
    ];
    for (const attempt of attempts) {
      const answer = await call("POST", "/v1/embeddings", { bearer: key, body: attempt.body, headers: attempt.headers, providerPath: "/embeddings" });
      const label = JSON.stringify(attempt);
      expect(answer.status, label).toBeLessThan(500);
      expect(answer.reached.some((body) => body.includes("dev-embed-other")), `${label} reached agent other`).toBe(false);
      if (answer.status === 200) {
        // Rewritten to the gateway's agent: the provider saw main's embedding model.
        expect(answer.reached.length, label).toBeGreaterThan(0);
        expect(answer.reached.every((body) => JSON.parse(body).model === "dev-embed-main"), label).toBe(true);
      } else {
        expect(answer.status, label).toBeGreaterThanOrEqual(400);
        expect(answer.body, label).toMatchObject({ error: { message: expect.any(String), type: expect.any(String) } });
      }
    }
  }, TURN_TIMEOUT_MS);

  it("refuses /v1/responses with previous_response_id or conversation, so no attendee can continue another's response session", async () => {
    const vera = await enroll("vera");
    const walt = await enroll("walt");
    const secret = secretWord();
    const told = await call("POST", "/v1/responses", {
      bearer: vera.key, providerPath: "/chat/completions", body: { model: "gpt-4o", input: `my secret word is ${secret}` },
    });
    expect(told.status, JSON.stringify(told.body)).toBe(200);
    const responseId: string = told.body.id;
    expect(responseId).toMatch(/^resp_/);

    for (const field of [{ previous_response_id: responseId }, { conversation: responseId }, { conversation: { id: responseId } }]) {
      for (const key of [walt.key, vera.key]) {
        const answer = await call("POST", "/v1/responses", {
          bearer: key, providerPath: "/chat/completions", body: { model: "gpt-4o", input: "what did I tell you earlier?", ...field },
        });
        const label = JSON.stringify(field);
        expect(answer.status, label).toBe(400);
        expect(answer.body, label).toMatchObject({ error: { code: "unsupported_parameter", type: "invalid_request_error", message: expect.any(String) } });
        expect(answer.reached, label).toEqual([]);
      }
    }
  }, TURN_TIMEOUT_MS);

  it("answers /v1/responses without them, each attendee's responses session keeping its own history and only that", async () => {
    const una = await enroll("una");
    const viktor = await enroll("viktor");
    const secret = secretWord();
    const respond = (key: string, input: string) =>
      call("POST", "/v1/responses", { bearer: key, providerPath: "/chat/completions", body: { model: "gpt-4o", input } });

    const told = await respond(una.key, `my secret word is ${secret}`);
    expect(told.status, JSON.stringify(told.body)).toBe(200);
    expect(told.body).toMatchObject({ object: "response", status: "completed" });
    const other = await respond(viktor.key, "what did I tell you earlier?");
    expect(other.status).toBe(200);
    expect(other.reached.length).toBeGreaterThan(0);
    expect(carries(other, secret)).toBe(false);
    const own = await respond(una.key, "what did I tell you earlier?");
    expect(own.status).toBe(200);
    expect(carries(own, secret)).toBe(true);
  }, TURN_TIMEOUT_MS);
});
