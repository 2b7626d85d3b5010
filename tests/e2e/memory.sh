#!/bin/bash
# End to end: a guest's address does not stay in the kiosk's memory. The real kiosk under
# Xvfb with the gallery and the SMTP sink; a guest types an address on a (scripted) keyboard
# and sends; once the sink has the email, the running kiosk's writable memory (heap, stacks,
# anonymous mappings: tests/lib/memdump.py) is searched for the address, whole and in part (the text cache keeps each prefix drawn while
# it was typed). Bad input tried: none (the guest is ordinary); the defect looked for is the
# booth keeping what it no longer needs (six copies in a dump before: the form, the outbox,
# libcurl's buffers, the text cache).
set -u
. "$(dirname "$0")/lib.sh"

HTTP_PORT=$(free_port)
SMTP_PORT=$(free_port)
conf="$WORK/memory.conf"
KIOSK_EXTRA="delivery = share
countdown = 1
review_timeout = 60
deliver_timeout = 120" write_mail_config "$conf" "$HTTP_PORT" "$SMTP_PORT" "require_consent = no"
ADDR=zebra.quagga.7731@example.com

start_xvfb 800 480
start_sink "$SMTP_PORT" || setup_failed "the SMTP sink did not start"
start_kiosk "$conf" || setup_failed "the kiosk did not start"
to_email() {
	ctl trigger >/dev/null && wait_state review 20 && ctl trigger >/dev/null &&
		wait_state deliver 5 && tap email && wait_state email 5
}
check "a guest reaches the email screen" to_email
xdotool type --delay 20 "$ADDR"
xdotool key Return
check "the email reaches the sink" wait_for 20 '[ "$(mails)" = 1 ]'
check "... to the address typed" grep -lq "^To: $ADDR" "$MAIL"/new/*
sleep 1
/usr/bin/python3 "$TOP/tests/lib/memdump.py" "$KIOSK_PID" "$WORK/core.mem" >"$WORK/dump.log" 2>&1
core=$WORK/core.mem
[ -s "$core" ] || setup_failed "could not read the kiosk's memory: $(tail -2 "$WORK/dump.log")"
echo "# the kiosk's writable memory: $(cat "$WORK/dump.log")"
check "the dump holds the kiosk's heap (its public_url is in it)" \
	grep -aq "127.0.0.1:$HTTP_PORT/p/" "$core"
check "the address is nowhere in the kiosk's memory once sent" \
	test "$(grep -ac "$ADDR" "$core")" = 0
check "nor any long prefix of it (the text cache of the typing)" \
	test "$(grep -ac "zebra.quagga" "$core")" = 0
rm -f "$core"
stop_kiosk
stop_sink
summary
