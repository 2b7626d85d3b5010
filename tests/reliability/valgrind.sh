#!/bin/bash
# The kiosk under valgrind (memcheck) for VALGRIND_SESSIONS guests (default 50), played by
# tests/reliability/drive.py as in the soak (themes, deliveries, prints through a private
# cupsd, emails through the SMTP sink; no faults). Passes when valgrind finds no invalid read
# or write, no use of uninitialised memory and no definite or indirect leak at exit.
# Smaller photos (1200x800) and a slow live view keep it to minutes; SDL draws in software
# (Mesa's JIT under valgrind would take hours).
set -u
. "$(dirname "$0")/../e2e/lib.sh"
. "$TOP/tests/print/cupsd.sh"
trap 'stop_cupsd; cleanup' EXIT

SESSIONS=${VALGRIND_SESSIONS:-50}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
HTTP_PORT=$(free_port)
SMTP_PORT=$(free_port)

start_xvfb 800 480 || exit 1
start_cupsd "$WORK/cups" || exit 1
add_queue booth "pbtest:$CUPS_DIR/dev"

conf="$WORK/vg.conf"
KIOSK_EXTRA="delivery = both
countdown = 0
capture_timeout = 120
processing_timeout = 120
review_timeout = 120
deliver_timeout = 120
email_timeout = 120" SHARE_LISTEN="127.0.0.1:$HTTP_PORT" STORAGE_EXTRA="min_free_mb = 0" \
	write_config "$conf" "public_url = http://127.0.0.1:$HTTP_PORT/" \
	"[camera]" "sim_width = 1200" "sim_height = 800" "sim_preview_width = 320" "sim_fps = 5" \
	"[print]" "printer = booth" "max_copies = 2" \
	"[mail]" "smtp_url = smtp://127.0.0.1:$SMTP_PORT" "starttls = no" \
	"from = photos@booth.example" "retry_max_seconds = 2"

export SDL_RENDER_DRIVER=software SDL_FRAMEBUFFER_ACCELERATION=0
VG="valgrind --error-exitcode=9 --leak-check=full --show-leak-kinds=definite,indirect
	--errors-for-leak-kinds=definite,indirect --track-origins=no --num-callers=30
	--suppressions=$TOP/tests/reliability/valgrind.supp --log-file=$WORK/valgrind.log"
python3 "$TOP/tests/reliability/drive.py" soak --sessions "$SESSIONS" --wrap "$VG" --slow 20 \
	--smtp-period 0 --paper-every 0 --corrupt-every 0 --rss-limit 0 \
	--pb "$PB" --pbctl "$PBCTL" --config "$conf" --socket "$WORK/ctl.sock" \
	--data-dir "$WORK/data" --log "$WORK/kiosk.log" --sink "$TOP/tests/mail/smtpsink.py" \
	--maildir "$WORK/mail" --smtp-port "$SMTP_PORT" --http-port "$HTTP_PORT" \
	--printer-dir "$CUPS_DIR/dev" | tee "$WORK/vg.out"
mkdir -p "$ART/valgrind" && cp "$WORK/valgrind.log" "$WORK/kiosk.log" "$ART/valgrind/"
PASSED=$((PASSED + $(grep -c '^ok - ' "$WORK/vg.out")))
FAILED=$((FAILED + $(grep -c '^not ok - ' "$WORK/vg.out")))
grep -E 'ERROR SUMMARY|definitely lost|indirectly lost|possibly lost|still reachable' "$WORK/valgrind.log" | sed 's/^==[0-9]*== /# /'
# (one summary per process: the kiosk, and a child libdbus forks to look for a session bus)
check "valgrind ran the kiosk to the end" grep -q "Command: $PB" "$WORK/valgrind.log"
check "valgrind: no memory errors" bash -c "grep -q 'ERROR SUMMARY' '$WORK/valgrind.log' && ! grep -q 'ERROR SUMMARY: [1-9]' '$WORK/valgrind.log'"
check "valgrind: no definite leak" bash -c "! grep -q 'definitely lost: [1-9]' '$WORK/valgrind.log'"
check "valgrind: no indirect leak" bash -c "! grep -q 'indirectly lost: [1-9]' '$WORK/valgrind.log'"
summary
