# Shared by soak.sh, crash.sh and valgrind.sh: a private Xvfb, cupsd with the pbtest printer
# (tests/print/cupsd.sh), free ports for the gallery and the SMTP sink, the booth's config,
# and drive.py run against it. Sourced; everything started here is stopped on exit.
. "$(dirname "${BASH_SOURCE[0]}")/../e2e/lib.sh"
. "$TOP/tests/print/cupsd.sh"
trap 'stop_cupsd; cleanup' EXIT

HTTP_PORT=$(free_port)
SMTP_PORT=$(free_port)
CONF="$WORK/booth.conf"

# booth_setup WIDTH HEIGHT "KIOSK LINES" [CAMERA LINES...]: Xvfb at that size, cupsd with the
# queue "booth", and $CONF: every delivery on, no countdown, email through the sink.
booth_setup() {
	local w=$1 h=$2 kiosk=$3
	shift 3
	start_xvfb "$w" "$h"
	start_cupsd "$WORK/cups" || setup_failed "cupsd did not start"
	add_queue booth "pbtest:$CUPS_DIR/dev"
	KIOSK_EXTRA="delivery = both
countdown = 0
$kiosk" SHARE_LISTEN="127.0.0.1:$HTTP_PORT" STORAGE_EXTRA="min_free_mb = 0" \
		write_config "$CONF" "public_url = http://127.0.0.1:$HTTP_PORT/" \
		"[camera]" "$@" \
		"[print]" "printer = booth" "max_copies = 2" \
		"[mail]" "smtp_url = smtp://127.0.0.1:$SMTP_PORT" "starttls = no" \
		"from = photos@booth.example" "retry_max_seconds = 2" \
		"per_booth_per_hour = 0" "per_address_per_hour = 0" # (the limits: ratelimit.sh)
}

# drive NAME MODE [drive.py options...]: plays the guests; its findings join this test's
# counts; the kiosk's log is kept in $ART/NAME/.
drive() {
	local name=$1 mode=$2 rc
	shift 2
	python3 "$TOP/tests/reliability/drive.py" "$mode" "$@" \
		--pb "$PB" --pbctl "$PBCTL" --config "$CONF" --socket "$WORK/ctl.sock" \
		--data-dir "$WORK/data" --log "$WORK/kiosk.log" --sink "$TOP/tests/mail/smtpsink.py" \
		--maildir "$WORK/mail" --smtp-port "$SMTP_PORT" --http-port "$HTTP_PORT" \
		--printer-dir "$CUPS_DIR/dev" | tee "$WORK/$name.out"
	rc=${PIPESTATUS[0]}
	mkdir -p "$ART/$name" && cp "$WORK/kiosk.log" "$ART/$name/kiosk.log"
	PASSED=$((PASSED + $(grep -c '^ok - ' "$WORK/$name.out")))
	FAILED=$((FAILED + $(grep -c '^not ok - ' "$WORK/$name.out")))
	check "the driver ran to the end" test "$rc" = 0 -o "$FAILED" -gt 0
}
