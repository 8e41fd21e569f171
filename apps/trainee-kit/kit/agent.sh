#!/usr/bin/env bash
# agent.sh: your first agent with nothing to install, only bash and curl: describe your
# business, get back a workflow you could hand to an AI agent, written out as it arrives.
# The same agent as agent.mjs (which needs Node.js), talking to the gateway in your .env the
# same way. Run bash setup.sh first; it checks everything this needs.
#
#   bash agent.sh                                 asks you, then lets you ask follow-ups
#   bash agent.sh "I run a small bakery..."       one answer for this description
#   echo "I run a small bakery..." | bash agent.sh

# `sh agent.sh` reads these first lines too (plain POSIX sh): they hand the script to bash.
if [ -z "${BASH_VERSION:-}" ]; then
  if command -v bash >/dev/null 2>&1 && [ -f "$0" ]; then exec bash "$0" "$@"; fi
  printf '\nProblem: %s\nNext:    %s\n' "agent.sh needs bash, and this shell is not bash." \
    "run: bash agent.sh (on Windows: in Git Bash, which comes with Git for Windows)" >&2
  exit 2
fi
set +o posix
set -u

KIT_DIR=$(cd "$(dirname "$0")" && pwd)
ENV_FILE="$KIT_DIR/.env"
DEFAULT_MODEL="gpt-4o-mini"
OPENCLAW_MODEL="openclaw/main"
INSTRUCTIONS="You are a friendly business-process coach at a hands-on AI workshop. The user describes their business. Reply with one concrete workflow they could hand to an AI agent this week: a short title, then 5 to 7 numbered steps (who or what does each step, what goes in, what comes out), and one sentence on how they will know it works. Plain words, no jargon."
SETUP_NEXT="Run: bash setup.sh (it checks your settings and says what to do)"

WORK=$(mktemp -d 2>/dev/null || mktemp -d -t ocg-agent)
trap 'rm -rf "$WORK"' EXIT
umask 077

stop() {
  printf '\nProblem: %s\nNext:    %s\n' "$1" "$2" >&2
  exit 1
}

# ---------- settings ----------

# A setting: from the shell's environment if set there (as agent.mjs does), else the last
# line of .env that sets it, without spaces, quotes or a Windows \r.
setting() {
  local from_shell=${!1:-}
  if [ -n "$from_shell" ]; then printf '%s' "$from_shell"; return 0; fi
  sed -n "s/^[[:space:]]*$1[[:space:]]*=//p" "$ENV_FILE" | tail -n 1 | tr -d '\r' |
    sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' -e 's/^"\(.*\)"$/\1/' -e "s/^'\\(.*\\)'\$/\\1/"
}

# ---------- JSON, in bash itself (no jq; a stream is read one event at a time) ----------

