/**
 * Forms that set a cookie or change something (billing's sign-in, Checkout and portal; the
 * console's sign-in and sign-out) are taken only from this gateway's own pages. A cookie
 * alone proves nothing: another site can post a form to us with the visitor's cookie, or
 * post our sign-in form with *its* key so the visitor pays for the attacker's tier.
 *
 * A browser says where a form comes from: `Sec-Fetch-Site` (every current browser) and
 * `Origin` (every browser on a POST). Either one saying "another site" refuses the request.
 * A request with neither is not a browser's (curl, a script): it carries no victim's cookie
 * and cannot be forged by a page, so it passes. Hono's own `csrf()` refuses those too, which
 * would break the CLI and scripts, hence this small rule.
 *
 * @example
 * app.use("/billing/*", sameOriginForms());
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env";
import { configFor } from "../settings/config";
import { refusal } from "../errors";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Why a state-changing request is not from one of `ownOrigins`, or null when nothing says so.
 * Pure: the rule's unit tests call it with headers alone.
 */
export function crossSiteReason(method: string, headers: Headers, ownOrigins: readonly string[]): string | null {
  if (SAFE_METHODS.has(method.toUpperCase())) return null;
  const site = headers.get("sec-fetch-site");
  // "none" is a navigation the visitor started (typed, bookmarked): never a form's POST.
  if (site !== null && site !== "same-origin") return `Sec-Fetch-Site: ${site}`;
  const origin = headers.get("origin");
  // A page served with Referrer-Policy: no-referrer (the console's, billing's) makes the
  // browser send `Origin: null` on its own forms; Sec-Fetch-Site, which no page can set, then
  // says same-origin. A sandboxed frame's null origin comes with cross-site, refused above.
  if (origin === "null" && site === "same-origin") return null;
  if (origin !== null && !ownOrigins.includes(origin)) return `Origin: ${origin}`;
  return null;
}

/** The origins this gateway's pages are served from: the request's own, and PUBLIC_URL's. */
function ownOriginsOf(requestUrl: string, publicUrl: string | undefined): string[] {
  const origins = [new URL(requestUrl).origin];
  if (publicUrl) origins.push(new URL(publicUrl).origin);
  return origins;
}

/** Refuses a cross-site POST (or PUT, DELETE…) with 403 `cross_site_request`. */
export function sameOriginForms(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    let publicUrl: string | undefined;
    try {
      publicUrl = configFor(c.env).kit.publicUrl;
    } catch { /* broken settings: the route itself says so; the request's own origin still counts */ }
    const reason = crossSiteReason(c.req.method, c.req.raw.headers, ownOriginsOf(c.req.url, publicUrl));
    if (reason !== null) {
      throw refusal("cross_site_request", { reason });
    }
    await next();
  };
}
