// How `npm start` (and every end-to-end test) hands settings to `wrangler dev`
// (apps/organized-gateway/scripts/local-gateway.mjs): secrets through a private file, never
// on a command line that `ps` shows every local user; `.dev.vars`, then the environment, then
// the caller's settings; and a /health probe that survives a slow answer.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { GATEWAY_DIR, migrateLocalState, queryLocalD1, readDotenv, resolveSettings, startLocalGateway, waitForHealth } from "organized-gateway/local";

const PORT = 19360;
const UPSTREAM_PORT = 19361;

/** Every process's command line, as any local user can read it (ps, /proc/<pid>/cmdline). */
function everyCommandLine() {
  const lines = [execFileSync("ps", ["-eo", "args"], { encoding: "utf8" })];
  const pids = existsSync("/proc") ? readdirSync("/proc").filter((name) => /^\d+$/.test(name)) : [];
  for (const pid of pids) {
    try {
      lines.push(readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " "));
    } catch {
      // the process ended meanwhile
    }
  }
  return lines.join("\n");
}

test("secrets reach wrangler dev through a private file, on no process's command line, and still take effect", { timeout: 150_000 }, async () => {
  const secrets = {
    ADMIN_TOKEN: `argv-admin-${randomBytes(12).toString("hex")}`,
    HASH_SECRET: `argv-hash-${randomBytes(12).toString("hex")}`,
    OPENCLAW_TOKEN: `argv-openclaw-${randomBytes(12).toString("hex")}`,
  };
  // dotenv-expand runs on the file wrangler reads: `$NAME` and `\$` must arrive as typed.
  const eventName = "Sam's $HOME \\$x ${USER} # `quoted` room";
  const persistTo = mkdtempSync(path.join(os.tmpdir(), "ocg-argv-"));
  const gateway = await startLocalGateway({ port: PORT, upstreamPort: UPSTREAM_PORT, persistTo, settings: { ...secrets, EVENT_NAME: eventName } });
  try {
    const commandLines = everyCommandLine();
    assert.match(commandLines, /wrangler-dist\/cli\.js dev/, "wrangler dev is among the processes read");
    assert.match(commandLines, /workerd serve/, "and so is workerd, its child");
    for (const [name, value] of Object.entries(secrets)) {
      assert.ok(!commandLines.includes(value), `${name}'s value is on no command line`);
    }

    assert.equal(statSync(gateway.settingsFile).mode & 0o777, 0o600, "only this user may read the settings file");
    assert.equal(statSync(path.dirname(gateway.settingsFile)).mode & 0o777, 0o700, "nor list its directory");

    assert.equal(gateway.health.upstream.strategy, "openclaw", "OPENCLAW_TOKEN took effect");
    assert.equal(gateway.health.event, eventName, "a value with $, quotes and # arrives exactly");
    const keys = await fetch(`${gateway.url}/admin/api/keys`, { headers: { authorization: `Bearer ${secrets.ADMIN_TOKEN}` } });
    assert.equal(keys.status, 200, "the admin API accepts ADMIN_TOKEN (without it, the API is off)");
  } finally {
    await gateway.stop();
    rmSync(persistTo, { recursive: true, force: true });
  }
  assert.equal(existsSync(path.dirname(gateway.settingsFile)), false, "stop() deletes the settings file and its directory");
});

test("a new state starts with every D1 migration applied, and a used one is migrated in place, keeping its rows", { timeout: 120_000 }, () => {
  const persistTo = path.join(mkdtempSync(path.join(os.tmpdir(), "ocg-migrate-")), "state");
  try {
    const migrations = readdirSync(path.join(GATEWAY_DIR, "migrations")).filter((name) => name.endsWith(".sql")).sort();
    assert.equal(migrateLocalState({ persistTo }), "copied");
    const applied = () => queryLocalD1("SELECT name FROM d1_migrations ORDER BY id", { persistTo }).map((row) => row.name);
    assert.deepEqual(applied(), migrations);
    queryLocalD1("INSERT INTO d1_migrations (name) VALUES ('kept-row.sql')", { persistTo });
    assert.equal(migrateLocalState({ persistTo }), "applied");
    assert.deepEqual(applied(), [...migrations, "kept-row.sql"]);
  } finally {
    rmSync(path.dirname(persistTo), { recursive: true, force: true });
  }
});

test(".dev.vars entries are overridden by the environment's settings, and both by the caller's", () => {
  const merged = resolveSettings({
    devVars: { HASH_SECRET: "from-dev-vars-0123456789", EVENT_CODE: "dev-vars-code", EXTRA: "kept" },
    env: { EVENT_CODE: "env-code", ADMIN_TOKEN: "env-admin-token-0123", PATH: "/not/a/setting" },
    settings: { ADMIN_TOKEN: "caller-admin-token-0123" },
  });
  assert.deepEqual(merged, {
    HASH_SECRET: "from-dev-vars-0123456789", EVENT_CODE: "env-code", EXTRA: "kept", ADMIN_TOKEN: "caller-admin-token-0123",
  });
});

test(".dev.vars is read as wrangler reads it: quotes stripped, comments and blank lines dropped, `export` allowed", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "ocg-dev-vars-"));
  try {
    const file = path.join(dir, ".dev.vars");
    writeFileSync(file, [
      "# a comment",
      "HASH_SECRET=abc0123456789def   # why this value",
      "export EVENT_CODE='room 42'",
      'EVENT_NAME="Line one\\nline two"',
      "ADMIN_TOKEN=`back#ticked`",
      "",
      "# ADMIN_TOKEN=commented-out",
    ].join("\r\n"));
    assert.deepEqual(readDotenv(file), {
      HASH_SECRET: "abc0123456789def", EVENT_CODE: "room 42", EVENT_NAME: "Line one\nline two", ADMIN_TOKEN: "back#ticked",
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the /health probe retries an answer whose body arrives after its 2 s signal, instead of failing", { timeout: 20_000 }, async () => {
  const body = JSON.stringify({ status: "ok", gateway: "organized-gateway" });
  let requests = 0;
  const server = createServer((request, response) => {
    requests += 1;
    response.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    if (requests > 1) return response.end(body);
    // The first answer: headers now, the body only after the probe's signal has fired.
    response.flushHeaders();
    setTimeout(() => { if (!response.destroyed) response.end(body); }, 3_000);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const health = await waitForHealth(`http://127.0.0.1:${server.address().port}`, { exitCode: null }, 15_000);
    assert.deepEqual(health, JSON.parse(body));
    assert.ok(requests >= 2, "the slow answer was retried");
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});
