#!/bin/bash
# The gallery server under load and abuse, in the real kiosk (Xvfb, 800x480, sharing on
# loopback). One guest's session provides a real share.jpg and its link; then:
#  - wrk: 60 connections (under the gallery's 64 per address: wrk has one) for LOAD_SECONDS (default 30) on the photo download: no socket
#    errors, no non-2xx answers, p99 latency under P99_MS (default 50; 0 reports it only); the same
#    wrk run against Python's http.server serving the same file (LOAD_BASELINE=0 skips it);
#  - slowloris: 300 connections from one address trickling a request byte by byte while
#    normal guests download from another address;
#  - slow connections from five addresses (127.0.0.2-6, 256 each, a header byte every 2 s,
#    reconnecting when cut) while a normal guest downloads and staff run photoboothctl status
#    every 0.5 s: each must answer within 1 s, and the gallery must cut the trickling
#    connections at its header deadline;
#  - the same pattern from 60 addresses x 20 (1200 for a cap of 1000): the gallery cuts
#    unanswered requests after 0.5 s while the cap is over 3/4 full, so downloads stay
#    under 1 s;
#  - trickled bodies: 16 addresses x 64, each a POST announcing 10^12 bytes and sending one
#    every 4 s: each answered 405 and closed at once, downloads under 1 s meanwhile;
#  - oversized and malformed requests (tests/reliability/hostile-http.py), each followed by a
#    normal download;
#  - the trickled-body attack again, and SIGTERM in the middle of it: the kiosk exits 0 (it
#    died of SIGSEGV once in four such stops), TERM_ROUNDS times (default 4).
# Bad input tried: a 1 MB header line, 10 000 headers, a 100 kB path, binary garbage, a request
# line without a version, a 1 MB body on a GET, 300 slow connections from one address, 1280 from
# five.
set -u
. "$(dirname "$0")/../e2e/lib.sh"

LOAD_SECONDS=${LOAD_SECONDS:-30}
P99_MS=${P99_MS:-50}
HTTP_PORT=$(free_port)
BASE_PID=
trap '[ -n "$BASE_PID" ] && kill "$BASE_PID" 2>/dev/null; cleanup' EXIT

conf="$WORK/load.conf"
KIOSK_EXTRA="delivery = share
countdown = 1
deliver_timeout = 300" SHARE_LISTEN="127.0.0.1:$HTTP_PORT" write_config "$conf" \
	"public_url = http://127.0.0.1:$HTTP_PORT/"

start_xvfb 800 480
start_kiosk "$conf" || setup_failed "the kiosk did not start"
ctl trigger >/dev/null && wait_state review 20 && ctl trigger >/dev/null && wait_state deliver 5
check "a guest reaches the deliver screen" test "$(json state)" = deliver
token=$(ls "$WORK/data/links" | head -1)
session=$(json session)
jpg="$WORK/data/sessions/$session/share.jpg"
check "the session has a link and a share.jpg" test -n "$token" -a -s "$jpg"
path="/p/$token.jpg"
url="http://127.0.0.1:$HTTP_PORT$path"
check "the photo downloads byte for byte" bash -c "curl -sf '$url' | cmp -s - '$jpg'"
fds() { ls "/proc/$KIOSK_PID/fd" | wc -l; }
fd0=$(fds)

# wrk_run NAME URL: runs wrk, prints "requests rps p50_ms p99_ms errors non2xx" for NAME.
wrk_run() {
	wrk -t2 -c60 -d"${LOAD_SECONDS}s" --latency --timeout 5s "$2" >"$WORK/wrk-$1.txt" 2>&1
	python3 - "$WORK/wrk-$1.txt" <<'EOP'
import re, sys
t = open(sys.argv[1]).read()
def ms(v, unit):
    return float(v) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]
lat = {p: ms(v, u) for p, v, u in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s|m)\s*$", t, re.M)}
req = re.search(r"(\d+) requests in", t)
rps = re.search(r"Requests/sec:\s+([\d.]+)", t)
err = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", t)
non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", t)
print(req.group(1) if req else 0, rps.group(1) if rps else 0,
      "%.2f" % lat.get("50", -1), "%.2f" % lat.get("99", -1),
      sum(map(int, err.groups())) if err else 0, non2xx.group(1) if non2xx else 0)
EOP
}

