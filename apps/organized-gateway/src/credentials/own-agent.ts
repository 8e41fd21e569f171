/**
 * The attendee's own agent on the pool's OpenClaw nodes, pointed at this gateway's relay
 * with a relay token minted for exactly their stored credential (names.ts):
 *
 * - at registration (`setUpOwnAgent`) on every OpenClaw node: the attendee's sticky node
 *   must take it (their turns go there); the others are tried too, for failover, and a
 *   refusal there is only logged;
 * - on demand (`repairOwnAgent`), on one node, when it answers that it does not know the
 *   agent: a node added to the pool later, or a host whose config was reset, catches up on
 *   the attendee's next turn instead of waiting for them to register again.
 *
 * Either way the write goes through the node's AgentRoster (one write at a time per host).
 * The relay's address comes from the settings only (RELAY_URL, else PUBLIC_URL; `npm start`
 * sets RELAY_URL to its loopback address): a Host header is never trusted to say where
 * OpenClaw should send attendees' model calls and relay tokens — not even a loopback-looking
 * one (`evil.localhost` may resolve anywhere).
 */
import type { StoredCredential } from "./stored";
import type { Config, UpstreamNode } from "../settings/config";
import { routeFor, routeTableFor } from "../pipeline/route";
import { refusal } from "../errors";
import { ensureAgent } from "../objects/agent-roster";
import type { CredentialKind } from "./kinds";
import { attendeeAgentId, relayProviderId, relayToken } from "./names";
import type { AgentSpec } from "./openclaw-agent";
import type { CredentialOwner } from "./seal";
import { servingNodes } from "../pipeline/route/pool";

export function relayOrigin(config: Config): string {
  const origin = config.credentials.relayUrl;
  if (!origin) {
    throw refusal("public_url_required", { why: "own_agent" });
  }
  return origin;
}

export function relayBaseUrl(origin: string, kind: CredentialKind): string {
  return `${origin}/relay/${kind}`;
}

/** What the host's config must say for this owner's stored credential; `previous`: the one it replaces, whose provider entry goes. */
async function agentSpec(config: Config, owner: CredentialOwner, stored: StoredCredential, previous: StoredCredential | null): Promise<AgentSpec> {
  const agentId = await attendeeAgentId(config.hashSecret, owner.userId, owner.generation);
  const token = await relayToken(config.hashSecret, owner.userId, owner.generation, stored);
  return {
    agentId,
    providerId: relayProviderId(agentId, token),
    previousProviderId: previous
      ? relayProviderId(agentId, await relayToken(config.hashSecret, owner.userId, owner.generation, previous))
      : null,
    kind: stored.kind,
    relayBaseUrl: relayBaseUrl(relayOrigin(config), stored.kind),
    relayToken: token,
  };
}

/** The OpenClaw hosts an attendee's agent belongs on: only those that may serve them (their cell, else the shared nodes). */
function hostsOf(config: Config, userId: string): UpstreamNode[] {
  return servingNodes(config.upstreams, userId).filter((node) => node.token);
}


export async function setUpOwnAgent(
  env: Env, config: Config, owner: CredentialOwner, stored: StoredCredential, previous: StoredCredential | null,
): Promise<void> {
  const hosts = hostsOf(config, owner.userId);
  if (hosts.length === 0) return;
  const spec = await agentSpec(config, owner, stored, previous);
  // The attendee's turns go to the first node of their order that runs their own agent.
  const sticky = routeFor(routeTableFor(config), owner.userId, null).order.find((node) => node.strategy.takesCredential === "agent")?.name;
  const results = await Promise.allSettled(hosts.map((node) => ensureAgent(env, node, spec)));
  for (const [i, result] of results.entries()) {
    if (result.status === "fulfilled") continue;
    if (hosts[i].name === sticky || hosts.length === 1) throw result.reason;
    console.error(JSON.stringify({ event: "own_agent_not_set_up", node: hosts[i].name }));
  }
}

/** Writes the owner's agent for their stored credential onto one node that lacks it (previous entries are the host's to keep). */
export async function repairOwnAgent(env: Env, config: Config, nodeName: string, owner: CredentialOwner, stored: StoredCredential): Promise<void> {
  const node = hostsOf(config, owner.userId).find((host) => host.name === nodeName);
  if (!node) return;
  await ensureAgent(env, node, await agentSpec(config, owner, stored, null));
  console.log(JSON.stringify({ event: "own_agent_repaired", node: node.name }));
}
