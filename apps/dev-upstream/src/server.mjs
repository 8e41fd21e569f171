// @ts-check
/**
 * dev-upstream: an offline OpenAI-compatible upstream SIMULATOR.
 * Stands in for OpenAI / an OpenClaw model provider; deterministic answers, no network.
 */
import { createServer } from 'node:http';
import { createRequestHandler } from './router.mjs';
import { createStats } from './stats.mjs';

/**
 * @typedef {object} DevUpstreamOptions
 * @property {number} [port=18999]    0 picks a free port
 * @property {string} [host='127.0.0.1']
 * @property {boolean} [quiet=true]   false: log one line per request to stdout
 * @property {string} [requireToken]  only `Authorization: Bearer <requireToken>` is accepted (simulates OpenClaw's operator token)
 * @property {{ baseMs: number, threshold: number }} [overload]  simulate a host that slows down as requests pile up (see router.mjs overloadedLatency)
 */

/**
 * @typedef {object} DevUpstream
 * @property {string} url             e.g. http://127.0.0.1:18999 (no trailing slash, no /v1)
 * @property {number} port
 * @property {() => Promise<void>} close  stops listening and destroys open sockets; idempotent
 * @property {import('./stats.mjs').DevUpstreamStats} stats
 */

/**
 * @param {DevUpstreamOptions} [options]
 * @returns {Promise<DevUpstream>}
 */
export async function startDevUpstream({ port = 18999, host = '127.0.0.1', quiet = true, requireToken, overload } = {}) {
  const stats = createStats();
  const server = createServer({ keepAlive: true, noDelay: true }, createRequestHandler({ stats, requireToken, quiet, overload }));
  server.keepAliveTimeout = 30_000;
  server.headersTimeout = 35_000;
  server.requestTimeout = 0; // long pauses/latency are the point

  /** @type {Set<import('node:net').Socket>} */
  const sockets = new Set();
  server.on('connection', (socket) => {
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(undefined);
    });
  });

  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const urlHost = host === '0.0.0.0' || host === '::' || host === '' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;

  /** @type {Promise<void> | null} */
  let closing = null;
  const close = () => {
    closing ??= new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
    });
    return closing;
  };

  return { url: `http://${urlHost}:${actualPort}`, port: actualPort, close, stats };
}
