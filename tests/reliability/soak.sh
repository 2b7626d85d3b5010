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
# RSS must have grown less than 5% and open files not at all; it prints the table. (make soak
# then runs load.sh and valgrind.sh.) Countdowns are 0 s and photos 3000x2000 so the run takes
# minutes.
set -u
. "$(dirname "$0")/lib.sh"

booth_setup 1280 720 "review_timeout = 60
deliver_timeout = 60
email_timeout = 60
error_timeout = 30" "sim_width = 3000" "sim_height = 2000" "sim_disconnect_every = 37" \
	"sim_disconnect_ms = 500" "sim_corrupt_every = 40"
# (under AddressSanitizer freed memory waits in a quarantine: RSS says nothing about leaks,
# which LeakSanitizer checks at exit instead)
drive soak soak --sessions "${SOAK_SESSIONS:-500}" --corrupt-every 40 \
	--paper-every "${SOAK_PAPER_EVERY:-50}" ${PB_ASAN:+--rss-limit 0}
grep -c '^<3>' "$WORK/kiosk.log" | sed 's/^/# error lines in the kiosk log: /'

# The hourly email limit itself (the campaign above runs without it): [mail]
# per_booth_per_hour = 2; two guests' emails go, the third guest is told on the email
# screen at once, and staff see the guest turned away in status and on the staff screen.
# (its own data_dir and Maildir: the campaign's switches of delivery are saved settings)
sed -e 's/^per_booth_per_hour = 0$/per_booth_per_hour = 2\nrequire_consent = no/' \
	-e 's/^delivery = both$/delivery = share/' -e "s|^data_dir = .*|data_dir = $WORK/limit-data|" \
	"$CONF" >"$WORK/limit.conf"
MAIL="$WORK/limit-mail"
start_sink "$SMTP_PORT" || setup_failed "the SMTP sink did not start (limit phase)"
start_kiosk "$WORK/limit.conf" || setup_failed "the kiosk did not start (limit phase)"
limit_guest() {
	ctl reset >/dev/null
	wait_state attract 10 && ctl trigger >/dev/null && wait_state review 20 &&
		ctl trigger >/dev/null && wait_state deliver 5 && tap email && wait_state email 5 &&
		xdotool type --delay 10 "$1" && xdotool key Return
}
check "limit: guest 1 emails" limit_guest one@example.com
check "limit: ... sent" wait_for 20 '[ "$(mails)" -ge 1 ]'
check "limit: guest 2 emails" limit_guest two@example.com
check "limit: ... sent" wait_for 20 '[ "$(mails)" -ge 2 ]'
check "limit: guest 3 is past it" limit_guest three@example.com
t0=$(date +%s%N)
wait_for 5 '[ "$(json email.problem)" = "over the booth'"'"'s hourly limit ([mail] per_booth_per_hour)" ]'
told_ms=$((($(date +%s%N) - t0) / 1000000))
echo "# the third guest was told in $told_ms ms after Return (status polled)"
check "limit: the third guest is told on the email screen, at once (within 1 s)" \
	test "$(json state)" = email -a "$told_ms" -lt 1000
check "limit: nothing queued for the third, two sent" test "$(json outbox.depth)/$(mails)" = 0/2
check "limit: staff see the guest turned away (status outbox.limited_booth)" \
	test "$(json outbox.limited_booth)" = 1
stop_kiosk
stop_sink
summary
