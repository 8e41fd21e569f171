// `npm start`: the gateway on this machine with local D1/KV/Durable Objects and, unless
// OPENCLAW_URL is set, the offline dev upstream simulator. Prints a banner with the join
// page and dashboard addresses and a curl and an `openai` SDK snippet for the mode in use
// that work as printed (scripts/test/start.test.mjs runs them). Ctrl-C stops everything it started.
import { randomBytes } from "node:crypto";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { ensureDevVars, localSetting, startLocalGateway } from "organized-gateway/local";

const RULE = "─".repeat(72);
const CHAT_BODY = '{"model":"gpt-4o","messages":[{"role":"user","content":"Hello"}]}';
/** Pulls `"key":"ocg_…"` out of /enroll's or the admin API's JSON with nothing but sed. */
const KEY_FROM_JSON = `sed -n 's/.*"key":"\\([^"]*\\)".*/\\1/p'`;

/** `text` as one POSIX shell word: single-quoted, each ' written as '\''. */
export function shellQuote(text) {
  return `'${String(text).replace(/'/g, `'\\''`)}'`;
}

/**
 * The "Try it" lines: shell that runs as printed (bash, zsh, Git Bash), so no comment ever
 * shares a line with a trailing `\`. With gateway keys required (the OpenClaw strategy) it
 * first gets a key — from /enroll when EVENT_CODE is set, else from the admin API — into
 * OCG_KEY, which the chat call and the SDK snippet then use. In AUTH_MODE=codex (`ownAccount`)
 * the key then connects a model account (PUT /me/credential, as `setup.sh --auth codex`
 * does), which pays for the call. Null when no key can be had.
 */
export function trySnippet({ url, keyRequired, ownAccount = false, eventCode, adminToken, userId }) {
  if (!keyRequired) {
    return {
      intro: "BYOK pass-through: your own OpenAI key goes on to the upstream, with an attendee id:",
      shell: [
        `curl ${url}/v1/chat/completions \\`,
        `  -H "Content-Type: application/json" -H "X-User-ID: ${userId}" -H "Authorization: Bearer sk-your-openai-key" \\`,
        `  -d '${CHAT_BODY}'`,
      ],
      sdk: [
        'import OpenAI from "openai";',
        `const client = new OpenAI({ baseURL: "${url}/v1", apiKey: "sk-your-openai-key",`,
        `  defaultHeaders: { "X-User-ID": "${userId}" } });`,
      ],
      note: null,
    };
  }
  let getKey;
  let intro;
  const who = ownAccount ? "each attendee's own account pays (gateway key + connected account)" : "the gateway pays (gateway keys required)";
  if (eventCode !== undefined) {
    intro = ownAccount
      ? `${who}: enrol, connect an account, as the kit's setup.sh --auth codex does, then use the key:`
      : `${who}: enrol first, as the kit's setup.sh does, then use the key:`;
    getKey = [
      `export OCG_KEY=$(curl -s ${url}/enroll -H "Content-Type: application/json" \\`,
      `  -d ${shellQuote(JSON.stringify({ event_code: eventCode, user_id: userId }))} | ${KEY_FROM_JSON})`,
    ];
  } else if (adminToken !== undefined) {
    intro = `${who} and enrolment is closed: issue a key with the admin API${ownAccount ? ", connect an account" : ""}, then use it.\n` +
      " First, in this shell: export ADMIN_TOKEN=<the token this gateway runs with>";
    getKey = [
      `export OCG_KEY=$(curl -s -X POST ${url}/admin/api/users/${userId}/keys \\`,
      `  -H "Authorization: Bearer $ADMIN_TOKEN" | ${KEY_FROM_JSON})`,
    ];
  } else {
    return null;
  }
  // The dev upstream takes any token but one with "invalid" in it, as a provider takes a live one.
  const connect = ownAccount ? [
    `curl -s -w '\\n' -X PUT ${url}/me/credential -H "Authorization: Bearer $OCG_KEY" \\`,
    `  -H "Content-Type: application/json" -d '{"kind":"openai","token":"sk-your-openai-key"}'`,
  ] : [];
  return {
    intro,
    shell: [
      ...getKey,
      ...connect,
      `curl ${url}/v1/chat/completions \\`,
      `  -H "Content-Type: application/json" -H "Authorization: Bearer $OCG_KEY" \\`,
      `  -d '${CHAT_BODY}'`,
    ],
    sdk: [
      'import OpenAI from "openai";',
      `const client = new OpenAI({ baseURL: "${url}/v1", apiKey: process.env.OCG_KEY });`,
    ],
    // /enroll gives an id its key once (a second try is 409 user_id_taken); the admin API issues more.
    note: eventCode !== undefined ? `an id enrols once: to run this again, change ${userId}` : null,
  };
}

