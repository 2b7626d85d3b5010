#!/bin/bash
# The kiosk under valgrind (memcheck) for VALGRIND_SESSIONS guests (default 50), played by
# tests/reliability/drive.py as in the soak (themes, deliveries, prints through a private
# cupsd, emails through the SMTP sink; no faults). Passes when valgrind finds no invalid read
# or write, no use of uninitialised memory and no definite or indirect leak at exit.
# Smaller photos (1200x800) and a slow live view keep it to minutes; SDL draws in software
# (Mesa's JIT under valgrind would take hours).
set -u
. "$(dirname "$0")/lib.sh"

# memcheck on the kiosk itself (photobooth only execs it)
PB="$TOP/build/photobooth-kiosk"
booth_setup 800 480 "capture_timeout = 120
processing_timeout = 120
review_timeout = 120
deliver_timeout = 120
email_timeout = 120" "sim_width = 1200" "sim_height = 800" "sim_preview_width = 320" "sim_fps = 5"
export SDL_RENDER_DRIVER=software SDL_FRAMEBUFFER_ACCELERATION=0
VG="valgrind --error-exitcode=9 --leak-check=full --show-leak-kinds=definite,indirect
	--errors-for-leak-kinds=definite,indirect --track-origins=no --num-callers=30
	--suppressions=$TOP/tests/reliability/valgrind.supp --log-file=$WORK/valgrind.log"
drive valgrind soak --sessions "${VALGRIND_SESSIONS:-50}" --wrap "$VG" --slow 20 \
	--smtp-period 0 --paper-every 0 --corrupt-every 0 --disconnect-every 0 --rss-limit 0
cp "$WORK/valgrind.log" "$ART/valgrind/"
grep -E 'ERROR SUMMARY|definitely lost|indirectly lost|possibly lost|still reachable' "$WORK/valgrind.log" | sed 's/^==[0-9]*== /# /'
# (one summary per process: the kiosk, and a child libdbus forks to look for a session bus)
check "valgrind ran the kiosk to the end" grep -q "Command: $PB" "$WORK/valgrind.log"
check "valgrind: no memory errors" bash -c "grep -q 'ERROR SUMMARY' '$WORK/valgrind.log' && ! grep -q 'ERROR SUMMARY: [1-9]' '$WORK/valgrind.log'"
check "valgrind: no definite leak" bash -c "! grep -q 'definitely lost: [1-9]' '$WORK/valgrind.log'"
check "valgrind: no indirect leak" bash -c "! grep -q 'indirectly lost: [1-9]' '$WORK/valgrind.log'"
summary
