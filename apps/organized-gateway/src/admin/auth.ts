/**
 * Admin authentication for `/admin/api/*`: `Authorization: Bearer <ADMIN_TOKEN>` (CLI,
 * scripts), compared in constant time, or the dashboard's signed session cookie. With the
 * cookie, reads are allowed as they are; anything that changes state must also carry the
 * dashboard's custom header (see session.ts for why that stops cross-site requests).
 * With no ADMIN_TOKEN configured the admin surface is off and says how to turn it on.
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env";
import { configFor } from "../config";
import { bearerToken } from "../identify";
import { secretsEqual } from "../shared/crypto";
import { GatewayError } from "../shared/errors";
import { ADMIN_REQUEST_HEADER, hasSession } from "./session";

const READS = new Set(["GET", "HEAD"]);

export function adminDisabledError(): GatewayError {
  return new GatewayError(403, "permission_error", "admin_disabled",
    "The admin API is off on this gateway: set the ADMIN_TOKEN secret (at least 12 characters) to turn it on.");
}

export function adminAuth(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const { adminToken } = configFor(c.env);
    if (!adminToken) throw adminDisabledError();
    const given = bearerToken(c.req.header("authorization"));
    if (given !== undefined) {
      if (!(await secretsEqual(given, adminToken))) throw wrongToken();
      return next();
    }
    if (await hasSession(c, adminToken)) {
      if (!READS.has(c.req.method) && c.req.header(ADMIN_REQUEST_HEADER) !== "1") {
        throw new GatewayError(403, "permission_error", "admin_request_header_missing",
          `Changes made with the dashboard's sign-in cookie must send the header '${ADMIN_REQUEST_HEADER}: 1'; scripts should send 'Authorization: Bearer <ADMIN_TOKEN>' instead.`);
      }
      return next();
    }
    throw wrongToken();
  };
}

function wrongToken(): GatewayError {
  return new GatewayError(401, "authentication_error", "invalid_admin_token",
    "Wrong or missing admin token. Send 'Authorization: Bearer <ADMIN_TOKEN>', or sign in at /admin.");
}
