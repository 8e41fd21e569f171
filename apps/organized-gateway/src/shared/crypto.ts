/**
 * Hashing and random tokens. Secrets (keys, tokens, IPs) are only ever kept as digests:
 * SHA-256 for high-entropy gateway keys, HMAC with the gateway's HASH_SECRET for
 * low-entropy or guessable values (IP addresses, BYOK keys) so a leaked table can't be
 * reversed by brute force.
 */

const encoder = new TextEncoder();
const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

function toHex(buffer: ArrayBuffer): string {
  return [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export async function sha256Hex(value: string): Promise<string> {
  return toHex(await crypto.subtle.digest("SHA-256", encoder.encode(value)));
}

const hmacKeys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = hmacKeys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    hmacKeys.set(secret, key);
  }
  return key;
}

/**
 * Keyed digest; `purpose` separates uses so an IP digest can never match a key digest.
 * Not cached: a cache would have to keep the raw value (a BYOK key, an IP) as its key,
 * which is what this module promises never to hold. Callers with non-secret inputs may
 * cache the result themselves (pipeline/route/session.ts does).
 */
export async function keyedHash(secret: string, purpose: string, value: string): Promise<string> {
  return toHex(await crypto.subtle.sign("HMAC", await hmacKey(secret), encoder.encode(`${purpose}\0${value}`)));
}

/** Compares two secrets in constant time by comparing their fixed-length digests. */
export async function secretsEqual(given: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([
    crypto.subtle.digest("SHA-256", encoder.encode(given)),
    crypto.subtle.digest("SHA-256", encoder.encode(expected)),
  ]);
  return crypto.subtle.timingSafeEqual(a, b);
}

/** Constant-time comparison of two hex digests of equal length. */
export function digestsEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  return crypto.subtle.timingSafeEqual(encoder.encode(a), encoder.encode(b));
}

export function randomBase62(length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length * 2));
  let out = "";
  // Rejection sampling keeps the alphabet uniform (248 = 4 * 62).
  for (const byte of bytes) {
    if (byte < 248) out += BASE62[byte % 62];
    if (out.length === length) return out;
  }
  return out + randomBase62(length - out.length);
}
