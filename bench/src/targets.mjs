// The issue's targets, checked against one run's results (reported, never asserted):
// our added p50 at most half of Portkey's and at most 4x the bare Worker's; streaming time
// to first byte within 2 ms of direct; with 10 concurrent attendees, throughput >= Portkey's.
// And the cost targets: CPU per request at most 1.5x the bare Worker's and at most
// Portkey's in every scenario (its Worker build when the run has one, servers/portkey-worker.mjs;
// else Portkey on Node); stream TTFB within 1 ms of the bare
// Worker's; at most one sequential round trip to a Durable Object or D1 before the first
// byte (the hop table, servers/hops.mjs).
import { isGatewayTarget } from "./scenarios.mjs";

const find = (runs, scenario, target) => runs.find((r) => r.scenario === scenario && r.target === target);

/**
 * Every check for each gateway measured: today's ("gateway", its lines named as before) and
 * a baseline commit's ("gateway@<ref>", its lines prefixed with that name), against the same
 * peers of the same run.
 */
export function evaluateTargets({ runs, ttfb, hops = [] }) {
  const checks = [];
  const scenarios = [...new Set(runs.map((r) => r.scenario))];
  const gateways = [...new Set([...runs, ...ttfb].map((r) => r.target).filter(isGatewayTarget))];
  const direct = ttfb.find((t) => t.target === "direct");
  for (const name of gateways) {
    const label = (line) => (name === "gateway" ? line : `${name}: ${line}`);
    for (const scenario of scenarios) {
      const gateway = find(runs, scenario, name);
      const portkey = find(runs, scenario, "portkey");
      const bare = find(runs, scenario, "bare-worker");
      if (gateway && portkey) {
        checks.push(check(label(`added p50 <= 1/2 Portkey's (${scenario})`), gateway.added.p50, portkey.added.p50 / 2,
          `${gateway.added.p50} ms vs Portkey ${portkey.added.p50} ms`));
      }
      if (gateway && bare) {
        checks.push(check(label(`added p50 <= 4x bare Worker's (${scenario})`), gateway.added.p50, bare.added.p50 * 4,
          `${gateway.added.p50} ms vs bare ${bare.added.p50} ms`));
      }
      if (gateway && bare && gateway.cpu_ms_per_request != null && bare.cpu_ms_per_request != null) {
        checks.push(check(label(`CPU per request <= 1.5x bare Worker's (${scenario})`), gateway.cpu_ms_per_request, bare.cpu_ms_per_request * 1.5,
          `${gateway.cpu_ms_per_request} ms vs bare ${bare.cpu_ms_per_request} ms (${ratio(gateway.cpu_ms_per_request, bare.cpu_ms_per_request)}x)`));
      }
      // Like with like where it could be built: Portkey's Worker in the same workerd; else Portkey on Node.
      const peer = find(runs, scenario, "portkey-worker") ?? portkey;
      if (gateway && peer && gateway.cpu_ms_per_request != null && peer.cpu_ms_per_request != null) {
        const peerName = peer.target === "portkey-worker" ? "Portkey's Worker build" : "Portkey's on Node";
        checks.push(check(label(`CPU per request <= ${peerName} (${scenario})`), gateway.cpu_ms_per_request, peer.cpu_ms_per_request,
          `${gateway.cpu_ms_per_request} ms vs ${peer.target} ${peer.cpu_ms_per_request} ms (${ratio(gateway.cpu_ms_per_request, peer.cpu_ms_per_request)}x)`));
      }
      if (gateway && portkey && scenario.endsWith("c10 many")) {
        // A peer that answered nothing is no bar to clear: the target counts as missed.
        const met = portkey.rps > 0 && gateway.rps >= portkey.rps;
        checks.push({ target: label(`throughput >= Portkey's (${scenario})`), met, detail: `${gateway.rps} vs ${portkey.rps} req/s` });
      }
    }
    const bareTtfb = ttfb.find((t) => t.target === "bare-worker" && !t.variant);
    for (const gatewayTtfb of ttfb.filter((t) => t.target === name)) {
      if (bareTtfb && gatewayTtfb.ttfb.p50 !== null && bareTtfb.ttfb.p50 !== null) {
        const over = Math.round((gatewayTtfb.ttfb.p50 - bareTtfb.ttfb.p50) * 1000) / 1000;
        checks.push(check(label(`stream TTFB p50 within 1 ms of bare Worker's${gatewayTtfb.variant ? ` (${gatewayTtfb.variant})` : ""}`), over, 1,
          `+${over} ms (${gatewayTtfb.ttfb.p50} ms vs bare ${bareTtfb.ttfb.p50} ms)`));
      }
    }
    for (const hop of hops.filter((h) => h.target === name)) {
      checks.push(check(label(`at most one sequential Durable Object / D1 round trip before the first byte (${hop.scenario})`),
        hop.round_trips_before_first_byte, 1.5, `${hop.round_trips_before_first_byte} round trips (hop table)`));
    }
    for (const gatewayTtfb of ttfb.filter((t) => t.target === name)) {
      checks.push(check(label(`stream TTFB p50 within 2 ms of direct${gatewayTtfb.variant ? ` (${gatewayTtfb.variant})` : ""}`), gatewayTtfb.added_p50, 2,
        `+${gatewayTtfb.added_p50} ms (${gatewayTtfb.ttfb.p50} ms vs direct ${direct?.ttfb.p50} ms)`));
    }
  }
  return checks;
}

const ratio = (a, b) => (b > 0 ? (Math.round((a / b) * 100) / 100).toFixed(2) : "-");

function check(target, value, limit, detail) {
  return { target, met: value !== null && limit !== null && !Number.isNaN(limit) && value <= limit, detail };
}
