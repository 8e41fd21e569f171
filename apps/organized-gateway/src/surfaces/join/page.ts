/**
 * `GET /join`: the page the room's projector shows and the QR code opens. The QR code holds
 * this page's own address, never the ZIP: a phone cannot run the kit, so on a phone (or a
 * narrow window) the page says "open this on your laptop", shows the address large and
 * offers to copy, share or email it; on a laptop the download button comes first, then
 * the 3 steps. Its wording follows the gateway serving it (wording.ts), and a banner says
 * so when the agent server behind the gateway does not answer.
 */
import type { Context } from "hono";
import { KIT_ZIP_NAME } from "@ocg/trainee-kit/build-kit";
import { qrSvg } from "@ocg/trainee-kit/qr";
import type { AppEnv } from "../../app-env";
import { configFor } from "../../settings/config";
import { chooseUpstream, routeTableFor } from "../../pipeline/route";
import { GatewayError } from "../../errors";
import { escapeHtml, htmlDocument } from "../../shared/html";
import { isHandheld } from "./device";
import { kitLinks, type KitLinks } from "./links";
import { JOIN_JS, joinScriptSource } from "./script";
import { JOIN_STYLE } from "./style";
import { upstreamReachable } from "./upstream-probe";
import { codingToolsOf, mcpEditorsOf, joinModeOf, setupWording, type JoinMode } from "./wording";


export const UPSTREAM_DOWN =
  "The workshop's agent server is not answering right now. The organiser sees this too and is on it: " +
  "download the kit meanwhile, and run setup.sh again in a few minutes.";

export interface JoinPageInput {
  eventName: string;
  links: KitLinks;
  /** The QR code's SVG, drawn by the qrcode library (markup we made, not user text). */
  qrSvg: string;
  mode: JoinMode;
  /** The request came from a phone or tablet (device.ts): lead with "open this on your laptop". */
  handheld: boolean;
  upstreamReachable: boolean;
}

/**
 * The address, large: the scheme muted (browsers add it), the rest what people type, with
 * line breaks offered after dots, colons and slashes rather than inside a name or a port.
 */
function bigAddress(url: string): string {
  const match = /^(https?:\/\/)(.*)$/.exec(url);
  const [scheme, rest] = match ? [match[1], match[2]] : ["", url];
  const breakable = escapeHtml(rest).replace(/([./:])/g, "$1<wbr>");
  return scheme ? `<span class="scheme">${escapeHtml(scheme)}</span>${breakable}` : breakable;
}

