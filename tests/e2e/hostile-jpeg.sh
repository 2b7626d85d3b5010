#!/bin/bash
# End to end: no JPEG crashes the booth. Hostile JPEGs made from a real photo (a 24 MP-class
# 3000x2000 plasma, baseline and progressive): cut off at 90 % (the print's encoder has
# written by then), every progressive scan sent twice, one scan sent 500 times more, and a
# Huffman table counting 512 codes. Each goes through `photobooth render` 6 times (exit 1 and
# one line naming the file, never a signal) and through the real kiosk's capture path (the
# simulated camera's sim_capture_file): the guest gets the error screen, the kiosk lives on,
# and the retake after it, with a good photo, comes out right (one bad file once spoiled the
# decoder for every photo after it).
set -u
. "$(dirname "$0")/lib.sh"

/usr/bin/convert -seed 11 -size 3000x2000 plasma:fractal -quality 90 "$WORK/good.jpg"
/usr/bin/convert "$WORK/good.jpg" -interlace JPEG -quality 90 "$WORK/progressive.jpg"
head -c $(($(stat -c %s "$WORK/good.jpg") * 9 / 10)) "$WORK/good.jpg" >"$WORK/late-truncated.jpg"
/usr/bin/python3 "$TOP/tests/lib/jpegscans.py" repeat "$WORK/progressive.jpg" "$WORK/repeated-scans.jpg"
/usr/bin/python3 "$TOP/tests/lib/jpegscans.py" many "$WORK/progressive.jpg" "$WORK/many-scans.jpg" 500
/usr/bin/python3 - "$WORK/good.jpg" "$WORK/huffman.jpg" <<'PY'
import sys
d = bytearray(open(sys.argv[1], "rb").read())
i = d.index(b"\xff\xc4")
d[i + 5:i + 21] = b"\x20" * 16  # 512 codes in one table
open(sys.argv[2], "wb").write(d)
PY
HOSTILE="late-truncated repeated-scans many-scans huffman"
for h in $HOSTILE; do [ -s "$WORK/$h.jpg" ] || setup_failed "could not make $h.jpg"; done

# photobooth render, 6 runs each
for h in $HOSTILE; do
	good=0
	for _ in 1 2 3 4 5 6; do
		"$PB" render -o "$WORK/out.jpg" "$WORK/$h.jpg" 2>"$WORK/err"
		rc=$?
		[ "$rc" = 1 ] && [ "$(wc -l <"$WORK/err")" = 1 ] && grep -q "$h.jpg: " "$WORK/err" &&
			good=$((good + 1))
	done
	echo "# $h: $(cat "$WORK/err")"
	check "render of $h: exit 1 and one line naming the file, 6 runs of 6 ($good)" test "$good" = 6
done
check "render of the good photo still works" "$PB" render -o "$WORK/out.jpg" "$WORK/good.jpg"

# the kiosk's own capture path
cp "$WORK/good.jpg" "$WORK/capture.jpg"
conf="$WORK/kiosk.conf"
KIOSK_EXTRA="countdown = 1
review_timeout = 60
error_timeout = 60" write_config "$conf" "[camera]" "sim_capture_file = $WORK/capture.jpg"
start_xvfb 800 480
start_kiosk "$conf" || setup_failed "the kiosk did not start"
pid=$KIOSK_PID
fails_safely() { wait_state error 30 && kill -0 "$pid"; }
good_retake() {
	wait_state review 30 && cmp -s "$WORK/data/sessions/$(json session)/capture-1.jpg" "$WORK/good.jpg"
}
ctl trigger >/dev/null
check "a guest with the good photo reaches review" good_retake
ctl reset >/dev/null
wait_state attract 5
for h in $HOSTILE; do
	cp "$WORK/$h.jpg" "$WORK/capture.jpg"
	ctl trigger >/dev/null
	check "a capture that is $h: the error screen, the kiosk alive" fails_safely
	[ "$h" = repeated-scans ] && shot hostile-jpeg error-repeated-scans
	cp "$WORK/good.jpg" "$WORK/capture.jpg"
	tap retry
	check "... and the retake after it is the good photo" good_retake
	ctl reset >/dev/null
	wait_state attract 5
done
check "the same kiosk process throughout" test "$KIOSK_PID" = "$pid"
check "the log says why each capture failed" \
	test "$(grep -c 'cannot decode\|Huffman\|JPEG' "$WORK/kiosk.log")" -ge 4
stop_kiosk
summary
