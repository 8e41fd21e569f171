#!/usr/bin/env bash
# setup.sh: checks your .env, connects you to the workshop gateway, gets your personal
# gateway key, sends one real test request and prints "Agent ready." Then it writes the
# settings your editor's AI tools need (editors.sh), so they talk to the same gateway.
#
# Boring on purpose so it runs the same on macOS (bash 3.2), Linux and Git Bash on Windows:
# it needs only curl. It changes .env (to save what you typed and your key) and the editor
# settings; nothing outside this folder. Running it again after it worked is harmless: it
# reuses the key saved in .env.
#
# `bash setup.sh --auth codex` also connects your own model account (a Claude or ChatGPT
# subscription's token, or an API key): the gateway keeps it encrypted, and your turns are
# paid by it. On a gateway that works only with attendees' own accounts, plain
# `bash setup.sh` does the same when you have none connected yet.
#
# On a gateway where attendees pay for their own turns (its /health says paid_by: attendee),
# plain `bash setup.sh` registers your OPENAI_API_KEY the same way, as your model credential.
# It stays in .env: run setup.sh again after changing it and the gateway takes the new one.
# An account you connected with --auth codex stays the one that pays.
#
# With you at the keyboard, a value that turns out wrong (the event code, a name that is taken
# or not usable, a key of the wrong shape or one OpenAI refused) is asked again on the spot:
# setup.sh shows what it will write, saves it into .env itself and carries on. Run from a
# script or a pipe (no terminal), it stops instead with the Problem/Next lines below.
#
# Exit codes: 0 ready; 2 .env missing or a value wrong; 3 gateway unreachable or wrong URL;
# 4 the gateway refused this USER_ID or the enrollment (event code, taken, revoked, paused,
# full, closed), or takes no own accounts; 5 a key or token rejected; 6 rate-limited; 7 the
# AI server behind the gateway is down; 1 anything else.

# `sh setup.sh` (dash, zsh...) reads these first lines too, so they are plain POSIX sh: they
# hand the script to bash before any line that only bash understands is read.
if [ -z "${BASH_VERSION:-}" ]; then
  if command -v bash >/dev/null 2>&1 && [ -f "$0" ]; then exec bash "$0" "$@"; fi
  printf '\nProblem: %s\nNext:    %s\n' "setup.sh needs bash, and this shell is not bash." \
    "run: bash setup.sh (on Windows: in Git Bash, which comes with Git for Windows)" >&2
  exit 2
fi
# macOS's `sh` is bash in POSIX mode; the rest is written for bash as bash.
set +o posix

set -u

# --auth codex: connect your own model account (see above). Nothing else is an option.
AUTH_CODEX=""
# The options as given, to run again with after a value was fixed on the spot.
ARGS=("$@")
# yes: this gateway's OpenClaw is paid by your own OpenAI key (paid_by: attendee, see above).
OWN_KEY=""
while [ $# -gt 0 ]; do
  case "$1" in
    --auth=codex) AUTH_CODEX=asked ;;
    --auth) [ "${2:-}" = codex ] || { printf '\nProblem: %s\nNext:    %s\n' "--auth takes one value: codex." "run: bash setup.sh --auth codex (or just: bash setup.sh)" >&2; exit 2; }
      AUTH_CODEX=asked; shift ;;
    *) printf '\nProblem: %s\nNext:    %s\n' "setup.sh does not know the option '$1'." "run: bash setup.sh (or: bash setup.sh --auth codex to connect your own model account)" >&2; exit 2 ;;
  esac
  shift
done

KIT_DIR=$(cd "$(dirname "$0")" && pwd)
ENV_FILE="$KIT_DIR/.env"
EXAMPLE_FILE="$KIT_DIR/.env.example"
TEST_MODEL="gpt-4o-mini"
OPENCLAW_MODEL="openclaw/main"
AGAIN="then run: bash setup.sh"
[ -n "$AUTH_CODEX" ] && AGAIN="then run: bash setup.sh --auth codex"
RECONNECT="bash setup.sh --auth codex"
# Where Codex keeps its ChatGPT sign-in (`codex login`).
CODEX_AUTH_FILE="${CODEX_HOME:-${HOME:-.}/.codex}/auth.json"
# What Windows and Notepad make of ".env": a file setup.sh would otherwise never see.
MISNAMED_ENV_FILES=".env.txt env env.txt .env.env"
# How often, and how long each time, one step waits its turn when the gateway asks it to come
# back later (Retry-After): a room enrolling from one network, an agent server setting up many
# attendees' accounts at once. Longer than that, and the attendee is told to wait and re-run.
TURN_WAITS=3
TURN_MAX_WAIT=60
TURN_WAITED=0

# Someone at the keyboard: a wrong value is asked again instead of ending the run.
INTERACTIVE=false
[ -t 0 ] && INTERACTIVE=true

WORK=$(mktemp -d 2>/dev/null || mktemp -d -t ocg-setup)
TTY_SAVED=""
# The terminal as it was before a hidden question turned echo off (nothing to do otherwise).
restore_tty() {
  [ -n "$TTY_SAVED" ] && stty "$TTY_SAVED" 2>/dev/null
  TTY_SAVED=""
}
trap 'restore_tty; rm -rf "$WORK"' EXIT
umask 077

# ---------- output ----------

say() { printf '%s\n' "$*"; }

# fail CODE "what went wrong" "the one thing to do next"
fail() {
  printf '\nProblem: %s\nNext:    %s\n' "$2" "$3" >&2
  exit "$1"
}

