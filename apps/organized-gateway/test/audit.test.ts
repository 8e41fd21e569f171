// The organiser's audit trail says what changed, by whom and when: a tier change names the
// tier it left and the one it set; re-encrypting the credentials leaves a row of its own.
import { describe, expect, it } from "vitest";
import { TEST_ADMIN_TOKEN } from "./constants";
import { admin, gatewayWith } from "./helpers";

interface ActionRow {
  id: number;
  created_at: string;
  action: string;
  user_id: string | null;
  key_id: string | null;
  actor: string;
  request_id: string | null;
  detail: Record<string, unknown> | null;
}

async function actions(query: string): Promise<ActionRow[]> {
  const response = await admin(`/actions?${query}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { data: ActionRow[] }).data;
}

describe("the audit trail", () => {
  it("records a tier change with the tier it left and the one it set, who and when", async () => {
    const user = `audit-tier-${Date.now().toString(36)}`;
    for (const tier of ["tier-2", "tier-3"]) {
      const response = await admin(`/users/${user}/tier`, { method: "PUT", body: JSON.stringify({ tier }) });
      expect(response.status).toBe(200);
    }
    const rows = await actions(`user_id=${user}`);
    expect(rows.map((row) => [row.action, row.detail, row.actor])).toEqual([
      ["set_tier", { from: "tier-2", to: "tier-3" }, "token"],
      ["set_tier", { from: null, to: "tier-2" }, "token"],
    ]);
    for (const row of rows) {
      expect(row.created_at).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
      expect(row.request_id).toBeTruthy();
    }
  });

  it("records POST /credentials/reencrypt as an action over every attendee, with the page's tally, who and when", async () => {
    const before = (await actions("limit=1"))[0]?.id ?? 0;
    const response = await gatewayWith({ CREDENTIAL_KEY: "test-credential-key-0123456789abcdef-A" }, "/admin/api/credentials/reencrypt?limit=5", {
      method: "POST", headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
    });
    expect(response.status).toBe(200);
    const tally = (await response.json()) as { checked: number; reencrypted: number };
    const [row] = await actions("limit=1");
    expect(row.id).toBeGreaterThan(before);
    expect(row).toMatchObject({ action: "reencrypt_credentials", user_id: null, actor: "token" });
    expect(row.detail).toMatchObject({ checked: tally.checked, reencrypted: tally.reencrypted, after: null });
    expect(row.created_at).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  });
});
