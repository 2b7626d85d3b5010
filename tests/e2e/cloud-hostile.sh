#!/bin/bash
# End to end: the event cloud against a hostile bucket and a hostile store, on the real store
# (Swift with s3api, checking every signature) behind tests/s3/dripstore.py.
#  - Poisoned heartbeats written into EVENT/_booths/ by the test: "{" sorting first, 250 kB of
#    "hours":[0,0,...], 255 kB of {},{},..., two booths in one object, a name other than the
#    key's with a newline (a fake line), C1 (U+009B) and U+202E in a state, a key outside the
#    booth alphabet. Each is read alone: the real booths are all listed, the bad ones named
#    as unreadable by key, nothing reaches the terminal unescaped, and photoboothctl fleet,
#    report and status answer at once (the main loop parses no JSON from the bucket).
#  - A ListObjectsV2 dripped at 1.2 kB/s with a 4 MB length: cut at the request deadline, the
#    fleet unknown in the transfer's words, and a guest's photo uploaded meanwhile.
#  - A PUT answered a byte every 2 s: cut at the deadline and retried; status's oldest_age_s
#    grows while the upload waits (it said 0).
#  - 307 TemporaryRedirect on every PUT: retried as "store away", never a dead letter; the
#    photo goes up once the store answers.
set -u
. "$(dirname "$0")/lib.sh"

OUT=cloud-hostile
SECRET="$WORK/secret"
printf 'testing\n' >"$SECRET"
chmod 600 "$SECRET"
start_store || setup_failed "the Swift store did not start"
FRONT_PORT=$(free_port)
MODE="$WORK/mode"
echo pass >"$MODE"
/usr/bin/python3 "$TOP/tests/s3/dripstore.py" "$FRONT_PORT" "$STORE_PORT" "$MODE" \
	>"$WORK/front.out" 2>"$WORK/front.log" &
FRONT_PID=$!
trap 'kill $FRONT_PID 2>/dev/null; cleanup' EXIT
wait_for 10 'grep -q ready "$WORK/front.out"' || setup_failed "the dripping front did not start"
for _ in 1 2 3 4 5; do
	s3 PUT /photos -H 'x-amz-acl: public-read' | tail -1 | grep -q 200 && break
	sleep 1
done
# put KEY FILE: an object into the bucket, signed (Swift checks the payload's hash)
put() {
	curl -s --netrc-file "$WORK/netrc" --aws-sigv4 aws:amz:us-east-1:s3 -X PUT \
		-H "x-amz-content-sha256: $(sha256sum "$2" | cut -d' ' -f1)" --data-binary "@$2" \
		-o /dev/null -w '%{http_code}' "$STORE/photos/$1"
}
beat() { printf '{"booth":"%s","time":%s,"every_s":1,"status":{"state":"attract"}}' "$1" "$(date +%s)"; }
B="$WORK/beats"
mkdir -p "$B"
printf '{' >"$B/a"
/usr/bin/python3 -c "
import sys, time
t = int(time.time())
open('$B/hours', 'w').write('{\"booth\":\"b-hours\",\"time\":%d,\"every_s\":1,\"hours\":[' % t + ','.join(['0'] * 125000) + ']}')
open('$B/objs', 'w').write(','.join(['{}'] * 85000))
open('$B/two', 'w').write('{\"booth\":\"c-two\",\"time\":%d},{\"booth\":\"c-three\",\"time\":%d}' % (t, t))
open('$B/fake', 'w').write('{\"booth\":\"lounge\\\\nparty-9: attract\",\"time\":%d}' % t)
open('$B/evil', 'w').write('{\"booth\":\"evil\",\"time\":%d,\"every_s\":1,\"status\":{\"state\":\"x\u009b2J\u202ey\"}}' % t)
"
beat party-2 >"$B/party-2"
poison() {
	[ "$(put expo/_booths/a.json "$B/a")" = 200 ] &&
		[ "$(put expo/_booths/b-hours.json "$B/hours")" = 200 ] &&
		[ "$(put expo/_booths/b-objs.json "$B/objs")" = 200 ] &&
		[ "$(put expo/_booths/c-two.json "$B/two")" = 200 ] &&
		[ "$(put expo/_booths/d-fake.json "$B/fake")" = 200 ] &&
		[ "$(put expo/_booths/evil.json "$B/evil")" = 200 ] &&
		[ "$(put 'expo/_booths/e%2Bvil.json' "$B/party-2")" = 200 ] &&
		[ "$(put expo/_booths/party-2.json "$B/party-2")" = 200 ]
}
check "the poisoned heartbeats are written into the bucket" poison