# A key shown safely: its first 6 and last 4 characters, never the whole key.
mask() {
  local v=$1 n=${#1}
  if [ "$n" -ge 14 ]; then printf '%s...%s' "${v:0:6}" "${v:$((n - 4))}"; else printf '%s...' "${v:0:3}"; fi
}

# The text without surrounding spaces, a Windows \r, or one pair of quotes around it: what
# people paste ("sk-..." copied from a password manager) means the value inside.
unquote() {
  printf '%s' "$1" | tr -d '\r' |
    sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' -e 's/^"\(.*\)"$/\1/' -e "s/^'\\(.*\\)'\$/\\1/"
}

# ---------- .env ----------

# The value of NAME in .env (the last line that sets it), unquoted.
env_get() {
  unquote "$(sed -n "s/^[[:space:]]*$1[[:space:]]*=//p" "$ENV_FILE" | tail -n 1)"
}

# Sets NAME=VALUE in .env: replaces its line, or adds one. Other lines stay exactly as they
# were. Written to a temporary file, then moved, so .env is never left half-written.
env_set() {
  local tmp="$ENV_FILE.tmp.$$"
  SET_NAME=$1 SET_VALUE=$2 awk '
    BEGIN { name = ENVIRON["SET_NAME"]; value = ENVIRON["SET_VALUE"]; done = 0 }
    !done && $0 ~ ("^[ \t]*" name "[ \t]*=") { print name "=" value; done = 1; next }
    { print }
    END { if (!done) print name "=" value }
  ' "$ENV_FILE" >"$tmp" && mv "$tmp" "$ENV_FILE" ||
    fail 2 "Could not save $1 into $ENV_FILE." "Check that the kit folder is not read-only (move it to your Documents folder), $AGAIN"
}

# ask "question" [secret]: reads one line into ANSWER (unquoted, like .env values); fails
# (returns 1) when nothing is typed.
ask() {
  ANSWER=""
  if [ "${2:-}" = secret ]; then
    # Echo goes off before the question shows (read -s turns it off only after printing it),
    # so a key pasted the moment the question appears is never on the screen; the terminal's
    # settings come back after the answer, and at exit if the run is stopped while asking.
    TTY_SAVED=$(stty -g 2>/dev/null) && stty -echo 2>/dev/null || TTY_SAVED=""
    printf '%s' "$1" >&2
    IFS= read -r -s ANSWER
    restore_tty
    printf '\n' >&2
  else
    printf '%s' "$1" >&2
    IFS= read -r ANSWER
  fi
  ANSWER=$(unquote "$ANSWER")
  [ -n "$ANSWER" ]
}

# save NAME VALUE [secret]: shows the line it writes into .env (a key masked), then writes it.
save() {
  local shown=$2
  [ "${3:-}" = secret ] && shown=$(mask "$2")
  say "Saving in .env: $1=$shown"
  env_set "$1" "$2"
}

# again CODE "problem" "next" "question" [secret]: at a terminal, says what is wrong and asks
# again (sets ANSWER); an empty answer, or no terminal, ends the run with Problem/Next.
again() {
  [ "$INTERACTIVE" = true ] || fail "$1" "$2" "$3"
  printf '\nProblem: %s\n' "$2" >&2
  ask "$4" "${5:-}" || fail "$1" "$2" "$3"
}

# rerun: after a value the gateway refused was fixed and saved, runs setup.sh again from the
# start with it (every step is safe to repeat; everything it knows is in .env).
rerun() {
  say "Trying again with it..."
  rm -rf "$WORK"
  exec "${BASH:-bash}" "$KIT_DIR/setup.sh" ${ARGS[@]+"${ARGS[@]}"}
}

# need NAME "question" "what it is, for the error" [secret|""] [check]: the value from .env,
# or asks for it, checks its shape and saves it. Sets VALUE.
need() {
  VALUE=$(env_get "$1")
  [ -n "$VALUE" ] && return 0
  if ask "$2" "${4:-}"; then
    VALUE=$ANSWER
    # The gateway folds ids to lower case; saving them that way shows what it will use.
    [ "$1" = USER_ID ] && VALUE=$(lower "$VALUE")
    CHANGED=""
    [ -n "${5:-}" ] && "$5" "$VALUE"
    # A check that asked again has saved what was typed in the end.
    [ -n "$CHANGED" ] || save "$1" "$VALUE" "${4:-}"
    return 0
  fi
  fail 2 "$1 is empty in .env ($3)." "Open .env in the kit folder, put it right after $1=, save, $AGAIN"
}

# ---------- checks on each value's shape ----------
# Each check_NAME VALUE sets VALUE: the value itself when it is fine; at a terminal, what was
# typed instead (checked again, saved into .env); otherwise it ends the run.

lower() { printf '%s' "$1" | tr 'A-Z' 'a-z'; }

check_url() {
  case "$1" in
    *" "*) fail 2 "OPENCLAW_GATEWAY_URL has a space in it: '$1'." "Copy the gateway address again from the join page into OPENCLAW_GATEWAY_URL in .env, $AGAIN" ;;
    *'"'*|*\\*) fail 2 "OPENCLAW_GATEWAY_URL has a quote or a backslash in it: '$1'." "Copy the gateway address again from the join page into OPENCLAW_GATEWAY_URL in .env, $AGAIN" ;;
    http://?*|https://?*) ;;
    *) fail 2 "OPENCLAW_GATEWAY_URL is not a web address: '$1' (it must start with https://)." "Copy the gateway address from the join page (it starts with https://) into OPENCLAW_GATEWAY_URL in .env, $AGAIN" ;;
  esac
}

# Accepts the join page's or the API's address too: what is pasted is often one of those.
normalize_url() {
  printf '%s' "$1" | sed -e 's#/*$##' -e 's#/kit\.zip$##' -e 's#/join$##' -e 's#/v1$##' -e 's#/*$##'
}

KEY_QUESTION="Your OpenAI API key (starts with sk-; hidden while you paste): "
NAME_QUESTION="Your first name (e.g. sam): "

# CHANGED is "yes" when the check asked again and saved what was typed.
CHANGED=""

