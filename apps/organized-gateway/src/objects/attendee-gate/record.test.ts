import { describe, expect, it } from "vitest";
import type { StoredCredential } from "./protocol";
import { staleSuccess } from "./record";

const stored = (last_result: StoredCredential["last_result"], last_used_at: string | null): StoredCredential => ({
  kind: "openai", sealed: "sealed", fingerprint: "fp", stored_at: "2026-12-07T10:00:00.000Z", last_used_at, last_result,
});
const at = (iso: string) => Date.parse(iso);

describe("how a credential's last use is noted", () => {
  it("keeps a refusal noted during a request whose own answer was a success", () => {
    // A turn streamed 200 from 10:00:00 while one of its model calls was refused at 10:00:05.
    expect(staleSuccess(stored("rejected", "2026-12-07T10:00:05.000Z"), "ok", at("2026-12-07T10:00:00.000Z"))).toBe(true);
  });

  it("lets a success that started after the refusal clear it", () => {
    expect(staleSuccess(stored("rejected", "2026-12-07T10:00:05.000Z"), "ok", at("2026-12-07T10:00:06.000Z"))).toBe(false);
  });

  it("always notes a refusal, and a success over a success or a first use", () => {
    expect(staleSuccess(stored("ok", "2026-12-07T10:00:05.000Z"), "rejected", at("2026-12-07T10:00:00.000Z"))).toBe(false);
    expect(staleSuccess(stored("ok", "2026-12-07T10:00:05.000Z"), "ok", at("2026-12-07T10:00:00.000Z"))).toBe(false);
    expect(staleSuccess(stored(null, null), "ok", at("2026-12-07T10:00:00.000Z"))).toBe(false);
  });

  it("notes a success that does not say when it started as before", () => {
    expect(staleSuccess(stored("rejected", "2026-12-07T10:00:05.000Z"), "ok", undefined)).toBe(false);
  });
});
