/**
 * `GET /health`: is the gateway up, is it configured, and does the upstream answer.
 * Never shows the upstream's address or any secret.
 */
import type { Context } from "hono";
import type { AppEnv } from "../../app-env";
import { configFor } from "../../settings/config";
import { nodeGateName } from "../../objects/node-gate";
import { NodeGateClient } from "../../objects/node-gate/client";
import { callersNeedGatewayKey, routeTableFor, chooseUpstream, type Upstream } from "../../pipeline/route";
import { probeUpstream } from "../../pipeline/route/probe";
import { toGatewayError } from "../../errors";

const PROBE_TIMEOUT_MS = 2_000;


/** Each node's state as its object holds it: names and counts only, never an address or a token. */
async function poolState(env: Env, nodes: readonly Upstream[]) {
  return Promise.all(nodes.map(async (node) => {
    try {
      const { state, inflight, queued } = await NodeGateClient.named(env, nodeGateName(node)).describe();
      return { name: node.name, state, inflight, queued };
    } catch {
      return { name: node.name, state: "unknown", inflight: null, queued: null };
    }
  }));
}

export async function health(c: Context<AppEnv>): Promise<Response> {
  let config;
  try {
    config = configFor(c.env);
  } catch (thrown) {
    const error = toGatewayError(thrown);
    return c.json({ status: "misconfigured", gateway: "organized-gateway", message: error.message }, 503);
  }
  const table = routeTableFor(config);
  const upstream = chooseUpstream(table);
  const [primary, upstreams] = await Promise.all([probeUpstream(upstream, PROBE_TIMEOUT_MS), poolState(c.env, table.upstreams)]);
  return c.json({
    status: "ok",
    gateway: "organized-gateway",
    event: config.event.name,
    auth_mode: config.authMode,
    paid_by: config.paidBy,
    upstream: { name: upstream.name, strategy: upstream.strategy.name, ...primary },
    upstreams,
    gateway_key_required: callersNeedGatewayKey(upstream),
    enrollment_open: config.event.code !== undefined,
    limits: { requests_per_minute: config.limits.perMinute, max_in_flight: config.limits.maxInflight },
    time: new Date().toISOString(),
  });
}
