/**
 * `/me/credential`: the attendee's own model credential, managed with their gateway key.
 *
 * - `PUT {"kind","token"}` → 201 `{"kind","stored_at","fingerprint"}`: the token's shape is
 *   checked, the provider is asked once whether it takes it, the attendee's own agent is set
 *   up on the OpenClaw hosts (own-agent.ts), then it is sealed and stored. A PUT of another
 *   token is a rotation: the old one stops working at once (its relay token dies with it).
 *   A PUT of the very token stored (setup.sh run again) changes nothing — the same date and
 *   relay token — but still makes sure the hosts have the agent; after a refusal the same
 *   token counts as new (a topped-up account works again at once, under a new provider id).
 * - `GET` → the same fields and the last use's outcome (404 `no_credential` when none).
 * - `DELETE` → 204: revoked; the next model call for the attendee carries nothing of it.
 *
 * No answer ever carries the token, nor any part of it; the fingerprint is a keyed hash.
 */
import { Hono, type Context } from "hono";
import { z } from "zod";
import { AttendeeGateClient } from "../../objects/attendee-gate/client";
import type { AppEnv } from "../../app-env";
import { configFor, type Config } from "../../settings/config";
import { readCappedText } from "../../pipeline/envelope/body";
import { refusal, retryAfterHeaders } from "../../errors";
import { REGISTRATIONS_PER_WINDOW, REGISTRATION_WINDOW_MS } from "../../objects/attendee-gate/registrations";
import { requireProviderAccepts } from "../../credentials/check";
import { credentialsDisabled, noCredentialStored } from "../../credentials/errors";
import { requireKeyHolder } from "../../credentials/key-holder";
import { CREDENTIAL_KINDS, KINDS } from "../../credentials/kinds";
import { setUpOwnAgent } from "../../credentials/own-agent";
import { readOwn, sealNew, viewOf } from "../../credentials/store";

/** A token is a few hundred characters (a Codex JWT a few thousand): 16 KB is room to spare. */
const BODY_MAX_BYTES = 16 * 1024;

const putBody = z.strictObject({
  kind: z.enum(CREDENTIAL_KINDS),
  token: z.string().trim().min(1).max(12_000),
});

async function readPut(request: Request): Promise<z.infer<typeof putBody>> {
  const text = await readCappedText(request, BODY_MAX_BYTES);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw refusal("invalid_json", { why: "credential" });
  }
  const parsed = putBody.safeParse(json);
  if (!parsed.success) {
    const field = String(parsed.error.issues[0]?.path[0] ?? "body");
    // Never echo the value: it may be the token.
    throw refusal("invalid_credential", { field });
  }
  const spec = KINDS[parsed.data.kind];
  if (!spec.pattern.test(parsed.data.token)) {
    throw refusal("invalid_credential", { looksLike: spec.looksLike });
  }
  return parsed.data;
}

function enabled(c: Context<AppEnv>): Config {
  const config = configFor(c.env);
  if (config.credentials.keys.length === 0) throw credentialsDisabled();
  return config;
}

/** A blocked attendee registers nothing; nobody registers more often than registrations.ts allows. */
async function requireRegistrationAllowed(gate: AttendeeGateClient): Promise<void> {
  const answer = await gate.admitRegistration(Date.now());
  if (answer.ok) return;
  if (answer.refusal === "user_blocked") throw refusal("user_blocked", { why: "registration" });
  throw refusal("too_many_registrations", {
    times: REGISTRATIONS_PER_WINDOW, minutes: REGISTRATION_WINDOW_MS / 60_000, retryAfterMinutes: Math.max(1, Math.ceil(answer.retryAfterMs / 60_000)),
  }, retryAfterHeaders(answer.retryAfterMs));
}

export function meRoutes() {
  return new Hono<AppEnv>()
    .put("/credential", async (c) => {
      const config = enabled(c);
      const userId = await requireKeyHolder(c.env, config, c.req.raw.headers);
      await requireRegistrationAllowed(AttendeeGateClient.of(c.env, userId));
      const { kind, token } = await readPut(c.req.raw);
      await requireProviderAccepts(config, kind, token);
      const { gate, generation, own } = await readOwn(c.env, config, userId);
      const owner = { userId, generation };
      const unchanged = own !== null && own.stored.kind === kind && own.token === token && own.stored.last_result !== "rejected";
      const stored = unchanged ? own.stored : await sealNew(config, owner, kind, token);
      await setUpOwnAgent(c.env, config, owner, stored, unchanged ? null : own?.stored ?? null);
      if (!unchanged) await gate.setCredential(stored);
      return c.json({ kind: stored.kind, stored_at: stored.stored_at, fingerprint: stored.fingerprint }, 201, { "cache-control": "no-store" });
    })
    .get("/credential", async (c) => {
      const config = enabled(c);
      const userId = await requireKeyHolder(c.env, config, c.req.raw.headers);
      const { own } = await readOwn(c.env, config, userId);
      if (!own) throw noCredentialStored(config);
      return c.json(viewOf(own.stored), 200, { "cache-control": "no-store" });
    })
    .delete("/credential", async (c) => {
      const config = enabled(c);
      const userId = await requireKeyHolder(c.env, config, c.req.raw.headers);
      await AttendeeGateClient.of(c.env, userId).setCredential(null);
      return c.body(null, 204);
    });
}
