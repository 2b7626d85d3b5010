#!/bin/bash
# make bench: figures, not pass/fail tests. Each figure is set against a baseline measured in
# this same run on this same machine, so a busy machine moves both.
#
#   capture to review: the kiosk under Xvfb with the simulated 6000x4000 camera, from the end
#   of the countdown to the review screen (capture, save, decode, compose, encode, preview),
#   against djpeg decoding one of those same captures at full size.
set -u
. "$(dirname "$0")/e2e/lib.sh"
RUNS=${RUNS:-7}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

start_xvfb 1920 1080 || exit 1
conf="$WORK/bench.conf"
write_config "$conf"
sed -i "s/^\[kiosk\]$/[kiosk]\ncountdown = 1/" "$conf"
start_kiosk "$conf" || exit 1
wait_live
: >"$WORK/c2r"
for _ in $(seq "$RUNS"); do
	ctl trigger >/dev/null
	wait_state review 20 >/dev/null || exit 1
	json last_capture_to_review_ms >>"$WORK/c2r"
	ctl reset >/dev/null
	wait_state attract 5 >/dev/null
done
stop_kiosk
capture=$(find "$WORK/data/sessions" -name capture-1.jpg | head -1)
: >"$WORK/djpeg"
for _ in $(seq "$RUNS"); do
	s=$(date +%s%N)
	djpeg -outfile /dev/null "$capture"
	echo $((($(date +%s%N) - s) / 1000000)) >>"$WORK/djpeg"
done
c2r=$(median <"$WORK/c2r")
dj=$(median <"$WORK/djpeg")
ratio=$(python3 -c "print('%.1f' % ($c2r / max($dj, 1)))")
verdict=$(python3 -c "print('within' if $c2r < 2000 else 'OVER')")
printf '\n%-44s %10s %12s %8s\n' "what ($RUNS runs, medians)" "ours ms" "baseline ms" "ratio"
printf '%-44s %10s %12s %8s\n' "capture to review, 6000x4000 sim capture" "$c2r" "$dj" "${ratio}x"
printf '  baseline: djpeg full-size decode of the same capture (%s)\n' "$(image_size "$capture")"
printf '  budget: capture to review under 2000 ms: %s\n' "$verdict"
