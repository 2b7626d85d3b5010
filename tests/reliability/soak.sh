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
summary
