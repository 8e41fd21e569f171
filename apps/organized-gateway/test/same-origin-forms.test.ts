// Cross-site forms: another site cannot sign a visitor into /billing with the attacker's
// key, start their Checkout or portal, sign them out, or sign into or out of the console.
// The browser's own headers (Sec-Fetch-Site, Origin) say where a form comes from.
import { describe, expect, it } from "vitest";
import { crossSiteReason } from "../src/shared/same-origin-forms";
import { TEST_ADMIN_TOKEN } from "./constants";
import { BASE, gateway, gatewayWith, issueKey } from "./helpers";

const EVIL = { origin: "https://evil.example", "sec-fetch-site": "cross-site" };
const OWN = { origin: BASE, "sec-fetch-site": "same-origin" };
const FORM = { "content-type": "application/x-www-form-urlencoded" };

let sequence = 0;
const unique = (prefix: string) => `${prefix}${Date.now().toString(36)}${++sequence}`;

type ErrorBody = { error: { message: string; type: string; code: string } };

function billingSignIn(key: string, headers: Record<string, string>, settings: Record<string, string> = {}): Promise<Response> {
  return gatewayWith(settings, "/billing/session", {
    method: "POST", headers: { ...FORM, ...headers }, body: new URLSearchParams({ key }).toString(), redirect: "manual",
  });
}

const cookieOf = (response: Response) => (response.headers.get("set-cookie") ?? "").split(";")[0];

describe("the rule", () => {
  const own = ["https://gw.example.org"];
  const headers = (h: Record<string, string>) => new Headers(h);

  it("refuses a POST that the browser says is cross-site or same-site (a sibling subdomain), or typed by the visitor", () => {
    expect(crossSiteReason("POST", headers({ "sec-fetch-site": "cross-site" }), own)).toBe("Sec-Fetch-Site: cross-site");
    expect(crossSiteReason("POST", headers({ "sec-fetch-site": "same-site" }), own)).toBe("Sec-Fetch-Site: same-site");
    expect(crossSiteReason("POST", headers({ "sec-fetch-site": "none" }), own)).toBe("Sec-Fetch-Site: none");
  });

  it("refuses a POST whose Origin is another site, or null (a sandboxed frame), even without Sec-Fetch-Site", () => {
    expect(crossSiteReason("POST", headers({ origin: "https://evil.example" }), own)).toBe("Origin: https://evil.example");
    expect(crossSiteReason("POST", headers({ origin: "null" }), own)).toBe("Origin: null");
    expect(crossSiteReason("POST", headers({ origin: "http://gw.example.org" }), own)).toBe("Origin: http://gw.example.org");
  });

  it("lets through the gateway's own pages, reads, and requests no browser made (curl, scripts)", () => {
    expect(crossSiteReason("POST", headers({ origin: "https://gw.example.org", "sec-fetch-site": "same-origin" }), own)).toBeNull();
    expect(crossSiteReason("GET", headers({ origin: "https://evil.example", "sec-fetch-site": "cross-site" }), own)).toBeNull();
    expect(crossSiteReason("POST", headers({}), own)).toBeNull();
  });

  it("lets through the gateway's own no-referrer page, whose forms Chromium sends with Origin: null and Sec-Fetch-Site: same-origin", () => {
    expect(crossSiteReason("POST", headers({ origin: "null", "sec-fetch-site": "same-origin" }), own)).toBeNull();
    expect(crossSiteReason("POST", headers({ origin: "null", "sec-fetch-site": "cross-site" }), own)).toBe("Sec-Fetch-Site: cross-site");
  });
});

describe("/billing's forms", () => {
  it("refuses a cross-site sign-in with a valid key: 403 cross_site_request and no ocg_billing cookie", async () => {
    const key = await issueKey(unique("csrf-attacker-"));
    const response = await billingSignIn(key, EVIL);
    expect(response.status).toBe(403);
    expect(response.headers.get("set-cookie")).toBeNull();
    const body = (await response.json()) as ErrorBody;
    expect(body.error).toMatchObject({ type: "permission_error", code: "cross_site_request" });
    expect(body.error.message).toContain("Sec-Fetch-Site: cross-site");
    // Either header alone is enough.
    expect((await billingSignIn(key, { origin: "https://evil.example" })).status).toBe(403);
    expect((await billingSignIn(key, { "sec-fetch-site": "cross-site" })).status).toBe(403);
  });

  it("signs in from its own page, from PUBLIC_URL's origin, and from curl", async () => {
    const key = await issueKey(unique("csrf-own-"));
    expect(cookieOf(await billingSignIn(key, OWN))).toMatch(/^ocg_billing=/);
    expect(cookieOf(await billingSignIn(key, { origin: "https://gw.example.org" }, { PUBLIC_URL: "https://gw.example.org" }))).toMatch(/^ocg_billing=/);
    expect(cookieOf(await billingSignIn(key, {}))).toMatch(/^ocg_billing=/);
  });

  it("refuses cross-site Checkout, portal and sign-out even with the attendee's cookie", async () => {
    const key = await issueKey(unique("csrf-victim-"));
    const cookie = cookieOf(await billingSignIn(key, OWN));
    for (const [path, body] of [["/billing/checkout", "tier=tier-1"], ["/billing/portal", ""], ["/billing/sign-out", ""]]) {
      const response = await gateway(path, { method: "POST", headers: { ...FORM, ...EVIL, cookie }, body, redirect: "manual" });
      expect(response.status, path).toBe(403);
      expect(((await response.json()) as ErrorBody).error.code).toBe("cross_site_request");
    }
    const page = await (await gateway("/billing", { headers: { cookie } })).text();
    expect(page).toContain("signed in as");
  });
});

describe("the console's forms", () => {
  const signIn = (headers: Record<string, string>) => gateway("/admin/session", {
    method: "POST", headers: { ...FORM, ...headers }, body: new URLSearchParams({ token: TEST_ADMIN_TOKEN }).toString(), redirect: "manual",
  });

  it("refuses a cross-site sign-in with the right token, and a cross-site sign-out leaves the session alive", async () => {
    const forged = await signIn(EVIL);
    expect(forged.status).toBe(403);
    expect(forged.headers.get("set-cookie")).toBeNull();

    const own = await signIn(OWN);
    expect(own.status).toBe(303);
    const cookie = cookieOf(own);
    expect(cookie).toMatch(/^ocg_admin=/);
    const signOut = await gateway("/admin/sign-out", { method: "POST", headers: { ...FORM, ...EVIL, cookie }, redirect: "manual" });
    expect(signOut.status).toBe(403);
    const still = await gateway("/admin", { headers: { cookie } });
    expect(await still.text()).toContain("dashboard.js");
  });
});
