/**
 * The organiser's side of attendees' credentials, under `/admin/api` (admin token or the
 * dashboard's session, as everywhere there):
 *
 * - `GET /users/{id}/credential` — `credential`: kind, when stored, fingerprint, the last use
 *   and whether it worked, and whether it still opens (never the token), or null.
 * - `DELETE /users/{id}/credential` — revoked, as the attendee's own DELETE; `revoked` says
 *   whether there was one. (JSON answers, like the rest of the admin API.)
 * - `POST /credentials/reencrypt?after=&limit=` — one page of the roster: every credential
 *   that opens only with CREDENTIAL_KEY_PREVIOUS is sealed again under CREDENTIAL_KEY
 *   (`ocg credentials reencrypt` walks the pages). Fingerprint and dates are kept, so the
 *   attendees' relay tokens on the OpenClaw hosts stay valid.
 * - `GET /credentials/host` — the OpenClaw hosts' one-time set-up and each node's state.
 */
import { Hono, type Context } from "hono";
import { z } from "zod";
import { recordAction } from "./actions";
import { adminAuth } from "./auth";
import { parse, userIdSchema } from "./params";
import type { AppEnv } from "../../app-env";
import { configFor } from "../../settings/config";
import { credentialsDisabled } from "../../credentials/errors";
import { HOST_CONFIG_FRAGMENT, checkNode } from "../../credentials/host-setup";
import { relayOrigin } from "../../credentials/own-agent";
import { seal } from "../../credentials/seal";
import { readOwn, viewOf } from "../../credentials/store";

const reencryptQuery = z.strictObject({
  after: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** Every admin answer names its request (the audit trail records it) and is never cached. */
function stamp(c: Context<AppEnv>): void {
  c.header("x-request-id", c.get("requestId"));
  c.header("cache-control", "no-store");
}

export function credentialsAdminApi() {
  const auth = adminAuth();
  return new Hono<AppEnv>()
    .get("/users/:id/credential", auth, async (c) => {
      const config = configFor(c.env);
      const userId = parse(userIdSchema, c.req.param("id"), "user_id");
      const { stored, own } = await readOwn(c.env, config, userId);
      stamp(c);
      return c.json({ user_id: userId, credential: stored ? { ...viewOf(stored), opens: own !== null } : null });
    })
    .delete("/users/:id/credential", auth, async (c) => {
      const config = configFor(c.env);
      const userId = parse(userIdSchema, c.req.param("id"), "user_id");
      const { gate, stored } = await readOwn(c.env, config, userId);
      await gate.setCredential(null);
      if (stored) await recordAction(c, "revoke_credential", { userId });
      stamp(c);
      return c.json({ user_id: userId, revoked: stored !== null });
    })
    .post("/credentials/reencrypt", auth, async (c) => {
      const config = configFor(c.env);
      if (config.credentials.keys.length === 0) throw credentialsDisabled();
      const query = parse(reencryptQuery, c.req.query(), "query");
      const { results } = await c.env.DB
        .prepare("SELECT user_id FROM attendees WHERE (?1 IS NULL OR user_id > ?1) ORDER BY user_id LIMIT ?2")
        .bind(query.after ?? null, query.limit + 1).all<{ user_id: string }>();
      const page = results.slice(0, query.limit);
      const tally = { checked: page.length, with_credential: 0, reencrypted: 0, current: 0, unreadable: 0 };
      for (const { user_id: userId } of page) {
        const { gate, stored, own } = await readOwn(c.env, config, userId);
        if (!stored) continue;
        tally.with_credential++;
        if (!own) {
          tally.unreadable++;
          continue;
        }
        if (!own.underPreviousKey) {
          tally.current++;
          continue;
        }
        const resealed = await seal(config.credentials.keys[0], own.owner, own.token);
        // Only if nothing replaced it meanwhile (the attendee may have rotated during the walk).
        const now = await gate.getCredential();
        if (now?.sealed === stored.sealed) {
          await gate.setCredential({ ...now, sealed: resealed });
          tally.reencrypted++;
        }
      }
      await recordAction(c, "reencrypt_credentials", { userId: null, detail: { ...tally, after: query.after ?? null } });
      stamp(c);
      return c.json({
        ...tally,
        previous_key_set: config.credentials.keys.length > 1,
        next_cursor: results.length > query.limit ? page[page.length - 1].user_id : null,
      });
    })
    .get("/credentials/host", auth, async (c) => {
      const config = configFor(c.env);
      const hosts = config.upstreams.filter((node) => node.token);
      let relay: string | null = null;
      try {
        relay = `${relayOrigin(config)}/relay`;
      } catch { /* reported as null: PUBLIC_URL is missing */ }
      stamp(c);
      return c.json({
        auth_mode: config.authMode,
        paid_by: config.paidBy,
        credentials_enabled: config.credentials.keys.length > 0,
        relay_url: relay,
        openclaw_config: HOST_CONFIG_FRAGMENT,
        nodes: await Promise.all(hosts.map((node) => checkNode(node))),
      });
    });
}
