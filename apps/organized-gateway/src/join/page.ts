/**
 * `GET /join`: the page on the room's projector and on attendees' phones: the event name,
 * a QR code for the kit, the 3 steps and a download button. Plain HTML and CSS, no script.
 */
import type { Context } from "hono";
import { KIT_ZIP_NAME } from "@ocg/trainee-kit/build-kit";
import { qrSvg } from "@ocg/trainee-kit/qr";
import type { AppEnv } from "../app-env";
import { configFor } from "../config";
import { GatewayError } from "../shared/errors";
import { kitLinks, type KitLinks } from "./links";
import { JOIN_STYLE } from "./style";

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch]);
}

export interface JoinPageInput {
  eventName: string;
  links: KitLinks;
  /** The QR code's SVG, drawn by the qrcode library (markup we made, not user text). */
  qrSvg: string;
  eventCodeInKit: boolean;
}

export function renderJoinPage({ eventName, links, qrSvg: qr, eventCodeInKit }: JoinPageInput): string {
  const name = escapeHtml(eventName);
  const kitUrl = escapeHtml(links.kitUrl);
  const joinUrl = escapeHtml(links.joinUrl);
  const asks = eventCodeInKit ? "your OpenAI key (sk-…) and your first name" : "your OpenAI key (sk-…), your first name and the event code on the screen";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Join ${name}</title>
<style>${JOIN_STYLE}</style>
</head>
<body>
<main>
  <header>
    <p class="eyebrow">Your first agent in 5 minutes</p>
    <h1>${name}</h1>
  </header>
  <div class="layout">
    <section class="qr" aria-label="QR code for the kit">
      <figure>
        <div class="qr-code" role="img" aria-label="QR code: ${kitUrl}">${qr}</div>
        <figcaption>Scan to download the kit, or open on your laptop:<br><a class="url" href="${joinUrl}">${joinUrl}</a></figcaption>
      </figure>
    </section>
    <section class="steps" aria-label="Three steps">
      <ol>
        <li>
          <h2>Download and unzip the kit</h2>
          <a class="download" href="${kitUrl}" download="${KIT_ZIP_NAME}">Download ${KIT_ZIP_NAME}</a>
          <p>Unzip it and open the <code>openclaw-kit</code> folder in a terminal (Windows: Git Bash).</p>
        </li>
        <li>
          <h2>Run the setup</h2>
          <pre><code>bash setup.sh</code></pre>
          <p>It asks for ${escapeHtml(asks)}, then prints <strong>Agent ready.</strong></p>
        </li>
        <li>
          <h2>Meet your agent</h2>
          <pre><code>npm install
npm run agent</code></pre>
          <p>Describe your business; get back a workflow, written as it thinks.</p>
        </li>
      </ol>
    </section>
  </div>
  <footer>Stuck? <code>setup.sh</code> says what went wrong and what to do next. Still stuck: raise your hand.</footer>
</main>
</body>
</html>
`;
}

/** What the page shows instead when it cannot be served (e.g. PUBLIC_URL is missing): the reason, no link. */
export function renderJoinNotice({ eventName, message }: { eventName: string; message: string }): string {
  const name = escapeHtml(eventName);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Join ${name}: not ready</title>
<style>${JOIN_STYLE}</style>
</head>
<body>
<main>
  <header>
    <p class="eyebrow">Not ready yet</p>
    <h1>${name}</h1>
  </header>
  <section class="steps" role="alert"><p>${escapeHtml(message)}</p></section>
</main>
</body>
</html>
`;
}

const PAGE_HEADERS = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
};

export async function joinPage(c: Context<AppEnv>): Promise<Response> {
  const config = configFor(c.env);
  let links: KitLinks;
  try {
    links = kitLinks(config, c.req.url);
  } catch (thrown) {
    // A page on a projector: the organiser reads a sentence, not a JSON error.
    if (!(thrown instanceof GatewayError)) throw thrown;
    return new Response(renderJoinNotice({ eventName: config.event.name, message: thrown.message }), { status: thrown.status, headers: PAGE_HEADERS });
  }
  const html = renderJoinPage({
    eventName: config.event.name,
    links,
    qrSvg: await qrSvg(links.kitUrl),
    eventCodeInKit: config.kit.includeEventCode && config.event.code !== undefined,
  });
  return new Response(html, { headers: PAGE_HEADERS });
}
