/**
 * The addresses the join page and the kit advertise: the PUBLIC_URL setting when the
 * organiser set one (e.g. the Worker sits behind a custom domain or a tunnel), otherwise the
 * origin this request came in on, so the page works unchanged wherever it is served.
 */
import type { Config } from "../config";

export interface KitLinks {
  gatewayUrl: string;
  joinUrl: string;
  kitUrl: string;
}

export function kitLinks(config: Config, requestUrl: string): KitLinks {
  const gatewayUrl = config.kit.publicUrl ?? new URL(requestUrl).origin;
  return { gatewayUrl, joinUrl: `${gatewayUrl}/join`, kitUrl: `${gatewayUrl}/kit.zip` };
}