read -r n rps p50 p99 errs non2xx < <(wrk_run kiosk "$url")
echo "# wrk, 60 connections, ${LOAD_SECONDS}s, $(stat -c %s "$jpg")-byte share.jpg: $n requests, $rps req/s, p50 $p50 ms, p99 $p99 ms, $errs socket errors, $non2xx non-2xx"
check "wrk: requests were served" test "${n:-0}" -gt 0
check "wrk: no socket errors (connect, read, write, timeout)" test "$errs" = 0
check "wrk: no answer other than 200" test "$non2xx" = 0
# (P99_MS=0: make check's short run reports the latency and leaves judging it to make soak)
[ "$P99_MS" != 0 ] && check "wrk: p99 latency $p99 ms is under $P99_MS ms" \
	python3 -c "import sys; sys.exit(0 if 0 <= float('$p99') < float('$P99_MS') else 1)"
check "the kiosk answers its socket after the load" ctl status >/dev/null

if [ "${LOAD_BASELINE:-1}" = 1 ]; then
	BASE_PORT=$(free_port)
	mkdir -p "$WORK/base/p" && cp "$jpg" "$WORK/base/p/$token.jpg"
	python3 -m http.server -b 127.0.0.1 -d "$WORK/base" "$BASE_PORT" >/dev/null 2>&1 &
	BASE_PID=$!
	wait_for 5 "curl -sf -o /dev/null http://127.0.0.1:$BASE_PORT$path" >/dev/null
	read -r bn brps bp50 bp99 berrs bnon < <(wrk_run base "http://127.0.0.1:$BASE_PORT$path")
	kill "$BASE_PID" 2>/dev/null; wait "$BASE_PID" 2>/dev/null; BASE_PID=
	echo "# baseline, python3 -m http.server, same file and wrk: $brps req/s, p50 $bp50 ms, p99 $bp99 ms, $berrs socket errors"
	python3 -c "print('# gallery vs http.server: %.1fx the requests per second, p99 %.2fx' % (float('$rps') / max(float('$brps'), 0.001), float('$p99') / max(float('$bp99'), 0.001)))"
fi

PBCTL="$PBCTL" PBSOCK="$WORK/ctl.sock" \
	python3 "$TOP/tests/reliability/hostile-http.py" 127.0.0.1 "$HTTP_PORT" "$path" "$jpg" \
	slowloris 300 "${SLOW_SECONDS:-12}" slowmany 5 256 "${SLOWMANY_SECONDS:-20}" \
	slowmany 60 20 "${SLOWMANY_SECONDS:-20}" trickle 16 64 "${TRICKLE_SECONDS:-45}" oversized \
	>"$WORK/hostile.txt" 2>&1
cat "$WORK/hostile.txt"
PASSED=$((PASSED + $(grep -c '^ok - ' "$WORK/hostile.txt")))
FAILED=$((FAILED + $(grep -c '^not ok - ' "$WORK/hostile.txt")))
check "hostile clients: every check ran" test "$(grep -c '^\(not \)\?ok - ' "$WORK/hostile.txt")" = 23
check "status counts the connections cut at the header deadline" test "$(json slow_clients_cut)" -gt 0
check "the kiosk is still running" kill -0 "$KIOSK_PID"
check "the kiosk's gallery still serves the photo" bash -c "curl -sf '$url' | cmp -s - '$jpg'"
# the server lets go of every connection: the kiosk's open files fall back to where they were
check "open files back to $fd0 after the load and the abuse" wait_for 20 '[ "$(fds)" -le "$fd0" ]'
echo "# open files: $fd0 before, $(fds) after"
stop_kiosk

# SIGTERM in the middle of the trickled-body attack: a clean exit every time (an ASan build,
# make check SANITIZE=1, reports any use after free or leak on the way out; a TSan build,
# make SANITIZE=thread, any data race, and exits 66)
term_clean=0
rounds=${TERM_ROUNDS:-4}
for i in $(seq "$rounds"); do
	start_kiosk "$conf" || break
	python3 "$TOP/tests/reliability/hostile-http.py" 127.0.0.1 "$HTTP_PORT" "$path" "$jpg" \
		trickle 16 64 6 >/dev/null 2>&1 &
	attack=$!
	sleep "$((1 + i % 3))"
	kill -TERM "$KIOSK_PID"
	wait "$KIOSK_PID"
	rc=$?
	KIOSK_PID=
	wait "$attack" 2>/dev/null
	[ "$rc" = 0 ] && term_clean=$((term_clean + 1)) || echo "# round $i: the kiosk exited $rc"
	grep -E 'ERROR: AddressSanitizer|runtime error|LeakSanitizer|ThreadSanitizer' "$WORK/kiosk.log" && break
done
check "SIGTERM under the trickled-body attack: a clean exit, $term_clean of $rounds" \
	test "$term_clean" = "$rounds"
summary