export function renderJoinPage(input: JoinPageInput): string {
  const { eventName, links, qrSvg: qr, mode, handheld } = input;
  const name = escapeHtml(eventName);
  const kitUrl = escapeHtml(links.kitUrl);
  const joinUrl = escapeHtml(links.joinUrl);
  const wording = setupWording(mode);
  const mail = `mailto:?subject=${encodeURIComponent(`${eventName}: open on your laptop`)}&body=${encodeURIComponent(`Open this on your laptop to get the workshop kit: ${links.joinUrl}`)}`;
  return htmlDocument({
    title: `Join ${eventName}`,
    head: `<style>${JOIN_STYLE}</style>`,
    bodyAttributes: { class: handheld ? "handheld" : "laptop", "data-join-url": links.joinUrl },
    body: `<div class="banner" id="upstream-down" role="alert"${input.upstreamReachable ? " hidden" : ""}>${escapeHtml(UPSTREAM_DOWN)}</div>
<main>
  <header>
    <p class="eyebrow">Your first agent in 5 minutes</p>
    <h1>${name}</h1>
  </header>
  <section class="phone" aria-labelledby="phone-title">
    <h2 id="phone-title">Open this page on your laptop</h2>
    <p>The kit runs in a laptop's terminal; a phone or tablet cannot run it. On your laptop, open:</p>
    <p class="big-url">${bigAddress(links.joinUrl)}</p>
    <label class="visually-hidden" for="join-url">The address to open on your laptop</label>
    <input id="join-url" class="url-field" type="text" readonly value="${joinUrl}">
    <div class="send">
      <button type="button" id="share" hidden>Send to my laptop…</button>
      <button type="button" id="copy" hidden>Copy the address</button>
      <a class="button" href="${escapeHtml(mail)}">Email it to myself</a>
    </div>
    <p class="send-note" id="send-note" aria-live="polite"></p>
    <p class="aside">Already on a laptop? <a href="${kitUrl}" download="${KIT_ZIP_NAME}">Download the kit</a>.</p>
  </section>
  <section class="get-kit" aria-label="Download the kit">
    <a class="download" href="${kitUrl}" download="${KIT_ZIP_NAME}">Download ${KIT_ZIP_NAME}</a>
    <p class="needs">${escapeHtml(wording.needs)} ${escapeHtml(wording.bring)}</p>
  </section>
  <div class="layout">
    <section class="steps" aria-label="Three steps">
      <ol>
        <li>
          <h2>Download and unzip the kit</h2>
          <p>Unzip <code>${KIT_ZIP_NAME}</code> and open the <code>openclaw-kit</code> folder in a terminal (Windows: Git Bash; in Cursor or VS Code: Terminal → New Terminal).</p>
        </li>
        <li>
          <h2>Run the setup</h2>
          <pre><code>${escapeHtml(wording.command)}</code></pre>
          <p>${escapeHtml(wording.asks)}</p>${wording.eventCode ? `
          <p class="event-code">${escapeHtml(wording.eventCode)}</p>` : ""}${wording.tokenWays.length ? `
          <p>Your account's token, the fastest way for each:</p>
          <ul class="token-ways">${wording.tokenWays.map((way) => `<li>${escapeHtml(way)}</li>`).join("")}</ul>` : ""}
        </li>
        <li>
          <h2>Meet your agent</h2>
          <pre><code>bash agent.sh</code></pre>
          <p>Describe your business; get back a workflow, streamed as it thinks. It needs only bash and curl.</p>
          <p class="aside">Node.js is optional: with Node 20 or newer, <code>npm install</code> then <code>npm run agent</code> runs the same agent in Node, the one to build on.</p>
          <p class="aside">Your coding tools run on your agent too, set up by setup.sh (start them in the kit folder):</p>
          <ul class="aside tools">${codingToolsOf(mode).map((tool) => `<li class="tool">${escapeHtml(tool.name)}: <code>${escapeHtml(tool.start)}</code></li>`).join("")}</ul>${mcpEditorsOf(mode).length ? `
          <p class="aside">Your agent in your editor's chat too, as the tool <code>openclaw</code> (MCP, with your gateway key); the one step left for each (the kit's README says more):</p>
          <ul class="aside editors">${mcpEditorsOf(mode).map((editor) => `<li class="editor">${escapeHtml(editor.name)}: <code>${escapeHtml(editor.step)}</code></li>`).join("")}</ul>` : ""}
        </li>
      </ol>
    </section>
    <section class="qr" aria-label="QR code for this page">
      <figure>
        <div class="qr-code" role="img" aria-label="QR code: ${joinUrl}">${qr}</div>
        <figcaption>Scan to get this page's address on your phone, then open it on your laptop:<br><a class="url" href="${joinUrl}">${joinUrl}</a></figcaption>
      </figure>
    </section>
  </div>
  <footer>Stuck? <code>setup.sh</code> says what went wrong and what to do next. Still stuck: raise your hand.${mode.needsGatewayKey ? `
    <br>Later: your plan and this month's requests are at <a href="${escapeHtml(links.gatewayUrl)}/billing">${escapeHtml(links.gatewayUrl)}/billing</a> (sign in with the <code>OCG_KEY</code> in your kit's <code>.env</code>).` : ""}</footer>
</main>
<script>${JOIN_JS}</script>`,
  });
}

/** What the page shows instead when it cannot be served (e.g. PUBLIC_URL is missing): the reason, no link. */
export function renderJoinNotice({ eventName, message }: { eventName: string; message: string }): string {
  const name = escapeHtml(eventName);
  return htmlDocument({
    title: `Join ${eventName}: not ready`,
    head: `<style>${JOIN_STYLE}</style>`,
    body: `<main>
  <header>
    <p class="eyebrow">Not ready yet</p>
    <h1>${name}</h1>
  </header>
  <section class="steps" role="alert"><p>${escapeHtml(message)}</p></section>
</main>`,
  });
}

/** The page's policy: its own inline styles, the one script by hash, /health polled from itself. */
export function joinPageHeaders(scriptSource: string | null): Record<string, string> {
  const script = scriptSource ? `; script-src ${scriptSource}; connect-src 'self'` : "";
  return {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
    "content-security-policy": `default-src 'none'; style-src 'unsafe-inline'${script}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
  };
}

export async function joinPage(c: Context<AppEnv>): Promise<Response> {
  const config = configFor(c.env);
  let links: KitLinks;
  try {
    links = kitLinks(config, c.req.url);
  } catch (thrown) {
    // A page on a projector: the organiser reads a sentence, not a JSON error.
    if (!(thrown instanceof GatewayError)) throw thrown;
    return new Response(renderJoinNotice({ eventName: config.event.name, message: thrown.message }), { status: thrown.status, headers: joinPageHeaders(null) });
  }
  const [qr, reachable, scriptSource] = await Promise.all([
    qrSvg(links.joinUrl),
    upstreamReachable(chooseUpstream(routeTableFor(config))),
    joinScriptSource(),
  ]);
  const html = renderJoinPage({
    eventName: config.event.name,
    links,
    qrSvg: qr,
    mode: joinModeOf(config),
    handheld: isHandheld(c.req.raw.headers),
    upstreamReachable: reachable,
  });
  return new Response(html, { headers: joinPageHeaders(scriptSource) });
}
