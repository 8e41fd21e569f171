#!/usr/bin/env bash
# opencode.sh: starts opencode on the workshop gateway. It uses opencode.json, which setup.sh
# wrote in this folder, and hands opencode your key from .env in an environment variable, so the
# key is never written into a settings file. Anything after opencode.sh goes to opencode:
#
#   bash opencode.sh                        opencode in this folder
#   bash opencode.sh run "Describe ..."     one task, no questions asked
#
# opencode itself: `npm install -g opencode-ai` (or this script runs it with npx).

if [ -z "${BASH_VERSION:-}" ]; then
  if command -v bash >/dev/null 2>&1 && [ -f "$0" ]; then exec bash "$0" "$@"; fi
  printf '\nProblem: %s\nNext:    %s\n' "opencode.sh needs bash, and this shell is not bash." "run: bash opencode.sh (on Windows: in Git Bash)" >&2
  exit 2
fi
set +o posix
set -u

KIT_DIR=$(cd "$(dirname "$0")" && pwd)
ENV_FILE="$KIT_DIR/.env"
CONFIG="$KIT_DIR/opencode.json"

stop() {
  printf '\nProblem: %s\nNext:    %s\n' "$1" "$2" >&2
  exit 1
}

# The value of NAME in .env (the last line that sets it), without spaces, quotes or a Windows \r.
env_get() {
  sed -n "s/^[[:space:]]*$1[[:space:]]*=//p" "$ENV_FILE" | tail -n 1 | tr -d '\r' |
    sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' -e 's/^"\(.*\)"$/\1/' -e "s/^'\\(.*\\)'\$/\\1/"
}

[ -f "$CONFIG" ] && [ -f "$ENV_FILE" ] || stop "opencode's settings for the workshop are not written yet." "Run: bash setup.sh (it writes them once your agent is ready)"
# The variable opencode.json names ({env:NAME}): OCG_KEY, OPENAI_API_KEY or OPENCLAW_TOKEN.
KEY_NAME=$(sed -n 's/.*"apiKey":[[:space:]]*"{env:\([A-Z_]*\)}".*/\1/p' "$CONFIG" | head -n 1)
[ -n "$KEY_NAME" ] || stop "opencode.json does not say which key to use." "Run: bash setup.sh (it writes the file again)"
KEY=$(env_get "$KEY_NAME")
[ -n "$KEY" ] || stop "$KEY_NAME is empty in .env." "Run: bash setup.sh"
export "$KEY_NAME=$KEY"
cd "$KIT_DIR" || exit 1

if command -v opencode >/dev/null 2>&1; then exec opencode "$@"; fi
if command -v npx >/dev/null 2>&1; then exec npx --yes opencode-ai "$@"; fi
stop "opencode is not installed, and neither is Node.js (which installs it)." "Install Node.js from https://nodejs.org, run: npm install -g opencode-ai, then: bash opencode.sh (bash agent.sh works without it)"
