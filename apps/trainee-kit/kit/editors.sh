#!/usr/bin/env bash
# editors.sh: writes the settings that put your workshop agent into the coding tools you open,
# from what setup.sh just proved works (setup.sh runs it; you do not need to):
#
#   .continue/assistants/openclaw-workshop.yaml   Continue (VS Code, Cursor, and its `cn` CLI)
#   .codex/config.toml                            OpenAI's Codex CLI (bash codex.sh): the gateway as its provider
#   .codex/openclaw-workshop.config.toml          the same as a Codex profile, for your own ~/.codex
#   opencode.json                                 opencode (bash opencode.sh): the gateway as its provider
#   .claude/settings.local.json                   Claude Code: the gateway's address, and the script
#                                                 (.claude/gateway-key.sh) that hands it your key
#   .vscode/mcp.json, .cursor/mcp.json, .mcp.json, .windsurf/mcp_config.json
#                                                 your agent as the editors' MCP tool: the gateway's
#                                                 /mcp address in each follows .env
#
# No key is written into any of them: Continue reads ${{ secrets.NAME }} from the .env in this
# folder, Codex and opencode read the environment variable that codex.sh / opencode.sh fill in
# from .env, and Claude Code asks .claude/gateway-key.sh, which reads .env. Only the address, the
# model, this folder's path and (with your own OpenAI key) your USER_ID are in these files.
#
# It prints one line per tool it set up, which setup.sh shows as its last lines.
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
      "# Codex's own calls home (update check, usage analytics, feedback) are off: the gateway is" \
      "# the only server it needs." \
      "check_for_update_on_startup = false" \
      ""
    codex_provider
    printf '%s\n' \
      "" \
      "[analytics]" \
      "enabled = false" \
      "" \
      "[feedback]" \
      "enabled = false"
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

# opencode: a provider on the gateway through its bundled OpenAI-compatible adapter. Its own
# update check and sharing are off: the workshop's gateway is the only server it needs.
opencode_config() {
  local headers=""
  [ -n "$SEND_USER_ID" ] && headers=", \"headers\": { \"X-User-ID\": $(quoted "$SEND_USER_ID") }"
  printf '%s\n' \
    "{" \
    "  \"\$schema\": \"https://opencode.ai/config.json\"," \
    "  \"autoupdate\": false," \
    "  \"share\": \"disabled\"," \
    "  \"model\": $(quoted "$PROVIDER_ID/$MODEL")," \
    "  \"small_model\": $(quoted "$PROVIDER_ID/$MODEL")," \
    "  \"provider\": {" \
    "    \"$PROVIDER_ID\": {" \
    "      \"npm\": \"@ai-sdk/openai-compatible\"," \
    "      \"name\": \"OpenClaw workshop gateway\"," \
    "      \"options\": { \"baseURL\": $(quoted "$GATEWAY_URL/v1"), \"apiKey\": \"{env:$KEY_NAME}\"$headers }," \
    "      \"models\": { $(quoted "$MODEL"): { \"name\": \"OpenClaw workshop agent\", \"tool_call\": true } }" \
    "    }" \
    "  }" \
    "}" | write opencode.json
}

# Claude Code speaks Anthropic's Messages API, which the workshop gateway serves on its agent
# route (gateway key) only: elsewhere its settings are removed. The key comes from apiKeyHelper,
# a command Claude Code runs (by its absolute path: Claude may start in a subfolder) and whose
# output it sends as X-Api-Key and as the bearer.
# The same file turns on the kit's MCP server `openclaw` (.mcp.json: your agent as a tool, its
# key ${OCG_KEY} from the environment bash with-key.sh gives it) without a prompt, lets its tools
# run without asking each time, and has Claude Code offer MCP tools up front: by default it
# holds them back behind its ToolSearch tool, which only Anthropic's own models can use to
# load them (a model behind the gateway never sees them).
claude_settings() {
  if [ "$AUTH" != gateway-key ]; then
    rm -f "$KIT_DIR/.claude/settings.local.json"
    return 0
  fi
  local helper
  helper="bash '$(printf '%s' "$KIT_DIR/.claude/gateway-key.sh" | sed "s/'/'\\\\''/g")' $KEY_NAME"
  printf '%s\n' \
    "{" \
    "  \"apiKeyHelper\": $(quoted "$helper")," \
    "  \"enabledMcpjsonServers\": [\"openclaw\"]," \
    "  \"permissions\": { \"allow\": [\"mcp__openclaw\"] }," \
    "  \"env\": {" \
    "    \"ANTHROPIC_BASE_URL\": $(quoted "$GATEWAY_URL")," \
    "    \"CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC\": \"1\"," \
    "    \"DISABLE_AUTOUPDATER\": \"1\"," \
    "    \"ENABLE_TOOL_SEARCH\": \"false\"" \
    "  }" \
    "}" | write .claude/settings.local.json
}

# The editors' MCP files ship pointing at the gateway the kit came from (or, in a copy of the
# repository's kit/, at a placeholder); like the settings above they follow .env: the address in
# each (`"url"`, Windsurf's `"serverUrl"`) becomes GATEWAY_URL/mcp. Through an OpenClaw reached
# directly (path B) they are left as they are: OpenClaw has no /mcp.
MCP_FILES=".vscode/mcp.json .cursor/mcp.json .mcp.json .windsurf/mcp_config.json"
mcp_files() {
  [ "$AUTH" = openclaw ] && return 0
  local address file
  # JSON-escaped (\ and "), then escaped for sed's replacement (\, & and the | delimiter).
  address=$(printf '%s' "$GATEWAY_URL/mcp" | sed -e 's/[\\"]/\\&/g' -e 's/[\\&|]/\\&/g')
  for file in $MCP_FILES; do
    [ -f "$KIT_DIR/$file" ] || continue
    sed -e "s|\"url\": \"[^\"]*\"|\"url\": \"$address\"|" -e "s|\"serverUrl\": \"[^\"]*\"|\"serverUrl\": \"$address\"|" \
      "$KIT_DIR/$file" | write "$file" || return 1
  done
}

continue_config && codex_config && opencode_config && claude_settings && mcp_files || exit 1
# What setup.sh shows as its last lines: the tools proven to work on this kind of server, and
# how to start each from this folder. With a gateway key, all four through the gateway's agent
# route (the gateway's test/e2e/agent-tools.test.ts runs each, tool loop included, through a real
# OpenClaw); on a pass-through gateway (BYOK), Codex and Continue, which reach the provider as
# they are. Through an OpenClaw reached directly (path B), none: it refuses their tools.
say_tool() { printf '  %-14s%s\n' "$1" "$2"; }
case "$AUTH" in
  gateway-key)
    say_tool "Claude Code:" "claude    (one task: claude -p \"...\")"
    say_tool "Codex CLI:" "bash codex.sh    (one task: bash codex.sh exec \"...\")"
    say_tool "opencode:" "bash opencode.sh    (one task: bash opencode.sh run \"...\")"
    say_tool "Continue:" "its extension in VS Code or Cursor, or: cn --config .continue/assistants/openclaw-workshop.yaml" ;;
  byok)
    say_tool "Codex CLI:" "bash codex.sh    (one task: bash codex.sh exec \"...\")"
    say_tool "Continue:" "its extension in VS Code or Cursor" ;;
esac
