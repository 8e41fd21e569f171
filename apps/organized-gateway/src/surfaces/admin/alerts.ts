/**
 * When the dashboard raises its full-width banner for errors: the one definition of an
 * error spike, read by the dashboard, the projector view and (through /overview) the CLI.
 *
 * Over the last ERROR_SPIKE.minutes of /v1 traffic (everyone's, refused callers included:
 * a room whose keys stopped working is a spike too), an error is what the figures call
 * one — a status of 400 or more other than 429 (a limit doing its job is not a fault).
 * A spike needs enough requests to mean something: one failure out of two is not a
 * room in trouble, ten out of forty is.
 */

export const ERROR_SPIKE = {
  /** How far back the rate is measured. */
  minutes: 5,
  /** Fewer requests than this in the window never raise the banner. */
  minRequests: 10,
  /** The share of errors (0–1) from which the banner shows. */
  errorRate: 0.25,
} as const;

export interface RecentTraffic {
  requests: number;
  errors: number;
}

/** The share of errors, or null without traffic. */
export function errorRate({ requests, errors }: RecentTraffic): number | null {
  return requests === 0 ? null : errors / requests;
}

export function isErrorSpike(traffic: RecentTraffic): boolean {
  const rate = errorRate(traffic);
  return traffic.requests >= ERROR_SPIKE.minRequests && rate !== null && rate >= ERROR_SPIKE.errorRate;
}
