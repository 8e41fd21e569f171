// `ocg host`: the one-time set-up of each OpenClaw host for attendees' own model accounts,
// as the gateway states it (GET /admin/api/credentials/host), and whether each OpenClaw node
// is ready, /v1/responses (the coding tools' endpoint, docs/exposing-openclaw.md) included.
// Exit 1 while a node is not: a check to run before the room arrives.
import { CliError } from "../errors.mjs";

export const name = "host";
export const summary = "OpenClaw hosts' one-time set-up for attendees' own model accounts, and each node's state";
export const usage = `Usage:
  ocg host [--json]   prints what to add to each OpenClaw host's config (once), the gateway's
                      settings for it, and whether every OpenClaw node is ready. Exits 1 while
                      a node is not ready.`;

export const options = { json: { type: "boolean", default: false } };

/** Who pays for attendees' turns through OpenClaw, as PAID_BY says (docs/credentials.md "Who pays"). */
const PAYS = {
  attendee: " (each attendee's own key or account; none connected is a 401 no_credential)",
  organiser: " (your OpenClaw account, for attendees who connected none of their own)",
};

const WHAT_TO_DO = {
  ready: "ready",
  admin_rpc_off: "NOT READY: the admin-http-rpc plugin is off (add the config above, or: openclaw plugins enable admin-http-rpc)",
  token_refused: "NOT READY: the node refused the gateway's OPENCLAW_TOKEN (it must be the host's gateway.auth.token)",
  roster_not_explicit: "NOT READY: agents.ownership is not \"explicit\" (add the config above)",
  unreachable: "NOT READY: the gateway cannot reach the node (is OpenClaw up, and the bridge?)",
};

export async function run({ values, positionals, context }) {
  const { gateway, stdout } = context;
  if (positionals.length > 0) throw new CliError(`host takes no arguments. See 'ocg host --help'.`, 2);
  const host = await gateway.admin("/credentials/host");
  const print = (value) => stdout.write(`${value}\n`);
  const allReady = host.nodes.every((node) => node.state === "ready" && node.responses !== false);
  if (values.json) {
    print(JSON.stringify(host, null, 2));
    return allReady ? 0 : 1;
  }
  print("Attendees' own model accounts: the OpenClaw hosts' one-time set-up (docs/credentials.md)");
  print("");
  print("1. On each OpenClaw host, merge this into ~/.openclaw/openclaw.json (next to the isolation");
  print("   settings of docs/exposing-openclaw.md); OpenClaw applies it without a restart:");
  print("");
  for (const line of JSON.stringify(host.openclaw_config, null, 2).split("\n")) print(`   ${line}`);
  print("");
  print("   The gateway then sets up each attendee's own agent itself, over the admin RPC");
  print("   (POST /api/v1/admin/rpc, with OPENCLAW_TOKEN) through the same bridge as /v1: keep that");
  print("   bridge behind Cloudflare Access (docs/exposing-openclaw.md, bridge B).");
  print("");
  print("2. On the gateway:");
  print(`   CREDENTIAL_KEY   ${host.credentials_enabled ? "set" : "NOT SET: wrangler secret put CREDENTIAL_KEY (a new random value: openssl rand -hex 32)"}`);
  print(`   AUTH_MODE        ${host.auth_mode}`);
  print(`   PAID_BY          ${host.paid_by ?? "organiser"}${PAYS[host.paid_by ?? "organiser"]}`);
  print(`   relay            ${host.relay_url ?? "UNKNOWN: set PUBLIC_URL (the address OpenClaw calls with attendees' model calls)"}`);
  print("");
  print("3. OpenClaw nodes:");
  if (host.nodes.length === 0) print("   none: the pool has no OpenClaw node (OPENCLAW_TOKEN / a node's token), so own accounts go in a header (CODEX_TOKEN_HEADER).");
  for (const node of host.nodes) {
    const agents = node.attendee_agents === null ? "" : ` (${node.attendee_agents} attendees' agents)`;
    print(`   ${node.name}: ${WHAT_TO_DO[node.state] ?? node.state}${agents}`);
    if (node.responses === false) {
      print(`   ${node.name}: NOT READY: its /v1/responses is off, so Codex CLI cannot work (add gateway.http.endpoints.responses.enabled: true, docs/exposing-openclaw.md section 1)`);
    }
  }
  return allReady ? 0 : 1;
}
