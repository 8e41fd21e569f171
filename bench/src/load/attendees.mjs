// The capacity check's load: a room of attendees, in its own process so it never shares an
// event loop with a server. Reads one job (JSON) from argv, prints one JSON result line.
// Each attendee (its own X-User-ID and BYOK key) keeps `perAttendee` requests going — as
// many as MAX_INFLIGHT_PER_USER lets it run at once — for `seconds`: a refused request waits
// what the answer's Retry-After says (as the openai SDK does) before the next one, so each
// attendee sends as fast as its limits allow. No request starts after `seconds`; any still
// open `drainMs` later is cut off and counted as unfinished, so the run is bounded.
import http from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { NO_HINT_PAUSE_MS, retryWaitMs, summariseRequests } from "../capacity-figures.mjs";

const job = JSON.parse(process.argv[2]);
const url = new URL(job.url);
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
const started = Date.now();
const deadline = started + job.seconds * 1000;
const cutOff = new AbortController();
const cutOffTimer = setTimeout(() => cutOff.abort(), job.seconds * 1000 + job.drainMs);

/** One request: its status, error code (from the OpenAI-shaped body), wait hint and time. */
function send(user) {
  return new Promise((resolve) => {
    const begun = performance.now();
    let settled = false;
    const finish = (answer) => {
      if (settled) return;
      settled = true;
      resolve(answer);
    };
    const broken = () => finish(cutOff.signal.aborted ? { unfinished: true } : { status: 0, code: "connection_error", ms: performance.now() - begun });
    const headers = { "content-type": "application/json", "x-user-id": user, authorization: `Bearer sk-capacity-${user}` };
    const request = http.request(url, { method: "POST", headers, agent, signal: cutOff.signal }, (response) => {
      const chunks = [];
      response.on("data", (chunk) => chunks.push(chunk));
      response.on("end", () => {
        let code = null;
        if (response.statusCode >= 300) {
          try {
            code = JSON.parse(Buffer.concat(chunks).toString("utf8"))?.error?.code ?? null;
          } catch {
            // not JSON: counted by its status alone
          }
        }
        finish({ status: response.statusCode, code, ms: performance.now() - begun, wait: retryWaitMs(response.headers) });
      });
      response.on("error", broken);
      response.on("close", broken); // after "end" this does nothing
    });
    request.on("error", broken);
    request.end(job.body);
  });
}

async function keepSending(user, requests) {
  while (Date.now() < deadline && !cutOff.signal.aborted) {
    const answer = await send(user);
    const { wait, ...record } = answer;
    requests.push(record);
    if (answer.unfinished || (answer.status >= 200 && answer.status < 300)) continue;
    const pause = Math.min(wait ?? NO_HINT_PAUSE_MS, deadline - Date.now());
    if (pause > 0) await sleep(pause, undefined, { signal: cutOff.signal }).catch(() => {});
  }
}

const requests = [];
const users = Array.from({ length: job.attendees }, (_, i) => `${job.userPrefix}-${i}`);
await Promise.all(users.flatMap((user) => Array.from({ length: job.perAttendee }, () => keepSending(user, requests))));
clearTimeout(cutOffTimer);
agent.destroy();
process.stdout.write(`${JSON.stringify({ ...summariseRequests(requests), wall_s: (Date.now() - started) / 1000 })}\n`);
