/**
 * The catalog of error codes as a specification: every code has a status, an OpenAI type,
 * an attendee's sentence for each way it reads and an organiser's sentence; `refusal`
 * answers exactly what the catalog says; the dashboard's sentence is the catalog's.
 */
import { describe, expect, it } from "vitest";
import { errorHelp } from "../surfaces/admin/error-help";
import { ERRORS, ERROR_TYPES, UNDESCRIBED, UPSTREAM_CODES } from "./catalog.mjs";
import { GatewayError, errorResponse, refusal, type ErrorCode } from "./index";

interface Entry {
  status: number | ((values: unknown) => number);
  type: string | ((values: unknown) => string);
  attendee: (values: unknown) => string;
  organiser: string;
  examples?: unknown[];
}

const CODES = Object.entries(ERRORS as Record<string, Entry>);

/** Each way a code reads: its examples, or no values for a fixed sentence. */
function renderings(entry: Entry): unknown[] {
  return entry.examples ?? [undefined];
}

describe("the catalog of error codes", () => {
  it("holds every code the contract names, and more", () => {
    expect(CODES.length).toBeGreaterThan(60);
    for (const code of ["rate_limit_exceeded", "invalid_gateway_key", "user_blocked", "user_id_revoked", "invalid_relay_token", "no_credential", "internal_error"]) {
      expect(ERRORS).toHaveProperty(code);
    }
  });

  it.each(CODES)("gives %s a status, an OpenAI type and both sentences for each way it reads", (code, entry) => {
    expect(code).toMatch(/^[a-z][a-z0-9_]*$/);
    expect(entry.organiser).toMatch(/^\S.*[.)]$/);
    // A template that takes values has examples of them; a fixed sentence takes none.
    expect(entry.attendee.length === 0 || (entry.examples?.length ?? 0) > 0).toBe(true);
    for (const values of renderings(entry)) {
      const error = refusal(code as ErrorCode, values as never);
      expect(error.status).toBeGreaterThanOrEqual(400);
      expect(error.status).toBeLessThan(600);
      expect(ERROR_TYPES).toContain(error.type);
      expect(error.message.length).toBeGreaterThan(20);
      expect(error.message).not.toMatch(/undefined|null|NaN|\[object /);
    }
  });

  it("tells each variant of a code apart in the attendee's words", () => {
    for (const [code, entry] of CODES) {
      const sentences = renderings(entry).map((values) => refusal(code as ErrorCode, values as never).message);
      expect(new Set(sentences).size, code).toBe(sentences.length);
    }
  });

  it("answers a refusal OpenAI-shaped with the catalog's status, type and sentence", async () => {
    const error = refusal("rate_limit_exceeded", { limit: 50, retryAfter: 12 }, { "retry-after": "12" });
    expect(error).toMatchObject({ status: 429, type: "rate_limit_error", code: "rate_limit_exceeded" });
    const response = errorResponse(error);
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("12");
    expect(await response.json()).toEqual({ error: {
      message: "Rate limit reached: 50 requests per minute per attendee. Try again in 12 seconds.",
      type: "rate_limit_error", code: "rate_limit_exceeded", param: null,
    } });
  });

  it("answers a code's other status where the catalog says it differs", () => {
    expect(refusal("no_credential", { why: "stored" })).toMatchObject({ status: 404, type: "not_found_error" });
    expect(refusal("no_credential", { why: "codex" })).toMatchObject({ status: 401, type: "authentication_error" });
    expect(refusal("invalid_event_code", { why: "malformed" }).status).toBe(400);
    expect(refusal("invalid_event_code", { why: "wrong" }).status).toBe(403);
    expect(refusal("user_id_taken", { why: "enrolled", userId: "ada" }).status).toBe(409);
    expect(refusal("user_id_taken", { why: "bound", userId: "ada" }).status).toBe(403);
  });

  it("refuses, at type-check time, a code the catalog lacks and an error made outside it", () => {
    // `npm run typecheck` fails if either line below ever compiles: that is the check that
    // every code thrown anywhere in src is in the catalog, by construction.
    // @ts-expect-error: not a code of the catalog
    expect(() => refusal("a_code_nobody_wrote_down")).toThrow(TypeError);
    // @ts-expect-error: the constructor is not public; refusal() and GatewayError.rebuilt are the ways in
    expect(new GatewayError(418, "server_error", "internal_error", "made up").status).toBe(418);
  });

  it("shows the organiser the catalog's sentence for every code, and the upstream's codes apart", () => {
    for (const [code, entry] of CODES) expect(errorHelp(code)).toBe(entry.organiser);
    for (const [code, sentence] of Object.entries(UPSTREAM_CODES)) {
      expect(ERRORS).not.toHaveProperty(code);
      expect(errorHelp(code)).toBe(sentence);
    }
    expect(errorHelp("a_code_nobody_wrote_down")).toBe(UNDESCRIBED);
    expect(errorHelp("constructor")).toBe(UNDESCRIBED);
  });
});
