// What is measured: the request bodies and the scenarios (JSON or streamed answer;
// 1 or 10 connections; one attendee for every connection, or one attendee each).

const PROMPT = "Summarise our plan for next week in one line.";

export function requestBody(stream) {
  return JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: PROMPT }], ...(stream ? { stream: true } : {}) });
}

export const SCENARIOS = [
  { id: "json c1", stream: false, connections: 1, attendees: "one" },
  { id: "json c10 one", stream: false, connections: 10, attendees: "one" },
  { id: "json c10 many", stream: false, connections: 10, attendees: "many" },
  { id: "stream c1", stream: true, connections: 1, attendees: "one" },
  { id: "stream c10 one", stream: true, connections: 10, attendees: "one" },
  { id: "stream c10 many", stream: true, connections: 10, attendees: "many" },
];

/** The `npm start` path is slow (wrangler dev's proxy): a smaller set, for what a user feels. */
export const WRANGLER_DEV_SCENARIOS = ["json c1", "stream c1", "json c10 many"];

export const TARGET_ORDER = ["direct", "bare-worker", "gateway", "portkey"];