check_openai_key() {
  VALUE=$1
  CHANGED=""
  while ! printf '%s' "$VALUE" | grep -Eq '^sk-[A-Za-z0-9_-]{8,}$'; do
    again 2 "OPENAI_API_KEY does not look like an OpenAI key ($(mask "$VALUE")): it must start with sk- and have no spaces." "Copy your key again from https://platform.openai.com/api-keys into OPENAI_API_KEY in .env, $AGAIN" "$KEY_QUESTION" secret
    VALUE=$ANSWER
    CHANGED=yes
  done
  [ -z "$CHANGED" ] || save OPENAI_API_KEY "$VALUE" secret
}

check_user_id() {
  VALUE=$1
  CHANGED=""
  while ! printf '%s' "$VALUE" | grep -Eq '^[A-Za-z0-9._-]{1,64}$' || [ "$VALUE" = anonymous ]; do
    again 2 "USER_ID '$VALUE' is not usable: use letters, digits, dots or dashes only (no spaces), e.g. sam or sam-k." "Put your first name in USER_ID in .env (e.g. USER_ID=sam), $AGAIN" "$NAME_QUESTION"
    VALUE=$(lower "$ANSWER")
    CHANGED=yes
  done
  [ -z "$CHANGED" ] || save USER_ID "$VALUE"
}

check_gateway_key() {
  if ! printf '%s' "$1" | grep -Eq '^ocg_[A-Za-z0-9._-]+_[A-Za-z0-9]{40}$'; then
    fail 2 "OCG_KEY in .env is not a complete gateway key ($(mask "$1"))." "Empty the OCG_KEY line in .env (leave just OCG_KEY=) so setup.sh gets you a new key, $AGAIN"
  fi
}

# An email is optional: at a terminal, an empty answer leaves it out (VALUE empty).
check_email() {
  VALUE=$1
  CHANGED=""
  while [ -n "$VALUE" ] && ! printf '%s' "$VALUE" | grep -Eq '^[^[:space:]"\\@]+@[^[:space:]"\\@]+\.[^[:space:]"\\@]+$'; do
    [ "$INTERACTIVE" = true ] || fail 2 "EMAIL in .env does not look like an email address: '$VALUE'." "Fix EMAIL in .env (e.g. EMAIL=sam@example.com), or leave it empty, $AGAIN"
    printf '\nProblem: %s\n' "'$VALUE' does not look like an email address." >&2
    ask "Your email (e.g. sam@example.com), or press Enter to leave it out: " || ANSWER=""
    VALUE=$ANSWER
    CHANGED=yes
  done
  [ -z "$CHANGED" ] || save EMAIL "$VALUE"
}

# ---------- HTTP ----------

# request METHOD URL [JSON body]: sets STATUS, BODY, RETRY_AFTER (and CURL_EXIT). Any
# Authorization/X-User-ID go through a curl config file in $WORK, so keys never show in `ps`.
request() {
  local args
  args=(-sS -o "$WORK/body" -D "$WORK/headers" -w '%{http_code}' --connect-timeout 10 --max-time 90 -X "$1" -K "$WORK/auth")
  [ $# -ge 3 ] && args+=(-H "Content-Type: application/json" --data-binary "$3")
  : >"$WORK/body"
  : >"$WORK/headers"
  STATUS=$(curl "${args[@]}" "$2" 2>"$WORK/curl-error")
  CURL_EXIT=$?
  BODY=$(tr -d '\n\r' <"$WORK/body")
  RETRY_AFTER=$(tr -d '\r' <"$WORK/headers" | sed -n 's/^[Rr]etry-[Aa]fter:[[:space:]]*\([0-9][0-9]*\).*/\1/p' | tail -n 1)
}

# auth_with "Header: value" ...: the headers the next request sends (as curl config lines,
# which every curl version reads; quotes and backslashes escaped).
auth_with() {
  : >"$WORK/auth"
  local h
  for h in "$@"; do
    printf 'header = "%s"\n' "$(json_escape "$h")" >>"$WORK/auth"
  done
}

# The text with backslashes and double quotes escaped, as JSON and curl config strings want.
json_escape() { printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g'; }

# json_text NAME: the string field NAME in BODY (JSON escapes of quotes undone). Our bodies
# are small and flat enough that each name we read appears once.
json_text() {
  printf '%s' "$BODY" | sed -nE 's/.*"'"$1"'"[[:space:]]*:[[:space:]]*"(([^"\\]|\\.)*)".*/\1/p' | head -n 1 |
    sed -e 's/\\"/"/g' -e 's/\\\\/\\/g'
}

json_true() { printf '%s' "$BODY" | grep -Eq '"'"$1"'"[[:space:]]*:[[:space:]]*true'; }

# wait_turn STATUS:code "what is going on": when the last answer was that refusal, with a
# Retry-After setup.sh waits out by itself (see TURN_WAITS; the caller sets TURN_WAITED=0
# before its first try), says so, waits, and returns 0 to try again; otherwise returns 1.
wait_turn() {
  [ "$STATUS:$(json_text code)" = "$1" ] && [ "$TURN_WAITED" -lt "$TURN_WAITS" ] &&
    [ "${RETRY_AFTER:-0}" -ge 1 ] && [ "$RETRY_AFTER" -le "$TURN_MAX_WAIT" ] || return 1
  TURN_WAITED=$((TURN_WAITED + 1))
  say "$2; waiting ${RETRY_AFTER} seconds for your turn..."
  sleep "$RETRY_AFTER"
}

unreachable() {
  case "$CURL_EXIT" in
    6) fail 3 "Can't find the gateway's address '$GATEWAY_HOST' (no such name, or you are offline)." "Check that you are on the internet and that OPENCLAW_GATEWAY_URL in .env matches the join page exactly, $AGAIN" ;;
    7) fail 3 "Nothing answers at $GATEWAY_URL (connection refused)." "Check OPENCLAW_GATEWAY_URL in .env against the join page; if it matches, tell the organiser the gateway is down." ;;
    28) fail 3 "The gateway at $GATEWAY_URL did not answer in time." "Check your internet connection (try another Wi-Fi or your phone's hotspot), $AGAIN" ;;
    35|51|58|59|60|77|83|90|91) fail 3 "A secure connection to $GATEWAY_URL could not be made (certificate or network filter problem)." "If you are on a company laptop or network, try your phone's hotspot, $AGAIN" ;;
    *) fail 3 "Could not reach the gateway at $GATEWAY_URL ($(head -n 1 "$WORK/curl-error"))." "Check OPENCLAW_GATEWAY_URL in .env and your internet connection, $AGAIN" ;;
  esac
}

