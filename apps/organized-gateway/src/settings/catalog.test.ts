/**
 * The settings catalog as a specification: every default is a value its own schema takes,
 * secrets are flagged and never kept in `vars`, a setting a mode needs is named when it is
 * missing, and what the Worker gets from a setting is the catalog's default unless given.
 */
import { describe, expect, it } from "vitest";
import { parseConfig } from "./config";
import { GatewayError } from "../errors";
import { LOCAL_SETTINGS, SETTINGS, wranglerVars } from "./catalog.mjs";

const ENTRIES = Object.entries(SETTINGS);
const BASE = { HASH_SECRET: "catalog-test-hash-secret-0123", OPENCLAW_URL: "http://127.0.0.1:9" };

/** The names of the settings a 503 `gateway_misconfigured` names for these bindings, or null when they parse. */
function namedIn(bindings: Record<string, string>): string[] | null {
  try {
    parseConfig(bindings);
    return null;
  } catch (error) {
    if (!(error instanceof GatewayError)) throw error;
    expect(error).toMatchObject({ status: 503, code: "gateway_misconfigured" });
    return /\(check: ([^)]*)\)/.exec(error.message)![1].split(", ");
  }
}

describe("the settings catalog", () => {
  const defaults = [...ENTRIES, ...Object.entries(LOCAL_SETTINGS)]
    .flatMap(([name, entry]) => ("default" in entry && entry.default !== undefined ? [[name, entry.schema, entry.default] as const] : []));

  it("has a default for most settings", () => expect(defaults.length).toBeGreaterThan(20));

  it.each(defaults)("parses the default of %s with its own schema", (_name, schema, value) => {
    expect(schema.safeParse(value).success).toBe(true);
  });

  it("gives every setting a one-line doc, and a default or a word on what unset means", () => {
    for (const [name, entry] of ENTRIES) {
      expect(entry.doc, name).toMatch(/^\S.*[.)]$/);
      expect(entry.doc, name).not.toContain("\n");
      const unsetIsFine = entry.schema.safeParse(undefined).success;
      expect(entry.default !== undefined || unsetIsFine || entry.neededWhen?.holds !== undefined, name).toBe(true);
    }
  });

  it("flags every credential as a secret, and keeps no secret in wrangler.jsonc's vars", () => {
    const credentials = ENTRIES.filter(([name]) => /(TOKEN|SECRET|_KEY)(_PREVIOUS)?$/.test(name)).map(([name]) => name);
    expect(credentials.length).toBeGreaterThanOrEqual(8);
    // UPSTREAMS holds each node's token.
    for (const name of [...credentials, "UPSTREAMS"]) {
      expect(SETTINGS[name as keyof typeof SETTINGS].secret, name).toBe(true);
    }
    for (const [name, entry] of ENTRIES) {
      if (entry.secret) expect(entry.keptIn, name).toBe("secrets");
    }
    for (const name of Object.keys(wranglerVars())) expect(SETTINGS[name as keyof typeof SETTINGS].secret).toBe(false);
  });

  it("gives the Worker each default when a setting is unset or empty, and the given value otherwise", () => {
    const unset = parseConfig(BASE);
    expect(unset.limits.perMinute).toBe(Number(SETTINGS.RATE_LIMIT_PER_MINUTE.default));
    expect(unset.event.name).toBe(SETTINGS.EVENT_NAME.default);
    expect(unset.kit.includeEventCode).toBe(false);
    const empty = parseConfig({ ...BASE, RATE_LIMIT_PER_MINUTE: "", EVENT_NAME: "", LOG_FLUSH_MS: "" });
    expect(empty.limits.perMinute).toBe(unset.limits.perMinute);
    expect(empty.event.name).toBe(unset.event.name);
    expect(empty.logFlushMs).toBe(Number(SETTINGS.LOG_FLUSH_MS.default));
    expect(parseConfig({ ...BASE, RATE_LIMIT_PER_MINUTE: "7" }).limits.perMinute).toBe(7);
  });

  it("names a setting that a mode needs and lacks, never its value", () => {
    expect(namedIn(BASE)).toBeNull();
    const { OPENCLAW_URL: _, ...noUpstream } = BASE;
    expect(namedIn(noUpstream)).toEqual(["OPENCLAW_URL"]);
    expect(namedIn({ ...noUpstream, UPSTREAMS: JSON.stringify([{ name: "mini", url: "https://mini.example" }]) })).toBeNull();
    expect(namedIn({ ...BASE, PAID_BY: "attendee" })).toEqual(["CREDENTIAL_KEY"]);
    expect(namedIn({ ...BASE, AUTH_MODE: "codex" })).toEqual(["CREDENTIAL_KEY"]);
    expect(namedIn({ ...BASE, CREDENTIAL_KEY_PREVIOUS: "p".repeat(32) })).toEqual(["CREDENTIAL_KEY"]);
    expect(namedIn({ ...BASE, CF_ACCESS_CLIENT_ID: "id.access" })).toEqual(["CF_ACCESS_CLIENT_SECRET"]);
    expect(namedIn({ ...BASE, CF_ACCESS_CLIENT_SECRET: "a-secret-of-access" })).toEqual(["CF_ACCESS_CLIENT_ID"]);
    const { HASH_SECRET: __, ...noHash } = BASE;
    expect(namedIn(noHash)).toEqual(["HASH_SECRET"]);
    const secret = "a-wrong-admin-token-value";
    expect(namedIn({ ...BASE, RATE_LIMIT_PER_MINUTE: "lots", ADMIN_TOKEN: "short" })?.sort()).toEqual(["ADMIN_TOKEN", "RATE_LIMIT_PER_MINUTE"]);
    expect(() => parseConfig({ ...BASE, CREDENTIAL_KEY: secret })).toThrow(/check: CREDENTIAL_KEY\)/);
    expect(() => parseConfig({ ...BASE, CREDENTIAL_KEY: secret })).not.toThrow(secret);
  });

  it("takes PAID_BY's default from the mode: the organiser pays in openai mode, attendees in codex mode", () => {
    const key = { CREDENTIAL_KEY: "k".repeat(32) };
    expect(parseConfig(BASE).paidBy).toBe("organiser");
    expect(parseConfig({ ...BASE, ...key, AUTH_MODE: "codex" }).paidBy).toBe("attendee");
    expect(namedIn({ ...BASE, ...key, AUTH_MODE: "codex", PAID_BY: "organiser" })).toEqual(["PAID_BY"]);
  });
});