# The text as the inside of a JSON string.
json_escape() {
  local s=$1 bs='\' q='"' nl=$'\n' tab=$'\t' cr=$'\r'
  s=${s//"$bs"/"$bs$bs"}
  s=${s//"$q"/"$bs$q"}
  s=${s//"$nl"/"${bs}n"}
  s=${s//"$tab"/"${bs}t"}
  s=${s//"$cr"/}
  printf '%s' "$s"
}

# json_string_at TEXT: TEXT starts just after a JSON string's opening quote; sets RAW to the
# string up to its closing quote (escapes kept). A quote ends it unless an odd number of
# backslashes stands before it.
json_string_at() {
  local rest=$1 piece slashes
  RAW=""
  while :; do
    case "$rest" in *'"'*) ;; *) return 1 ;; esac
    piece=${rest%%\"*}
    rest=${rest#*\"}
    RAW="$RAW$piece"
    slashes=${piece##*[!\\]}
    [ $((${#slashes} % 2)) -eq 0 ] && return 0
    RAW="$RAW\""
  done
}

# utf8 CODEPOINT: the character, written as its UTF-8 bytes (bash 3.2's printf has no \u).
utf8() {
  local c=$1
  if [ "$c" -lt 128 ]; then
    printf "\\$(printf '%03o' "$c")"
  elif [ "$c" -lt 2048 ]; then
    printf "\\$(printf '%03o' $((192 + c / 64)))\\$(printf '%03o' $((128 + c % 64)))"
  elif [ "$c" -lt 65536 ]; then
    printf "\\$(printf '%03o' $((224 + c / 4096)))\\$(printf '%03o' $((128 + c / 64 % 64)))\\$(printf '%03o' $((128 + c % 64)))"
  else
    printf "\\$(printf '%03o' $((240 + c / 262144)))\\$(printf '%03o' $((128 + c / 4096 % 64)))\\$(printf '%03o' $((128 + c / 64 % 64)))\\$(printf '%03o' $((128 + c % 64)))"
  fi
}

# json_unescape RAW: sets TEXT to the string RAW stands for.
json_unescape() {
  local s=$1 c hex code low
  TEXT=""
  while :; do
    case "$s" in *\\*) ;; *) TEXT="$TEXT$s"; return 0 ;; esac
    TEXT="$TEXT${s%%\\*}"
    s=${s#*\\}
    c=${s:0:1}
    s=${s:1}
    case "$c" in
      n) TEXT="$TEXT"$'\n' ;;
      t) TEXT="$TEXT"$'\t' ;;
      r|b|f) ;;
      u)
        hex=${s:0:4}
        s=${s:4}
        code=$((16#$hex))
        # A character beyond the first 65536 (an emoji) comes as two \u escapes.
        if [ "$code" -ge 55296 ] && [ "$code" -lt 56320 ] && [ "${s:0:2}" = '\u' ]; then
          low=$((16#${s:2:4}))
          s=${s:6}
          code=$((65536 + (code - 55296) * 1024 + (low - 56320)))
        fi
        TEXT="$TEXT$(utf8 "$code")" ;;
      *) TEXT="$TEXT$c" ;;
    esac
  done
}

# json_field NAME JSON: sets TEXT to the first string field NAME in JSON (or fails).
json_field() {
  local after
  case "$2" in
    *"\"$1\":\""*) after=${2#*"\"$1\":\""} ;;
    *"\"$1\": \""*) after=${2#*"\"$1\": \""} ;;
    *) return 1 ;;
  esac
  json_string_at "$after" && json_unescape "$RAW"
}

# ---------- the gateway ----------

# auth_with "Header: value" ...: the headers every request sends, as a curl config file, so
# keys never show on a command line (`ps`).
auth_with() {
  : >"$WORK/auth"
  local h
  for h in "$@"; do printf 'header = "%s"\n' "$(json_escape "$h")" >>"$WORK/auth"; done
}

# get URL: sets STATUS and BODY (STATUS 000 when nothing answered).
get() {
  STATUS=$(curl -sS -o "$WORK/get" -w '%{http_code}' --connect-timeout 10 --max-time 20 -K "$WORK/auth" "$1" 2>/dev/null) || STATUS=000
  BODY=$(tr -d '\n\r' <"$WORK/get" 2>/dev/null)
}

# How to talk to the server at the URL, decided as setup.sh decides: the workshop gateway
# says in /health whether it wants your gateway key (it pays for the AI) or your own OpenAI
# key with your USER_ID; an OpenClaw run directly (path B) has no /health but a /healthz,
# and takes its own gateway token and the model "openclaw/main".
connect() {
  [ -f "$ENV_FILE" ] || stop "There is no .env file in the kit folder." "Run: bash setup.sh"
  BASE_URL=$(setting OPENCLAW_GATEWAY_URL | sed -e 's#/*$##' -e 's#/kit\.zip$##' -e 's#/join$##' -e 's#/v1$##' -e 's#/*$##')
  case "$BASE_URL" in
    http://?*|https://?*) ;;
    *) stop "OPENCLAW_GATEWAY_URL in .env is missing or not a web address." "Run: bash setup.sh" ;;
  esac
  MODEL=$(setting MODEL)
  [ -n "$MODEL" ] || MODEL=$DEFAULT_MODEL
  USER_FIELD=""
  auth_with
  get "$BASE_URL/health"
  case "$BODY" in
    *'"gateway":"organized-gateway"'*)
      case "$BODY" in
        *'"gateway_key_required":true'*)
          OCG_KEY=$(setting OCG_KEY)
          [ -n "$OCG_KEY" ] || stop "There is no gateway key (OCG_KEY) in .env yet." "Run: bash setup.sh"
          auth_with "Authorization: Bearer $OCG_KEY" ;;
        *)
          OPENAI_API_KEY=$(setting OPENAI_API_KEY)
          USER_ID=$(setting USER_ID)
          [ -n "$OPENAI_API_KEY" ] && [ -n "$USER_ID" ] || stop "OPENAI_API_KEY or USER_ID is empty in .env." "Run: bash setup.sh"
          auth_with "Authorization: Bearer $OPENAI_API_KEY" "X-User-ID: $USER_ID" ;;
      esac
      return 0 ;;
  esac
  get "$BASE_URL/healthz"
  if [ "$STATUS" = 200 ]; then
    OPENCLAW_TOKEN=$(setting OPENCLAW_TOKEN)
    [ -n "$OPENCLAW_TOKEN" ] || stop "Your OpenClaw needs its gateway token in OPENCLAW_TOKEN in .env." "Run: bash setup.sh"
    auth_with "Authorization: Bearer $OPENCLAW_TOKEN"
    MODEL=$OPENCLAW_MODEL
    USER_ID=$(setting USER_ID)
    [ -n "$USER_ID" ] && USER_FIELD=',"user":"'"$(json_escape "$USER_ID")"'"'
    return 0
  fi
  stop "Could not reach the gateway at $BASE_URL." "$SETUP_NEXT"
}

# One server-sent event's data: prints the words it carries (choices[0].delta.content) and
# keeps them in the answer file; an error event is kept for after the stream.
on_event() {
  local data=$1 delta
  case "$data" in
    '{"error":'*)
      json_field message "$data" || TEXT="the gateway reported an error mid-answer"
      printf '%s' "$TEXT" >"$WORK/stream-error"
      return 0 ;;
  esac
  case "$data" in
    *'"delta":{'*) delta=${data#*\"delta\":\{} ;;
    *'"delta": {'*) delta=${data#*\"delta\": \{} ;;
    *) return 0 ;;
  esac
  # "content" as a key of delta itself, not the tail of another key ("reasoning_content").
  case "$delta" in
    '"content":"'*|'"content": "'*|*',"content":"'*|*', "content": "'*) ;;
    *) return 0 ;;
  esac
  case "$delta" in
    '"content":"'*) delta=${delta#\"content\":\"} ;;
    '"content": "'*) delta=${delta#\"content\": \"} ;;
    *',"content":"'*) delta=${delta#*,\"content\":\"} ;;
    *) delta=${delta#*, \"content\": \"} ;;
  esac
  json_string_at "$delta" || return 0
  json_unescape "$RAW"
  printf '%s' "$TEXT"
  printf '%s' "$TEXT" >>"$WORK/answer"
}

