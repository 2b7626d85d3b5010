#!/bin/bash
# End to end: the event cloud against a real S3 store that checks every signature: Debian's
# OpenStack Swift with s3api and tempauth (tests/s3/swiftstore.py), one-replica rings, on
# loopback. Two real kiosks (Xvfb) publish to one bucket. A guest's QR link is the cloud
# page; the page and the photo download byte for byte through the bucket's public address;
# the store away mid-session and back; the kiosk killed mid-upload, the store hanging
# mid-request (every object there once, whole, nothing else); a wrong secret and a missing
# bucket (staff see the store's words, nothing is lost); expiry and a deleted session remove
# their objects; photoboothctl fleet sees both booths and flags the one stopped, and says the
# fleet is unknown when the store fails the listing; photoboothctl report counts sessions; a
# booth whose clock is 45 minutes ahead (libfaketime) is told to check NTP.
# Bad input tried: a world-readable secret file, [publish] without a bucket, an empty secret
# file, a wrong secret, a bucket that does not exist, a prefix with "..".
set -u
. "$(dirname "$0")/lib.sh"

OUT=publish
SECRET="$WORK/secret"
printf 'testing\n' >"$SECRET"
chmod 600 "$SECRET"

# publish_config FILE BUCKET SECRET_FILE [MORE...]: the lounge booth, publishing
publish_config() {
	local f=$1 bucket=$2 secret=$3
	shift 3
	KIOSK_EXTRA="delivery = share
countdown = 1
review_timeout = 60
deliver_timeout = 120" write_config "$f" "[publish]" "endpoint = $STORE" "bucket = $bucket" \
		"addressing = path" "access_key = test:tester" "secret_file = $secret" \
		"event = expo" "booth = lounge" "public_base_url = $STORE/v1/AUTH_test/photos" \
		"heartbeat_seconds = 1" "retry_max_seconds = 2" "$@"
}
# token_of SESSION: the token of the session's download link
token_of() { grep -l "^$1 " "$WORK"/data/links/* 2>/dev/null | head -1 | xargs -r basename; }
public() { curl -s -o "$2" -w '%{http_code}' "$STORE/v1/AUTH_test/photos/expo/lounge/$1"; }
# published TOKEN: the photo is downloadable and is the session's share.jpg, byte for byte
published() { [ "$(public "$1.jpg" "$WORK/got.jpg")" = 200 ] && cmp -s "$WORK/got.jpg" "$2"; }
wait_depth0() { wait_for "${1:-30}" '[ "$(json publish.depth)" = 0 ]'; }
listing() { s3 GET "/photos?list-type=2&prefix=expo%2F" | grep -o '<Key>[^<]*</Key>' | sed 's/<[^>]*>//g'; }

# config errors need no store
STORE=http://127.0.0.1:9
publish_config "$WORK/c1.conf" photos "$SECRET"
chmod 644 "$SECRET"
check "a secret file others can read is refused, with the fix" \
	bash -c "! '$PB' --config '$WORK/c1.conf' --check-config >'$WORK/c1.out' 2>&1 && grep -q 'secret_file = .*other users can read it.*chmod 0640' '$WORK/c1.out'"
chmod 600 "$SECRET"
publish_config "$WORK/c2.conf" "" "$SECRET"
check "[publish] without a bucket is refused" \
	bash -c "! '$PB' --config '$WORK/c2.conf' --check-config >'$WORK/c2.out' 2>&1 && grep -q 'bucket must be set when endpoint is' '$WORK/c2.out'"
publish_config "$WORK/c3.conf" photos "$SECRET" "prefix = ../other/"
check "a prefix with .. is refused" \
	bash -c "! '$PB' --config '$WORK/c3.conf' --check-config >'$WORK/c3.out' 2>&1 && grep -q 'prefix = ../other/' '$WORK/c3.out'"

start_store || setup_failed "the Swift store did not start"
check "the store checks signatures: a wrong secret is refused" \
	bash -c "curl -s --aws-sigv4 aws:amz:us-east-1:s3 -u test:wrong -H 'x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' '$STORE/photos' | grep -q -e SignatureDoesNotMatch -e InvalidAccessKeyId"
# (a fresh Swift may answer its first requests 503 while it creates the account)
bucket_made() {
	for _ in 1 2 3 4 5; do
		s3 PUT /photos -H 'x-amz-acl: public-read' >"$WORK/bucket.out"
		tail -1 "$WORK/bucket.out" | grep -q 200 && return 0
		sleep 1
	done
	cat "$WORK/bucket.out"
	return 1
}
check "the bucket is made, readable by anyone" bucket_made
: >"$WORK/empty"
chmod 600 "$WORK/empty"
publish_config "$WORK/empty.conf" photos "$WORK/empty"
start_xvfb 800 480
check "an empty secret file stops the kiosk at start, saying so" \
	bash -c "! timeout 20 '$PB' --config '$WORK/empty.conf' >'$WORK/empty.out' 2>&1 && grep -q 'secret_file .*first line is empty' '$WORK/empty.out'"

conf="$WORK/lounge.conf"
SMTP_PORT=$(free_port)
publish_config "$conf" photos "$SECRET" "[mail]" "smtp_url = smtp://127.0.0.1:$SMTP_PORT" \
	"starttls = no" "from = photos@booth.example" "retry_max_seconds = 2"
start_sink "$SMTP_PORT" || setup_failed "the SMTP sink did not start"
start_kiosk "$conf" || setup_failed "the kiosk did not start"
check "guest 1 reaches deliver" guest
S1=$(json session)
sleep 0.5
shot $OUT deliver-qr
URL=$(zbarimg -q --raw "$ART/$OUT/deliver-qr.png" 2>/dev/null | head -1)
echo "# QR code: $URL"
check "the QR code is the cloud page: public_base_url/expo/lounge/<22-character token>.html" \
	grep -Eq "^$STORE/v1/AUTH_test/photos/expo/lounge/[A-Za-z0-9_-]{22}\.html\$" <<<"$URL"
T1=$(token_of "$S1")
check "the upload queue empties" wait_depth0 20
check "the page opens through the public address (200, text/html)" \
	test "$(curl -s -o "$WORK/page.html" -w '%{http_code} %{content_type}' "$URL")" = "200 text/html; charset=utf-8"
check "the page offers the download, says 'on its way' until the photo is there, retries" \
	bash -c "grep -q 'download=' '$WORK/page.html' && grep -q 'on its way' '$WORK/page.html' && grep -q 'setTimeout' '$WORK/page.html'"
check "the photo downloads through the public address, byte for byte" \
	published "$T1" "$WORK/data/sessions/$S1/share.jpg"
check "the page went up before the photo" \
	bash -c "grep -n 'publish: uploaded' '$WORK/kiosk.log' | head -2 | tr '\n' ' ' | grep -q 'html.*jpg'"
local_gallery() {
	local port
	port=$(grep -o 'gallery: serving download links on [^ ]* (port [0-9]*' "$WORK/kiosk.log" | grep -o '[0-9]*$')
	[ "$(curl -s -o "$WORK/local.jpg" -w '%{http_code}' "http://127.0.0.1:$port/p/$T1.jpg")" = 200 ] &&
		cmp -s "$WORK/local.jpg" "$WORK/data/sessions/$S1/share.jpg"
}
check "the booth's own gallery still serves the photo on the venue network" local_gallery
mail_link() {
	/usr/bin/python3 - "$MAIL" "$URL" <<'PY'
import email, email.policy, glob, sys
msg = email.message_from_binary_file(open(glob.glob(sys.argv[1] + "/new/*")[0], "rb"),
                                     policy=email.policy.default)
parts = {p.get_content_type(): p for p in msg.walk()}
sys.exit(not (sys.argv[2] in parts["text/plain"].get_content()
              and sys.argv[2] in parts["text/html"].get_content()))
PY
}
ctl resend "$S1" guest@example.com >/dev/null
check "an email is sent" wait_for 15 '[ "$(mails)" -ge 1 ]'
check "the email carries the cloud link, in both parts" mail_link
if command -v chromium >/dev/null; then
	timeout 60 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
		--window-size=360,740 --screenshot="$ART/$OUT/phone-360x740.png" "$URL" \
		>"$WORK/chromium.log" 2>&1
	check "chromium draws the cloud page at 360x740" not_blank "$ART/$OUT/phone-360x740.png"
fi

# the store away mid-session, and back: the guest's link was shown at once, the photo follows
ctl reset >/dev/null
check "the store goes away" store_down
check "guest 2 reaches deliver with the store away" guest
S2=$(json session)
check "the upload waits in the queue" wait_for 5 '[ "$(json publish.depth)" -ge 1 ]'
check "staff see why (no connection)" wait_for 10 'json publish.last_error | grep -q -i connect'
echo "# last_error: $(json publish.last_error)"
ctl reset >/dev/null
check "guest 3 reaches deliver, the store still away" guest
S3=$(json session)
check "the store comes back" store_up
check "the store back: the queue empties" wait_depth0 30
check "guest 2's photo is published, byte for byte" published "$(token_of "$S2")" "$WORK/data/sessions/$S2/share.jpg"
check "guest 3's too" published "$(token_of "$S3")" "$WORK/data/sessions/$S3/share.jpg"

# killed mid-upload: redone at the next start, never torn, never twice
ctl reset >/dev/null
store_pause
check "guest 4 reaches deliver" guest
S4=$(json session)
sleep 2
kill -9 "$KIOSK_PID"
wait "$KIOSK_PID" 2>/dev/null
KIOSK_PID=
check "the promise is on disk after the kill" bash -c "ls '$WORK'/data/publish/*.job"
store_resume
start_kiosk "$conf" || setup_failed "the kiosk did not restart"
check "restarted: the queue empties" wait_depth0 30
check "guest 4's photo is published whole" published "$(token_of "$S4")" "$WORK/data/sessions/$S4/share.jpg"
listing >"$WORK/keys"
once_each() {
	[ "$(grep -c '^expo/lounge/' "$WORK/keys")" = 8 ] || return 1
	[ "$(sort "$WORK/keys" | uniq -d | wc -l)" = 0 ] || return 1
	local s t
	for s in "$S1" "$S2" "$S3" "$S4"; do
		t=$(token_of "$s")
		grep -qx "expo/lounge/$t.html" "$WORK/keys" && grep -qx "expo/lounge/$t.jpg" "$WORK/keys" || return 1
	done
}
check "the bucket holds a page and a photo per session, each once, and nothing else" once_each
stop_kiosk

# a wrong secret: the store's words for staff, the guest's photo kept for later
printf 'not-the-secret\n' >"$WORK/wrong"
chmod 600 "$WORK/wrong"
publish_config "$WORK/wrong.conf" photos "$WORK/wrong"
start_kiosk "$WORK/wrong.conf" || setup_failed "the kiosk did not start (wrong secret)"
check "guest 5 reaches deliver with a wrong secret" guest
S5=$(json session)
check "status: the store refuses this booth, in its words" \
	wait_for 10 '[ "$(json publish.blocked)" != null ] && json publish.blocked | grep -q SignatureDoesNotMatch'
says_refused() { ! ctl publish >"$WORK/pub.out" 2>&1 && grep -q 'refuses this booth: 403 SignatureDoesNotMatch' "$WORK/pub.out"; }
check "photoboothctl publish says so and fails" says_refused
check "the upload is kept on disk" bash -c "ls '$WORK'/data/publish/*.job"
stop_kiosk
# a bucket that does not exist
publish_config "$WORK/nobucket.conf" no-such-bucket "$SECRET"
start_kiosk "$WORK/nobucket.conf" || setup_failed "the kiosk did not start (no bucket)"
check "a missing bucket: staff see NoSuchBucket" \
	wait_for 10 'json publish.blocked | grep -q NoSuchBucket'
stop_kiosk
start_kiosk "$conf" || setup_failed "the kiosk did not start (fixed)"
check "fixed: guest 5's photo goes up after all" wait_depth0 20
check "... byte for byte" published "$(token_of "$S5")" "$WORK/data/sessions/$S5/share.jpg"
stop_kiosk

# expiry, and a session deleted at the booth: their objects go
sed -i "s/^\([^ ]*\) [0-9]*/\1 1000/" "$WORK/data/links/$T1"
T2=$(token_of "$S2")
rm -rf "${WORK:?}/data/sessions/$S2"
start_kiosk "$conf" || setup_failed "the kiosk did not start (expiry)"
check "the expired session's photo and page are deleted from the store" \
	wait_for 20 '[ "$(public "$T1.jpg" /dev/null)" = 404 ] && [ "$(public "$T1.html" /dev/null)" = 404 ]'
check "the deleted session's too" \
	wait_for 20 '[ "$(public "$T2.jpg" /dev/null)" = 404 ] && [ "$(public "$T2.html" /dev/null)" = 404 ]'
check "the other sessions stay" published "$(token_of "$S3")" "$WORK/data/sessions/$S3/share.jpg"

# the fleet: a second booth on the same bucket, then stopped
mkdir -p "$WORK/party"
cat >"$WORK/party.conf" <<EOC
[kiosk]
overlays_dir = $TOP/overlays
delivery = share
countdown = 1
[storage]
data_dir = $WORK/party/data
[control]
socket = $WORK/party/ctl.sock
[share]
listen = 127.0.0.1:0
[publish]
endpoint = $STORE
bucket = photos
addressing = path
access_key = test:tester
secret_file = $SECRET
event = expo
booth = party
public_base_url = $STORE/v1/AUTH_test/photos
heartbeat_seconds = 1
EOC
"$PB" --config "$WORK/party.conf" >"$WORK/party.log" 2>&1 &
PARTY=$!
python3 "$TOP/tests/lib/booth.py" wait-ready "$WORK/party/ctl.sock" "$PARTY" 10 ||
	setup_failed "the second kiosk did not start"
check "photoboothctl fleet lists both booths, none silent" \
	wait_for 20 'ctl --json fleet | python3 -c "import json,sys; d=json.load(sys.stdin)[\"data\"]; b={x[\"booth\"]:x for x in d[\"booths\"]}; sys.exit(not (set(b)=={\"lounge\",\"party\"} and d[\"silent\"]==0))"'
ctl fleet >"$WORK/fleet.txt"
cat "$WORK/fleet.txt"
check "... in words: the state and when last seen" \
	grep -Eq '^party: [a-z]+ · .*[0-9]+ s ago$' "$WORK/fleet.txt"
kill -STOP "$PARTY"
check "the stopped booth is flagged silent" \
	wait_for 30 'ctl --json fleet | python3 -c "import json,sys; d=json.load(sys.stdin)[\"data\"]; b={x[\"booth\"]:x for x in d[\"booths\"]}; sys.exit(not (b[\"party\"][\"silent\"] and not b[\"lounge\"][\"silent\"]))"'
silent_words() { ctl fleet | grep -q '^party: SILENT for'; }
check "... and in words" silent_words
kill -CONT "$PARTY"
kill "$PARTY"
wait "$PARTY" 2>/dev/null

ctl report >"$WORK/report.txt"
cat "$WORK/report.txt"
# 5 guests; the kill -9 while a request hung takes guest 4's count (the hours are saved at each
# heartbeat and at exit)
report_counts() {
	ctl --json report | python3 -c 'import json, sys
d = json.load(sys.stdin)["data"]
b = {x["booth"]: x for x in d["booths"]}
sys.exit(not (b["lounge"]["sessions"] >= 4 and len(b["lounge"]["hours"]) >= 1
              and d["event"]["sessions"] >= b["lounge"]["sessions"]))'
}
check "photoboothctl report: the lounge's sessions per hour and in total" report_counts

# the store fails the listing: the fleet is unknown, never "0 booths, 0 silent"
check "the store goes away again" store_down
check "status: the fleet is unknown, in the transfer's words" \
	wait_for 15 'json publish.fleet_error | grep -qi connect'
ctl fleet >"$WORK/fleet.txt" 2>&1
check "photoboothctl fleet exits 1" test $? = 1
echo "# $(head -1 "$WORK/fleet.txt")"
check "... saying why, and listing no booth" \
	bash -c "grep -q 'booths are unknown: the store did not list them: .*onnect' '$WORK/fleet.txt' && ! grep -q '^lounge:' '$WORK/fleet.txt'"
check "photoboothctl report too" bash -c "! ctl report >/dev/null 2>&1"
check "the store comes back" store_up
check "the fleet is known again" wait_for 20 'ctl fleet >/dev/null 2>&1'
stop_kiosk

# the booth's clock 45 minutes ahead (libfaketime): the store answers RequestTimeTooSkewed;
# staff are told to check NTP, not the keys
skew_env="LD_PRELOAD=/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1 FAKETIME=+45m FAKETIME_DONT_FAKE_MONOTONIC=1"
[ -n "$PB_ASAN" ] && skew_env="$skew_env ASAN_OPTIONS=verify_asan_link_order=0:${ASAN_OPTIONS:-}"
# shellcheck disable=SC2086
env $skew_env "$PB" --config "$conf" >"$WORK/kiosk.log" 2>&1 &
KIOSK_PID=$!
python3 "$TOP/tests/lib/booth.py" wait-ready "$WORK/ctl.sock" "$KIOSK_PID" 10 ||
	setup_failed "the kiosk did not start under faketime"
check "a clock 45 minutes ahead: staff are told the booth's clock is off, and to check NTP" \
	wait_for 15 'json publish.blocked | grep -q "RequestTimeTooSkewed: the booth.s clock is 4[56] minutes ahead of the store.s: check NTP"'
echo "# blocked: $(json publish.blocked)"
check "the log says so too, without blaming the keys" \
	bash -c "grep -q 'clock is 4[56] minutes ahead' '$WORK/kiosk.log' && ! grep 'RequestTimeTooSkewed' '$WORK/kiosk.log' | grep -q 'access_key'"
stop_kiosk
summary
