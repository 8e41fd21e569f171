/**
 * One row of the `requests` table, and the one function that writes rows to D1, used both
 * by the attendees' Durable Objects (batched) and by the Worker for requests that were
 * refused before they had an attendee (malformed keys, bad user ids, unknown paths).
 */

import { UNAUTHENTICATED } from "../identify/user-id";

export type EndState = "complete" | "client_abort" | "upstream_error" | "rejected" | "timeout";
export type UsageSource = "reported" | "estimated" | "none";
export type AuthKind = "key" | "byok" | "anonymous" | "relay" | "none";

export interface RequestRow {
  request_id: string;
  user_id: string;
  endpoint: string;
  method: string;
  auth: AuthKind;
  model: string | null;
  upstream: string | null;
  stream: boolean;
  /** Served by a free route (e.g. NoClaw): logged and limited, never billed. */
  free: boolean;
  status: number;
  latency_ms: number;
  ttfb_ms: number | null;
  /** Time from arrival to admission: the queues (the attendee's slots, the node's) included. */
  queue_ms: number | null;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  tokens_est: number;
  usage_source: UsageSource;
  end_state: EndState;
  error_code: string | null;
  ip_hash: string | null;
  /** A model call of an agent turn (the relay): the request id of that turn. */
  turn_id: string | null;
  /** A turn: how many model calls its agent made through the relay, and their tokens. */
  model_calls: number | null;
  model_tokens: number | null;
  /**
   * The id a refused BYOK caller claimed, when the row itself is `unauthenticated` (the
   * provider refused a key not yet bound to that id): shown to the organiser beside the
   * name, never counted as that id's own (migration 0012). Optional: rows an object
   * buffered before the column existed have none.
   */
  claimed_user_id?: string | null;
  /** `YYYY-MM-DD HH:MM:SS` UTC, as SQLite's datetime('now') writes it. */
  created_at: string;
}

/** A row for a request that has just arrived; steps fill it in as they learn more. */
export function newRequestRow(requestId: string, endpoint: string, method: string, startedAt: number): RequestRow {
  return {
    request_id: requestId, user_id: UNAUTHENTICATED, endpoint, method, auth: "none", model: null, upstream: null,
    stream: false, free: false, status: 0, latency_ms: 0, ttfb_ms: null, queue_ms: null, prompt_tokens: null, completion_tokens: null,
    tokens_est: 0, usage_source: "none", end_state: "complete", error_code: null, ip_hash: null,
    turn_id: null, model_calls: null, model_tokens: null, claimed_user_id: null, created_at: sqliteTimestamp(startedAt),
  };
}

export function sqliteTimestamp(epochMs: number): string {
  return new Date(epochMs).toISOString().replace("T", " ").slice(0, 19);
}

const COLUMNS = [
  "request_id", "user_id", "endpoint", "method", "auth", "model", "upstream", "stream", "free", "status",
  "latency_ms", "ttfb_ms", "queue_ms", "prompt_tokens", "completion_tokens", "tokens_est", "usage_source",
  "end_state", "error_code", "ip_hash", "turn_id", "model_calls", "model_tokens", "claimed_user_id", "created_at",
] as const satisfies readonly (keyof RequestRow)[];

/** D1 allows 100 bound parameters per statement: as many whole rows as fit go in one INSERT. */
const ROWS_PER_STATEMENT = Math.floor(100 / COLUMNS.length);
const ROW_PLACEHOLDERS = `(${COLUMNS.map(() => "?").join(", ")})`;

function insertSql(rows: number): string {
  return `INSERT OR IGNORE INTO requests (${COLUMNS.join(", ")}) VALUES ${Array(rows).fill(ROW_PLACEHOLDERS).join(", ")}`;
}

function values(row: RequestRow): unknown[] {
  // `?? null`: rows buffered by an object before a column existed lack it (D1 binds no undefined).
  return COLUMNS.map((c) => (c === "stream" || c === "free" ? (row[c] ? 1 : 0) : row[c] ?? null));
}

/**
 * Writes rows in one D1 batch (one transaction), several rows per statement, with any
 * statements that should land with them (the monthly ledger).
 * Re-sending a row is harmless: request ids are unique.
 */
export async function insertRequestRows(
  db: D1Database, rows: readonly RequestRow[], alongside: readonly D1PreparedStatement[] = [],
): Promise<void> {
  if (rows.length === 0 && alongside.length === 0) return;
  const statements: D1PreparedStatement[] = [...alongside];
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const group = rows.slice(i, i + ROWS_PER_STATEMENT);
    statements.push(db.prepare(insertSql(group.length)).bind(...group.flatMap(values)));
  }
  await db.batch(statements);
}
