#!/usr/bin/env bash
# codex.sh: starts OpenAI's Codex CLI on the workshop gateway. It uses the settings setup.sh
# wrote in .codex/ (this kit folder is Codex's home while it runs: its sessions stay here too)
# and hands Codex your key from .env in an environment variable, so the key is never written
# into a settings file. Anything after codex.sh goes to Codex:
#
#   bash codex.sh                         Codex in this folder
#   bash codex.sh exec "Describe ..."     one task, no questions asked
#
# Codex itself needs Node.js: `npm install -g @openai/codex` (or this script runs it with npx).

if [ -z "${BASH_VERSION:-}" ]; then
  if command -v bash >/dev/null 2>&1 && [ -f "$0" ]; then exec bash "$0" "$@"; fi
  printf '\nProblem: %s\nNext:    %s\n' "codex.sh needs bash, and this shell is not bash." "run: bash codex.sh (on Windows: in Git Bash)" >&2
  exit 2
fi
set +o posix
set -u

KIT_DIR=$(cd "$(dirname "$0")" && pwd)
ENV_FILE="$KIT_DIR/.env"
CONFIG="$KIT_DIR/.codex/config.toml"

stop() {
  printf '\nProblem: %s\nNext:    %s\n' "$1" "$2" >&2
  exit 1
}

# The value of NAME in .env (the last line that sets it), without spaces, quotes or a Windows \r.
env_get() {
  sed -n "s/^[[:space:]]*$1[[:space:]]*=//p" "$ENV_FILE" | tail -n 1 | tr -d '\r' |
    sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' -e 's/^"\(.*\)"$/\1/' -e "s/^'\\(.*\\)'\$/\\1/"
}

[ -f "$CONFIG" ] && [ -f "$ENV_FILE" ] || stop "Codex's settings for the workshop are not written yet." "Run: bash setup.sh (it writes them once your agent is ready)"
# The variable the settings name (env_key): OCG_KEY, OPENAI_API_KEY or OPENCLAW_TOKEN.
KEY_NAME=$(sed -n 's/^env_key[[:space:]]*=[[:space:]]*"\([A-Z_]*\)".*/\1/p' "$CONFIG" | head -n 1)
[ -n "$KEY_NAME" ] || stop ".codex/config.toml does not say which key to use." "Run: bash setup.sh (it writes the file again)"
KEY=$(env_get "$KEY_NAME")
[ -n "$KEY" ] || stop "$KEY_NAME is empty in .env." "Run: bash setup.sh"
export "$KEY_NAME=$KEY"
export CODEX_HOME="$KIT_DIR/.codex"
# `codex exec` refuses to start outside a git repository (this folder is not one) unless told
# it may: the kit folder is the attendee's own project.
case "${1:-}" in
  exec|e) set -- "$1" --skip-git-repo-check "${@:2}" ;;
esac

if command -v codex >/dev/null 2>&1; then exec codex "$@"; fi
if command -v npx >/dev/null 2>&1; then exec npx --yes @openai/codex "$@"; fi
stop "Codex is not installed, and neither is Node.js (which it needs)." "Install Node.js from https://nodejs.org, run: npm install -g @openai/codex, then: bash codex.sh (bash agent.sh works without it)"
