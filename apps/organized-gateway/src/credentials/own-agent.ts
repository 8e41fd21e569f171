/**
 * Registering a credential on a pool with OpenClaw nodes sets up (or updates) the attendee's
 * own agent on each of them, pointed at this gateway's relay with a relay token minted for
 * exactly this credential. The attendee's sticky node must take it (their turns go there);
 * the others are tried too, for failover, and a refusal there is only logged.
 *
 * The relay's address is PUBLIC_URL, or this machine's own origin when the gateway runs on
 * loopback (`npm start`): a Host header is never trusted to say where OpenClaw should send
 * attendees' model calls.
 */
import type { StoredCredential } from "../admit/protocol";
import type { Config } from "../config";
import { isLoopbackHost } from "../join/links";
import { routeFor, routeTableFor } from "../route";
import { GatewayError } from "../shared/errors";
import type { CredentialKind } from "./kinds";
import { attendeeAgentId, relayProviderId, relayToken } from "./names";
import { provisionAgent } from "./openclaw-agent";

export function relayOrigin(config: Config, requestUrl: string): string {
  const request = new URL(requestUrl);
  const origin = config.kit.publicUrl ?? (isLoopbackHost(request.hostname) ? request.origin : undefined);
  if (!origin) {
    throw new GatewayError(503, "configuration_error", "public_url_required",
      "This gateway does not know its public address, which the agent server needs to reach it with your model calls. Organiser: set PUBLIC_URL.");
  }
  return origin;
}

export function relayBaseUrl(origin: string, kind: CredentialKind): string {
  return `${origin}/relay/${kind}`;
}

/** `previous`: the credential this one replaces, if it was this owner's (its provider entry goes). */
export async function setUpOwnAgent(
  config: Config, requestUrl: string, owner: { userId: string; generation: number }, stored: StoredCredential, previous: StoredCredential | null,
): Promise<void> {
  const hosts = config.upstreams.filter((node) => node.token);
  if (hosts.length === 0) return;
  const origin = relayOrigin(config, requestUrl);
  const agentId = await attendeeAgentId(config.hashSecret, owner.userId, owner.generation);
  const token = await relayToken(config.hashSecret, owner.userId, owner.generation, stored);
  const spec = {
    agentId,
    providerId: relayProviderId(agentId, token),
    previousProviderId: previous
      ? relayProviderId(agentId, await relayToken(config.hashSecret, owner.userId, owner.generation, previous))
      : null,
    kind: stored.kind,
    relayBaseUrl: relayBaseUrl(origin, stored.kind),
    relayToken: token,
  };
  const sticky = routeFor(routeTableFor(config), owner.userId, null).order.find((node) => node.strategy.name === "openclaw")?.name;
  const results = await Promise.allSettled(hosts.map((node) => provisionAgent(node, spec)));
  for (const [i, result] of results.entries()) {
    if (result.status === "fulfilled") continue;
    if (hosts[i].name === sticky || hosts.length === 1) throw result.reason;
    console.error(JSON.stringify({ event: "own_agent_not_set_up", node: hosts[i].name }));
  }
}
