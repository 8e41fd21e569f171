/**
 * Identify: who is calling. Reads headers only and returns a principal whose credential
 * the attendee's Durable Object verifies in the admission call (see admit/).
 *
 * - `Authorization: Bearer ocg_…` — a gateway key; it names its user. Any `X-User-ID`
 *   sent alongside is ignored: the key decides.
 * - `X-User-ID` + `Authorization: Bearer <own key>` — phase 1 BYOK. The user id is bound
 *   on first use to a keyed hash of that key.
 * - neither — the shared `anonymous` bucket, still rate-limited.
 */
import type { Config } from "../../settings/config";
import { keyedHash } from "../../shared/crypto";
import { refusal } from "../../errors";
import { hashGatewayKey, isGatewayKey, parseGatewayKey } from "./gateway-key";
import { ANONYMOUS, USER_ID_RULE, canonicalUserId } from "./user-id";

export { ANONYMOUS } from "./user-id";

export type Credential =
  | { kind: "key"; keyId: string; keyHash: string }
  | { kind: "byok"; keyHash: string }
  | { kind: "anonymous" }
  /** A relay token (credentials/names.ts): checked by the attendee's object against their credential now. */
  | { kind: "relay"; generation: number; digest: string };

export interface Principal {
  /** The canonical user id (pipeline/identify/user-id.ts). */
  userId: string;
  credential: Credential;
  /** The caller's own Authorization header, kept only for pass-through (BYOK) routes. */
  callerAuthorization?: string;
}

export function bearerToken(header: string | null | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

export async function identify(headers: Headers, config: Config): Promise<Principal> {
  const authorization = headers.get("authorization") ?? undefined;
  const token = bearerToken(authorization);
  if (authorization && !token) {
    throw refusal("malformed_authorization");
  }

  if (token && isGatewayKey(token)) {
    const parsed = parseGatewayKey(token);
    if (!parsed) {
      throw refusal("invalid_gateway_key", { why: "malformed" });
    }
    return { userId: parsed.userId, credential: { kind: "key", keyId: parsed.keyId, keyHash: await hashGatewayKey(token) } };
  }

  const claimedUser = headers.get("x-user-id")?.trim();
  if (claimedUser === undefined || claimedUser === "") {
    return { userId: ANONYMOUS, credential: { kind: "anonymous" }, callerAuthorization: authorization };
  }
  const userId = canonicalUserId(claimedUser);
  if (userId === null) {
    throw refusal("invalid_user_id", { why: "header", rule: USER_ID_RULE });
  }
  if (!token) {
    throw refusal("missing_api_key");
  }
  return {
    userId,
    credential: { kind: "byok", keyHash: await keyedHash(config.hashSecret, "byok", token) },
    callerAuthorization: authorization,
  };
}
