// Free loopback ports for the servers a measurement starts (`npm run bench`, `npm run
// capacity`, `npm run profile`), asked of the system at the start of each run, so a run goes
// beside anything else on the machine — a second run, another checkout's tests, a `npm start`
// — instead of failing on a fixed port somebody else holds.
import net from "node:net";

/**
 * One free port on 127.0.0.1 per name, all different: every port is held until all are
 * found, then released for the servers to take.
 * @template {string} Name
 * @param {Name[]} names
 * @returns {Promise<Record<Name, number>>}
 */
export async function freePorts(names) {
  const held = [];
  try {
    for (let i = 0; i < names.length; i++) {
      held.push(await new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => resolve(server));
      }));
    }
    return Object.fromEntries(names.map((name, i) => [name, held[i].address().port]));
  } finally {
    await Promise.all(held.map((server) => new Promise((resolve) => server.close(() => resolve()))));
  }
}
