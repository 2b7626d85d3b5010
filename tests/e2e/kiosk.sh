#!/bin/bash
# End to end: the real photobooth binary under Xvfb with the simulated camera at 6000x4000,
# driven by photoboothctl and by synthetic touches, at 1920x1080 and 800x480, in English and
# Korean. Saves a screenshot of every screen to tests/artifacts/e2e/<size>-<lang>/.
set -u
. "$(dirname "$0")/lib.sh"
# A trace (status' last_trace or session.json's trace): one shot, every stage a number, the
# camera's capture and the decode took time, and the stages fit in the whole.
TRACE_OK='
import json, sys
d = json.load(sys.stdin)
t = d.get("last_trace") or d["trace"]
assert len(t["shots"]) == 1, t
s = t["shots"][0]
for k in ("shutter_ms", "capture_ms", "download_ms", "save_ms", "decode_ms"):
    assert isinstance(s[k], (int, float)) and s[k] >= 0, (k, t)
for k in ("compose_ms", "encode_ms", "write_ms", "review_frame_ms", "capture_to_review_ms", "software_ms"):
    assert isinstance(t[k], (int, float)) and t[k] >= 0, (k, t)
assert s["capture_ms"] > 0 and s["decode_ms"] > 0, t
parts = s["shutter_ms"] + s["capture_ms"] + s["download_ms"] + s["save_ms"] + s["decode_ms"] + t["compose_ms"] + t["encode_ms"] + t["write_ms"] + t["review_frame_ms"]
assert parts <= t["capture_to_review_ms"] + 0.5, (parts, t)
assert abs(t["software_ms"] - (t["capture_to_review_ms"] - s["capture_ms"] - s["download_ms"])) <= 0.2, t
'
trace_ok() { python3 -c "$TRACE_OK" <"$1"; }

session_dir() { echo "$WORK/data/sessions/$1"; }

# One guest with photoboothctl only, one with touches only (retake, a failed capture, retry),
# then the language button.
flow() {
	local w=$1 h=$2 lang=$3 out="e2e/${1}x${2}-$3"
	local conf="$WORK/kiosk-$w-$lang.conf"

	rm -rf "$WORK/data"
	start_xvfb "$w" "$h" || return 1
	# Capture 3 fails (the retake of the second guest): the error screen and its retry.
	write_config "$conf" "[camera]" "sim_latency_ms = 800" "sim_fail_every = 3"
	sed -i "s/^\[kiosk\]$/[kiosk]\nlanguage = $lang\ncountdown = 2\nreview_timeout = 60\ndeliver_timeout = 60\nthanks_timeout = 2/" "$conf"
	start_kiosk "$conf" || { not_ok "$out: kiosk starts"; return 1; }
	check "$out: kiosk runs fullscreen at the display's size" \
		test "$(json display.width)x$(json display.height)" = "${w}x${h}"
	check "$out: starts in attract, language $lang" \
		test "$(json state)/$(json language)" = "attract/$lang"
	check "$out: live view runs" wait_live
	sleep 0.3
	shot "$out" attract
	check "$out: attract screenshot shows the live view" not_blank "$ART/$out/attract.png"

	# Guest 1: photoboothctl only.
	check "$out: trigger starts a session" ctl trigger
	check "$out: countdown" wait_state countdown 5
	shot "$out" countdown
	check "$out: capture (flash)" wait_state capture 5
	sleep 0.1
	shot "$out" capture
	check "$out: processing, then review" wait_state review 20
	shot "$out" review
	local id
	id=$(json session)
	check "$out: session folder has final.jpg" test -s "$(session_dir "$id")/final.jpg"
	check "$out: final.jpg is the 6x4 print size" \
		test "$(image_size "$(session_dir "$id")/final.jpg")" = "1800x1200"
	check "$out: share.jpg is 1600 px on the long side" \
		test "$(image_size "$(session_dir "$id")/share.jpg")" = "1600x1067"
	check "$out: the original capture is 6000x4000" \
		test "$(image_size "$(session_dir "$id")/capture-1.jpg")" = "6000x4000"
	echo "# capture to review: $(json last_capture_to_review_ms) ms (6000x4000 capture)"
	check "$out: status has the trace of every stage" trace_ok <(ctl status)
	check "$out: the log has the trace at info level" \
		grep -q "<6>session $id: trace: shot 1: shutter .* decode .*; compose .* review-frame .* total" "$WORK/kiosk.log"
	check "$out: trigger accepts the photo" ctl trigger
	check "$out: deliver" wait_state deliver 5
	shot "$out" deliver
	check "$out: deliver shows the download link (session.json)" \
		grep -q '"status":"accepted".*download link shown' "$(session_dir "$id")/session.json"
	check "$out: trigger leaves deliver" ctl trigger
	check "$out: thanks" wait_state thanks 5
	shot "$out" thanks
	check "$out: thanks times out to attract" wait_state attract 10
	check "$out: session.json is complete" python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))
