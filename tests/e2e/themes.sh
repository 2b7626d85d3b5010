#!/bin/bash
# Themes in the kiosk: a re:Play session (three photos, "Photo N of 3", a two-strip sheet out),
# a re:Play session whose 2nd and 4th captures fail (each shot is put in its slot while the
# guest poses for the next, and a failed shot's retry redoes its own slot only), and a
# certification-lounge session whose retake arrives as a corrupt JPEG.
set -u
. "$(dirname "$0")/lib.sh"

start_xvfb 1280 720
conf="$WORK/replay.conf"
write_config "$conf" "[camera]" "sim_width = 3000" "sim_height = 2000" "sim_latency_ms = 700"
sed -i "s/^\[kiosk\]$/[kiosk]\noverlay = replay\ncountdown = 1/" "$conf"
start_kiosk "$conf" || not_ok "kiosk starts"
check "the theme has three slots" test "$(json slots)" = 3
ctl trigger >/dev/null
for n in 1 2 3; do
	check "countdown for photo $n" wait_state countdown 10
	check "status says photo $n of 3" test "$(json slot)" = "$n"
	[ "$n" = 2 ] && shot e2e/replay countdown-2-of-3
	# the next countdown starts only after the capture: wait for it to be taken
	[ "$n" -lt 3 ] && check "capture $n" wait_state capture 10
done
check "review after the third photo" wait_state review 20
shot e2e/replay review
id=$(json session)
dir="$WORK/data/sessions/$id"
for n in 1 2 3; do
	check "capture-$n.jpg kept" test -s "$dir/capture-$n.jpg"
done
check "final.jpg is a 4x6 sheet of two strips" test "$(image_size "$dir/final.jpg")" = "1200x1800"
check "share.jpg is one strip, 1600 px long" test "$(image_size "$dir/share.jpg")" = "533x1600"
check "session.json lists three captures" grep -q '"captures":\["capture-1.jpg","capture-2.jpg","capture-3.jpg"\]' "$dir/session.json"
check "photos counter is 3" test "$(json counters.photos)" = 3
stop_kiosk

# re:Play with a camera whose every 2nd capture fails: shot 1 is decoded into its slot before
# shot 2 is even taken; shot 2 fails, its retry (capture 3) fills slot 2; shot 3 fails, its
# retry (capture 5) fills slot 3. Each slot is filled exactly once (a retry redoes no other).
rm -rf "$WORK/data"
conf="$WORK/strip-fail.conf"
KIOSK_EXTRA=$'overlay = replay\ncountdown = 1\nreview_timeout = 60' write_config "$conf" \
	"[camera]" "sim_width = 3000" "sim_height = 2000" "sim_fail_every = 2"
start_kiosk "$conf" --verbose || not_ok "kiosk starts"
ctl trigger >/dev/null
for n in 2 3; do
	check "shot $n fails: the error screen" wait_state error 20
	check "the failure is in photo $n of 3" test "$(json slot)" = "$n"
	ctl trigger >/dev/null
	check "retry: the countdown for photo $n again" wait_state countdown 10
	check "retry: still photo $n of 3" test "$(json slot)" = "$n"
done
check "review after the retried third photo" wait_state review 30
grep "in its slot\|-> error" "$WORK/kiosk.log" | sed 's/.*session [^:]*: //' >"$WORK/slots.log"
# at PATTERN [N]: the line number of the Nth line of slots.log matching PATTERN
at() { grep -n -- "$1" "$WORK/slots.log" | sed -n "${2:-1}p" | cut -d: -f1; }
for n in 1 2 3; do
	k=$(grep -c "^photo $n in its slot" "$WORK/slots.log")
	check "photo $n was put in its slot once ($k)" test "$k" = 1
done
check "photo 1 was in its slot before shot 2 failed (during the next countdown)" \
	test "$(at "^photo 1 in its slot")" -lt "$(at "-> error" 1)"
check "photo 2 was in its slot before shot 3 failed" \
	test "$(at "^photo 2 in its slot")" -lt "$(at "-> error" 2)"
check "last_trace has three shots, each saved and decoded" python3 -c '
import json, sys
t = json.load(sys.stdin)["last_trace"]
assert len(t["shots"]) == 3, t
for s in t["shots"]:
    assert s["save_ms"] >= 0 and s["decode_ms"] > 0, t
assert t["compose_ms"] >= 0 and t["capture_to_review_ms"] > 0, t
' < <(ctl status)
dir="$WORK/data/sessions/$(json session)"
check "final.jpg is the sheet of two strips" test "$(image_size "$dir/final.jpg")" = "1200x1800"
check "two failures counted" test "$(json counters.failures)" = 2
stop_kiosk

# The certification lounge with a camera whose 2nd capture arrives corrupt: the retake fails
# to compose, the guest sees "Let's try that again", and the retry makes a good print.
rm -rf "$WORK/data"
conf="$WORK/corrupt.conf"
write_config "$conf" "[camera]" "sim_width = 3000" "sim_height = 2000" "sim_corrupt_every = 2"
sed -i "s/^\[kiosk\]$/[kiosk]\ncountdown = 1\nreview_timeout = 60/" "$conf"
start_kiosk "$conf" || not_ok "kiosk starts"
ctl trigger >/dev/null
check "first photo: review" wait_state review 20
id=$(json session)
check "touch Retake" tap retake
check "the corrupt retake: error screen" wait_state error 20
check "a failure is counted" test "$(json counters.failures)" = 1
check "the good first print is still there" test -s "$WORK/data/sessions/$id/final.jpg"
ctl trigger >/dev/null
check "retry: review with a good photo" wait_state review 20
dir="$WORK/data/sessions/$(json session)"
check "final.jpg is the 6x4 print" test "$(image_size "$dir/final.jpg")" = 1800x1200
# the theme's frame is on it: the navy band under the photo, the paper-white margin
band=$(/usr/bin/convert "$dir/final.jpg" -format '%[fx:int(255*p{900,1150}.b)] %[fx:int(255*p{900,1150}.r)]' info:)
check "final.jpg has the navy event band (blue $band)" bash -c "set -- $band; [ \$1 -gt 60 ] && [ \$2 -lt 60 ]"
margin=$(/usr/bin/convert "$dir/final.jpg" -format '%[fx:int(255*p{10,500}.g)]' info:)
check "final.jpg has the white margin ($margin)" test "$margin" -gt 230
stop_kiosk
summary
