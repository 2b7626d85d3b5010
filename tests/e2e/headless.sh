#!/bin/bash
# No screen at all: the kiosk must run on (photoboothctl, sessions, the gallery) and say so in
# status, then start drawing when a display appears. The display is an Xvfb on a fixed free
# number that is started only after the kiosk.
set -u
. "$(dirname "$0")/lib.sh"

num=
for n in $(seq 150 199); do
	[ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.X$n-lock" ] || { num=$n; break; }
done
[ -n "$num" ] || { echo "no free display number"; exit 1; }
export DISPLAY=":$num" SDL_VIDEODRIVER=x11
write_config "$WORK/h.conf" "[kiosk]" "countdown = 1"
start_kiosk "$WORK/h.conf" || setup_failed "the kiosk did not start"
check "with no display the kiosk runs and answers" test "$(json state)" = attract
check "status says the display is missing, and why" \
	test "$(json display.state)" = missing -a -n "$(json display.reason)"
check "the log says it runs on without a screen" \
	grep -q "running without a screen" "$WORK/kiosk.log"
check "a session runs without a screen (photoboothctl)" ctl trigger
check "... to review" wait_for 20 '[ "$(json state)" = review ]'
ctl trigger >/dev/null
check "... and deliver, with a download link" wait_for 5 '[ "$(json state)" = deliver ]'
id=$(json session)
check "... the photo is saved" test -s "$WORK/data/sessions/$id/share.jpg"
ctl reset >/dev/null
Xvfb ":$num" -screen 0 800x480x24 -nolisten tcp >"$WORK/xvfb.log" 2>&1 &
XVFB_PID=$!
check "once a display appears the kiosk draws on it (within the 5 s retry)" \
	wait_for 15 '[ "$(json display.state)" = ok ] && [ "$(json display.width)" = 800 ]'
check "... the attract screen" wait_state attract 5
check "... logged" grep -q "display found: drawing again" "$WORK/kiosk.log"
shot headless attract
check "... and it is not blank" not_blank "$ART/headless/attract.png"
summary
