#!/bin/bash
# A re:Play session: three photos in a row, "Photo N of 3" between them, a two-strip sheet out.
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
summary
