// Types for the simulator's entry point, for TypeScript callers (the gateway's tests and bench).
export interface RecordedRequest {
  seq: number;
  at: number;
  method: string;
  path: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

export interface DevUpstreamStats {
  requestCount: number;
  streamCount: number;
  openStreams: number;
  inflight: number;
  peakInflight: number;
  requests: RecordedRequest[];
  lastRequest(): RecordedRequest | undefined;
  reset(): void;
}

export interface DevUpstream {
  url: string;
  port: number;
  close(): Promise<void>;
  stats: DevUpstreamStats;
}

export function startDevUpstream(options?: {
  port?: number; host?: string; quiet?: boolean; requireToken?: string;
  overload?: { baseMs: number; threshold: number };
}): Promise<DevUpstream>;
