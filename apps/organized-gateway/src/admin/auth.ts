/**
 * Admin authentication: `Authorization: Bearer <ADMIN_TOKEN>`, compared in constant time.
 * With no ADMIN_TOKEN configured the admin surface is off and says how to turn it on.
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env";
import { configFor } from "../config";
import { bearerToken } from "../identify";
import { secretsEqual } from "../shared/crypto";
import { GatewayError } from "../shared/errors";

export function adminAuth(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const { adminToken } = configFor(c.env);
    if (!adminToken) {
      throw new GatewayError(403, "permission_error", "admin_disabled",
        "The admin API is off on this gateway: set the ADMIN_TOKEN secret (at least 12 characters) to turn it on.");
    }
    const given = bearerToken(c.req.header("authorization"));
    if (!given || !(await secretsEqual(given, adminToken))) {
      throw new GatewayError(401, "authentication_error", "invalid_admin_token",
        "Wrong or missing admin token. Send 'Authorization: Bearer <ADMIN_TOKEN>'.");
    }
    await next();
  };
}
