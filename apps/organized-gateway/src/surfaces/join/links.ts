/**
 * The addresses the join page and the kit advertise. The PUBLIC_URL setting when the
 * organiser set one (`npm run deploy` sets it to the workers.dev address when it is missing).
 * Without it, the request's own origin only when that is this machine (`npm start` on
 * loopback): anywhere else the origin comes from the caller's `Host` header, and a kit
 * pointing wherever a caller says would send attendees' keys and prompts there.
 */
import { isLoopbackHost } from "../../shared/network";
import type { Config } from "../../settings/config";
import { refusal } from "../../errors";

export interface KitLinks {
  gatewayUrl: string;
  joinUrl: string;
  kitUrl: string;
}

export { isLoopbackHost };

/** The links for this request; throws a 503 `public_url_required` when none can be trusted. */
export function kitLinks(config: Config, requestUrl: string): KitLinks {
  const request = new URL(requestUrl);
  const gatewayUrl = config.kit.publicUrl ?? (isLoopbackHost(request.hostname) ? request.origin : undefined);
  if (!gatewayUrl) throw refusal("public_url_required", { why: "kit" });
  return { gatewayUrl, joinUrl: `${gatewayUrl}/join`, kitUrl: `${gatewayUrl}/kit.zip` };
}
