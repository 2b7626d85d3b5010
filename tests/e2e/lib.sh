# Shared helpers for end-to-end tests: a private Xvfb, the real kiosk binary, photoboothctl,
# synthetic touches with xdotool, screenshots with ImageMagick. Sourced by tests/e2e/*.sh.
# Every wait is a bounded poll; every process started here is stopped on exit.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PB="$TOP/build/photobooth"
PBCTL="$TOP/build/photoboothctl"
ART="${ART:-$TOP/tests/artifacts}"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/pb-e2e.XXXXXX")
PASSED=0
FAILED=0
# An AddressSanitizer build (make SANITIZE=1): LeakSanitizer checks every exit. SDL draws in
# software there, so Mesa's GL driver is never loaded: it is unloaded at exit with its own
# allocations, which LSan could then neither name nor excuse.
PB_ASAN=
if nm -u "$PB" 2>/dev/null | grep -q __asan_init; then
	PB_ASAN=1
	export SDL_RENDER_DRIVER=software SDL_FRAMEBUFFER_ACCELERATION=0
	export LSAN_OPTIONS="suppressions=$TOP/tests/lsan.supp:print_suppressions=0"
fi
# A ThreadSanitizer build (make SANITIZE=thread): races in uninstrumented libraries are excused
# by name, and the report goes to the kiosk's log like ASan's.
if nm -u "$PB" 2>/dev/null | grep -q __tsan_init; then
	export TSAN_OPTIONS="suppressions=$TOP/tests/tsan.supp:print_suppressions=0"
fi
XVFB_PID=
KIOSK_PID=
SINK_PID=
MAIL="$WORK/mail"

