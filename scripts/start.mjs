// `npm start`: the gateway on this machine with local D1/KV/Durable Objects and, unless
// OPENCLAW_URL is set, the offline dev upstream simulator. Prints a banner with a curl and
// an `openai` SDK snippet that work as printed. Ctrl-C stops everything it started.
import { ensureDevVars, startLocalGateway } from "organized-gateway/local";

const created = ensureDevVars();
console.log(created ? "Created apps/organized-gateway/.dev.vars with a fresh HASH_SECRET." : "Using apps/organized-gateway/.dev.vars.");
console.log("Applying local D1 migrations and starting the gateway…");

let gateway;
try {
  gateway = await startLocalGateway({ output: "inherit" });
} catch (error) {
  console.error(`\nThe gateway did not start: ${error.message}`);
  process.exit(1);
}

// `settings` is what the Worker got: .dev.vars, overridden by the environment.
const { url, upstream, settings, health } = gateway;
const adminToken = settings.ADMIN_TOKEN;
const eventCode = settings.EVENT_CODE;
const keyRequired = health.gateway_key_required;
const auth = keyRequired
  ? `-H "Authorization: Bearer ocg_..."   # a gateway key: POST /enroll or the admin API gives one`
  : `-H "X-User-ID: trainee-sam" -H "Authorization: Bearer sk-your-openai-key"`;

console.log(`
────────────────────────────────────────────────────────────────────────
 organized-gateway is running: ${url}
 upstream:  ${upstream ? `${upstream.url}  (dev upstream — an offline OpenAI-compatible SIMULATOR, not a real model)` : "OPENCLAW_URL from your settings"}
 strategy:  ${health.upstream.strategy}${keyRequired ? " (gateway keys required)" : " (BYOK pass-through)"} · ${health.limits.requests_per_minute} requests/min per attendee
 admin API: ${adminToken ? `${url}/admin/api  (Bearer ADMIN_TOKEN)` : "off — start with ADMIN_TOKEN=<12+ chars> npm start"}
 enrollment:${eventCode ? ` open (POST ${url}/enroll)` : " closed — set EVENT_CODE to open it"}

 Try it:
   curl ${url}/v1/chat/completions \\
     -H "Content-Type: application/json" ${auth} \\
     -d '{"model":"gpt-4o","messages":[{"role":"user","content":"Hello"}]}'

 With the openai SDK (Node):
   import OpenAI from "openai";
   const client = new OpenAI({ baseURL: "${url}/v1", apiKey: "sk-your-openai-key",
     defaultHeaders: { "X-User-ID": "trainee-sam" } });
   const answer = await client.chat.completions.create({ model: "gpt-4o",
     messages: [{ role: "user", content: "Hello" }] });
   console.log(answer.choices[0].message.content);

 Logs (D1): cd apps/organized-gateway && npx wrangler d1 execute organized-gateway-db --local \\
              --command "SELECT * FROM requests ORDER BY id DESC LIMIT 5"
 Ctrl-C stops the gateway${upstream ? " and the dev upstream" : ""}.
────────────────────────────────────────────────────────────────────────
`);

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
