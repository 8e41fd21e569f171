import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { insertRequestRows, newRequestRow } from "../src/pipeline/settle/request-row";

describe("writing log rows to D1", () => {
  it("writes every row of a batch that does not fill its last statement, and ignores a row sent twice", async () => {
    const rows = Array.from({ length: 13 }, (_, i) => ({
      ...newRequestRow(`req_batch_${i}`, "/v1/chat/completions", "POST", Date.UTC(2026, 10, 24, 9, 0, i)),
      user_id: "batch-writer", status: 200, stream: i % 2 === 0, tokens_est: i,
    }));
    await insertRequestRows(env.DB, rows);
    await insertRequestRows(env.DB, [rows[3]]);
    const { results } = await env.DB.prepare("SELECT request_id, stream, tokens_est, created_at FROM requests WHERE user_id = 'batch-writer' ORDER BY tokens_est").all<{ request_id: string; stream: number; tokens_est: number; created_at: string }>();
    expect(results).toHaveLength(13);
    expect(results[4]).toEqual({ request_id: "req_batch_4", stream: 1, tokens_est: 4, created_at: "2026-11-24 09:00:04" });
    expect(results[5].stream).toBe(0);
  });
});
