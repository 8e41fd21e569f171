/**
 * Sealing an attendee's model credential: AES-256-GCM with a fresh random 96-bit IV per
 * seal, the canonical user id (and its generation) as additional authenticated data, and a
 * key derived (HKDF, SHA-256) from the secret CREDENTIAL_KEY. What the attendee's object
 * stores is base64(IV ‖ ciphertext ‖ tag): without CREDENTIAL_KEY a dump of its storage is
 * noise, and a sealed value copied into another attendee's object does not open there (the
 * user id is bound in), so neither a storage dump nor a confused write can hand A's token
 * to B. The generation is bound in too: when the organiser hands the id to someone new
 * (reset, reinstate — a new generation), the previous holder's credential no longer opens,
 * so the new holder never spends it.
 *
 * The key is derived rather than used raw so that any long random string works as the
 * secret, and so the same secret can never be confused with a key used elsewhere.
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const IV_BYTES = 12;
const HKDF_INFO = encoder.encode("organized-gateway credential sealing v1");
const HKDF_SALT = encoder.encode("organized-gateway");

const keys = new Map<string, Promise<CryptoKey>>();

function sealingKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle
      .importKey("raw", encoder.encode(secret), "HKDF", false, ["deriveKey"])
      .then((material) => crypto.subtle.deriveKey(
        { name: "HKDF", hash: "SHA-256", salt: HKDF_SALT, info: HKDF_INFO },
        material, { name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"],
      ));
    keys.set(secret, key);
  }
  return key;
}

/** Whose credential it is: the canonical user id, in the generation it was registered in. */
export interface CredentialOwner {
  userId: string;
  generation: number;
}

/** The additional data: the attendee the value belongs to, and the format's version. */
function boundTo(owner: CredentialOwner): Uint8Array {
  return encoder.encode(`ocg-credential:v1:${owner.userId}:${owner.generation}`);
}

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array | null {
  try {
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

export async function seal(secret: string, owner: CredentialOwner, token: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const ciphertext = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: boundTo(owner) }, await sealingKey(secret), encoder.encode(token),
  );
  const out = new Uint8Array(IV_BYTES + ciphertext.byteLength);
  out.set(iv);
  out.set(new Uint8Array(ciphertext), IV_BYTES);
  return toBase64(out);
}

export interface Opened {
  token: string;
  /** Which of the secrets opened it: 0 is the current CREDENTIAL_KEY. */
  keyIndex: number;
}

/**
 * Opens a sealed value with the first of `secrets` that authenticates it for this owner
 * (the current key first, then the previous one during a re-encryption); null when none
 * does — a wrong key, another attendee's (or an earlier holder's) value, or one tampered with.
 */
export async function open(secrets: readonly string[], owner: CredentialOwner, sealed: string): Promise<Opened | null> {
  const bytes = fromBase64(sealed);
  if (!bytes || bytes.length <= IV_BYTES) return null;
  const iv = bytes.slice(0, IV_BYTES);
  const ciphertext = bytes.slice(IV_BYTES);
  for (const [keyIndex, secret] of secrets.entries()) {
    try {
      const plain = await crypto.subtle.decrypt(
        { name: "AES-GCM", iv, additionalData: boundTo(owner) }, await sealingKey(secret), ciphertext,
      );
      return { token: decoder.decode(plain), keyIndex };
    } catch {
      // not this key (or not this attendee's value): try the next one
    }
  }
  return null;
}
