// `ocg keys`: issue, list and revoke gateway keys through the admin API. A new key is
// printed once, when it is issued; listings show only its hint.
import { CliError } from "../errors.mjs";
import { table } from "../lib/format.mjs";

export const name = "keys";
export const summary = "gateway keys: create <user_id> | list [--user <id>] | revoke <key_id>";
export const usage = `Usage:
  ocg keys create <user_id> [--label <text>]   issue a key (shown once: hand it to the attendee)
  ocg keys list [--user <user_id>] [--json]    list keys by hint (never the key itself)
  ocg keys revoke <key_id>                     revoke a key: its next request gets 401`;

export const options = {
  label: { type: "string" },
  user: { type: "string" },
  json: { type: "boolean", default: false },
};

export async function run({ values, positionals, context }) {
  const { gateway, stdout } = context;
  const [action, target] = positionals;
  switch (action) {
    case "create": {
      if (!target) throw new CliError("keys create needs a user id: ocg keys create <user_id>", 2);
      const issued = await gateway.admin(`/users/${encodeURIComponent(target)}/keys`, {
        method: "POST", body: values.label ? { label: values.label } : {},
      });
      stdout.write(`Key ${issued.id} for ${issued.user_id} (shown once — copy it now; only its hint ${issued.hint} is kept):\n${issued.key}\n`);
      return 0;
    }
    case "list": {
      // The admin API answers a page at a time; a listing reads every page.
      const data = [];
      let cursor = null;
      do {
        const query = new URLSearchParams({ limit: "1000" });
        if (values.user) query.set("user_id", values.user);
        if (cursor) query.set("after", cursor);
        const page = await gateway.admin(`/keys?${query}`);
        data.push(...page.data);
        cursor = page.next_cursor;
      } while (cursor);
      if (values.json) stdout.write(`${JSON.stringify(data, null, 2)}\n`);
      else if (data.length === 0) stdout.write("No keys.\n");
      else {
        stdout.write(`${table(data.map((k) => ({ ...k, state: k.revoked_at ? `revoked ${k.revoked_at}` : "active" })), [
          { key: "id", title: "KEY_ID", align: "left" },
          { key: "user_id", title: "USER_ID", align: "left" },
          { key: "hint", title: "HINT", align: "left" },
          { key: "label", title: "LABEL", align: "left", format: (v) => (v ? String(v) : "") },
          { key: "source", title: "SOURCE", align: "left" },
          { key: "created_at", title: "CREATED (UTC)", align: "left" },
          { key: "state", title: "STATE", align: "left" },
        ])}\n`);
      }
      return 0;
    }
    case "revoke": {
      if (!target) throw new CliError("keys revoke needs a key id (see ocg keys list): ocg keys revoke <key_id>", 2);
      await gateway.admin(`/keys/${encodeURIComponent(target)}`, { method: "DELETE" });
      stdout.write(`Key ${target} revoked.\n`);
      return 0;
    }
    default:
      throw new CliError(action ? `unknown action '${action}': use create, list or revoke` : "say what to do: create, list or revoke", 2);
  }
}
