/**
 * The OpenClaw host's one-time set-up for attendees' own accounts, and a check of each
 * OpenClaw node against it (what `npx ocg host` prints). Two settings, on top of the
 * isolation settings of docs/exposing-openclaw.md:
 *
 * - `plugins.entries["admin-http-rpc"].enabled: true` — the admin RPC over HTTP through
 *   which the gateway sets up each attendee's agent (`config.get`, `config.patch`);
 * - `agents.ownership: "explicit"` and an explicit `main` entry — OpenClaw refuses a
 *   roster of several agents without it.
 *
 * Attendees' agents need nothing else on the host: each `config.patch` carries its own
 * provider entry (the relay) and agent entry (openclaw-agent.ts).
 */
import type { UpstreamNode } from "../settings/config";

export const HOST_CONFIG_FRAGMENT = {
  plugins: { entries: { "admin-http-rpc": { enabled: true } } },
  agents: { ownership: "explicit", entries: { main: {} } },
} as const;

export type NodeReadiness = "ready" | "admin_rpc_off" | "token_refused" | "roster_not_explicit" | "unreachable";

export interface NodeCheck {
  name: string;
  state: NodeReadiness;
  /** How many attendees' agents (`ocg-…`) the node has, when it answered. */
  attendee_agents: number | null;
}

/** Asks one OpenClaw node, read-only (`config.get`), whether it is set up. */
export async function checkNode(node: UpstreamNode, fetcher: typeof fetch = fetch): Promise<NodeCheck> {
  const check = (state: NodeReadiness, agents: number | null = null): NodeCheck => ({ name: node.name, state, attendee_agents: agents });
  let response: Response;
  try {
    response = await fetcher(`${node.url}/api/v1/admin/rpc`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${node.token}`, "content-type": "application/json",
        ...(node.access ? { "cf-access-client-id": node.access.clientId, "cf-access-client-secret": node.access.clientSecret } : {}),
      },
      body: JSON.stringify({ method: "config.get", params: {} }),
      signal: AbortSignal.timeout(10_000),
    });
  } catch {
    return check("unreachable");
  }
  if (response.status === 404) return check("admin_rpc_off");
  if (response.status === 401 || response.status === 403) return check("token_refused");
  const body = (await response.json().catch(() => null)) as { ok?: boolean; payload?: { config?: { agents?: { ownership?: string; entries?: Record<string, unknown> } } } } | null;
  if (!body?.ok) return check("unreachable");
  const agents = body.payload?.config?.agents;
  const count = Object.keys(agents?.entries ?? {}).filter((id) => id.startsWith("ocg-")).length;
  return check(agents?.ownership === "explicit" ? "ready" : "roster_not_explicit", count);
}