# The same USER_ID on a second laptop (or after a re-download) looks like someone else to the
# gateway; only the organiser can tell, so the advice names both cases.
user_id_taken() {
  local yours="copy OCG_KEY from the .env on your first laptop"
  [ "$AUTH" = byok ] && yours="use the OpenAI key you used the first time"
  local next="If this is you (a second laptop, a re-download), ask the organiser to reset it (or $yours); otherwise put another USER_ID in .env (add your last name's initial: USER_ID=$USER_ID-k), $AGAIN"
  again 4 "USER_ID '$USER_ID' is already taken." "$next" "Another name, then (e.g. $USER_ID-k; if '$USER_ID' is you on a second laptop, press Enter and ask the organiser): "
  check_user_id "$(lower "$ANSWER")"
  [ -n "$CHANGED" ] || save USER_ID "$VALUE"
  rerun
}

# OpenAI refused OPENAI_API_KEY: when it is sent as is (pass-through), or registered as the
# model credential that pays your turns (OWN_KEY).
openai_key_refused() {
  again 5 "OpenAI did not accept your key ($(mask "$OPENAI_API_KEY")): mistyped, revoked, or out of credit." "Copy your key again (or a new one) from https://platform.openai.com/api-keys into OPENAI_API_KEY in .env (check it has credit), $AGAIN" "Paste a working key (check it has credit at https://platform.openai.com; hidden while you paste): " secret
  check_openai_key "$ANSWER"
  [ -n "$CHANGED" ] || save OPENAI_API_KEY "$VALUE" secret
  rerun
}

# Failures every call to the gateway can meet.
common_failures() {
  local code message
  code=$(json_text code)
  message=$(json_text message)
  case "$STATUS:$code" in
    429:too_many_refused_requests) fail 6 "The gateway refused many requests from your network in the last minute (wrong or old keys)." "Check the keys in .env, wait ${RETRY_AFTER:-60} seconds, $AGAIN" ;;
    429:*) fail 6 "The gateway is rate-limiting you (too many requests in the last minute)." "Wait ${RETRY_AFTER:-60} seconds, $AGAIN" ;;
    502:*|503:*|504:*) fail 7 "The gateway works, but the AI server behind it is not answering right now (${code:-HTTP $STATUS})." "Nothing to fix on your side: the organiser is on it. Run bash setup.sh again in a few minutes." ;;
    403:user_id_taken|409:user_id_taken) user_id_taken ;;
    403:user_id_revoked) fail 4 "USER_ID '$USER_ID' was switched off by the organiser." "Ask the organiser to reinstate '$USER_ID' (or put another USER_ID in .env), $AGAIN" ;;
    403:user_blocked) fail 4 "The organiser has paused your access to the agent for now." "Ask the organiser to unblock '$USER_ID', $AGAIN" ;;
    401:revoked_gateway_key) fail 5 "Your gateway key ($(mask "$OCG_KEY")) was switched off by the organiser." "Empty the OCG_KEY line in .env (leave just OCG_KEY=) to get a new key, $AGAIN (or ask the organiser)." ;;
    401:invalid_gateway_key) fail 5 "The gateway does not recognise your gateway key ($(mask "$OCG_KEY"))." "Empty the OCG_KEY line in .env (leave just OCG_KEY=) to get a new key, $AGAIN" ;;
    401:invalid_api_key) [ "$AUTH" = byok ] && openai_key_refused ;;
    401:no_credential)
      [ -n "$OWN_KEY" ] && fail 5 "The gateway has no OpenAI key of yours to pay your turns with (it was removed just now)." "Run bash setup.sh again: it registers the OPENAI_API_KEY in .env."
      fail 5 "This gateway needs your own model account, and none is connected yet." "Connect it: $RECONNECT" ;;
    401:credential_rejected)
      [ -n "$OWN_KEY" ] && openai_key_refused
      fail 5 "Your model provider refused your account's token (it expired or was revoked)." "Reconnect your account: $RECONNECT" ;;
  esac
  fail 1 "The gateway answered HTTP $STATUS: ${message:-no explanation}" "Run bash setup.sh again; if the same message comes back, show it to the organiser."
}

# ---------- the steps ----------

find_env() {
  [ -f "$ENV_FILE" ] && return 0
  local misnamed
  for misnamed in $MISNAMED_ENV_FILES; do
    if [ -f "$KIT_DIR/$misnamed" ]; then
      fail 2 "Your settings file is named '$misnamed', so setup.sh does not see it: it must be named exactly .env (Windows and Notepad often add .txt)." "Rename $misnamed to .env (in this terminal: mv $misnamed .env), $AGAIN"
    fi
  done
  if [ ! -f "$EXAMPLE_FILE" ]; then
    fail 2 "There is no .env file in $KIT_DIR (and no .env.example to copy)." "Run setup.sh from inside the kit folder you unzipped, or download the kit again from the join page."
  fi
  ask "There is no .env yet. Create it from .env.example? [Y/n] " || ANSWER=y
  case "$ANSWER" in
    [Nn]*) fail 2 "There is no .env file, so there are no settings to check." "Copy .env.example to a file named .env in the kit folder and fill it in, $AGAIN" ;;
  esac
  cp "$EXAMPLE_FILE" "$ENV_FILE" || fail 2 "Could not create $ENV_FILE." "Move the kit folder somewhere you can write (e.g. Documents), $AGAIN"
  say "Created .env from .env.example."
}