# Reads the response line by line as it arrives (bash's read takes what is there, unbuffered).
read_stream() {
  local line
  while IFS= read -r line || [ -n "$line" ]; do
    line=${line%$'\r'}
    case "$line" in
      'data: [DONE]'|'data:[DONE]') ;;
      'data: '*) on_event "${line#data: }" ;;
      'data:'*) on_event "${line#data:}" ;;
      ''|:*|event:*|id:*|retry:*) ;;
      # Not an event stream: the gateway's JSON answer to a refused request.
      *) printf '%s' "$line" >>"$WORK/refusal" ;;
    esac
  done
}

# What to do after an HTTP error, by status.
next_for() {
  local wait
  case "$1" in
    429)
      wait=$(tr -d '\r' <"$WORK/headers" | sed -n 's/^[Rr]etry-[Aa]fter:[[:space:]]*\([0-9][0-9]*\).*/\1/p' | tail -n 1)
      printf 'Wait %s seconds, then run: bash agent.sh' "${wait:-60}" ;;
    500|502|503|504) printf '%s' "Nothing to fix on your side: the organiser is on it. Run bash agent.sh again in a few minutes." ;;
    *) printf '%s' "$SETUP_NEXT" ;;
  esac
}

# stream_answer: sends MESSAGES, prints the answer as it streams, sets ANSWER.
stream_answer() {
  local curl_exit status message
  : >"$WORK/answer"
  : >"$WORK/refusal"
  : >"$WORK/headers"
  rm -f "$WORK/stream-error"
  # include_usage: the gateway then logs real token counts and passes the stream through
  # untouched (the usage event has no choices, so on_event skips it).
  printf '%s' '{"model":"'"$(json_escape "$MODEL")"'","stream":true,"stream_options":{"include_usage":true},"messages":'"$MESSAGES$USER_FIELD"'}' >"$WORK/request.json"
  curl -sS -N -X POST -K "$WORK/auth" -H "Content-Type: application/json" -H "Accept: text/event-stream" \
    --data-binary "@$WORK/request.json" -D "$WORK/headers" --connect-timeout 10 --max-time 300 \
    "$BASE_URL/v1/chat/completions" 2>"$WORK/curl-error" | read_stream
  curl_exit=${PIPESTATUS[0]}
  printf '\n'
  status=$(tr -d '\r' <"$WORK/headers" | sed -n 's#^HTTP/[0-9.]* \([0-9][0-9]*\).*#\1#p' | tail -n 1)
  if [ -n "$status" ] && [ "$status" != 200 ]; then
    if json_field message "$(cat "$WORK/refusal")"; then message=$TEXT; else message="The gateway answered HTTP $status."; fi
    stop "$message" "$(next_for "$status")"
  fi
  if [ -f "$WORK/stream-error" ]; then
    stop "The answer stopped: $(cat "$WORK/stream-error")" "Run bash agent.sh again; if it happens again, tell the organiser."
  fi
  if [ "$curl_exit" -ne 0 ]; then
    case "$curl_exit" in
      6|7) stop "Could not reach the gateway at $BASE_URL." "Check your internet connection, then: $SETUP_NEXT" ;;
      28) stop "The gateway took too long to answer." "Run bash agent.sh again; if it happens again, tell the organiser." ;;
      *) stop "Lost the connection to the gateway ($(head -n 1 "$WORK/curl-error"))." "Check your internet connection, then run: bash agent.sh" ;;
    esac
  fi
  ANSWER=$(cat "$WORK/answer")
}

