/**
 * The billing page's sign-in: the attendee types their gateway key once (keys/holder.ts) and
 * the browser keeps only an HttpOnly cookie naming their user id, key id and expiry, signed
 * with an HMAC keyed from HASH_SECRET for this purpose — never the key itself.
 *
 * A session lives at most SESSION_HOURS and only while its key does: every page view checks
 * the key's listing in D1 (`gateway_keys.revoked_at`), so revoking the key ends the session
 * at once. Changing HASH_SECRET ends every session (the signature no longer matches).
 *
 * SameSite=Lax, not Strict: Stripe sends the attendee back to /billing after Checkout or the
 * portal, a cross-site top-level navigation that a Strict cookie would not survive. Lax
 * still keeps the cookie off every cross-site POST, and every billing action is a POST.
 */
import type { Context } from "hono";
import { deleteCookie, getSignedCookie, setSignedCookie } from "hono/cookie";
import type { AppEnv } from "../../app-env";
import type { KeyHolder } from "../../keys/holder";

export const BILLING_COOKIE = "ocg_billing";
export const SESSION_HOURS = 12;
const COOKIE_PATH = "/billing";
const PURPOSE = "ocg-billing-session";
const VALUE = /^b\.([a-z0-9._-]{1,64})\.([0-9A-Za-z]{8})\.(\d{1,12})$/;

const signingKey = (hashSecret: string) => `${PURPOSE}\0${hashSecret}`;

function cookieOptions(c: Context<AppEnv>) {
  return { path: COOKIE_PATH, httpOnly: true, sameSite: "Lax" as const, secure: new URL(c.req.url).protocol === "https:" };
}

export async function startBillingSession(c: Context<AppEnv>, hashSecret: string, holder: KeyHolder, now = Date.now()): Promise<void> {
  const expires = Math.floor(now / 1000) + SESSION_HOURS * 3600;
  await setSignedCookie(c, BILLING_COOKIE, `b.${holder.userId}.${holder.keyId}.${expires}`, signingKey(hashSecret), {
    ...cookieOptions(c), maxAge: SESSION_HOURS * 3600,
  });
}

export function endBillingSession(c: Context<AppEnv>): void {
  deleteCookie(c, BILLING_COOKIE, cookieOptions(c));
}

/** The signed-in attendee, or null: no cookie, a forged or expired one, or a key revoked since. */
export async function billingSession(c: Context<AppEnv>, hashSecret: string, now = Date.now()): Promise<KeyHolder | null> {
  const value = await getSignedCookie(c, signingKey(hashSecret), BILLING_COOKIE);
  const match = typeof value === "string" ? VALUE.exec(value) : null;
  if (!match || Number(match[3]) * 1000 <= now) return null;
  const [, userId, keyId] = match;
  const key = await c.env.DB.prepare("SELECT revoked_at FROM gateway_keys WHERE id = ? AND user_id = ?")
    .bind(keyId, userId).first<{ revoked_at: string | null }>();
  return key && key.revoked_at === null ? { userId, keyId } : null;
}
