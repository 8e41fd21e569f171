// `ocg credentials`: attendees' own model accounts as the organiser sees them (kind, when
// stored, fingerprint, whether the last use worked — never a token), revoking one, and
// re-encrypting every stored credential after CREDENTIAL_KEY changes (docs/credentials.md):
//   1. wrangler secret put CREDENTIAL_KEY_PREVIOUS   (the current value)
//   2. wrangler secret put CREDENTIAL_KEY            (a new one: openssl rand -hex 32)
//   3. ocg credentials reencrypt                     (walks the roster, page by page)
//   4. wrangler secret delete CREDENTIAL_KEY_PREVIOUS
// Between 2 and 4 every credential keeps working: the gateway opens with either key.
import { CliError } from "../errors.mjs";
import { num } from "../lib/format.mjs";

export const name = "credentials";
export const summary = "attendees' own model accounts: show <user_id> | revoke <user_id> | reencrypt";
export const usage = `Usage:
  ocg credentials show <user_id> [--json]   kind, when stored, fingerprint, last use and whether it worked
  ocg credentials revoke <user_id>          delete it: the attendee's next model call carries nothing of it
  ocg credentials reencrypt [--json]        seal every stored credential again under CREDENTIAL_KEY.
                                            Rotating the key: set CREDENTIAL_KEY_PREVIOUS to the old value
                                            and CREDENTIAL_KEY to the new one, run this, then delete
                                            CREDENTIAL_KEY_PREVIOUS. Credentials keep working throughout.`;

export const options = { json: { type: "boolean", default: false } };

const PAGE = 200;

export async function run({ values, positionals, context }) {
  const { gateway, stdout } = context;
  const [action, userId] = positionals;
  const print = (value) => stdout.write(`${value}\n`);
  switch (action) {
    case "show": {
      if (!userId) throw new CliError("credentials show needs a user id: ocg credentials show <user_id>", 2);
      const answer = await gateway.admin(`/users/${encodeURIComponent(userId)}/credential`);
      if (values.json) return print(JSON.stringify(answer, null, 2)), 0;
      const c = answer.credential;
      if (!c) return print(`${answer.user_id}: no model account connected.`), 0;
      const last = c.last_used_at ? `last used ${c.last_used_at}: ${c.last_result === "rejected" ? "REFUSED by the provider (they should run: bash setup.sh --auth codex)" : "worked"}` : "not used yet";
      print(`${answer.user_id}: ${c.kind} ${c.fingerprint}, stored ${c.stored_at}; ${last}${c.opens ? "" : "; does NOT open (CREDENTIAL_KEY changed, or the id has a new holder)"}`);
      return 0;
    }
    case "revoke": {
      if (!userId) throw new CliError("credentials revoke needs a user id: ocg credentials revoke <user_id>", 2);
      const answer = await gateway.admin(`/users/${encodeURIComponent(userId)}/credential`, { method: "DELETE" });
      print(answer.revoked ? `${answer.user_id}: model account revoked.` : `${answer.user_id}: had no model account; nothing to revoke.`);
      return 0;
    }
    case "reencrypt": {
      const total = { checked: 0, with_credential: 0, reencrypted: 0, current: 0, unreadable: 0 };
      let cursor = null;
      let previousKeySet = false;
      do {
        const page = await gateway.admin(`/credentials/reencrypt?limit=${PAGE}${cursor ? `&after=${encodeURIComponent(cursor)}` : ""}`, { method: "POST" });
        for (const field of Object.keys(total)) total[field] += page[field];
        previousKeySet = page.previous_key_set;
        cursor = page.next_cursor;
      } while (cursor);
      if (values.json) return print(JSON.stringify({ ...total, previous_key_set: previousKeySet }, null, 2)), 0;
      print(`${num(total.checked)} attendees, ${num(total.with_credential)} with a model account: ${num(total.reencrypted)} re-encrypted under CREDENTIAL_KEY, ${num(total.current)} already were.`);
      if (total.unreadable > 0) {
        print(`${num(total.unreadable)} open with neither key (or belong to an id's previous holder): those attendees reconnect with bash setup.sh --auth codex.`);
      }
      print(previousKeySet
        ? "Done: you can now delete CREDENTIAL_KEY_PREVIOUS (wrangler secret delete CREDENTIAL_KEY_PREVIOUS)."
        : "CREDENTIAL_KEY_PREVIOUS is not set, so nothing needed re-encrypting.");
      return 0;
    }
    default:
      throw new CliError(`credentials: say show, revoke or reencrypt. See 'ocg credentials --help'.`, 2);
  }
}
