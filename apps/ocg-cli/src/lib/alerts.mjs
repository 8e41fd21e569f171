// The monitor's banner: one full-width line when the room has a problem the organiser must
// act on — the gateway does not answer, the agent server (upstream) behind it does not,
// or errors spike. The spike is the gateway's own verdict (/overview `alerts.error_spike`,
// defined in apps/organized-gateway/src/admin/alerts.ts); a gateway older than that field
// gets the same rule applied here to its recent figures.
import { palette, visibleLength } from "./format.mjs";

export const ERROR_SPIKE_FALLBACK = { minRequests: 10, errorRate: 0.25 };

/** Whether the figures show an error spike: the gateway's verdict, else the same rule here. */
export function isErrorSpike(overview) {
  if (typeof overview?.alerts?.error_spike === "boolean") return overview.alerts.error_spike;
  const recent = overview?.recent ?? overview?.totals;
  if (!recent || !(recent.requests >= ERROR_SPIKE_FALLBACK.minRequests)) return false;
  return recent.errors / recent.requests >= ERROR_SPIKE_FALLBACK.errorRate;
}

/** The problems to shout about, most serious first: each one sentence saying what it means. */
export function alertsOf({ health, overview }) {
  const alerts = [];
  if (health?.unreachable) {
    alerts.push(`GATEWAY DOWN: its /health does not answer (${health.unreachable}).`);
  } else if (health?.upstream && health.upstream.reachable === false) {
    alerts.push(`HOST DOWN: the agent server (upstream '${health.upstream.name ?? "?"}') does not answer the gateway; every attendee request fails. Check OPENCLAW_URL and the tunnel.`);
  }
  if (overview && isErrorSpike(overview)) {
    const recent = overview.recent;
    const share = recent?.error_rate ?? (recent && recent.requests ? recent.errors / recent.requests : null);
    const detail = recent
      ? ` ${recent.errors} of ${recent.requests} requests failed in the last ${recent.minutes ?? "few"} min${share === null ? "" : ` (${Math.round(share * 100)}%)`}`
      : "";
    const top = recent?.top_error ? `; most often ${recent.top_error.code}${recent.top_error.message ? `: ${recent.top_error.message}` : ""}` : "";
    const text = `ERRORS SPIKE:${detail}${top}`;
    alerts.push(text.endsWith(".") ? text : `${text}.`);
  }
  return alerts;
}

/** Each alert as a banner line as wide as the terminal (white on red with colour, `!!` marks without). */
export function bannerLines(alerts, { color, columns = 80 }) {
  const c = palette(color);
  return alerts.map((text) => {
    if (!color) return `!! ${text} !!`;
    const line = ` ${text}`;
    return c.banner(line + " ".repeat(Math.max(0, columns - visibleLength(line))));
  });
}
