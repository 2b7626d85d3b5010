#!/bin/bash
# The kiosk as systemd runs it (Type=notify, WatchdogSec): NOTIFY_SOCKET points at a datagram
# socket this test reads (tests/systemd/notify-listen.py). Checks READY, STATUS lines that
# follow what staff should know, WATCHDOG pings at half the interval, and STOPPING.
set -u
. "$(dirname "$0")/lib.sh"
LISTEN_PID=
trap '[ -n "$LISTEN_PID" ] && kill "$LISTEN_PID" 2>/dev/null; cleanup' EXIT

heard() { grep -c "$1" "$WORK/notify.log" 2>/dev/null || true; }

/usr/bin/python3 "$TOP/tests/systemd/notify-listen.py" "$WORK/notify.sock" "$WORK/notify.log" &
LISTEN_PID=$!
wait_for 5 "[ -S '$WORK/notify.sock' ]" || setup_failed "the notify listener did not start"

start_xvfb 800 480
write_config "$WORK/n.conf"
export NOTIFY_SOCKET="$WORK/notify.sock" WATCHDOG_USEC=1000000
start_kiosk "$WORK/n.conf" || setup_failed "the kiosk did not start"
unset NOTIFY_SOCKET WATCHDOG_USEC
check "READY=1 once the kiosk answers on its socket" wait_for 5 '[ "$(heard READY=1)" = 1 ]'
check "... with a status line naming the camera and the theme" \
	grep -q "READY=1|STATUS=camera: .* · certification-lounge, share" "$WORK/notify.log"
check "the camera's state shows in STATUS once connected" \
	wait_for 10 'grep -q "STATUS=camera: connected" "$WORK/notify.log"'
sleep 3
pings=$(heard WATCHDOG=1)
echo "# $pings watchdog pings in about 3 s (WatchdogSec 1 s)"
check "WATCHDOG=1 pings about every 0.5 s, not every frame (3 to 15 in 3 s, not ~90)" test "$pings" -ge 3 -a "$pings" -le 15
check "the watchdog interval is logged" grep -q "systemd watchdog: 1000 ms" "$WORK/kiosk.log"
ctl delivery both >/dev/null
check "a change staff should know updates STATUS" \
	wait_for 5 'grep -q "STATUS=camera: connected · printer: .* · certification-lounge, both" "$WORK/notify.log"'
# The kiosk works the line out every second and sends it only when it differs from the last
# one sent. The printer's part may still change as CUPS answers after the switch (slowly on a
# loaded machine), so the check is on the whole record: after 3 s more, no STATUS repeats the
# one before it (a kiosk that sent every second would have repeated each line several times).
sleep 3
repeats() {
	sed -n 's/.*STATUS=//p' "$WORK/notify.log" | uniq -d | wc -l
}
echo "# $(heard STATUS=) STATUS lines in $(tail -1 "$WORK/notify.log" | cut -d' ' -f1) s"
check "an unchanged status is not sent again" test "$(repeats)" = 0
stop_kiosk
check "STOPPING=1 on SIGTERM" test "$(heard STOPPING=1)" = 1
check "exit code 0" test "$KIOSK_RC" = 0
summary
