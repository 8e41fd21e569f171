// `ocg users`: who the gateway knows (anyone with a key or a logged request), one user's
// details, resetting a BYOK USER_ID binding when an attendee changed their API key, and
// putting an attendee on a tier by hand (PUT /admin/api/users/{id}/tier: a comp, a fix, a
// customer who paid outside Stripe).
import { CliError } from "../errors.mjs";
import { num, table } from "../lib/format.mjs";

export const name = "users";
export const summary = "attendees: list | show <user_id> | reset-binding <user_id> | tier <user_id> <tier>";
export const usage = `Usage:
  ocg users list [--json]              everyone with a key or a request: requests, 429s, errors, keys
  ocg users show <user_id> [--json]    one attendee: figures, limiter state, keys (by hint)
  ocg users reset-binding <user_id>    forget the API key a USER_ID was first used with, so the
                                       attendee can use that USER_ID with a new key
  ocg users tier <user_id> <tier>      put the attendee on a tier by hand (event, tier-1, tier-2,
                                       tier-3, or a TIERS id); it applies to their next request.
                                       A Stripe subscription of theirs sets it again on its next event`;

export const options = { json: { type: "boolean", default: false } };

export async function run({ values, positionals, context }) {
  const { gateway, stdout } = context;
  const [action, userId] = positionals;
  const print = (value) => stdout.write(`${value}\n`);
  switch (action) {
    case "list": {
      const users = [];
      let cursor = null;
      do {
        const page = await gateway.admin(`/users?limit=1000${cursor ? `&after=${encodeURIComponent(cursor)}` : ""}`);
        users.push(...page.data);
        cursor = page.next_cursor;
      } while (cursor);
      if (values.json) return print(JSON.stringify(users, null, 2)), 0;
      if (users.length === 0) return print("No users yet."), 0;
      print(table(users.map((u) => ({
        ...u,
        // The listing shows only a user's first few keys; active_keys counts them all.
        keys_active: u.active_keys,
      })), [
        { key: "user_id", title: "USER_ID", align: "left" },
        { key: "requests", title: "REQUESTS", format: num },
        { key: "tokens", title: "TOKENS", format: num },
        { key: "rate_limited", title: "429", format: num },
        { key: "errors", title: "ERRORS", format: num },
        { key: "keys_active", title: "KEYS", format: num },
        { key: "last_seen", title: "LAST SEEN (UTC)", align: "left", format: (v) => (v ? String(v) : "never") },
        { key: "active", title: "ACTIVE", align: "left", format: (v) => (v ? "yes" : "") },
      ]));
      return 0;
    }
    case "show": {
      if (!userId) throw new CliError("users show needs a user id: ocg users show <user_id>", 2);
      const user = await gateway.admin(`/users/${encodeURIComponent(userId)}`);
      if (values.json) return print(JSON.stringify(user, null, 2)), 0;
      const f = user.figures;
      print(`${user.user_id}`);
      print(f
        ? `  requests ${num(f.requests)} · tokens ${num(f.tokens)} · 429s ${num(f.rate_limited)} · errors ${num(f.errors)} · p50 ${num(f.p50_latency_ms)} ms · p95 ${num(f.p95_latency_ms)} ms\n  first seen ${f.first_seen} UTC · last seen ${f.last_seen} UTC`
        : "  no requests logged");
      const g = user.gate;
      print(`  tier: ${g.tier ?? "none of their own (DEFAULT_TIER applies)"}`);
      print(`  limiter: ${g.inWindow} requests in the current minute · ${g.inflight} in flight · ${g.queued} queued · BYOK binding: ${g.byokBound ? "yes" : "no"} · active keys: ${g.activeKeys}`);
      for (const key of user.keys) print(`  key ${key.id} ${key.hint} ${key.revoked_at ? `revoked ${key.revoked_at}` : "active"}${key.label ? ` (${key.label})` : ""}`);
      if (user.keys_truncated) print(`  … ${num(user.key_count - user.keys.length)} more keys: ocg keys list --user ${user.user_id}`);
      return 0;
    }
    case "reset-binding": {
      if (!userId) throw new CliError("users reset-binding needs a user id: ocg users reset-binding <user_id>", 2);
      const result = await gateway.admin(`/users/${encodeURIComponent(userId)}/reset-binding`, { method: "POST" });
      print(result.binding_reset
        ? `${userId}: binding reset. The next API key used with this USER_ID becomes its key.`
        : `${userId}: had no BYOK binding; nothing to reset.`);
      return 0;
    }
    case "tier": {
      const tier = positionals[2];
      if (!userId || !tier) throw new CliError("users tier needs a user id and a tier: ocg users tier <user_id> <tier>", 2);
      // The gateway knows the tiers (its TIERS setting): an unknown one is its 400, naming the field and the tiers.
      const result = await gateway.admin(`/users/${encodeURIComponent(userId)}/tier`, { method: "PUT", body: { tier } });
      print(`${result.user_id}: on ${result.tier} now, from their next request.`);
      return 0;
    }
    default:
      throw new CliError(action ? `unknown action '${action}': use list, show, reset-binding or tier` : "say what to do: list, show, reset-binding or tier", 2);
  }
}
