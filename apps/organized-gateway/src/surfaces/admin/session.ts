/**
 * The dashboard's sign-in session: an HttpOnly, SameSite=Strict cookie (Secure over https)
 * that holds a random session id, signed with HMAC keyed by the admin token — never the
 * token itself, so the token is not in the URL, in page JavaScript or in the browser's
 * cookie jar. D1's `admin_sessions` holds the id's SHA-256 and its expiry: a session is
 * live only while its row is, so signing out ends it at once, even for a copy of the
 * cookie (an expiry in the cookie alone would keep a copied cookie working for 12 hours).
 * The signature keeps the other promise: changing ADMIN_TOKEN ends every session at once.
 *
 * Cookie-authenticated calls that change something must carry ADMIN_REQUEST_HEADER: a
 * cross-site form cannot set a custom header, and a cross-site fetch that sets one needs a
 * CORS preflight this gateway never grants, so another site cannot act with the cookie.
 */
import type { Context } from "hono";
import { deleteCookie, getSignedCookie, setSignedCookie } from "hono/cookie";
import type { AppEnv } from "../../app-env";
import { randomBase62, sha256Hex } from "../../shared/crypto";

export const SESSION_COOKIE = "ocg_admin";
export const SESSION_HOURS = 12;
export const ADMIN_REQUEST_HEADER = "x-ocg-admin-request";
const COOKIE_PATH = "/admin";
const PURPOSE = "ocg-admin-session";
/** 32 base62 characters: about 190 bits, unguessable; the signature is a second lock. */
const SESSION_ID = /^s\.([0-9A-Za-z]{32})$/;

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

const idHash = (sessionId: string) => sha256Hex(`${PURPOSE}\0${sessionId}`);

/** The session id of a cookie signed with this admin token, or null. */
async function sessionIdOf(c: Context<AppEnv>, adminToken: string): Promise<string | null> {
  const value = await getSignedCookie(c, signingKey(adminToken), SESSION_COOKIE);
  const match = typeof value === "string" ? SESSION_ID.exec(value) : null;
  return match ? match[1] : null;
}

export async function startSession(c: Context<AppEnv>, adminToken: string, now = Date.now()): Promise<void> {
  const sessionId = randomBase62(32);
  const nowSeconds = Math.floor(now / 1000);
  // Expired rows are swept here, at the one place rows are added, so the table stays small.
  await c.env.DB.batch([
    c.env.DB.prepare("DELETE FROM admin_sessions WHERE expires_at <= ?").bind(nowSeconds),
    c.env.DB.prepare("INSERT INTO admin_sessions (id_hash, expires_at) VALUES (?, ?)")
      .bind(await idHash(sessionId), nowSeconds + SESSION_HOURS * 3600),
  ]);
  await setSignedCookie(c, SESSION_COOKIE, `s.${sessionId}`, signingKey(adminToken), {
    ...cookieOptions(c),
    maxAge: SESSION_HOURS * 3600,
  });
}

/** Ends the request's session for good (its row is deleted) and clears the cookie. */
export async function endSession(c: Context<AppEnv>, adminToken: string | undefined): Promise<void> {
  const sessionId = adminToken ? await sessionIdOf(c, adminToken) : null;
  if (sessionId) await c.env.DB.prepare("DELETE FROM admin_sessions WHERE id_hash = ?").bind(await idHash(sessionId)).run();
  deleteCookie(c, SESSION_COOKIE, cookieOptions(c));
}

/** True when the request carries a cookie signed with this admin token whose session is live in D1. */
export async function hasSession(c: Context<AppEnv>, adminToken: string, now = Date.now()): Promise<boolean> {
  const sessionId = await sessionIdOf(c, adminToken);
  if (!sessionId) return false;
  const row = await c.env.DB.prepare("SELECT expires_at FROM admin_sessions WHERE id_hash = ?")
    .bind(await idHash(sessionId)).first<{ expires_at: number }>();
  return row !== null && row.expires_at * 1000 > now;
}