cleanup() {
	stop_kiosk
	stop_sink
	stop_store
	[ -n "$XVFB_PID" ] && kill "$XVFB_PID" 2>/dev/null && wait "$XVFB_PID" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT

ok() { PASSED=$((PASSED + 1)); echo "ok - $*"; }
not_ok() { FAILED=$((FAILED + 1)); echo "not ok - $*"; }
check() { # check DESCRIPTION COMMAND...
	local what=$1
	shift
	if "$@"; then ok "$what"; else not_ok "$what"; fi
}
# summary: the closing line. A test that ran no check fails: it proved nothing.
summary() {
	echo "$(basename "$0"): $PASSED passed, $FAILED failed"
	if [ $((PASSED + FAILED)) -eq 0 ]; then
		echo "$(basename "$0"): no check ran"
		return 1
	fi
	[ "$FAILED" -eq 0 ]
}
# setup_failed WHAT: a part the test needs did not start: the test fails here and now.
setup_failed() {
	not_ok "set-up: $*"
	summary
	exit 1
}

# start_xvfb WIDTH HEIGHT: a private X server on a free display number.
start_xvfb() {
	local fifo="$WORK/displayfd"
	[ -n "$XVFB_PID" ] && kill "$XVFB_PID" 2>/dev/null && wait "$XVFB_PID" 2>/dev/null
	mkfifo "$fifo"
	Xvfb -displayfd 3 -screen 0 "${1}x${2}x24" -nolisten tcp -noreset 3>"$fifo" \
		>"$WORK/xvfb.log" 2>&1 &
	XVFB_PID=$!
	if ! read -r -t 10 num <"$fifo" || [ -z "$num" ]; then
		cat "$WORK/xvfb.log"
		setup_failed "Xvfb did not start"
	fi
	rm -f "$fifo"
	export DISPLAY=":$num"
}

# write_config FILE [extra INI lines...]: a config for a private data_dir and socket.
write_config() {
	local f=$1
	shift
	cat >"$f" <<EOC
[kiosk]
overlays_dir = $TOP/overlays
${KIOSK_EXTRA:-}
[storage]
data_dir = $WORK/data
${STORAGE_EXTRA:-}
[control]
socket = $WORK/ctl.sock
[share]
listen = ${SHARE_LISTEN:-127.0.0.1:0}
$(printf '%s\n' "$@")
EOC
}

# write_mail_config FILE HTTP_PORT SMTP_PORT [INI lines...]: write_config for sharing with
# email: the gallery on 127.0.0.1:HTTP_PORT (and its public_url), mail to the SMTP sink on
# SMTP_PORT from photos@booth.example; the lines follow in [mail] (KIOSK_EXTRA as ever).
write_mail_config() {
	local f=$1 http=$2 smtp=$3
	shift 3
	SHARE_LISTEN="127.0.0.1:$http" write_config "$f" "public_url = http://127.0.0.1:$http/" \
		"[mail]" "smtp_url = smtp://127.0.0.1:$smtp" "starttls = no" \
		"from = photos@booth.example" "$@"
}

ctl() { "$PBCTL" --socket "$WORK/ctl.sock" "$@"; }

# free_port: a TCP port free on 127.0.0.1 now.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_sink PORT [smtpsink.py options...]: the SMTP sink (tests/mail/smtpsink.py, aiosmtpd) on
# 127.0.0.1:PORT keeping every message in $MAIL; waits until it says "ready". stop_sink stops
# it (cleanup does too); mails counts what it stored.
start_sink() {
	local port=$1
	shift
	/usr/bin/python3 "$TOP/tests/mail/smtpsink.py" "$port" "$MAIL" "$@" >"$WORK/sink.out" \
		2>"$WORK/sink.log" &
	SINK_PID=$!
	for _ in $(seq 100); do grep -q ready "$WORK/sink.out" 2>/dev/null && return 0; sleep 0.1; done
	echo "SMTP sink did not start"
	cat "$WORK/sink.log"
	return 1
}
stop_sink() {
	[ -n "$SINK_PID" ] && kill "$SINK_PID" 2>/dev/null && wait "$SINK_PID" 2>/dev/null
	SINK_PID=
}
mails() { find "$MAIL/new" -type f 2>/dev/null | wc -l; }

# fields KEY.PATH...: one `photoboothctl status` read, each field on its own line ("" for null
# or missing, and for every field when the kiosk does not answer).
fields() {
	ctl status 2>/dev/null | python3 -c '
import json, sys
try:
    top = json.load(sys.stdin)
except ValueError:
    top = {}
for path in sys.argv[1:]:
    v = top
    try:
        for k in path.split("."):
            v = v[k] if isinstance(v, dict) else v[int(k)]
    except (KeyError, IndexError, ValueError, TypeError):
        v = None
    print("" if v is None else v)' "$@"
}

# json KEY.PATH: reads a field of `photoboothctl status`.
json() { fields "$1"; }

# start_kiosk CONFIG [ARGS...]: starts the kiosk (with ARGS, e.g. --verbose) and waits until
# it answers on its socket (the one readiness check, tests/lib/booth.py, which the Python
# driver uses too).
start_kiosk() {
	"$PB" --config "$@" >"$WORK/kiosk.log" 2>&1 &
	KIOSK_PID=$!
	python3 "$TOP/tests/lib/booth.py" wait-ready "$WORK/ctl.sock" "$KIOSK_PID" 10 && return 0
	echo "kiosk did not start:"
	cat "$WORK/kiosk.log"
	return 1
}

stop_kiosk() {
	if [ -n "$KIOSK_PID" ]; then
		kill "$KIOSK_PID" 2>/dev/null
		wait "$KIOSK_PID" 2>/dev/null
		KIOSK_RC=$?
		KIOSK_PID=
	fi
}

# wait_state STATE [SECONDS]: until the kiosk is in STATE and that screen has been drawn.
wait_state() {
	local want=$1 tries=$((${2:-15} * 20))
	local state screen
	for _ in $(seq "$tries"); do
		{ read -r state; read -r screen; } < <(fields state screen)
		if [ "$state" = "$want" ] && [ "$screen" = "$want" ]; then
			return 0
		fi
		sleep 0.05
	done
	echo "timed out waiting for $want (state $(json state))"
	return 1
}

# guest: one guest through photoboothctl, from attract to the deliver screen (a test may
# define its own)
guest() {
	ctl trigger >/dev/null && wait_state review 20 && ctl trigger >/dev/null && wait_state deliver 5
}

# wait_live: until the live view runs (the camera delivers frames).
wait_live() {
	for _ in $(seq 100); do
		[ "$(json camera.fps)" -gt 0 ] 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# shot DIR NAME: a screenshot of the whole X screen to $ART/DIR/NAME.png.
shot() {
	mkdir -p "$ART/$1"
	import -window root -display "$DISPLAY" "$ART/$1/$2.png"
}

# not_blank PNG: the picture has real content (not one flat colour).
not_blank() {
	local sd
	sd=$(/usr/bin/convert "$1" -colorspace gray -format '%[fx:standard_deviation]' info:)
	python3 -c "import sys; sys.exit(0 if float('$sd') > 0.02 else 1)"
}

# tap BUTTON: a synthetic touch on the centre of a button of the screen on display.
tap() {
	local r
	r=$(ctl status | python3 -c '
import json, sys
b = json.load(sys.stdin)["buttons"].get(sys.argv[1])
print("" if b is None else "%d %d" % (b[0] + b[2] // 2, b[1] + b[3] // 2))' "$1")
	[ -n "$r" ] || { echo "no '$1' button on screen $(json screen)"; return 1; }
	# shellcheck disable=SC2086
	tap_at $r
}

# tap_at X Y. mousemove --sync waits for the pointer to move, which it never does when it is
# already there (the same button twice): then only click.
tap_at() {
	local at
	at=$(xdotool getmouselocation --shell | sed -n 's/^[XY]=//p' | tr '\n' ' ')
	if [ "$at" = "$1 $2 " ]; then
		xdotool click 1
	else
		xdotool mousemove --sync "$1" "$2" click 1
	fi
}

# image_size FILE: prints WxH
image_size() { identify -format '%wx%h' "$1"; }

# wait_for SECONDS 'SHELL CODE': polls until the code succeeds (evaluated afresh each time).
wait_for() {
	local tries=$(($1 * 10))
	for _ in $(seq "$tries"); do eval "$2" && return 0; sleep 0.1; done
	echo "timed out: $2"
	return 1
}

# tap_key KEY: a touch on a key of the on-screen keyboard or keypad (status lists them).
tap_key() {
	local r
	r=$(ctl status | python3 -c '
import json, sys
k = json.load(sys.stdin).get("keys", {}).get(sys.argv[1])
print("" if k is None else "%d %d" % (k[0] + k[2] // 2, k[1] + k[3] // 2))' "$1")
	[ -n "$r" ] || { echo "no key '$1'"; return 1; }
	# shellcheck disable=SC2086
	tap_at $r
}
type_keys() { local c; for c in $(echo "$1" | grep -o .); do tap_key "$c" || return 1; done; }

# The S3 store: Debian's OpenStack Swift with s3api and tempauth (tests/s3/swiftstore.py), on
# loopback ports STORE_PORT..STORE_PORT+4. STORE is its S3 endpoint; account test:tester,
# secret testing. Started by the test that needs it, stopped with the rest.
STORE_PID=
start_store() {
	STORE_PORT=$(/usr/bin/python3 -c '
import socket, random
for _ in range(200):
    base = random.randrange(20000, 60000, 8)
    try:
        for p in range(base, base + 5):
            s = socket.socket(); s.bind(("127.0.0.1", p)); s.close()
        print(base); break
    except OSError:
        pass')
	STORE="http://127.0.0.1:$STORE_PORT"
	printf 'machine 127.0.0.1 login test:tester password testing\n' >"$WORK/netrc"
	/usr/bin/python3 "$TOP/tests/s3/swiftstore.py" "$WORK/swift" "$STORE_PORT" \
		>"$WORK/store.out" 2>"$WORK/store.log" &
	STORE_PID=$!
	for _ in $(seq 600); do
		grep -q ready "$WORK/store.out" 2>/dev/null && return 0
		kill -0 "$STORE_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "the Swift store did not start:"
	cat "$WORK/store.log"
	return 1
}
stop_store() {
	[ -n "$STORE_PID" ] && kill "$STORE_PID" 2>/dev/null && wait "$STORE_PID" 2>/dev/null
	STORE_PID=
}
# s3 METHOD PATH [CURL ARGS...]: a request signed as the store's account (curl's own SigV4,
# the payload hash set as real stores want it); prints the body, then the HTTP status.
s3() {
	local method=$1 path=$2 hash
	shift 2
	hash=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
	curl -s --netrc-file "$WORK/netrc" --aws-sigv4 aws:amz:us-east-1:s3 -X "$method" \
		-H "x-amz-content-sha256: $hash" -w '\n%{http_code}' "$@" "$STORE$path"
}
# store_down / store_up: the store goes away (connections refused) and comes back (once it
# answers its health check).
store_down() {
	kill -USR1 "$STORE_PID"
	for _ in $(seq 100); do
		curl -s -o /dev/null "$STORE/healthcheck" || return 0
		sleep 0.1
	done
	return 1
}
store_up() {
	kill -USR2 "$STORE_PID"
	for _ in $(seq 300); do
		[ "$(curl -s "$STORE/healthcheck")" = OK ] && return 0
		sleep 0.1
	done
	return 1
}
# store_pause / store_resume: the store hangs mid-request (its proxy stopped), and comes back.
store_pause() { kill -STOP "$(cat "$WORK/swift/proxy.pid")"; }
store_resume() { kill -CONT "$(cat "$WORK/swift/proxy.pid")"; }
