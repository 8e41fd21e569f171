// `ocg billing link`: against the gateway started like `npm start` (which has no Stripe
// account, so it says billing is not configured and names the setting), and against a
// stand-in for the gateway's Checkout route (MOCK of the gateway's
// POST /admin/api/billing/users/{id}/checkout — the route itself, with Stripe's API mocked,
// is tested in apps/organized-gateway/test/billing.test.ts) for what the command sends and prints.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { after, before, describe, it } from "node:test";
import { startLocalGateway } from "organized-gateway/local";

const OCG = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "bin", "ocg.mjs");
const ADMIN_TOKEN = "billing-cli-admin-token-0123";
const execFileAsync = promisify(execFile);
let gateway;
let stateDir;

async function ocg(args, url) {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [OCG, ...args], {
      env: { ...process.env, OCG_URL: url, OCG_ADMIN_TOKEN: ADMIN_TOKEN, NO_COLOR: "1" }, timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    return { code: error.code, stdout: error.stdout, stderr: error.stderr };
  }
}

before(async () => {
  stateDir = mkdtempSync(path.join(tmpdir(), "ocg-billing-cli-"));
  gateway = await startLocalGateway({
    port: 19221, upstreamPort: 19222, persistTo: stateDir,
    settings: { HASH_SECRET: "billing-cli-hash-secret-0123456", ADMIN_TOKEN, LOG_FLUSH_MS: "0" },
  });
});

after(async () => {
  await gateway?.stop();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

describe("ocg billing link", () => {
  it("says billing is not configured on a gateway without STRIPE_SECRET_KEY, and exits 1", async () => {
    const { code, stdout, stderr } = await ocg(["billing", "link", "ada", "tier-1"], gateway.url);
    assert.equal(code, 1);
    assert.equal(stdout, "");
    assert.match(stderr, /Billing is not configured on this gateway/);
    assert.match(stderr, /STRIPE_SECRET_KEY/);
  });

  it("refuses a command line without a user and a tier, with exit code 2", async () => {
    for (const args of [["billing"], ["billing", "link"], ["billing", "link", "ada"], ["billing", "show", "ada"]]) {
      const { code, stderr } = await ocg(args, gateway.url);
      assert.equal(code, 2, args.join(" "));
      assert.match(stderr, /ocg billing/);
    }
  });

  it("asks the gateway for the attendee's Checkout and prints only the link on stdout", async () => {
    const seen = [];
    const server = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk) => { body += chunk; });
      request.on("end", () => {
        seen.push({ method: request.method, url: request.url, authorization: request.headers.authorization, body });
        response.writeHead(201, { "content-type": "application/json" });
        response.end(JSON.stringify({ user_id: "ada", tier: "tier-2", url: "https://checkout.stripe.com/c/pay/cs_test_cli", expires_at: "2027-01-02T10:30:00.000Z" }));
      });
    });
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${server.address().port}`;
      const { code, stdout, stderr } = await ocg(["billing", "link", "Ada", "tier-2"], url);
      assert.equal(code, 0, stderr);
      assert.equal(stdout, "https://checkout.stripe.com/c/pay/cs_test_cli\n");
      assert.equal(stderr, "Checkout for ada on tier-2, valid until 2027-01-02 10:30 UTC.\n");
      assert.deepEqual(seen, [{
        method: "POST", url: "/admin/api/billing/users/Ada/checkout", authorization: `Bearer ${ADMIN_TOKEN}`, body: JSON.stringify({ tier: "tier-2" }),
      }]);
      const json = await ocg(["billing", "link", "ada", "tier-2", "--json"], url);
      assert.equal(JSON.parse(json.stdout).url, "https://checkout.stripe.com/c/pay/cs_test_cli");
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
