/**
 * The OpenClaw host's one-time set-up for attendees' own accounts, and a check of each
 * OpenClaw node against it (what `npx ocg host` prints), including whether the node serves
 * `/v1/responses` as docs/exposing-openclaw.md's host config has it. Two settings, on top of the
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
  /**
   * Whether the node serves `/v1/responses` (Codex CLI's endpoint), which the host config of
   * docs/exposing-openclaw.md turns on; null when the node could not tell (unreachable, token refused).
   */
  responses: boolean | null;
}

/**
 * Is OpenClaw's `/v1/responses` on? A GET runs no turn: OpenClaw answers it 404 when
 * `gateway.http.endpoints.responses.enabled` is off (the route does not exist) and refuses the
 * method otherwise (checked against 2026.9.6). The operator token goes along all the same, so
 * the probe can never count as a failed login towards OpenClaw's lockout; whether the token is
 * right is the admin RPC check's question.
 */
export async function servesResponses(node: UpstreamNode, fetcher: typeof fetch = fetch): Promise<boolean | null> {
  try {
    const response = await fetcher(`${node.url}/v1/responses`, { headers: nodeHeaders(node), signal: AbortSignal.timeout(10_000) });
    await response.body?.cancel();
    if (response.status === 404) return false;
    if (response.status === 401 || response.status === 403 || response.status >= 500) return null;
    return true;
  } catch {
    return null;
  }
}

function nodeHeaders(node: UpstreamNode): Record<string, string> {
  return {
    authorization: `Bearer ${node.token}`,
    ...(node.access ? { "cf-access-client-id": node.access.clientId, "cf-access-client-secret": node.access.clientSecret } : {}),
  };
}

/** Asks one OpenClaw node, read-only (`config.get`), whether it is set up. */
export async function checkNode(node: UpstreamNode, fetcher: typeof fetch = fetch): Promise<NodeCheck> {
  const [rpc, responses] = await Promise.all([checkAdminRpc(node, fetcher), servesResponses(node, fetcher)]);
  return { ...rpc, responses };
}

async function checkAdminRpc(node: UpstreamNode, fetcher: typeof fetch): Promise<Omit<NodeCheck, "responses">> {
  const check = (state: NodeReadiness, agents: number | null = null) => ({ name: node.name, state, attendee_agents: agents });
  let response: Response;
  try {
    response = await fetcher(`${node.url}/api/v1/admin/rpc`, {
      method: "POST",
      headers: { ...nodeHeaders(node), "content-type": "application/json" },
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
