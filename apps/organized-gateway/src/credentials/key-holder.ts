/**
 * Who may manage a credential: the holder of a right, active gateway key for that attendee
 * id — nothing less. The attendee's own object, the one place the key's hash is held, checks
 * it (keys/holder.ts, which costs the attendee nothing). Wrong keys are counted per
 * network, so nobody can guess at someone else's credential through these routes.
 */
import { NetworkGuardClient, type GuessOptions } from "../objects/network-guard/client";
import type { Config } from "../settings/config";
import { bearerToken } from "../pipeline/identify";
import { holderOfKey } from "../keys/holder";
import { isGatewayKey } from "../pipeline/identify/gateway-key";
import { refusal } from "../errors";
import { gatewayKeyRequired } from "./errors";

const WRONG_KEYS: GuessOptions = { purpose: "credential-key", code: "too_many_wrong_keys", perMinute: 20 };

async function keyIsRight(env: Env, key: string): Promise<string | null> {
  return (await holderOfKey(env, key))?.userId ?? null;
}

/** The attendee id whose gateway key this request carries; a 401 for anything else. */
export async function requireKeyHolder(env: Env, config: Config, headers: Headers): Promise<string> {
  const token = bearerToken(headers.get("authorization"));
  if (!token || !isGatewayKey(token)) throw gatewayKeyRequired();
  const userId = await keyIsRight(env, token);
  const guard = await NetworkGuardClient.forRequest(env, config, headers);
  if (!(await guard.judge(WRONG_KEYS, userId !== null)) || userId === null) {
    throw refusal("invalid_gateway_key", { why: "unknown_or_revoked" });
  }
  return userId;
}
