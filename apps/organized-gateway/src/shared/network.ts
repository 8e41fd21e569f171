/** The caller's network, as the log keeps it: a keyed hash of the IP, never the address. */
import { keyedHash } from "./crypto";

export async function ipHash(hashSecret: string, headers: Headers): Promise<string | null> {
  const ip = headers.get("cf-connecting-ip");
  return ip ? (await keyedHash(hashSecret, "ip", ip)).slice(0, 32) : null;
}
