/**
 * The dashboard's sign-in session: an HttpOnly, SameSite=Strict cookie (Secure over https)
 * that holds an expiry signed with HMAC, keyed by the admin token — never the token itself,
 * so the token is not in the URL, in page JavaScript or in the browser's cookie jar.
 * Changing ADMIN_TOKEN ends every session at once.
 *
 * Cookie-authenticated calls that change something must carry ADMIN_REQUEST_HEADER: a
 * cross-site form cannot set a custom header, and a cross-site fetch that sets one needs a
 * CORS preflight this gateway never grants, so another site cannot act with the cookie.
 */
import type { Context } from "hono";
import { deleteCookie, getSignedCookie, setSignedCookie } from "hono/cookie";

export const SESSION_COOKIE = "ocg_admin";
export const SESSION_HOURS = 12;
export const ADMIN_REQUEST_HEADER = "x-ocg-admin-request";
const COOKIE_PATH = "/admin";
const PURPOSE = "ocg-admin-session";

function cookieOptions(c: Context) {
  return {
    path: COOKIE_PATH,
    httpOnly: true,
    sameSite: "Strict" as const,
    secure: new URL(c.req.url).protocol === "https:",
  };
}

/** The signing key: the admin token, bound to this purpose so the signature is useless elsewhere. */
const signingKey = (adminToken: string) => `${PURPOSE}\0${adminToken}`;

export async function startSession(c: Context, adminToken: string, now = Date.now()): Promise<void> {
  const expires = Math.floor(now / 1000) + SESSION_HOURS * 3600;
  await setSignedCookie(c, SESSION_COOKIE, `admin.${expires}`, signingKey(adminToken), {
    ...cookieOptions(c),
    maxAge: SESSION_HOURS * 3600,
  });
}

export function endSession(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, cookieOptions(c));
}

/** True when the request carries a session cookie signed with this admin token and not expired. */
export async function hasSession(c: Context, adminToken: string, now = Date.now()): Promise<boolean> {
  const value = await getSignedCookie(c, signingKey(adminToken), SESSION_COOKIE);
  if (!value) return false;
  const match = /^admin\.(\d{1,12})$/.exec(value);
  return match !== null && Number(match[1]) * 1000 > now;
}
