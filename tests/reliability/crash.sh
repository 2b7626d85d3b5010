#!/bin/bash
# make crash-test: power cuts. The real kiosk under Xvfb plays guests
# (tests/reliability/drive.py crash) and is SIGKILLed CRASH_KILLS times (default 50), each
# time at a random moment (0 to 400 ms) into a step picked at random: capture, compose, save
# (the guest accepted: the session is written), print (the copies were chosen: spool and
# CUPS submit), email (the send was acknowledged: the outbox), settings (staff switched the
# theme: settings.ini). After each kill it restarts the kiosk and checks:
#   - back on the attract screen within 3 s
#   - no JPEG under its final name is torn, no session.json fails to parse (scanned after every
#     restart), and the gallery serves only whole photos
#   - every print chosen and every email acknowledged before a kill comes out exactly once
# CRASH_SEED repeats a run's random choices.
set -u
. "$(dirname "$0")/../e2e/lib.sh"
. "$TOP/tests/print/cupsd.sh"
trap 'stop_cupsd; cleanup' EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
HTTP_PORT=$(free_port)
SMTP_PORT=$(free_port)

start_xvfb 1280 720 || exit 1
start_cupsd "$WORK/cups" || exit 1
add_queue booth "pbtest:$CUPS_DIR/dev"

conf="$WORK/crash.conf"
KIOSK_EXTRA="delivery = both
countdown = 0
review_timeout = 60
deliver_timeout = 60
email_timeout = 60" SHARE_LISTEN="127.0.0.1:$HTTP_PORT" STORAGE_EXTRA="min_free_mb = 0" \
	write_config "$conf" "public_url = http://127.0.0.1:$HTTP_PORT/" \
	"[camera]" "sim_width = 3000" "sim_height = 2000" \
	"[print]" "printer = booth" "max_copies = 2" \
	"[mail]" "smtp_url = smtp://127.0.0.1:$SMTP_PORT" "starttls = no" \
	"from = photos@booth.example" "retry_max_seconds = 2"

python3 "$TOP/tests/reliability/drive.py" crash --kills "${CRASH_KILLS:-50}" \
	${CRASH_SEED:+--seed "$CRASH_SEED"} \
	--pb "$PB" --pbctl "$PBCTL" --config "$conf" --socket "$WORK/ctl.sock" \
	--data-dir "$WORK/data" --log "$WORK/kiosk.log" --sink "$TOP/tests/mail/smtpsink.py" \
	--maildir "$WORK/mail" --smtp-port "$SMTP_PORT" --http-port "$HTTP_PORT" \
	--printer-dir "$CUPS_DIR/dev" | tee "$WORK/crash.out"
rc=${PIPESTATUS[0]}
mkdir -p "$ART/crash" && cp "$WORK/kiosk.log" "$ART/crash/kiosk.log"
PASSED=$((PASSED + $(grep -c '^ok - ' "$WORK/crash.out")))
FAILED=$((FAILED + $(grep -c '^not ok - ' "$WORK/crash.out")))
check "the driver finished" test "$rc" = 0 -o "$FAILED" -gt 0
summary
