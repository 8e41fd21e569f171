/**
 * `GET /kit.zip`: the trainee kit, built at request time by the same builder as the
 * organiser's offline command, with this gateway's address (and the event code, when
 * KIT_INCLUDE_EVENT_CODE is on) filled into `.env.example`. No trustworthy address (see
 * links.ts): a 503 `public_url_required` instead of a kit.
 */
import type { Context } from "hono";
import { KIT_ZIP_NAME, buildKitZip } from "@ocg/trainee-kit/build-kit";
import type { AppEnv } from "../../app-env";
import { configFor } from "../../settings/config";
import { kitLinks } from "./links";

export function kitZip(c: Context<AppEnv>): Response {
  const config = configFor(c.env);
  const { gatewayUrl } = kitLinks(config, c.req.url);
  const zip = buildKitZip({ gatewayUrl, eventCode: config.kit.includeEventCode ? config.event.code : undefined });
  return new Response(zip, {
    headers: {
      "content-type": "application/zip",
      "content-disposition": `attachment; filename="${KIT_ZIP_NAME}"`,
      // It may carry the event code, and settings change between events: never cache it.
      "cache-control": "no-store",
    },
  });
}
