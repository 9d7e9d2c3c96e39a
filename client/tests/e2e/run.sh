#!/bin/sh
# client/tests/e2e/run.sh -- end-to-end test of the GTK client against the
# real local stack, under Xvfb.
#
#   client/tests/e2e/run.sh [BUILD]      (BUILD: build by default)
#
# Starts a stack (deploy/stack.sh start, free ports, temp data), a private
# Xvfb, the app with --test-script (client.script.in: wrong then right
# password, Connect, contacts, the peer's message, Enter to answer), and a
# stock python-socketio peer (peer.py, user Avi). Once the peer has the
# answer it stops the whole stack and the app must show "Server Error".
# Then it checks what was on screen: the widget text dumps and the colours
# of the screenshots. Output, screenshots and logs: BUILD/client-e2e/.
# Exit status 0 when every check passed. Needs xvfb, imagemagick,
# python3-socketio, python3-requests (deploy/deps.sh --client).
set -eu

ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
BUILD=${1:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
OUT=$BUILD/client-e2e
# E2E_APP: another build of the app (e.g. build/san/bin/iseecubes-client)
APP=${E2E_APP:-$BUILD/bin/iseecubes-client}
HERE=$ROOT/client/tests/e2e
# Debian's python3-socketio lives with /usr/bin/python3 (not a pyenv one)
PYTHON=${PYTHON:-/usr/bin/python3}
NONCE=$$-$(date +%s)
EARLY="Written while you were offline ($NONCE)"
HELLO="Hello Lisa, Avi here ($NONCE)"
REPLY="Hi Avi! Lisa answering ($NONCE)"

NOTIFY=$BUILD/client/tests/e2e/chat-notify-recorder
APP_PID= PEER_PID= XVFB_PID= STACK_UP= DBUS_PID= NOTIFY_PID=
passed=0 failed=0

say() { printf '%s\n' "$*"; }
cleanup() {
    for p in $APP_PID $PEER_PID $NOTIFY_PID $DBUS_PID; do
        kill "$p" 2>/dev/null || true
    done
    [ -n "$STACK_UP" ] && "$ROOT/deploy/stack.sh" stop "$OUT/stack" >/dev/null 2>&1 || true
    [ -n "$XVFB_PID" ] && kill "$XVFB_PID" 2>/dev/null || true
}
trap cleanup EXIT INT TERM

# check NAME CMD...: one cmocka-style result line per check
check() {
    name=$1
    shift
    say "[ RUN      ] $name"
    if "$@"; then
        say "[       OK ] $name"
        passed=$((passed + 1))
    else
        say "[  FAILED  ] $name"
        failed=$((failed + 1))
    fi
}

# wait_for SECONDS CMD...: poll CMD every 0.1 s
wait_for() {
    _ticks=$(($1 * 10))
    shift
    while ! "$@" >/dev/null 2>&1; do
        _ticks=$((_ticks - 1))
        [ $_ticks -gt 0 ] || return 1
        sleep 0.1
    done
}

# pixels IMAGE COLOUR: how many pixels are within 8% of COLOUR
pixels() {
    convert "$1" -alpha off -fuzz 8% -fill black +opaque "$2" \
        -fill white -opaque "$2" -format '%[fx:round(mean*w*h)]' info:
}

has() { grep -qF -- "$2" "$OUT/$1"; }
hasnt() { ! grep -qF -- "$2" "$OUT/$1"; }
at_least() { [ "$(pixels "$OUT/$1" "$2")" -ge "$3" ]; }
at_most() { [ "$(pixels "$OUT/$1" "$2")" -le "$3" ]; }
# less_of A B COLOUR N: image B has at least N pixels of COLOUR fewer than A
less_of() { [ $(($(pixels "$OUT/$1" "$3") - $(pixels "$OUT/$2" "$3"))) -ge "$4" ]; }
png_size() { identify -format '%wx%h' "$OUT/$1" | grep -qE '^[0-9]{3,}x[0-9]{3,}$'; }

for tool in Xvfb convert identify "$PYTHON"; do
    command -v $tool >/dev/null || { say "e2e: $tool is missing (deploy/deps.sh --client)"; exit 2; }
done
"$PYTHON" -c 'import socketio, requests' 2>/dev/null \
    || { say "e2e: $PYTHON lacks socketio/requests (python3-socketio)"; exit 2; }
[ -x "$APP" ] && [ -x "$NOTIFY" ] || { say "e2e: $APP not built (make)"; exit 2; }
[ -x "$ROOT/deploy/stack.sh" ] || { say "e2e: deploy/stack.sh is missing"; exit 2; }

rm -rf "$OUT"
mkdir -p "$OUT/config"

# ---- the stack -----------------------------------------------------------
say "e2e: starting the stack in $OUT/stack"
STACK_FAST=1 BUILD=$BUILD "$ROOT/deploy/stack.sh" start "$OUT/stack" >"$OUT/stack.log" 2>&1 \
    || { cat "$OUT/stack.log"; exit 1; }
STACK_UP=1
# shellcheck disable=SC1091
. "$OUT/stack/stack.env"
SERVER=http://127.0.0.1:$PUBLIC_PORT

# ---- a private X server --------------------------------------------------
dpy=150
while [ -e /tmp/.X11-unix/X$dpy ] || [ -e /tmp/.X$dpy-lock ]; do dpy=$((dpy + 1)); done
Xvfb ":$dpy" -screen 0 1280x800x24 -nolisten tcp >"$OUT/xvfb.log" 2>&1 &
XVFB_PID=$!
wait_for 10 test -e /tmp/.X11-unix/X$dpy || { say "e2e: Xvfb did not start"; exit 1; }
export DISPLAY=":$dpy"

# ---- a private session bus with a recording notification server ------------
dbus-daemon --session --fork --print-address=3 --print-pid=4 \
    3>"$OUT/dbus.address" 4>"$OUT/dbus.pid"
DBUS_PID=$(cat "$OUT/dbus.pid")
DBUS_SESSION_BUS_ADDRESS=$(cat "$OUT/dbus.address")
export DBUS_SESSION_BUS_ADDRESS
"$NOTIFY" "$OUT/notifications.log" >"$OUT/notify.log" 2>&1 &
NOTIFY_PID=$!
wait_for 10 grep -q ready "$OUT/notify.log" || { say "e2e: no notification server"; exit 1; }

# ---- the app -------------------------------------------------------------
# the restart phase relaunches the gateway (see restart_gateway)
if [ -r "/proc/$$/environ" ]; then RESTART=1; KEEP='s/^#R //'; else RESTART=; KEEP='/^#R /d'; fi
sed -e "s|@OUT@|$OUT|g" -e "s|@HELLO@|$HELLO|g" -e "s|@REPLY@|$REPLY|g" \
    -e "s|@EARLY@|$EARLY|g" -e "s|@NONCE@|$NONCE|g" \
    -e "$KEEP" "$HERE/client.script.in" >"$OUT/client.script"
say "e2e: app against $SERVER on display :$dpy"
XDG_CONFIG_HOME=$OUT/config GTK_A11Y=none GSETTINGS_BACKEND=memory \
    G_DEBUG=fatal-warnings \
    "$APP" --server "$SERVER" --test-script "$OUT/client.script" \
    >"$OUT/app.log" 2>&1 &
APP_PID=$!

wait_for 60 grep -q 'test-script: logged-in' "$OUT/app.log" \
    || { say "e2e: the app did not log in"; cat "$OUT/app.log"; exit 1; }

# ---- the peer writes (first while the app is offline), the app answers ------
"$PYTHON" "$HERE/peer.py" --server "$SERVER" --user Avi --password MoreMoreMore \
    --peer Lisa --say-first "$EARLY" --say "$HELLO" --expect "$REPLY" \
    --timeout 90 >"$OUT/peer.log" 2>&1 &
PEER_PID=$!
wait_for 30 grep -q 'peer: first message sent' "$OUT/peer.log" \
    || { say "e2e: the peer did not write"; cat "$OUT/peer.log"; exit 1; }
touch "$OUT/early-sent"
peer_rc=0
wait "$PEER_PID" || peer_rc=$?
PEER_PID=
wait_for 30 grep -q 'test-script: answered' "$OUT/app.log" || true
import -window root "$OUT/screen-online.png" 2>/dev/null || true

# ---- the gateway restarts: the app reconnects by itself ---------------------
# restart_gateway: `deploy/stack.sh restart DIR gateway1` when it can; else
# the same binary with the environment the killed one had (saved from
# /proc), under the stack's pid file so that `stack.sh stop` stops it
restart_gateway() {
    "$ROOT/deploy/stack.sh" restart "$OUT/stack" gateway1 >>"$OUT/stack.log" 2>&1 \
        && return 0
    set --
    while IFS= read -r kv; do set -- "$@" "$kv"; done <"$OUT/gateway1.env"
    env -i "$@" "$(cat "$OUT/gateway1.exe")" >>"$OUT/stack/logs/gateway1.log" 2>&1 &
    echo $! >"$OUT/stack/run/gateway1.pid"
}

if [ -n "$RESTART" ]; then
    say "e2e: killing and restarting the gateway"
    gw=$(cat "$OUT/stack/run/gateway1.pid")
    tr '\0' '\n' <"/proc/$gw/environ" >"$OUT/gateway1.env"
    readlink "/proc/$gw/exe" >"$OUT/gateway1.exe"
    "$ROOT/deploy/stack.sh" kill "$OUT/stack" gateway1 >>"$OUT/stack.log" 2>&1 || true
    wait_for 30 grep -q 'test-script: server-error' "$OUT/app.log" || true
    restart_gateway
    wait_for 60 grep -q 'test-script: reconnected' "$OUT/app.log" || true
fi

# ---- the server goes away ---------------------------------------------------
say "e2e: stopping the stack"
"$ROOT/deploy/stack.sh" stop "$OUT/stack" >>"$OUT/stack.log" 2>&1 || true
STACK_UP=
touch "$OUT/stack-stopped"

app_rc=0
wait "$APP_PID" || app_rc=$?
APP_PID=
import -window root "$OUT/screen-end.png" 2>/dev/null || true

# ---- what was on screen --------------------------------------------------------
G=#26a269 R=#c01c28
check "app_script_passed" test "$app_rc" -eq 0
check "peer_received_the_answer" test "$peer_rc" -eq 0
check "wrong_password_shows_the_original_message" png_size login-wrong-credentials.png
check "main_window_online_status" has main-online.txt 'label#status "Online" .status-online'
check "main_window_title_after_login" has main-online.txt 'window#ChatWindow "Hello, Lisa!"'
check "peer_listed_online_in_green_with_a_word" has main-online.txt 'label#presence "● online" .contact-online'
check "other_users_listed_offline_in_red_with_a_word" has main-online.txt 'label#presence "○ offline" .contact-offline'
check "self_not_in_contacts" hasnt main-online.txt 'label#name "Lisa"'
# the contacts list alone: one green row (dot + words), five red ones
check "contacts_screenshot_has_one_green_row" at_least contacts-online.png $G 150
check "contacts_screenshot_green_is_one_row_only" at_most contacts-online.png $G 600
check "contacts_screenshot_has_red_rows" at_least contacts-online.png $R 500
check "peer_wrote_while_the_app_was_offline" grep -q "Lisa online: False" "$OUT/peer.log"
check "offline_message_arrived_after_connect" has conversation.txt "label#content \"$EARLY\""
check "conversation_shows_the_peers_line" has conversation.txt "label#content \"$HELLO\""
check "conversation_shows_sender_and_time" has conversation.txt 'label#sender "Avi" .sender'
check "conversation_shows_our_answer_delivered" has conversation.txt '✓ Delivered'
check "conversation_title" has conversation.txt 'window#ChatConversationWindow "Conversation between Lisa and Avi"'
check "conversation_screenshot_is_not_blank" png_size conversation.png
check "bot_conversation_by_double_click_shows_our_line" has conversation-bot.txt "label#content \"Hello bot ($NONCE)\""
check "bot_answers_with_ai_response_received" has conversation-bot.txt 'label#sender "ChatGPT" .sender'
check "bot_conversation_title" has conversation-bot.txt '"Conversation between Lisa and ChatGPT"'
if [ -n "$RESTART" ]; then
    check "gateway_restart_reconnects_by_itself" grep -q 'test-script: reconnected' "$OUT/app.log"
fi
check "server_error_status" has main-server-error.txt 'label#status "Server Error" .status-error'
check "server_error_original_message" has main-server-error.txt 'Error: Chat Server is temporary down. Please re login and re connect.'
check "server_error_login_enabled_again" has main-server-error.txt 'button#login_button "_Log In" .text-button'
check "server_error_contacts_cleared" hasnt main-server-error.txt 'row#ChatContactRow'
check "server_error_reconnects_by_itself" has main-server-error.txt 'Reconnecting by itself'
check "server_error_sending_blocked" has conversation-server-error.txt 'Sending is blocked until the connection is back.'
# the title and the icon stay green; Avi's dot and "Online" must be gone
check "server_error_screenshot_lost_the_green" less_of main-online.png main-server-error.png $G 200
check "server_error_screenshot_shows_red" at_least main-server-error.png $R 100
check "server_error_contacts_screenshot_empty" at_most contacts-server-error.png $G 0
check "server_error_contacts_screenshot_no_red" at_most contacts-server-error.png $R 0
# on a bare Xvfb nothing has the focus until a conversation window is
# presented: the first of Avi's messages must have come as a notification
notified() { grep -qE "^Message from Avi	(Written while|Hello Lisa).*\($NONCE\)\$" "$OUT/notifications.log"; }
check "desktop_notification_for_a_message_while_unfocused" notified

say "[==========] $((passed + failed)) test(s) run."
if [ $failed -eq 0 ]; then
    say "[  PASSED  ] $passed test(s)."
else
    say "[  FAILED  ] $failed test(s)."
    say "e2e: logs in $OUT (app.log, peer.log, stack/logs/)"
    tail -n 20 "$OUT/app.log"
fi
say "e2e: screenshots: $OUT/main-online.png $OUT/conversation.png $OUT/main-server-error.png"
exit $failed
