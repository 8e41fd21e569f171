// What is measured: the request bodies and the scenarios (JSON or streamed answer;
// 1 or 10 connections; one attendee for every connection, or one attendee each). A plain
// stream is what the openai SDK sends by default; "stream+usage" also asks for the usage
// chunk (stream_options.include_usage), as the trainee kit's agent does — the gateway then
// has nothing to strip and pipes the stream natively.

/**
 * The gateway's settings under load: the limiter runs on every request but never refuses
 * one, since the bench measures its cost, not its refusals. Not a real secret.
 */
export const BENCH_SETTINGS = {
  HASH_SECRET: "bench-only-hash-secret-not-a-real-one",
  RATE_LIMIT_PER_MINUTE: "100000",
  MAX_INFLIGHT_PER_USER: "1000",
};

const PROMPT = "Summarise our plan for next week in one line.";

export function requestBody(stream, usage = false) {
  return JSON.stringify({
    model: "gpt-4o", messages: [{ role: "user", content: PROMPT }],
    ...(stream ? { stream: true } : {}), ...(stream && usage ? { stream_options: { include_usage: true } } : {}),
  });
}

export const SCENARIOS = [
  { id: "json c1", stream: false, connections: 1, attendees: "one" },
  { id: "json c10 one", stream: false, connections: 10, attendees: "one" },
  { id: "json c10 many", stream: false, connections: 10, attendees: "many" },
  { id: "stream c1", stream: true, connections: 1, attendees: "one" },
  { id: "stream c10 one", stream: true, connections: 10, attendees: "one" },
  { id: "stream c10 many", stream: true, connections: 10, attendees: "many" },
  { id: "stream+usage c1", stream: true, usage: true, connections: 1, attendees: "one" },
  { id: "stream+usage c10 many", stream: true, usage: true, connections: 10, attendees: "many" },
];

/** The `npm start` path is slow (wrangler dev's proxy): a smaller set, for what a user feels. */
export const WRANGLER_DEV_SCENARIOS = ["json c1", "stream c1", "json c10 many"];

export const TARGET_ORDER = ["direct", "bare-worker", "gateway", "portkey"];

/** The targets measured, in order: a baseline gateway (`gateway@<ref>`) right after today's. */
export function targetOrder(baseline = null) {
  return baseline ? TARGET_ORDER.flatMap((t) => (t === "gateway" ? [t, baseline] : [t])) : TARGET_ORDER;
}

/** Our gateway, at this checkout or at a baseline commit (measured alike, with BYOK attendees). */
export const isGatewayTarget = (target) => target === "gateway" || target.startsWith("gateway@");

/**
 * The attendees' user-id prefix for one target in one scenario: a fresh set each time, so
 * one scenario's window never carries into the next, and only characters a user id may
 * hold (a baseline's `gateway@<ref>` has an `@`, which the gateway refuses in an id).
 */
export function attendeePrefix(index, target) {
  return `s${index}-${target.replace(/[^A-Za-z0-9._-]/g, "-")}`.slice(0, 48);
}