/**
 * Admin authentication for `/admin/api/*`: `Authorization: Bearer <ADMIN_TOKEN>` (CLI,
 * scripts), compared in constant time, or the dashboard's signed session cookie. With the
 * cookie, reads are allowed as they are; anything that changes state must also carry the
 * dashboard's custom header (see session.ts for why that stops cross-site requests).
 * With no ADMIN_TOKEN configured the admin surface is off and says how to turn it on.
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../../app-env";
import { configFor } from "../../settings/config";
import { NetworkGuardClient, type GuessOptions } from "../../objects/network-guard/client";
import { bearerToken } from "../../pipeline/identify";
import { secretsEqual } from "../../shared/crypto";
import { type GatewayError, refusal } from "../../errors";
import { ADMIN_REQUEST_HEADER, hasSession } from "./session";

const READS = new Set(["GET", "HEAD"]);

export function adminDisabledError(): GatewayError {
  return refusal("admin_disabled");
}

/** Wrong admin tokens a network may try per minute (sign-in form and Bearer alike). */
export const WRONG_ADMIN_TOKENS: GuessOptions = { purpose: "admin-token", code: "too_many_wrong_admin_tokens", perMinute: 10 };

/**
 * Checks a typed or sent admin token in one step with the caller network's guard: wrong
 * ones are counted, a right one is never charged, and once the organiser's network has
 * shown the right token nobody there can lock them out (objects/network-guard/index.ts).
 */
export async function checkAdminToken(env: Env, headers: Headers, given: string): Promise<boolean> {
  const config = configFor(env);
  const right = config.adminToken !== undefined && (await secretsEqual(given, config.adminToken));
  const guard = await NetworkGuardClient.forRequest(env, config, headers);
  return guard.judge(WRONG_ADMIN_TOKENS, right);
}

export function adminAuth(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const { adminToken } = configFor(c.env);
    if (!adminToken) throw adminDisabledError();
    const given = bearerToken(c.req.header("authorization"));
    if (given !== undefined) {
      if (!(await checkAdminToken(c.env, c.req.raw.headers, given))) throw wrongToken();
      return next();
    }
    if (await hasSession(c, adminToken)) {
      if (!READS.has(c.req.method) && c.req.header(ADMIN_REQUEST_HEADER) !== "1") {
        throw refusal("admin_request_header_missing", { header: ADMIN_REQUEST_HEADER });
      }
      return next();
    }
    throw wrongToken();
  };
}

function wrongToken(): GatewayError {
  return refusal("invalid_admin_token");
}