# Which server is at the URL: the workshop gateway (GET /health) or an OpenClaw directly (GET /healthz).
detect_server() {
  auth_with
  request GET "$GATEWAY_URL/health"
  [ "$CURL_EXIT" -eq 0 ] || unreachable
  if printf '%s' "$BODY" | grep -q '"gateway":"organized-gateway"'; then
    if [ "$STATUS" = 503 ]; then
      fail 7 "The gateway is up but not configured correctly: $(json_text message)" "Nothing to fix on your side: tell the organiser, then run bash setup.sh again."
    fi
    SERVER=gateway
    return 0
  fi
  local health_status=$STATUS
  request GET "$GATEWAY_URL/healthz"
  if [ "$CURL_EXIT" -eq 0 ] && [ "$STATUS" = 200 ] && printf '%s' "$BODY" | grep -Eq '"status":"live"|"ok":true'; then
    SERVER=openclaw
    return 0
  fi
  fail 3 "$GATEWAY_URL answers (HTTP $health_status), but it is not the workshop gateway or an OpenClaw." "Copy the gateway address from the join page into OPENCLAW_GATEWAY_URL in .env, $AGAIN"
}

# The optional EMAIL goes to the gateway only with the attendee's yes (EMAIL_CONSENT=yes in
# .env, or asked once here). Sets EMAIL_FIELDS to the JSON to add to the enrollment, or "".
email_fields() {
  EMAIL_FIELDS=""
  local email consent
  email=$(env_get EMAIL)
  consent=$(env_get EMAIL_CONSENT | tr 'A-Z' 'a-z')
  # Asked once, at a terminal, while enrolling; skipping it is remembered (EMAIL_CONSENT=no).
  # From a script or a pipe nothing is asked: EMAIL in .env, as before.
  if [ -z "$email" ] && [ -z "$consent" ] && [ "$INTERACTIVE" = true ]; then
    say ""
    say "Optional: your email, if you would like the workshop's follow-up (what to do next, your"
    say "figures, how to keep going). It is sent only with your yes, and used for nothing else."
    ask "Your email (or press Enter to skip): " || ANSWER=""
    check_email "$ANSWER"
    email=$VALUE
    if [ -z "$email" ]; then
      save EMAIL_CONSENT no
      return 0
    fi
    [ -n "$CHANGED" ] || save EMAIL "$email"
  fi
  [ -n "$email" ] || return 0
  check_email "$email"
  email=$VALUE
  [ -n "$email" ] || return 0
  case "$consent" in
    yes|no) ;;
    *)
      if ask "May the organiser keep $email to send you the workshop follow-up? [y/N] "; then
        case "$ANSWER" in [Yy]*) consent=yes ;; *) consent=no ;; esac
        save EMAIL_CONSENT "$consent"
      fi ;;
  esac
  [ "$consent" = yes ] && EMAIL_FIELDS=',"email":"'"$(json_escape "$email")"'","email_consent":true'
  return 0
}

enroll() {
  local body code
  need EVENT_CODE "Event code (shown on the room's screen): " "the code shown on the room's screen"
  EVENT_CODE=$VALUE
  email_fields
  body='{"event_code":"'"$(json_escape "$EVENT_CODE")"'","user_id":"'"$USER_ID"'"'"$EMAIL_FIELDS"'}'
  # The OpenAI key, when there is one, proves this is the same person who already used this USER_ID.
  if [ -n "$OPENAI_API_KEY" ]; then auth_with "Authorization: Bearer $OPENAI_API_KEY"; else auth_with; fi
  # A room full of people enrolling from one Wi-Fi shares one allowance: wait our turn.
  TURN_WAITED=0
  while :; do
    request POST "$GATEWAY_URL/enroll" "$body"
    [ "$CURL_EXIT" -eq 0 ] || unreachable
    wait_turn 429:too_many_enrollments "Many people are signing up on this network right now" || break
  done
  code=$(json_text code)
  case "$STATUS:$code" in
    201:*)
      OCG_KEY=$(json_text key)
      check_gateway_key "$OCG_KEY"
      env_set OCG_KEY "$OCG_KEY"
      say "Enrolled as $USER_ID. Your gateway key $(mask "$OCG_KEY") is saved in .env (keep it secret)."
      [ -n "$EMAIL_FIELDS" ] && say "The organiser may email you the follow-up at $(env_get EMAIL)."
      return 0 ;;
    403:invalid_event_code)
      again 4 "The event code '$EVENT_CODE' is not right." "Check EVENT_CODE in .env against the code on the room's screen, $AGAIN" "The event code on the room's screen: "
      save EVENT_CODE "$ANSWER"
      rerun ;;
    403:enrollment_closed) fail 4 "This gateway is not handing out keys (enrollment is closed)." "Ask the organiser for your gateway key, put it after OCG_KEY= in .env, $AGAIN" ;;
    403:event_full) fail 4 "This event is full: as many people as the organiser allowed have joined." "Ask the organiser for a gateway key, put it after OCG_KEY= in .env, $AGAIN" ;;
    429:too_many_enrollments) fail 6 "Many people on this network are signing up at once, and the gateway asked for a longer wait than setup.sh waits by itself." "Wait ${RETRY_AFTER:-60} seconds, $AGAIN" ;;
    429:too_many_wrong_codes) fail 6 "Too many wrong event codes came from your network in the last minute (someone here may be guessing), so the gateway is not checking codes for a moment." "Check EVENT_CODE in .env against the code on the room's screen, wait ${RETRY_AFTER:-60} seconds, $AGAIN" ;;
    400:invalid_user_id)
      again 2 "The gateway does not accept USER_ID '$USER_ID'." "Use your first name with letters and digits only in USER_ID in .env (e.g. USER_ID=sam), $AGAIN" "$NAME_QUESTION"
      check_user_id "$(lower "$ANSWER")"
      [ -n "$CHANGED" ] || save USER_ID "$VALUE"
      rerun ;;
    400:invalid_email|400:invalid_email_consent) fail 2 "The gateway did not accept EMAIL: $(json_text message)" "Fix EMAIL in .env, or leave it empty, $AGAIN" ;;
  esac
  common_failures
}

