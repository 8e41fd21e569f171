/**
 * Reading the small bodies the admin surface accepts (the sign-in form, a key's label)
 * with a hard cap: refused from Content-Length before reading, and counted while reading
 * for a body without one, so nobody can make the Worker buffer an unbounded upload on a
 * route that needs no more than a few hundred bytes.
 */
import { readCappedText as readBodyText } from "../../pipeline/envelope/body";
import { type GatewayError, refusal } from "../../errors";

/** The sign-in form and the admin API's JSON bodies: a token or a label fits many times over. */
export const ADMIN_BODY_MAX_BYTES = 4 * 1024;

export function adminBodyTooLarge(maxBytes = ADMIN_BODY_MAX_BYTES): GatewayError {
  return refusal("request_too_large", { maxBytes, why: "admin" });
}

/** The body as text, at most `maxBytes` of it; a larger one is a 413 GatewayError. */
export function readCappedText(request: Request, maxBytes = ADMIN_BODY_MAX_BYTES): Promise<string> {
  return readBodyText(request, maxBytes, adminBodyTooLarge);
}
