// The issue's targets, checked against one run's results (reported, never asserted):
// our added p50 at most half of Portkey's and at most 4x the bare Worker's; streaming time
// to first byte within 2 ms of direct; with 10 concurrent attendees, throughput >= Portkey's.
import { isGatewayTarget } from "./scenarios.mjs";

const find = (runs, scenario, target) => runs.find((r) => r.scenario === scenario && r.target === target);

/**
 * Every check for each gateway measured: today's ("gateway", its lines named as before) and
 * a baseline commit's ("gateway@<ref>", its lines prefixed with that name), against the same
 * peers of the same run.
 */
export function evaluateTargets({ runs, ttfb }) {
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
      if (gateway && portkey && scenario.endsWith("c10 many")) {
        // A peer that answered nothing is no bar to clear: the target counts as missed.
        const met = portkey.rps > 0 && gateway.rps >= portkey.rps;
        checks.push({ target: label(`throughput >= Portkey's (${scenario})`), met, detail: `${gateway.rps} vs ${portkey.rps} req/s` });
      }
    }
    for (const gatewayTtfb of ttfb.filter((t) => t.target === name)) {
      checks.push(check(label(`stream TTFB p50 within 2 ms of direct${gatewayTtfb.variant ? ` (${gatewayTtfb.variant})` : ""}`), gatewayTtfb.added_p50, 2,
        `+${gatewayTtfb.added_p50} ms (${gatewayTtfb.ttfb.p50} ms vs direct ${direct?.ttfb.p50} ms)`));
    }
  }
  return checks;
}

function check(target, value, limit, detail) {
  return { target, met: value !== null && limit !== null && !Number.isNaN(limit) && value <= limit, detail };
}
