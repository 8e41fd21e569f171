/**
 * Is this request from a phone or tablet? Such a device cannot run the kit (a terminal, bash,
 * curl), so the join page leads with "open this on your laptop" there. The client hint
 * `Sec-CH-UA-Mobile: ?1` (Chromium) first, else the user agent's mobile markers. iPadOS
 * Safari calls itself a Mac: the page's script catches that one (a Mac with a touch screen).
 * A narrow window gets the same layout from the stylesheet, whatever it says it is.
 */
const MOBILE_UA = /\b(Android|iPhone|iPad|iPod|Mobile|Mobi|IEMobile|Opera Mini|Silk|Kindle)\b/i;

export function isHandheld(headers: Headers): boolean {
  const hint = headers.get("sec-ch-ua-mobile");
  if (hint === "?1") return true;
  return MOBILE_UA.test(headers.get("user-agent") ?? "");
}