/** The banner `npm start` prints once the gateway answers /health. */
export function bannerText({ url, upstream, settings, health, userId, stateDir }) {
  const adminToken = settings.ADMIN_TOKEN || undefined;
  const eventCode = settings.EVENT_CODE || undefined;
  const keyRequired = health.gateway_key_required;
  const ownAccount = health.auth_mode === "codex";
  const reachable = health.upstream?.reachable !== false;
  const snippet = trySnippet({ url, keyRequired, ownAccount, eventCode, adminToken, userId });
  const paying = ownAccount ? " (AUTH_MODE=codex: each attendee's own account pays; gateway keys required)"
    : keyRequired ? " (the gateway pays: gateway keys required)" : " (BYOK pass-through)";
  const lines = [
    RULE,
    ` organized-gateway is running: ${url}`,
    ` join page: ${url}/join   (for the projector: QR code, the kit, the 3 steps)`,
    ` dashboard: ${adminToken ? `${url}/admin  (sign in with ADMIN_TOKEN)` : `${url}/admin  is off — start with ADMIN_TOKEN=<12+ chars> npm start`}`,
    ` upstream:  ${upstream ? `${upstream.url}  (dev upstream — an offline OpenAI-compatible SIMULATOR, not a real model)` : "OPENCLAW_URL from your settings"}`,
    ` strategy:  ${health.upstream.strategy}${paying} · ${health.limits.requests_per_minute} requests/min per attendee`,
    ` admin API: ${adminToken ? `${url}/admin/api  (Bearer ADMIN_TOKEN)` : "off — start with ADMIN_TOKEN=<12+ chars> npm start"}`,
    ` enrolment: ${eventCode ? `open (POST ${url}/enroll with the EVENT_CODE)` : "closed — set EVENT_CODE to open it"}`,
  ];
  if (!reachable) {
    lines.push("", ` !! The upstream does not answer (${health.upstream.name}): every /v1 request gets an error until it does.`,
      "    Check OPENCLAW_URL (and the tunnel in front of OpenClaw), then restart npm start.");
  }
  lines.push("");
  if (snippet) {
    lines.push(` Try it — ${snippet.intro}`, ...snippet.shell.map((line) => `   ${line}`));
    if (snippet.note) lines.push(`   (${snippet.note})`);
    lines.push("",
      ` With the openai SDK (Node)${keyRequired ? ", in the same shell (it reads OCG_KEY)" : ""}:`,
      ...[
        ...snippet.sdk,
        'const answer = await client.chat.completions.create({ model: "gpt-4o",',
        '  messages: [{ role: "user", content: "Hello" }] });',
        "console.log(answer.choices[0].message.content);",
      ].map((line) => `   ${line}`));
  } else {
    lines.push(" Try it: this gateway pays (gateway keys required) and hands out none yet. Start it with",
      "   EVENT_CODE=<the room's code> (attendees enrol) or ADMIN_TOKEN=<12+ chars> (you issue keys).");
  }
  lines.push("",
    " Full local workshop: ADMIN_TOKEN=<12+ chars> EVENT_CODE=<the room's code> npm start",
    "",
    // The same local database the gateway writes: LOCAL_STATE_DIR's, when it was given one.
    ` Logs (D1): cd apps/organized-gateway && npx wrangler d1 execute organized-gateway-db --local${stateDir ? ` --persist-to ${shellQuote(stateDir)}` : ""} \\`,
    '              --command "SELECT * FROM requests ORDER BY id DESC LIMIT 5"',
    ` Ctrl-C stops the gateway${upstream ? " and the dev upstream" : ""}.`,
    RULE);
  return `\n${lines.join("\n")}\n`;
}

async function main() {
  const created = ensureDevVars();
  console.log(created ? "Created apps/organized-gateway/.dev.vars with a fresh HASH_SECRET." : "Using apps/organized-gateway/.dev.vars.");
  console.log("Applying local D1 migrations and starting the gateway…");

  // Absolute, so the banner's D1 command (run from apps/organized-gateway) finds the same place.
  const given = localSetting("LOCAL_STATE_DIR");
  const stateDir = given ? path.resolve(given) : undefined;
  let gateway;
  try {
    // LOCAL_STATE_DIR (npm start only, docs/settings.md): another place for the local state, e.g. a test's own.
    gateway = await startLocalGateway({ output: "inherit", persistTo: stateDir });
  } catch (error) {
    console.error(`\nThe gateway did not start: ${error.message}`);
    process.exit(1);
  }

  // `settings` is what the Worker got: .dev.vars, overridden by the environment. A fresh
  // id per start: local state persists, and an id enrols only once.
  const { url, upstream, settings, health } = gateway;
  console.log(bannerText({ url, upstream, settings, health, userId: `trainee-${randomBytes(2).toString("hex")}`, stateDir }));

  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    console.log("\nStopping…");
    await gateway.stop();
    process.exit(0);
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
  // `kill <npm's pid>` (or `timeout npm start`) ends npm and its shell but never reaches
  // this process: when it finds itself orphaned it stops too, rather than leave the ports taken.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) void shutdown();
  }, 1_000).unref();
  gateway.child.on("exit", async (code) => {
    if (stopping) return;
    console.error(`wrangler dev exited (code ${code}); stopping.`);
    await gateway.stop();
    process.exit(code ?? 1);
  });
}

// Run as `npm start`; imported (by its test), it only lends its banner.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
