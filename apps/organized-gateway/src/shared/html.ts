/**
 * The one HTML document shell of the gateway's pages (/join, /admin, /billing) and the one
 * way a value goes into HTML. Each page brings its own head lines (stylesheets or its style)
 * and body; the shell says the charset, the viewport and, for pages whose address or content
 * is the attendee's or the organiser's business, that no Referer leaves with a link.
 */
import { ownValue } from "./own-key";
const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => ownValue(ESCAPES, ch) ?? ch);
}

export interface HtmlDocument {
  title: string;
  /** Markup for <head> after the title: the page's stylesheets or style. */
  head: string;
  body: string;
  /** Attributes of <body>, escaped here. */
  bodyAttributes?: Record<string, string>;
  /** Send no Referer with links and resources (the admin console, the billing page). */
  noReferrer?: boolean;
}

export function htmlDocument({ title, head, body, bodyAttributes = {}, noReferrer = false }: HtmlDocument): string {
  const attributes = Object.entries(bodyAttributes).map(([name, value]) => ` ${name}="${escapeHtml(value)}"`).join("");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${noReferrer ? '<meta name="referrer" content="no-referrer">\n' : ""}<title>${escapeHtml(title)}</title>
${head}
</head>
<body${attributes}>
${body}
</body>
</html>`;
}