# One real request through the gateway (or the OpenClaw), authenticated the way the agent will be.
test_request() {
  local model=$TEST_MODEL user_field=""
  case "$AUTH" in
    gateway-key) auth_with "Authorization: Bearer $OCG_KEY" ;;
    byok) auth_with "Authorization: Bearer $OPENAI_API_KEY" "X-User-ID: $USER_ID" ;;
    openclaw)
      auth_with "Authorization: Bearer $OPENCLAW_TOKEN"
      model=$OPENCLAW_MODEL
      [ -n "$USER_ID" ] && user_field=',"user":"'"$USER_ID"'"' ;;
  esac
  request POST "$GATEWAY_URL/v1/chat/completions" \
    '{"model":"'"$model"'","messages":[{"role":"user","content":"Reply with one word: ready"}],"max_tokens":16'"$user_field"'}'
  [ "$CURL_EXIT" -eq 0 ] || unreachable
  [ "$STATUS" = 200 ] && return 0
  if [ "$AUTH" = openclaw ]; then
    case "$STATUS" in
      401|403) fail 5 "Your OpenClaw did not accept OPENCLAW_TOKEN ($(mask "$OPENCLAW_TOKEN"))." "Copy the gateway token from ClawBox's settings (or gateway.auth.token in ~/.openclaw/openclaw.json) into OPENCLAW_TOKEN in .env, $AGAIN" ;;
      404|405) fail 3 "Your OpenClaw answers, but its chat API is switched off." "Turn on gateway.http.endpoints.chatCompletions.enabled in OpenClaw's settings, restart it, $AGAIN" ;;
    esac
  fi
  common_failures
}

# ---------- your own model account (--auth codex) ----------

# confirm "question [Y/n] ": yes for Enter or anything but n/N; no when nothing can be read
# (a script that gave no answer has not said yes).
confirm() {
  printf '%s' "$1" >&2
  ANSWER=""
  IFS= read -r ANSWER || return 1
  case "$(unquote "$ANSWER")" in [Nn]*) return 1 ;; esac
  return 0
}

# The kind of account a token is, from its shape (the gateway checks it again): sets KIND.
kind_of() {
  case "$1" in
    *[[:space:]]*) return 1 ;;
    sk-ant-?*) KIND=anthropic ;;
    sk-?*) KIND=openai ;;
    eyJ?*.?*.?*) KIND=openai-codex ;;
    *) return 1 ;;
  esac
}

# The access token of the ChatGPT sign-in Codex saved (`codex login`), or "". Only that: the
# refresh token stays on this laptop, so your Codex remains the one that renews the sign-in.
codex_access_token() {
  [ -f "$CODEX_AUTH_FILE" ] || return 0
  tr -d '\r' <"$CODEX_AUTH_FILE" | sed -n 's/.*"access_token"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' | head -n 1
}

account_help() {
  say ""
  say "Connect your own model account: the gateway keeps its token encrypted and your turns are paid by it."
  say "Where to get a token:"
  say "  - Claude Pro/Max: run   claude setup-token   and copy the sk-ant-oat01-... it prints"
  say "  - ChatGPT Plus/Pro (Codex): run   codex login   (on a machine without a browser: codex login --device-auth);"
  say "    setup.sh then reads the sign-in from $CODEX_AUTH_FILE"
  say "  - or an API key: sk-... (OpenAI) or sk-ant-api... (Anthropic)"
}

# Is an account connected already? (GET /me/credential: 200 yes, 404 no.)
account_connected() {
  auth_with "Authorization: Bearer $OCG_KEY"
  request GET "$GATEWAY_URL/me/credential"
  [ "$CURL_EXIT" -eq 0 ] || unreachable
  case "$STATUS" in
    200) return 0 ;;
    404) return 1 ;;
  esac
  account_failures
}

# put_credential KIND TOKEN: sends it to the gateway (PUT /me/credential, over HTTPS, with
# your gateway key); sets STATUS and BODY. The body holds the token: it goes through a
# private file, never on curl's command line. An agent server busy setting up many attendees
# at once says when to come back: that is waited out here.
put_credential() {
  printf '{"kind":"%s","token":"%s"}' "$1" "$(json_escape "$2")" >"$WORK/account"
  auth_with "Authorization: Bearer $OCG_KEY"
  TURN_WAITED=0
  while :; do
    request PUT "$GATEWAY_URL/me/credential" "@$WORK/account"
    [ "$CURL_EXIT" -eq 0 ] || { rm -f "$WORK/account"; unreachable; }
    wait_turn 503:host_busy "The agent server is setting up many attendees' accounts at once" || break
  done
  rm -f "$WORK/account"
}

# Asks the gateway for the token's account, and connects it.
connect_account() {
  local token="" found
  account_help
  found=$(codex_access_token)
  if [ -n "$found" ] && confirm "Use the ChatGPT sign-in found in $CODEX_AUTH_FILE ($(mask "$found"))? [Y/n] "; then
    token=$found
  fi
  if [ -z "$token" ]; then
    ask "Paste your token (hidden while you paste): " secret ||
      fail 2 "No token was given." "Get one as shown above, $AGAIN"
    token=$ANSWER
  fi
  kind_of "$token" ||
    fail 2 "That does not look like a model account's token ($(mask "$token")): it should start with sk-ant-, sk- or eyJ, with no spaces." "Copy it again as shown above, $AGAIN"
  put_credential "$KIND" "$token"
  if [ "$STATUS" = 201 ]; then
    say "Connected your $KIND account ($(json_text fingerprint)). The gateway keeps its token encrypted; no file here holds it."
    return 0
  fi
  account_failures
}