assert s["status"] == "accepted" and s["captures"] == ["capture-1.jpg"], s
assert s["final"] == "final.jpg" and s["overlay"] == "certification-lounge", s' \
		"$(session_dir "$id")/session.json"
	check "$out: session.json has the trace, first review frame included" \
		trace_ok "$(session_dir "$id")/session.json"

	# Guest 2: touches only.
	check "$out: a touch starts a session" tap start
	check "$out: touch -> countdown" wait_state countdown 5
	check "$out: review" wait_state review 20
	check "$out: one retake offered" test "$(json retakes_left)" = 1
	check "$out: touch Retake" tap retake
	check "$out: retake -> countdown" wait_state countdown 5
	check "$out: the failed capture shows the error screen" wait_state error 20
	shot "$out" error
	check "$out: touch Try again" tap retry
	check "$out: retry -> countdown" wait_state countdown 5
	check "$out: review after retry" wait_state review 20
	check "$out: retake limit reached: no Retake button" \
		test "$(json retakes_left)/$(json buttons.retake 2>/dev/null)" = "0/"
	shot "$out" review-no-retake
	check "$out: touch Looks good" tap accept
	check "$out: deliver" wait_state deliver 5
	check "$out: touch Done" tap done
	check "$out: thanks" wait_state thanks 5
	local second
	second=$(json session)
	check "$out: a touch on thanks starts the next guest's countdown" tap continue
	check "$out: thanks -> countdown" wait_state countdown 5
	check "$out: the next guest has a session of their own" \
		test -n "$(json session)" -a "$(json session)" != "$second"
	check "$out: reset (staff) -> attract" ctl reset
	check "$out: attract" wait_state attract 5
	check "$out: counters: 3 sessions, 2 accepted, 1 retake, 1 failure" \
		test "$(json counters.sessions)/$(json counters.accepted)/$(json counters.retakes)/$(json counters.failures)" = "3/2/1/1"
	check "$out: two sessions kept on disk" \
		test "$(find "$WORK/data/sessions" -name final.jpg | wc -l)" = 2

	# The language button switches the attract screen.
	local other=ko
	[ "$lang" = ko ] && other=en
	check "$out: touch the language button" tap language
	check "$out: language is now $other" test "$(json language)" = "$other"
	sleep 0.2
	shot "$out" attract-$other
	check "$out: screenshots differ after the switch" \
		bash -c "! cmp -s '$ART/$out/attract.png' '$ART/$out/attract-$other.png'"

	# A session aborted by reset leaves nothing behind.
	ctl trigger >/dev/null
	check "$out: reset aborts the countdown" ctl reset
	check "$out: back in attract" test "$(json state)" = attract
	check "$out: the aborted session left no folder" \
		test "$(find "$WORK/data/sessions" -mindepth 1 -maxdepth 1 | wc -l)" = 2
	check "$out: every text fitted its box" test "$(json text_overflows)" = 0
	stop_kiosk
	check "$out: SIGTERM ends the kiosk cleanly" test "$KIOSK_RC" = 0
	check "$out: control socket removed on exit" test ! -e "$WORK/ctl.sock"
}

flow 1920 1080 en
flow 1920 1080 ko
flow 800 480 en
flow 800 480 ko
summary
