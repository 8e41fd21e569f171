/**
 * Is the agent server (the upstream) there? Asked once per join page, so a room that opens
 * the page while it is down reads so at the top instead of meeting it in setup.sh. The same
 * probe as /health (src/surfaces/health/index.ts): any HTTP answer from `/healthz` means the host
 * is up. Shorter timeout than /health's: a phone waits for this page, and a host that takes
 * longer than this to answer one GET is as good as down for a room of attendees.
 */
import type { Upstream } from "../../pipeline/route";
import { probeUpstream } from "../../pipeline/route/probe";

export const JOIN_PROBE_TIMEOUT_MS = 1_500;

export async function upstreamReachable(upstream: Upstream, timeoutMs = JOIN_PROBE_TIMEOUT_MS): Promise<boolean> {
  return (await probeUpstream(upstream, timeoutMs)).reachable;
}
