#!/usr/bin/env bash
# editors.sh: writes the settings that put your workshop agent into the tools you open, from
# what setup.sh just proved works (setup.sh runs it; you do not need to):
#
#   .continue/assistants/openclaw-workshop.yaml   Continue (VS Code, Cursor): a model on the gateway
#   .codex/config.toml                            OpenAI's Codex CLI: the gateway as a custom provider
#   .codex/openclaw-workshop.config.toml          the same as a Codex profile, for your own ~/.codex
#   .claude/agents/project-agent.json             its base_url follows OPENCLAW_GATEWAY_URL
#
# No key is written into any of them: Continue reads ${{ secrets.NAME }} from the .env in this
# folder, and Codex reads the environment variable that codex.sh fills in from .env. Only
# the address, the model and (with your own OpenAI key) your USER_ID are in these files.
#
#   bash editors.sh gateway-key|byok|openclaw GATEWAY_URL [MODEL] [USER_ID]

if [ -z "${BASH_VERSION:-}" ]; then
  if command -v bash >/dev/null 2>&1 && [ -f "$0" ]; then exec bash "$0" "$@"; fi
  printf '%s\n' "editors.sh needs bash: run: bash setup.sh" >&2
  exit 2
fi
set +o posix
set -u

KIT_DIR=$(cd "$(dirname "$0")" && pwd)
AUTH=${1:-}
GATEWAY_URL=${2:-}
MODEL=${3:-}
USER_ID=${4:-}
PROVIDER_ID="openclaw-workshop"
DEFAULT_MODEL="gpt-4o-mini"
OPENCLAW_MODEL="openclaw/main"
INSTRUCTIONS="You are a friendly business-process coach. The user describes their business; reply with one concrete workflow they could hand to an AI agent this week: a title, 5 to 7 numbered steps, and how they will know it works."

# Which .env variable holds the key for this kind of server, and what the tools send with it.
case "$AUTH" in
  gateway-key) KEY_NAME=OCG_KEY ;;
  byok) KEY_NAME=OPENAI_API_KEY ;;
  openclaw) KEY_NAME=OPENCLAW_TOKEN; MODEL=$OPENCLAW_MODEL ;;
  *) printf '%s\n' "usage: bash editors.sh gateway-key|byok|openclaw GATEWAY_URL [MODEL] [USER_ID]" >&2; exit 2 ;;
esac
[ -n "$GATEWAY_URL" ] || { printf '%s\n' "editors.sh: no GATEWAY_URL given" >&2; exit 2; }
[ -n "$MODEL" ] || MODEL=$DEFAULT_MODEL
# BYOK gateways tell attendees apart by X-User-ID; everywhere else the key says who you are.
SEND_USER_ID=""
[ "$AUTH" = byok ] && SEND_USER_ID=$USER_ID

# A double-quoted string as both YAML and TOML read it (backslashes and quotes escaped).
quoted() { printf '"%s"' "$(printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g')"; }

# write FILE: its new text from stdin, put in place whole (a temporary file, then moved).
write() {
  mkdir -p "$(dirname "$KIT_DIR/$1")" && cat >"$KIT_DIR/$1.tmp.$$" && mv "$KIT_DIR/$1.tmp.$$" "$KIT_DIR/$1" || {
    rm -f "$KIT_DIR/$1.tmp.$$"
    printf '%s\n' "Could not write $1 in the kit folder." >&2
    return 1
  }
}

# apiBase ends in / so that a path resolved against it ("chat/completions") keeps the /v1.
continue_config() {
  {
    printf '%s\n' \
      "# Continue (VS Code, Cursor): your workshop agent as a model. Written by setup.sh from .env;" \
      "# run bash setup.sh again after changing .env. Open this kit folder itself in your editor:" \
      "# Continue then reads \${{ secrets.$KEY_NAME }} from the .env here, so no key is in this file." \
      "name: OpenClaw workshop" \
      "version: 1.0.0" \
      "schema: v1" \
      "models:" \
      "  - name: OpenClaw workshop agent" \
      "    provider: openai" \
      "    model: $(quoted "$MODEL")" \
      "    apiBase: $(quoted "$GATEWAY_URL/v1/")" \
      "    apiKey: \${{ secrets.$KEY_NAME }}" \
      "    roles:" \
      "      - chat" \
      "      - edit" \
      "      - apply"
    if [ -n "$SEND_USER_ID" ]; then
      printf '%s\n' \
        "    requestOptions:" \
        "      headers:" \
        "        X-User-ID: $(quoted "$SEND_USER_ID")"
    fi
    printf '%s\n' \
      "prompts:" \
      "  - name: workflow" \
      "    description: Describe your business, get a workflow for your first AI agent" \
      "    prompt: $(quoted "$INSTRUCTIONS Here is my business:")"
  } | write .continue/assistants/openclaw-workshop.yaml
}

# The provider table, shared by the config file and the profile.
codex_provider() {
  printf '%s\n' \
    "[model_providers.$PROVIDER_ID]" \
    "name = \"OpenClaw workshop gateway\"" \
    "base_url = $(quoted "$GATEWAY_URL/v1")" \
    "env_key = \"$KEY_NAME\"" \
    "env_key_instructions = \"Start Codex from the kit folder with: bash codex.sh (it hands Codex $KEY_NAME from .env)\"" \
    "wire_api = \"responses\""
  [ -n "$SEND_USER_ID" ] && printf '%s\n' "http_headers = { \"X-User-ID\" = $(quoted "$SEND_USER_ID") }"
  return 0
}

codex_config() {
  {
    printf '%s\n' \
      "# OpenAI Codex CLI on the workshop gateway. Written by setup.sh from .env; run bash setup.sh" \
      "# again after changing .env. Start it with: bash codex.sh (Codex then reads this folder as" \
      "# its home, and gets $KEY_NAME from .env in its environment: no key is in this file)." \
      "model = $(quoted "$MODEL")" \
      "model_provider = \"$PROVIDER_ID\"" \
      ""
    codex_provider
  } | write .codex/config.toml &&
  {
    printf '%s\n' \
      "# The same settings as a Codex profile, for your own Codex home: copy this file to" \
      "# ~/.codex/$PROVIDER_ID.config.toml, then run: $KEY_NAME=<your key> codex --profile $PROVIDER_ID" \
      "model = $(quoted "$MODEL")" \
      "model_provider = \"$PROVIDER_ID\"" \
      ""
    codex_provider
  } | write ".codex/$PROVIDER_ID.config.toml"
}

# The editor agent file keeps its shape; only its address follows .env (paths B and C).
claude_agent() {
  local file="$KIT_DIR/.claude/agents/project-agent.json"
  [ -f "$file" ] || return 0
  # Still the template: this is the kit's source folder, not a downloaded kit.
  grep -q '{{GATEWAY_URL}}' "$file" && return 0
  # The line is rebuilt rather than substituted: an & in the address would mean something to sub().
  BASE_URL="$GATEWAY_URL/v1" awk '
    /^[ \t]*"base_url":/ {
      print substr($0, 1, index($0, "\"base_url\"") - 1) "\"base_url\": \"" ENVIRON["BASE_URL"] "\"" ($0 ~ /,[ \t]*$/ ? "," : "")
      next
    }
    { print }
  ' "$file" | write .claude/agents/project-agent.json
}

continue_config && codex_config && claude_agent
