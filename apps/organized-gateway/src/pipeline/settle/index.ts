/**
 * Settle: after the response has gone (for streams, when the stream has ended), return the
 * in-flight lease and record one log row. Runs in `waitUntil`, so the caller never waits
 * on it. Rows of admitted attendees go through their Durable Object (batched into D1);
 * requests refused before they had an attendee are written to D1 directly, and so is a row
 * whose object failed to take it (reset, evicted, unreachable): request ids are unique, so
 * a row the object did write before failing is kept once.
 */
import type { AttendeeGateClient } from "../../objects/attendee-gate/client";
import type { NodeOutcome } from "../../objects/node-gate";
import type { CredentialUseNote, SettleBinding } from "../../objects/attendee-gate/protocol";
import type { EndState, RequestRow } from "./request-row";
import { insertRequestRows } from "./request-row";

export interface SettleTarget {
  gate: AttendeeGateClient | null;
  leaseId: string | null;
  db: D1Database;
  flushMs: number;
  /** A BYOK key the upstream accepted for a provisional id: the object binds it. */
  binding?: SettleBinding;
  /** How the request went on its node (an unreachable one is marked down). */
  nodeOutcome?: NodeOutcome;
  /** The request reached the upstream (its unit of the month stays spent). */
  reachedUpstream?: boolean;
  /** How the provider took the attendee's credential, when the route spent it. */
  credentialUse?: CredentialUseNote;
}

export async function settle(target: SettleTarget, row: RequestRow): Promise<void> {
  if (target.gate) {
    try {
      const { leaseId, binding, nodeOutcome, reachedUpstream, credentialUse } = target;
      await target.gate.settle({ leaseId, binding, nodeOutcome, reachedUpstream, credentialUse }, row, target.flushMs);
      return;
    } catch (error) {
      reportFailure("settle_via_object_failed", row, error);
    }
  }
  try {
    await insertRequestRows(target.db, [row]);
  } catch (error) {
    reportFailure("settle_failed", row, error);
  }
}

/** Names the request, never the row's contents: they are safe, but keep the habit. */
function reportFailure(event: string, row: RequestRow, error: unknown): void {
  console.error(JSON.stringify({ event, request_id: row.request_id, error: String(error) }));
}

/** How a request the gateway answered itself ended, from its status. */
export function endStateForStatus(status: number): EndState {
  // 499: the caller left before the answer (nginx's "client closed request").
  if (status === 499) return "client_abort";
  if (status === 504) return "timeout";
  if (status === 502 || status >= 500) return "upstream_error";
  return "rejected";
}
