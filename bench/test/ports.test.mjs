// The bench's servers take ports the system says are free, never fixed ones.
import assert from "node:assert/strict";
import net from "node:net";
import { test } from "node:test";
import { freePorts } from "../src/servers/ports.mjs";

const listen = (port) => new Promise((resolve, reject) => {
  const server = net.createServer();
  server.once("error", reject);
  server.listen(port, "127.0.0.1", () => resolve(server));
});

test("each name gets its own port, and every port can be listened on once they are handed out", async () => {
  const ports = await freePorts(["upstream", "gateway", "inspector"]);
  assert.deepEqual(Object.keys(ports), ["upstream", "gateway", "inspector"]);
  assert.equal(new Set(Object.values(ports)).size, 3);
  const servers = await Promise.all(Object.values(ports).map(listen));
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

test("a port somebody already holds is never handed out", async () => {
  const taken = await listen(0);
  const takenPort = taken.address().port;
  try {
    for (let i = 0; i < 20; i++) assert.ok(!Object.values(await freePorts(["a", "b"])).includes(takenPort));
  } finally {
    await new Promise((resolve) => taken.close(resolve));
  }
});
