// The CLI's pure rules: upgrade path choice, held verdict, percentiles, CSV, the ranking,
// and the command-file contract that lets another engineer add a command by adding a file.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { loadCommands } from "../src/cli.mjs";
import { rankAttendees } from "../src/commands/report.mjs";
import { toCsv } from "../src/lib/csv.mjs";
import { draftEmail } from "../src/lib/email.mjs";
import { table } from "../src/lib/format.mjs";
import { percentile } from "../src/lib/percentile.mjs";
import { progressBar } from "../src/lib/progress.mjs";
import { chooseUpgradePath } from "../src/lib/upgrade-path.mjs";
import { verdict } from "../src/lib/verdict.mjs";

describe("the upgrade path rule", () => {
  it("sends a light chat-only attendee to path A (hosted, nothing to change)", () => {
    assert.equal(chooseUpgradePath({ requests: 5, rate_limited: 0, endpoints: 1 }).path, "A");
    assert.equal(chooseUpgradePath({ requests: 19, rate_limited: 0, endpoints: 1 }).path, "A");
  });

  it("sends an attendee with 20+ requests, a second endpoint or any 429 to path B (ClawBox)", () => {
    assert.equal(chooseUpgradePath({ requests: 20, rate_limited: 0, endpoints: 1 }).path, "B");
    assert.equal(chooseUpgradePath({ requests: 3, rate_limited: 0, endpoints: 2 }).path, "B");
    assert.equal(chooseUpgradePath({ requests: 52, rate_limited: 2, endpoints: 1 }).path, "B");
  });

  it("sends a builder — 100+ requests with 429s, or 3+ endpoints — to path C (own stack)", () => {
    assert.equal(chooseUpgradePath({ requests: 100, rate_limited: 1, endpoints: 1 }).path, "C");
    assert.equal(chooseUpgradePath({ requests: 4, rate_limited: 0, endpoints: 3 }).path, "C");
    assert.equal(chooseUpgradePath({ requests: 400, rate_limited: 0, endpoints: 1 }).path, "B");
  });

  it("explains its choice in words the organiser can repeat", () => {
    assert.equal(chooseUpgradePath({ requests: 4, rate_limited: 0, endpoints: 3 }).reason, "used 3 different API endpoints");
    assert.equal(chooseUpgradePath({ requests: 1, rate_limited: 0, endpoints: 1 }).reason, "1 request, chat only");
  });
});

describe("the path from what the attendee did", () => {
  it("offers help first, not a plan to keep it working, to an attendee whose every request failed", () => {
    const choice = chooseUpgradePath({ requests: 8, rate_limited: 0, endpoints: 1, errors: 8 });
    assert.deepEqual(choice, { path: "A", stuck: true, reason: "never got an answer: all 8 requests failed" });
    const text = draftEmail({ attendee: { user_id: "dana", requests: 8, tokens: 0 }, choice, eventName: "HICAM", gatewayUrl: "https://gw.example" });
    assert.match(text, /Your agent never got an answer at the event \(never got an answer: all 8 requests failed\)\. Reply to this email and we will get it working with you/);
    assert.doesNotMatch(text, /you want it to keep working/);
    // One answer among the failures is enough to have seen it work.
    assert.equal(chooseUpgradePath({ requests: 8, rate_limited: 0, endpoints: 1, errors: 7 }).stuck, undefined);
  });
});

describe("the email draft", () => {
  it("gives path B the two .env lines the kit's README names, path C its three, and every draft the /billing link", () => {
    const draft = (path) => draftEmail({
      attendee: { user_id: "sam", requests: 52, tokens: 900 }, choice: { path, reason: "r" }, eventName: "HICAM", gatewayUrl: "https://gw.example",
    });
    const b = draft("B");
    assert.match(b, /then change two lines in your kit's \.env and run bash setup\.sh again:\n {2}OPENCLAW_GATEWAY_URL=http:\/\/localhost:18789\n {2}OPENCLAW_TOKEN=<the gateway token from ClawBox's settings>\n/);
    assert.match(draft("C"), /then change three lines in your kit's \.env and run bash setup\.sh again:\n {2}OPENCLAW_GATEWAY_URL=https:\/\/<your-worker>\.workers\.dev\n {2}EVENT_CODE=<your own event code>\n {2}OCG_KEY=\n/);
    for (const path of ["A", "B", "C"]) {
      assert.match(draft(path), /^Your plan and this month's requests: https:\/\/gw\.example\/billing \(sign in with the OCG_KEY in your kit's \.env\)\.$/m);
    }
  });

  it("names the attendee, their activity, the chosen path and the .env line that changes", () => {
    const text = draftEmail({
      attendee: { user_id: "sam", requests: 52, tokens: 900 },
      choice: { path: "B", reason: "hit the rate limit 2×" },
      eventName: "HICAM", gatewayUrl: "https://gw.example",
    });
    assert.match(text, /^To: \(no email given at enrolment\) USER_ID sam at HICAM$/m);
    assert.match(text, /^Hi Sam,$/m);
    assert.match(text, /52 requests/);
    assert.match(text, /hit the rate limit 2×/);
    assert.match(text, /OPENCLAW_GATEWAY_URL=http:\/\/localhost:18789/);
    assert.match(text, /A — Shared/);
    assert.match(text, /C — ClaudeFlare/);
  });
});