KIOSK_EXTRA="delivery = share
countdown = 1
review_timeout = 60
deliver_timeout = 120" write_config "$WORK/lounge.conf" "[publish]" \
	"endpoint = http://127.0.0.1:$FRONT_PORT" "bucket = photos" "addressing = path" \
	"access_key = test:tester" "secret_file = $SECRET" "event = expo" "booth = lounge" \
	"public_base_url = $STORE/v1/AUTH_test/photos" "heartbeat_seconds = 1" \
	"retry_max_seconds = 2" "request_timeout_seconds = 3"
start_xvfb 800 480
start_kiosk "$WORK/lounge.conf" || setup_failed "the kiosk did not start"

listed() {
	ctl --json fleet >"$WORK/fleet.json" 2>/dev/null || return 1
	/usr/bin/python3 - "$WORK/fleet.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))["data"]
names = {b["booth"] for b in d["booths"]}
bad = {u["key"] for u in d["unreadable"]}
sys.exit(not (names == {"lounge", "party-2", "b-hours", "evil"} and bad == {
    "expo/_booths/a.json", "expo/_booths/b-objs.json", "expo/_booths/c-two.json",
    "expo/_booths/d-fake.json", "expo/_booths/e+vil.json"}))
PY
}
check "fleet: every real booth listed, each bad beat named unreadable by its key" wait_for 20 listed
t0=$(date +%s%N)
ctl fleet >"$WORK/fleet.txt"
t1=$(date +%s%N)
ctl report >"$WORK/report.txt"
t2=$(date +%s%N)
ctl status >/dev/null
t3=$(date +%s%N)
cat "$WORK/fleet.txt"
echo "# with the poisoned bucket: fleet $(((t1 - t0) / 1000000)) ms, report $(((t2 - t1) / 1000000)) ms, status $(((t3 - t2) / 1000000)) ms (photoboothctl's whole run each)"
# (the walk they replace took 25 to 40 s; a bound far above any noise still catches it)
check "fleet, report and status each answered within 1 s" \
	test $(((t3 - t0) / 1000000)) -lt 3000 -a $(((t1 - t0) / 1000000)) -lt 1000 -a $(((t2 - t1) / 1000000)) -lt 1000
check "no fake line from a name with a newline" bash -c "! grep -q '^party-9' '$WORK/fleet.txt'"
check "C1 and bidi controls reach the terminal escaped" \
	bash -c "grep -qF 'evil: x\\x9B2J\\u{202E}y' '$WORK/fleet.txt' && ! grep -qP '\\xc2\\x9b|\\xe2\\x80\\xae' '$WORK/fleet.txt'"
check "the text output counts them" grep -q '^4 booths, [0-9] silent, 5 unreadable$' "$WORK/fleet.txt"
check "report: the readable booths, the unreadable not counted" \
	bash -c "grep -q '^party-2 .*total' '$WORK/report.txt' && grep -q 'not counted: 5 unreadable beats' '$WORK/report.txt'"

# a listing dripped at 1.2 kB/s: cut at the deadline; a guest's photo goes up meanwhile
echo drip >"$MODE"
check "a dripping listing: the fleet is unknown, the transfer timed out" \
	wait_for 20 'json publish.fleet_error | grep -qi "timed out"'
check "a guest reaches deliver while the listing drips" guest
S1=$(json session)
check "... and their photo is uploaded meanwhile" wait_for 15 '[ "$(json publish.uploaded)" -ge 2 ]'
echo "# $(grep -c 'list-type=2' "$WORK/front.log") listings tried while dripping; uploaded $(json publish.uploaded)"
echo pass >"$MODE"
check "the listing back: the fleet is known again" wait_for 20 'ctl fleet >/dev/null 2>&1'

# a PUT held a byte every 2 s: cut at the deadline, retried; the age of the wait is true
echo hold >"$MODE"
ctl reset >/dev/null
check "a guest reaches deliver while uploads are held" guest
check "the upload waits, and status's oldest_age_s grows (not 0)" \
	wait_for 15 '[ "$(json publish.depth)" -ge 1 ] && [ "$(json publish.oldest_age_s)" -ge 4 ]'
echo "# oldest_age_s $(json publish.oldest_age_s), last_error: $(json publish.last_error)"
check "the held PUT is cut at the request deadline" \
	wait_for 15 'json publish.last_error | grep -qi "timed out"'

# 307 TemporaryRedirect on every PUT: the store is away, nothing is dead
echo 307 >"$MODE"
check "307: staff see TemporaryRedirect, the upload waits" \
	wait_for 20 'json publish.last_error | grep -q "307 TemporaryRedirect"'
check "307: no dead letter" test "$(json publish.dead)" = 0
check "307: the redirect is never followed" bash -c "! grep -q elsewhere '$WORK/kiosk.log'"
echo pass >"$MODE"
check "the store answering again: the queue empties" wait_for 30 '[ "$(json publish.depth)" = 0 ]'
check "... with no dead letter" test "$(json publish.dead)" = 0
stop_kiosk
summary
