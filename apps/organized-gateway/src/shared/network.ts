/** The caller's network, as the log keeps it (a keyed hash of the IP, never the address), and loopback names. */
import { keyedHash } from "./crypto";

export async function ipHash(hashSecret: string, headers: Headers): Promise<string | null> {
  const ip = headers.get("cf-connecting-ip");
  return ip ? (await keyedHash(hashSecret, "ip", ip)).slice(0, 32) : null;
}

/** `localhost` and its subdomains (RFC 6761), 127.0.0.0/8, and `[::1]`: names no one else can own. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost") || host === "[::1]") return true;
  const octets = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  return octets !== null && octets.slice(1).every((octet) => Number(octet) <= 255);
}