# ---------- main ----------

connect
INTERACTIVE=false
[ -t 0 ] && [ $# -eq 0 ] && INTERACTIVE=true

DESCRIPTION="$*"
if [ -z "$DESCRIPTION" ] && [ "$INTERACTIVE" = false ]; then DESCRIPTION=$(cat); fi
if [ -z "$DESCRIPTION" ] && [ "$INTERACTIVE" = true ]; then
  printf 'Describe your business in a sentence or two:\n> '
  IFS= read -r DESCRIPTION
fi
DESCRIPTION=$(printf '%s' "$DESCRIPTION" | tr -d '\r' | sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//')
[ -n "$DESCRIPTION" ] || stop "No business description was given." 'Run: bash agent.sh "I run a small bakery and ..."'

MESSAGES='[{"role":"system","content":"'"$(json_escape "$INSTRUCTIONS")"'"},{"role":"user","content":"'"$(json_escape "My business: $DESCRIPTION

What workflow should my first AI agent run?")"'"}]'
printf '\nYour workflow:\n\n'
stream_answer

while [ "$INTERACTIVE" = true ]; do
  printf '\nAsk a follow-up (or press Enter to finish):\n> '
  IFS= read -r FOLLOW_UP || break
  FOLLOW_UP=$(printf '%s' "$FOLLOW_UP" | tr -d '\r' | sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//')
  [ -n "$FOLLOW_UP" ] || break
  MESSAGES="${MESSAGES%]}"',{"role":"assistant","content":"'"$(json_escape "$ANSWER")"'"},{"role":"user","content":"'"$(json_escape "$FOLLOW_UP")"'"}]'
  printf '\n'
  stream_answer
done