account_failures() {
  local code
  code=$(json_text code)
  # What the attendee gave is OPENAI_API_KEY in .env, not a token pasted just now.
  if [ -n "$OWN_KEY" ]; then
    case "$STATUS:$code" in
      401:credential_rejected) openai_key_refused ;;
      400:invalid_credential) fail 2 "The gateway did not accept OPENAI_API_KEY ($(mask "$OPENAI_API_KEY")): $(json_text message)" "Copy your key again from https://platform.openai.com/api-keys into OPENAI_API_KEY in .env, $AGAIN" ;;
      502:provider_unreachable) fail 7 "The gateway could not ask OpenAI whether it takes your key right now." "Wait a minute, $AGAIN" ;;
      503:credentials_disabled) fail 7 "This gateway says your own OpenAI key pays for your turns, but it is not set up to keep attendees' keys (credentials_disabled)." "Nothing to fix on your side: tell the organiser, then run bash setup.sh again." ;;
    esac
  fi
  case "$STATUS:$code" in
    401:credential_rejected) fail 5 "Your model provider did not accept that token (expired, revoked, or mistyped)." "Get a fresh one as shown above, $AGAIN" ;;
    400:invalid_credential) fail 2 "The gateway did not accept that token: $(json_text message)" "Copy it again as shown above, $AGAIN" ;;
    401:gateway_key_required|401:invalid_gateway_key) fail 5 "The gateway does not recognise your gateway key ($(mask "$OCG_KEY"))." "Empty the OCG_KEY line in .env (leave just OCG_KEY=) to get a new key, $AGAIN" ;;
    503:credentials_disabled) fail 4 "This gateway does not take attendees' own model accounts." "Run bash setup.sh (without --auth codex): the organiser's account pays here." ;;
    503:host_setup_required|503:public_url_required) fail 7 "The gateway works, but the organiser has not finished setting up attendees' own accounts (${code})." "Nothing to fix on your side: tell the organiser, $AGAIN" ;;
    502:provider_unreachable) fail 7 "The gateway could not ask your model provider about the token right now." "Wait a minute, $AGAIN" ;;
    503:host_busy) fail 6 "The agent server is busy setting up other attendees' accounts, for longer than setup.sh waits by itself." "Wait ${RETRY_AFTER:-10} seconds, $AGAIN" ;;
  esac
  common_failures
}

# Your own account pays now, so OPENAI_API_KEY can go from .env (only if you say yes).
offer_to_remove_openai_key() {
  [ -n "$OPENAI_API_KEY" ] || return 0
  if confirm "Your turns are now paid by the account you connected. Remove OPENAI_API_KEY from .env? [Y/n] "; then
    env_set OPENAI_API_KEY ""
    OPENAI_API_KEY=""
    say "Removed OPENAI_API_KEY from .env."
  else
    say "Kept OPENAI_API_KEY in .env."
  fi
}

# The gateway key first (enrolling if the gateway hands them out), then the account.
own_account_setup() {
  if [ -z "$OCG_KEY" ]; then
    if [ "$enrollment_open" = false ]; then
      fail 4 "You have no gateway key yet (OCG_KEY in .env is empty), and this gateway is not handing them out." "Ask the organiser for your gateway key, put it after OCG_KEY= in .env, $AGAIN"
    fi
    need USER_ID "$NAME_QUESTION" "your first name, e.g. sam" "" check_user_id
    check_user_id "$VALUE"
    USER_ID=$VALUE
    enroll
  fi
  # Run again without --auth codex: an account already connected stays as it is.
  if [ "$AUTH_CODEX" = gateway ] && account_connected; then
    say "Your own model account is connected."
    return 0
  fi
  connect_account
  offer_to_remove_openai_key
}

# ---------- your own OpenAI key pays (paid_by: attendee) ----------

need_openai_key() {
  need OPENAI_API_KEY "$KEY_QUESTION" "your own OpenAI key, starting with sk-" secret check_openai_key
  check_openai_key "$VALUE"
  OPENAI_API_KEY=$VALUE
}

# Registers OPENAI_API_KEY as the model credential that pays your turns on the gateway's
# OpenClaw. Every run sends it again: the same key changes nothing at the gateway (same
# fingerprint), a changed one replaces the old. An account connected with --auth codex stays.
own_key_setup() {
  local before="" kind
  if account_connected; then
    kind=$(json_text kind)
    if [ "$kind" != openai ]; then
      say "Your own $kind account (connected with bash setup.sh --auth codex) pays your turns: kept it; OPENAI_API_KEY is not used."
      # From here on, a refusal is about that account, not about OPENAI_API_KEY.
      OWN_KEY=""
      return 0
    fi
    before=$(json_text fingerprint)
  fi
  need_openai_key
  put_credential openai "$OPENAI_API_KEY"
  [ "$STATUS" = 201 ] || account_failures
  if [ "$(json_text fingerprint)" = "$before" ]; then
    say "Your OpenAI key $(mask "$OPENAI_API_KEY") is registered with the gateway ($before): it pays your turns."
  else
    say "Registered your OpenAI key $(mask "$OPENAI_API_KEY") with the gateway ($(json_text fingerprint)): it pays your turns, kept encrypted there."
  fi
}

# ---------- main ----------

say "OpenClaw workshop setup"
find_env

