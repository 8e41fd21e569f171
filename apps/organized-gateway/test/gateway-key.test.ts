import { describe, expect, it } from "vitest";
import { keyHint, mintGatewayKey, parseGatewayKey } from "../src/pipeline/identify/gateway-key";

describe("gateway keys", () => {
  it("name their user, even a user id with underscores and dots", async () => {
    const minted = await mintGatewayKey("sam_k.2");
    expect(minted.key).toMatch(/^ocg_sam_k\.2_[0-9A-Za-z]{40}$/);
    expect(parseGatewayKey(minted.key)).toEqual({ userId: "sam_k.2", keyId: minted.keyId });
  });

  it("are refused when cut short or mistyped", async () => {
    const { key } = await mintGatewayKey("sam");
    expect(parseGatewayKey(key.slice(0, -1))).toBeNull();
    expect(parseGatewayKey(`${key}x`)).toBeNull();
    expect(parseGatewayKey("ocg_sam")).toBeNull();
  });

  it("are never shown whole in a listing hint", async () => {
    const { key, hint } = await mintGatewayKey("sam");
    expect(hint).toBe(keyHint(key));
    expect(hint.length).toBeLessThan(key.length - 20);
    expect(key.includes(hint.replace("…", ""))).toBe(false);
  });

  it("are unique", async () => {
    const keys = await Promise.all(Array.from({ length: 200 }, () => mintGatewayKey("sam")));
    expect(new Set(keys.map((k) => k.key)).size).toBe(200);
  });
});
