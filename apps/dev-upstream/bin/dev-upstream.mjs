#!/usr/bin/env node
// @ts-check
/** CLI for the dev-upstream simulator. */
import { parseArgs } from 'node:util';
import { startDevUpstream } from '../src/server.mjs';

const USAGE = `Usage: ocg-dev-upstream [--port N] [--host H] [--require-token T] [--verbose]
  --port N            listen port (default: $DEV_UPSTREAM_PORT or 18999; 0 = any free port)
  --host H            listen address (default 127.0.0.1)
  --require-token T   only accept "Authorization: Bearer T" (default: $DEV_UPSTREAM_TOKEN; unset = any)
  --verbose           log one line per request`;

/** @type {ReturnType<typeof parseArgs>['values']} */
let values;
try {
  ({ values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      'require-token': { type: 'string' },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }));
} catch (err) {
  console.error(`${/** @type {Error} */ (err).message}\n${USAGE}`);
  process.exit(2);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const portText = /** @type {string | undefined} */ (values.port) ?? process.env.DEV_UPSTREAM_PORT ?? '18999';
const port = Number(portText);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`Invalid port: ${portText}\n${USAGE}`);
  process.exit(2);
}
const requireToken = /** @type {string | undefined} */ (values['require-token']) || process.env.DEV_UPSTREAM_TOKEN || undefined;

const upstream = await startDevUpstream({
  port,
  host: /** @type {string} */ (values.host),
  quiet: !values.verbose,
  requireToken,
}).catch((err) => {
  console.error(`dev upstream failed to start: ${err.message}`);
  process.exit(1);
});

console.log(`dev upstream (OpenAI-compatible simulator) listening on ${upstream.url}`);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  upstream.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
