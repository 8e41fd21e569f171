#!/usr/bin/env bash
# with-key.sh: runs a command with your gateway key from .env in its environment, as
# OCG_KEY — for the editors that read it from there to reach your agent (their MCP settings
# in this folder: .cursor/mcp.json, .mcp.json, and .windsurf/mcp_config.json once pasted into
# Windsurf's own). The key is never written into a settings file nor put on a command line.
#
#   bash with-key.sh cursor .       Cursor (quit Cursor first: a running Cursor keeps its old environment)
#   bash with-key.sh windsurf .     Windsurf (the same)
#   bash with-key.sh claude         Claude Code in this folder

if [ -z "${BASH_VERSION:-}" ]; then
  if command -v bash >/dev/null 2>&1 && [ -f "$0" ]; then exec bash "$0" "$@"; fi
  printf '\nProblem: %s\nNext:    %s\n' "with-key.sh needs bash, and this shell is not bash." "run: bash with-key.sh cursor . (on Windows: in Git Bash)" >&2
  exit 2
fi
set +o posix
set -u

KIT_DIR=$(cd "$(dirname "$0")" && pwd)
ENV_FILE="$KIT_DIR/.env"

stop() {
  printf '\nProblem: %s\nNext:    %s\n' "$1" "$2" >&2
  exit 1
}

# The value of NAME in .env (the last line that sets it), without spaces, quotes or a Windows \r.
env_get() {
  sed -n "s/^[[:space:]]*$1[[:space:]]*=//p" "$ENV_FILE" | tail -n 1 | tr -d '\r' |
    sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' -e 's/^"\(.*\)"$/\1/' -e "s/^'\\(.*\\)'\$/\\1/"
}

[ "$#" -gt 0 ] || stop "Say which program to start." "For example: bash with-key.sh cursor ."
[ -f "$ENV_FILE" ] || stop "There is no .env in this folder yet." "Run: bash setup.sh"
KEY=$(env_get OCG_KEY)
[ -n "$KEY" ] || stop "OCG_KEY is empty in .env: your editor needs a gateway key to reach your agent." "Run: bash setup.sh (it gets you one)"
command -v "$1" >/dev/null 2>&1 || stop "'$1' is not a command this terminal knows." "Install its shell command (in Cursor or VS Code: Command Palette, 'Shell Command: Install'), then run this again"
cd "$KIT_DIR" || exit 1
export OCG_KEY="$KEY"
exec "$@"
