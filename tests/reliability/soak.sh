#!/bin/bash
# make soak: a day of faults in minutes. The real kiosk under Xvfb (1280x720) plays
# SOAK_SESSIONS guests (default 500) back to back (tests/reliability/drive.py), switching
# theme (certification-lounge, replay) and delivery (print, share, both) by photoboothctl,
# with a private cupsd and the pbtest printer, an SMTP sink, and faults on a schedule:
#   the simulated camera unplugs itself at every 37th capture (back after 0.5 s)
#   one capture in 40 is a truncated, corrupt JPEG
#   the printer runs out of paper after every 50 prints; staff run photoboothctl printer resume
#   the SMTP server is down 4 s of every 20 (20% of the time)
# Then every print and email must have come out exactly once, every download byte for byte,
# RSS must have grown less than 5% and open files not at all; it prints the table. Then the
# gallery under load (tests/reliability/load.sh: wrk at 200 connections for 30 s, slowloris,
# oversized headers). Countdowns are 0 s and photos 3000x2000 so the run takes minutes.
set -u
. "$(dirname "$0")/../e2e/lib.sh"
. "$TOP/tests/print/cupsd.sh"
trap 'stop_cupsd; cleanup' EXIT

SESSIONS=${SOAK_SESSIONS:-500}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
HTTP_PORT=$(free_port)
SMTP_PORT=$(free_port)

start_xvfb 1280 720 || exit 1
start_cupsd "$WORK/cups" || exit 1
add_queue booth "pbtest:$CUPS_DIR/dev"

conf="$WORK/soak.conf"
KIOSK_EXTRA="delivery = both
countdown = 0
review_timeout = 60
deliver_timeout = 60
email_timeout = 60
error_timeout = 30" SHARE_LISTEN="127.0.0.1:$HTTP_PORT" STORAGE_EXTRA="min_free_mb = 0" \
	write_config "$conf" "public_url = http://127.0.0.1:$HTTP_PORT/" \
	"[camera]" "sim_width = 3000" "sim_height = 2000" "sim_disconnect_every = 37" \
	"sim_disconnect_ms = 500" "sim_corrupt_every = 40" \
	"[print]" "printer = booth" "max_copies = 2" \
	"[mail]" "smtp_url = smtp://127.0.0.1:$SMTP_PORT" "starttls = no" \
	"from = photos@booth.example" "retry_max_seconds = 2"

python3 "$TOP/tests/reliability/drive.py" soak --sessions "$SESSIONS" \
	--pb "$PB" --pbctl "$PBCTL" --config "$conf" --socket "$WORK/ctl.sock" \
	--data-dir "$WORK/data" --log "$WORK/kiosk.log" --sink "$TOP/tests/mail/smtpsink.py" \
	--maildir "$WORK/mail" --smtp-port "$SMTP_PORT" --http-port "$HTTP_PORT" \
	--printer-dir "$CUPS_DIR/dev" --corrupt-every 40 --paper-every "${SOAK_PAPER_EVERY:-50}" |
	tee "$WORK/soak.out"
rc=${PIPESTATUS[0]}
mkdir -p "$ART/soak" && cp "$WORK/kiosk.log" "$ART/soak/kiosk.log"
grep -c '^<3>' "$WORK/kiosk.log" | sed 's/^/# error lines in the kiosk log: /'
PASSED=$((PASSED + $(grep -c '^ok - ' "$WORK/soak.out")))
FAILED=$((FAILED + $(grep -c '^not ok - ' "$WORK/soak.out")))
check "the driver finished" test "$rc" = 0 -o "$FAILED" -gt 0
summary
