/**
 * Is an upstream there? A GET of its `/healthz`: any HTTP answer means the host is up
 * (OpenAI-like upstreams have no /healthz and answer 404, which still proves them alive).
 * Used by /health and by the join page, each with its own patience.
 */
import type { Upstream } from "./index";

export async function probeUpstream(upstream: Upstream, timeoutMs: number): Promise<{ reachable: boolean; latency_ms: number | null }> {
  const started = Date.now();
  try {
    const response = await fetch(`${upstream.baseUrl}/healthz`, { headers: upstream.fixedHeaders, signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return { reachable: true, latency_ms: Date.now() - started };
  } catch {
    return { reachable: false, latency_ms: null };
  }
}
