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
# Then CRASH_ACCEPT_KILLS times (default 5) the SMTP sink stores a guest's email and holds back
# its "250" for half a second, and the kiosk is killed in between: the email must be sent
# again after the restart (at least once: no email lost), with the same Message-ID.
# CRASH_SEED repeats a run's random choices; CRASH_STEPS (comma-separated) kills only in those
# steps, CRASH_MAX_DELAY (seconds) changes the 0.4 s.
set -u
. "$(dirname "$0")/lib.sh"

booth_setup 1280 720 "review_timeout = 60
deliver_timeout = 60
email_timeout = 60" "sim_width = 3000" "sim_height = 2000"
drive crash crash --kills "${CRASH_KILLS:-50}" ${CRASH_SEED:+--seed "$CRASH_SEED"} \
	${CRASH_STEPS:+--steps "$CRASH_STEPS"} ${CRASH_MAX_DELAY:+--max-delay "$CRASH_MAX_DELAY"}

# a fresh booth for the second run: its deliveries are checked against its own guests only
if [ "${CRASH_ACCEPT_KILLS:-5}" -gt 0 ]; then
	rm -rf "$WORK/data" "$WORK/mail" "$CUPS_DIR/dev/out"
	drive crash-accept crash --steps accept --ack-delay 0.5 --kills "${CRASH_ACCEPT_KILLS:-5}" \
		--deliveries share ${CRASH_SEED:+--seed "$CRASH_SEED"}
fi
summary
