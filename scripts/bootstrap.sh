#!/usr/bin/env bash
# The seed runbook's `bash scripts/bootstrap.sh`: runs scripts/bootstrap.mjs with this
# repository's Node (wrangler needs Node >= 22; `npm install` puts one in node_modules).
# Same as `npm run bootstrap -- <args>`. Safe to re-run.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
node_bin="$root/node_modules/.bin/node"
if [ ! -x "$node_bin" ]; then
  echo "Run \`npm install\` in $root first (it brings the Node and wrangler this script uses)." >&2
  exit 1
fi
exec "$node_bin" "$root/scripts/bootstrap.mjs" "$@"
