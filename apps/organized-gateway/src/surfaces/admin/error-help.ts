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