need OPENCLAW_GATEWAY_URL "Gateway address (from the join page, starts with https://): " "the gateway address from the join page" "" check_url
check_url "$VALUE"
GATEWAY_URL=$(normalize_url "$VALUE")
GATEWAY_HOST=$(printf '%s' "$GATEWAY_URL" | sed -e 's#^[a-z]*://##' -e 's#[/:].*##')

detect_server
OPENAI_API_KEY=$(env_get OPENAI_API_KEY)
OCG_KEY=$(env_get OCG_KEY)
USER_ID=$(env_get USER_ID)
OPENCLAW_TOKEN=""
AUTH=""

if [ "$SERVER" = openclaw ]; then
  # Path B: your own OpenClaw, no gateway. Its gateway token is the only credential it takes.
  say "Found an OpenClaw at $GATEWAY_URL (no workshop gateway in front): using OPENCLAW_TOKEN."
  need OPENCLAW_TOKEN "OpenClaw gateway token (ClawBox settings, or gateway.auth.token): " "your OpenClaw's gateway token" secret
  OPENCLAW_TOKEN=$VALUE
  [ -n "$USER_ID" ] && check_user_id "$USER_ID" && USER_ID=$VALUE
  AUTH=openclaw
  test_request
else
  say "Connected to the gateway for \"$(json_text event)\"."
  key_required=false; json_true gateway_key_required && key_required=true
  enrollment_open=false; json_true enrollment_open && enrollment_open=true
  [ -n "$OCG_KEY" ] && check_gateway_key "$OCG_KEY"
  auth_mode=$(json_text auth_mode)
  # A gateway that works only with attendees' own accounts asks for one by itself.
  [ -z "$AUTH_CODEX" ] && [ "$auth_mode" = codex ] && AUTH_CODEX=gateway
  # Its OpenClaw paid by each attendee's own OpenAI key: yours is registered as your credential.
  if [ -z "$AUTH_CODEX" ] && [ "$key_required" = true ] && [ "$auth_mode" = openai ] && [ "$(json_text paid_by)" = attendee ]; then
    OWN_KEY=yes
  fi

  if [ -n "$AUTH_CODEX" ]; then
    # Your own model account pays: the gateway key is your pass, the account pays your turns.
    AUTH=gateway-key
    own_account_setup
    test_request
  else
    if [ "$key_required" = false ] || { [ -n "$OWN_KEY" ] && [ -z "$OCG_KEY" ]; }; then
      # Pass-through (BYOK): your own OpenAI key pays, sent with your USER_ID. Or it pays on the
      # gateway's OpenClaw (OWN_KEY), asked before enrolling so a mistyped key costs no id
      # (with a gateway key already, own_key_setup asks only if no --auth codex account pays).
      need_openai_key
    elif [ -n "$OPENAI_API_KEY" ]; then
      check_openai_key "$OPENAI_API_KEY"
      OPENAI_API_KEY=$VALUE
    fi

    if [ -z "$OCG_KEY" ] || [ "$key_required" = false ]; then
      need USER_ID "$NAME_QUESTION" "your first name, e.g. sam" "" check_user_id
      check_user_id "$VALUE"
      USER_ID=$VALUE
    fi

    if [ -z "$OCG_KEY" ] && [ "$key_required" = true ] && [ "$enrollment_open" = false ]; then
      fail 4 "This gateway needs a personal gateway key, and it is not handing them out (enrollment is closed)." "Ask the organiser for your gateway key, put it after OCG_KEY= in .env, $AGAIN"
    fi

    if [ "$key_required" = true ]; then
      # Your gateway key is your pass; the gateway's account pays, or your own key (OWN_KEY).
      AUTH=gateway-key
      [ -z "$OCG_KEY" ] && enroll
      [ -n "$OWN_KEY" ] && own_key_setup
      test_request
    else
      # Your key is tested first: that also ties USER_ID to it, so enrolling next keeps it yours.
      AUTH=byok
      test_request
      [ -z "$OCG_KEY" ] && [ "$enrollment_open" = true ] && enroll
    fi
  fi
fi

say "The test request went through: the AI answered."
# The editors' settings follow what was just proven to work; a failure there is reported
# but does not undo "Agent ready.": the agent itself works.
# editors.sh prints one line per coding tool it set up (how to start it), shown last.
if ! TOOLS=$("${BASH:-bash}" "$KIT_DIR/editors.sh" "$AUTH" "$GATEWAY_URL" "$(env_get MODEL)" "$USER_ID"); then
  TOOLS=""
  say "(The settings for your editor could not be written; the agent works all the same.)"
fi
say "Agent ready."
say "Next: bash agent.sh    (your first agent: describe your business, get a workflow)"
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
  say "  or: npm install && npm run agent    (the same agent, with Node.js)"
fi
if [ -n "$TOOLS" ]; then
  say "Ready in this folder too, on the same gateway (see README.md):"
  say "$TOOLS"
fi
# The editors whose MCP settings (.vscode/mcp.json, .cursor/mcp.json, .mcp.json,
# .windsurf/mcp_config.json) make the agent their tool 'openclaw': the gateway's /mcp, which
# takes a gateway key and the gateway's agent route (not a pass-through gateway, where only the
# attendee's own OpenAI key pays, nor an OpenClaw reached directly). One line each: the step left.
if [ "$AUTH" = gateway-key ] && [ -n "$(env_get OCG_KEY)" ]; then
  say "Your agent as the tool 'openclaw' (MCP) in your editor, the one step left for each (README.md):"
  say_editor() { printf '  %-14s%s\n' "$1" "$2"; }
  say_editor "VS Code:" "open .vscode/mcp.json, click Start, paste your OCG_KEY once"
  say_editor "Cursor:" "bash with-key.sh cursor .    then in Settings, MCP: switch openclaw on"
  say_editor "Claude Code:" "bash with-key.sh claude"
  say_editor "Windsurf:" "paste .windsurf/mcp_config.json into its MCP raw config, then: bash with-key.sh windsurf ."
fi
