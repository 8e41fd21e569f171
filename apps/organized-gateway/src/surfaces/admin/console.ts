/**
 * The organiser's console: the dashboard (`/admin`) and the projector view
 * (`/admin/projector`), both behind the same sign-in; the sign-in form, the session
 * cookie's start and end, and the pages' static assets (uPlot is served from here: no CDN
 * at an event). The pages read the admin API with the session cookie; see session.ts.
 */
import { Hono, type Context } from "hono";
import type { AppEnv } from "../../app-env";
import { qrSvg } from "@ocg/trainee-kit/qr";
import { configFor, type Config } from "../../settings/config";
import { GatewayError } from "../../errors";
import { kitLinks } from "../join/links";
import { checkAdminToken } from "./auth";
import { ADMIN_BODY_MAX_BYTES, readCappedText } from "./body";
import {
  CONTENT_SECURITY_POLICY, dashboardPage, projectorPage, signInDestination, signInPage, type ProjectorJoin, type SignInDestination,
} from "./page/html";
import { PROJECTOR_JS } from "./page/projector-script";
import { DASHBOARD_JS } from "./page/script";
import { DASHBOARD_CSS } from "./page/style";
import { UPLOT_CSS, UPLOT_JS, UPLOT_VERSION } from "./page/uplot";
import { endSession, hasSession, startSession } from "./session";
import { ownValue } from "../../shared/own-key";
import { sameOriginForms } from "../../shared/same-origin-forms";

const ASSETS: Record<string, { body: string; type: string }> = {
  "uplot.js": { body: UPLOT_JS, type: "text/javascript; charset=utf-8" },
  "uplot.css": { body: UPLOT_CSS, type: "text/css; charset=utf-8" },
  "dashboard.js": { body: DASHBOARD_JS, type: "text/javascript; charset=utf-8" },
  "projector.js": { body: PROJECTOR_JS, type: "text/javascript; charset=utf-8" },
  "dashboard.css": { body: DASHBOARD_CSS, type: "text/css; charset=utf-8" },
};

function page(c: Context<AppEnv>, html: string, status: 200 | 401 | 403 | 413 | 429 | 503 = 200): Response {
  return c.html(html, status, {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
  });
}

/** The event's name and admin token, or null when the gateway's settings are broken. */
function settingsOf(c: Context<AppEnv>): { eventName: string; adminToken?: string; config: Config } | null {
  try {
    const config = configFor(c.env);
    return { eventName: config.event.name, adminToken: config.adminToken, config };
  } catch {
    return null;
  }
}

/**
 * What the projector shows the room to join with: the event code (when enrolment is open),
 * the join page's address and its QR code; or why there is no address to show.
 */
async function joinPanelOf(config: Config, requestUrl: string): Promise<ProjectorJoin> {
  const eventCode = config.event.code ?? null;
  try {
    const { joinUrl } = kitLinks(config, requestUrl);
    return { eventCode, joinUrl, qrSvg: await qrSvg(joinUrl) };
  } catch (thrown) {
    if (!(thrown instanceof GatewayError)) throw thrown;
    return { eventCode, joinUrl: null, qrSvg: null };
  }
}

const ADMIN_OFF = "The console is off on this gateway: set ADMIN_TOKEN (at least 12 characters) — `wrangler secret put ADMIN_TOKEN`, or ADMIN_TOKEN in .dev.vars locally — then reload.";
const FORM_TOO_LARGE = `That sign-in form was larger than ${ADMIN_BODY_MAX_BYTES} bytes, far more than an admin token needs. Paste only the token and try again.`;
const MISCONFIGURED = "The gateway's settings are broken, so the console cannot start. Run `curl <gateway>/health` to see which setting.";

/** A console view: the sign-in page until there is a session, then the view itself. */
async function view(
  c: Context<AppEnv>, next: SignInDestination, render: (eventName: string, config: Config) => string | Promise<string>,
): Promise<Response> {
  const settings = settingsOf(c);
  if (!settings) return page(c, signInPage({ eventName: "organized-gateway", error: MISCONFIGURED, enabled: false }), 503);
  if (!settings.adminToken) return page(c, signInPage({ eventName: settings.eventName, error: ADMIN_OFF, enabled: false }), 403);
  if (await hasSession(c, settings.adminToken)) return page(c, await render(settings.eventName, settings.config));
  return page(c, signInPage({ eventName: settings.eventName, enabled: true, next }));
}

export const adminConsole = new Hono<AppEnv>()
  .use("/session", sameOriginForms())
  .use("/sign-out", sameOriginForms())
  .get("/", (c) => view(c, "/admin", (eventName) => dashboardPage({ eventName })))
  .get("/projector", (c) => view(c, "/admin/projector", async (eventName, config) =>
    projectorPage({ eventName, join: await joinPanelOf(config, c.req.url) })))
  .post("/session", async (c) => {
    const settings = settingsOf(c);
    if (!settings?.adminToken) return c.redirect("/admin", 303);
    let token: string;
    let next: SignInDestination = "/admin";
    try {
      const form = new URLSearchParams(await readCappedText(c.req.raw, ADMIN_BODY_MAX_BYTES));
      token = (form.get("token") ?? "").trim();
      next = signInDestination(form.get("next"));
    } catch (thrown) {
      if (!(thrown instanceof GatewayError) || thrown.status !== 413) throw thrown;
      return page(c, signInPage({ eventName: settings.eventName, enabled: true, error: FORM_TOO_LARGE }), 413);
    }
    let accepted = false;
    try {
      accepted = token !== "" && (await checkAdminToken(c.env, c.req.raw.headers, token));
    } catch (thrown) {
      if (!(thrown instanceof GatewayError) || thrown.status !== 429) throw thrown;
      return page(c, signInPage({ eventName: settings.eventName, enabled: true, error: thrown.message, next }), 429);
    }
    if (!accepted) {
      return page(c, signInPage({
        eventName: settings.eventName,
        enabled: true,
        next,
        error: "That admin token is not right. Use the ADMIN_TOKEN this gateway was started with (wrangler secret, or .dev.vars locally).",
      }), 401);
    }
    await startSession(c, settings.adminToken);
    return c.redirect(next, 303);
  })
  .post("/sign-out", async (c) => {
    await endSession(c, settingsOf(c)?.adminToken);
    return c.redirect("/admin", 303);
  })
  .get("/assets/:name", (c) => {
    const asset = ownValue(ASSETS, c.req.param("name"));
    if (!asset) return c.notFound();
    return c.body(asset.body, 200, {
      "content-type": asset.type,
      "x-content-type-options": "nosniff",
      // Assets change only with a deploy; the version keeps caches honest across upgrades.
      "cache-control": "public, max-age=300",
      etag: `"ocg-${UPLOT_VERSION}-${asset.body.length}"`,
    });
  });
