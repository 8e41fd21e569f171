/**
 * What an error code means to the organiser: the catalog's organiser sentence for each code
 * the gateway answers (errors/catalog.mjs), and for the codes an upstream writes into the
 * log. The attendee already got the gateway's own message; this is the organiser's side of
 * it, shown on the dashboard ("who is stuck") and in the admin API's answers
 * (`last_error_message`, `error_message`), so the CLI reads the same sentences.
 */
import { ERRORS, UNDESCRIBED, UPSTREAM_CODES, upstreamHttpHelp } from "../../errors/catalog.mjs";
import { ownValue } from "../../shared/own-key";

const HELP: Readonly<Record<string, string>> = {
  ...Object.fromEntries(Object.entries(ERRORS).map(([code, entry]) => [code, entry.organiser])),
  ...UPSTREAM_CODES,
};

/**
 * The organiser's sentence for an error code. A code nobody described is the upstream's own
 * (the host's error body names it, e.g. `bad_gateway`): with the row's status, the sentence
 * says what that status means coming from the host.
 */
export function errorHelp(code: string | null | undefined, status?: number | null): string | null {
  if (code === null || code === undefined || code === "") return null;
  const described = ownValue(HELP, code);
  if (described) return described;
  const http = /^upstream_http_(\d{3})$/.exec(code);
  if (http) return upstreamHttpHelp(Number(http[1]));
  if (status !== undefined && status !== null && status >= 400) return upstreamHttpHelp(status);
  return UNDESCRIBED;
}

/**
 * The organiser's sentence for an attendee whose own key the provider refused before any key
 * worked for their name (`claimed_user_id`): what probably happened and what to do. `code` is
 * the provider's error code on the last refusal.
 */
export function refusedKeyHelp(userId: string, code: string | null): string {
  const why = code === "insufficient_quota" ? "its account has no credit left" : "no credit, mistyped or revoked?";
  return `OpenAI refused the key sent as ${userId} (${why}). Ask them to check the key and its credit at platform.openai.com, then run bash setup.sh again: it asks for the key on the spot. Not counted in ${userId}'s figures: until a key works, anyone may use a name.`;
}