describe("the held verdict", () => {
  const rule = { maxErrorRatePercent: 1, p95Ms: 5000 };
  it("holds with no errors and a fast p95, whatever the 429s", () => {
    assert.equal(verdict({ sent: 100, ok: 60, errors: 0, p95: 40 }, rule).held, true);
  });
  it("does not hold at 1% errors or more", () => {
    const v = verdict({ sent: 100, ok: 99, errors: 1, p95: 40 }, rule);
    assert.equal(v.held, false);
    assert.match(v.because, /error rate 1.00% ≥ 1%/);
  });
  it("does not hold when p95 reaches the ceiling, nor when nothing succeeded", () => {
    assert.equal(verdict({ sent: 10, ok: 10, errors: 0, p95: 5000 }, rule).held, false);
    assert.equal(verdict({ sent: 10, ok: 0, errors: 0, p95: null }, rule).held, false);
  });
});

describe("figures and formats", () => {
  it("computes nearest-rank percentiles like the admin API", () => {
    const values = [50, 10, 40, 20, 30];
    assert.equal(percentile(values, 50), 30);
    assert.equal(percentile(values, 95), 50);
    assert.equal(percentile(values, 20), 10);
    assert.equal(percentile([], 50), null);
  });

  it("writes CSV with quoting and without spreadsheet formulas", () => {
    const csv = toCsv([{ a: 'say "hi", then go', b: "=cmd()", c: -3, d: null }], ["a", "b", "c", "d"]);
    assert.equal(csv, 'a,b,c,d\r\n"say ""hi"", then go",\'=cmd(),-3,\r\n');
  });

  it("ranks attendees by requests, then tokens, then name, with their path", () => {
    const ranked = rankAttendees([
      { user_id: "b", requests: 3, tokens: 10, rate_limited: 0, endpoints: 1 },
      { user_id: "a", requests: 3, tokens: 10, rate_limited: 0, endpoints: 1 },
      { user_id: "c", requests: 9, tokens: 1, rate_limited: 0, endpoints: 3 },
      { user_id: "d", requests: 3, tokens: 50, rate_limited: 0, endpoints: 1 },
    ]);
    assert.deepEqual(ranked.map((r) => `${r.rank}:${r.user_id}:${r.upgrade_path}`), ["1:c:C", "2:d:A", "3:a:A", "4:b:A"]);
  });

  it("pads table columns by visible width even when cells are coloured", () => {
    const text = table([{ n: "x", v: 1 }, { n: "long", v: 100 }], [
      { key: "n", title: "NAME", align: "left" },
      { key: "v", title: "V", color: (t) => `\x1b[31m${t}\x1b[0m` },
    ]);
    assert.deepEqual(text.replace(/\x1b\[[0-9;]*m/g, "").split("\n"), ["NAME    V", "x       1", "long  100"]);
  });

  it("draws a progress bar", () => {
    assert.equal(progressBar({ done: 5, total: 10, width: 10, extra: "429s 0" }), "[█████░░░░░] 5/10  50% · 429s 0");
  });
});

describe("the command contract", () => {
  it("finds every command file and each has a name, summary, usage and run", async () => {
    const commands = await loadCommands();
    for (const name of ["keys", "loadtest", "monitor", "report", "users"]) assert.ok(commands.has(name), name);
    for (const command of commands.values()) {
      assert.equal(typeof command.run, "function");
      assert.match(command.usage, /^Usage:/);
    }
  });

  it("picks up a new command by its file alone, and refuses a file that breaks the contract", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "ocg-commands-"));
    writeFileSync(path.join(dir, "hello.mjs"), 'export const name = "hello"; export const summary = "s"; export const usage = "Usage: ocg hello"; export async function run() { return 0; }\n');
    assert.deepEqual([...(await loadCommands(dir)).keys()], ["hello"]);
    writeFileSync(path.join(dir, "broken.mjs"), 'export const name = "broken";\n');
    await assert.rejects(loadCommands(dir), /broken.mjs does not export 'summary'/);
  });
});

describe("the loadtest's per-node report", () => {
  it("groups answers by the node the gateway named, with 503s, latency, queue waits and the /health peaks", async () => {
    const { perNode } = await import("../src/commands/loadtest.mjs");
    const results = [
      { status: 200, ms: 100, node: "mini", queueMs: 0 }, { status: 200, ms: 300, node: "mini", queueMs: 250 },
      { status: 503, ms: 5, node: "mini", queueMs: 30000 }, { status: 200, ms: 50, node: "box", queueMs: 0 },
    ];
    const rows = perNode(results, new Map([["mini", { inflight: 4, queued: 7 }]]));
    assert.deepEqual(rows.map((r) => r.node), ["box", "mini"]);
    assert.deepEqual(rows[1], {
      node: "mini", requests: 3, ok: 2, busy_503: 1, p50_ms: 100, p95_ms: 300,
      queue_wait_p95_ms: 30000, queue_wait_max_ms: 30000, inflight_peak: 4, queued_peak: 7,
    });
    assert.equal(rows[0].inflight_peak, null);
  });
});
