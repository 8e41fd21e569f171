#!/usr/bin/env bash
# gateway-key.sh NAME: prints the value of NAME (OCG_KEY) from the .env of this kit folder.
# Claude Code runs it (apiKeyHelper in .claude/settings.local.json, written by setup.sh) to get
# the key it sends to the workshop gateway, so the key stays in .env and in no settings file.
ENV_FILE="$(cd "$(dirname "$0")/.." && pwd)/.env"
NAME=${1:-OCG_KEY}
KEY=$(sed -n "s/^[[:space:]]*$NAME[[:space:]]*=//p" "$ENV_FILE" 2>/dev/null | tail -n 1 | tr -d '\r' |
  sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' -e 's/^"\(.*\)"$/\1/' -e "s/^'\\(.*\\)'\$/\\1/")
if [ -z "$KEY" ]; then
  printf '%s\n' "$NAME is empty in $ENV_FILE: run bash setup.sh in the kit folder first." >&2
  exit 1
fi
printf '%s\n' "$KEY"
