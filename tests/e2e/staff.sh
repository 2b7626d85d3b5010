#!/bin/bash
# Staff controls end to end: the real kiosk at 800x480 under Xvfb, a private cupsd with the
# pbtest printer (tests/print/cupsd.sh), driven by synthetic touches on the PIN keypad and the
# staff screen, and by every photoboothctl command. Screenshots go to tests/artifacts/staff/.
# Bad situations tried: a wrong PIN five times (lockout; the right PIN refused while locked),
# a client outside the socket's group, a bad PIN and bad paper presets in the config, unknown
# themes, delivery modes, jobs and counts, a config reload with a broken file, and the kiosk
# SIGKILLed while staff change settings (the file must be the old one or the new one).
set -u
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/print/cupsd.sh"
trap 'mkdir -p "$ART/$OUT"; cp "$WORK/kiosk.log" "$ART/$OUT/kiosk.log" 2>/dev/null; stop_cupsd; cleanup' EXIT

OUT=staff
PIN=2468
prints() { find "$CUPS_DIR/dev/out" -name "$1.*.ps" 2>/dev/null | wc -l; }

# pin DIGITS: typed on the keypad, then OK.
pin() { type_keys "$1" && tap ok; }

# long_press X Y SECONDS: a press held down, then let go.
long_press() {
	xdotool mousemove --sync "$1" "$2" mousedown 1
	sleep "$3"
	xdotool mouseup 1
}

# staff_screen: from any screen to the staff screen, by the staff key and the PIN.
staff_screen() {
	xdotool key F12 && wait_state pin 5 && pin $PIN && wait_state staff 5
}

# guest_print: one guest from attract to one print asked for, back to attract.
guest_print() {
	ctl trigger >/dev/null && wait_state review 20 && ctl trigger >/dev/null &&
		wait_state deliver 5 && tap copies-1 && ctl trigger >/dev/null &&
		wait_state thanks 5 && ctl reset >/dev/null && wait_state attract 5
}

setting() { sed -n "s/^$1 = //p" "$WORK/data/settings.ini"; }

chmod 755 "$WORK" # the socket's directory: others may look, the socket decides
start_xvfb 800 480
start_cupsd "$WORK/cups" || setup_failed "cupsd did not start"
add_queue booth "pbtest:$CUPS_DIR/dev"

conf="$WORK/staff.conf"
KIOSK_EXTRA="delivery = both
countdown = 1
review_timeout = 60
deliver_timeout = 60" write_config "$conf" \
	"[control]" "group = nogroup" \
	"[print]" "printer = booth" "max_copies = 2" \
	"[staff]" "pin = $PIN" "purge_hours = 2" \
	"shutdown_command = touch $WORK/shutdown-ran" "reboot_command = touch $WORK/reboot-ran"

# --- Bad staff configuration stops the kiosk with EX_CONFIG, naming the key.
for bad in "pin = 12" "pin = 12ab" "paper_presets = 36, 0" "key = NoSuchKey"; do
	sed "s/^pin = $PIN\$/$bad/" "$conf" >"$WORK/bad.conf"
	[ "$bad" = "key = NoSuchKey" ] && printf 'pin = %s\n' $PIN >>"$WORK/bad.conf"
	if [ "$bad" = "key = NoSuchKey" ]; then
		# only SDL knows key names: the kiosk itself refuses it at start
		"$PB" --config "$WORK/bad.conf" >"$WORK/bad.out" 2>&1
	else
		"$PB" --config "$WORK/bad.conf" --check-config >"$WORK/bad.out" 2>&1
	fi
	check "[staff] $bad is refused with exit 78" test $? -eq 78
	check "... saying why" grep -q "\[staff\] ${bad%% =*}" "$WORK/bad.out"
done

start_kiosk "$conf" || setup_failed "the kiosk did not start"
check "the kiosk prints and shares (delivery both)" test "$(json delivery)" = both

# --- The control socket: mode 0660, the configured group; others are refused.
check "socket is 0660 and owned by group nogroup" \
	test "$(stat -c '%a %G' "$WORK/ctl.sock")" = "660 nogroup"
setpriv --reuid=65534 --regid=1 --clear-groups "$PBCTL" --socket "$WORK/ctl.sock" status \
	>"$WORK/other.out" 2>&1
check "a user outside the group is refused (exit 1)" test $? -eq 1
check "... with the reason" grep -q "Permission denied (not in the group that may use it: \[control\] group, or the service.s own)" \
	"$WORK/other.out"
check "a user in the group gets status" setpriv --reuid=65534 \
	--regid="$(getent group nogroup | cut -d: -f3)" --clear-groups \
	"$PBCTL" --socket "$WORK/ctl.sock" status >/dev/null

# --- The hidden gesture. A short tap in the corner is an ordinary tap (it starts a session).
check "attract" wait_state attract 5
xdotool mousemove --sync 15 15 click 1
check "a short tap in the corner starts a session" wait_state countdown 5
check "the guest's photo is ready for review" wait_state review 20
guest=$(json session)
long_press 15 15 3.4
check "a 3 s press in the top-left corner opens the PIN keypad" wait_state pin 5
check "... ending the session" test -z "$(json session)"
check "... keeping the finished photo" test -s "$WORK/data/sessions/$guest/final.jpg"
check "the keypad lists its 11 keys" test "$(ctl status | python3 -c '
import json, sys; print(len(json.load(sys.stdin)["keys"]))')" = 11
shot $OUT pin
check "Cancel closes the keypad" tap cancel
check "... back to attract" wait_state attract 5
long_press 15 15 1
check "a 1 s press does not open it" test "$(json state)" = countdown
ctl reset >/dev/null
wait_state attract 5

# --- Five wrong PINs lock the keypad for 60 s; the right PIN is refused meanwhile.
xdotool key F12
check "the staff key (F12) opens the keypad" wait_state pin 5
for i in 1 2 3 4; do pin 1111; done
check "four wrong PINs: still open to tries" \
	wait_for 5 '[ "$(json staff.locked_s)" = 0 ] && [ "$(json state)" = pin ]'
shot $OUT pin-wrong
pin 1111
check "the fifth locks the keypad for 60 s" wait_for 5 '[ "$(json staff.locked_s)" -ge 58 ]'
check "... and it is logged" grep -q "5 wrong PINs in a row: the keypad is locked for 60 s" \
	"$WORK/kiosk.log"
pin $PIN
sleep 0.3
check "the right PIN is refused while locked" test "$(json state)" = pin
shot $OUT pin-locked
check "a guest never sees the staff screen" test "$(json screen)" = pin

# Pulling the plug gives no fresh tries: the lock survives a SIGKILL and restart.
kill -9 "$KIOSK_PID"; wait "$KIOSK_PID" 2>/dev/null; KIOSK_PID=
start_kiosk "$conf" || setup_failed "the kiosk did not start"
check "the lock survives a kill and restart" \
	test "$(json staff.locked_s)" -ge 50 -a "$(json staff.lockouts_in_a_row)" = 1
check "... and says so in the log" grep -q "the keypad is still locked for" "$WORK/kiosk.log"
xdotool key F12
wait_state pin 5
pin $PIN
sleep 0.3
check "the right PIN is still refused after the restart" test "$(json state)" = pin
xdotool key Escape
wait_state attract 5
check "staff unlock it from photoboothctl" ctl pin unlock
check "... and the right PIN opens the staff screen" staff_screen
ctl reset >/dev/null
wait_state attract 5
# The next lock in a row doubles: five more wrong PINs, 120 s.
xdotool key F12
wait_state pin 5
for i in 1 2 3 4 5; do pin 1111; done
check "the next lock after the right PIN is 60 s again (the streak ended)" \
	wait_for 5 '[ "$(json staff.locked_s)" -ge 58 ] && [ "$(json staff.locked_s)" -le 60 ]'
ctl pin unlock >/dev/null
kill "$KIOSK_PID"; wait "$KIOSK_PID"; KIOSK_PID=
printf '\n[pin]\nwrong = 4\nlockouts_in_a_row = 1\nlocked_until = 0\n' >>"$WORK/data/settings.ini"
start_kiosk "$conf" || setup_failed "the kiosk did not start"
xdotool key F12
wait_state pin 5
pin 1111
check "one wrong PIN after four before the restart locks, for 120 s (doubled)" \
	wait_for 5 '[ "$(json staff.locked_s)" -ge 118 ] && [ "$(json staff.lockouts_in_a_row)" = 2 ]'
check "... and the log gives the doubled time" grep -q "locked for 1[12][0-9] s (lock 2 in a row" "$WORK/kiosk.log"
check "staff unlock it" ctl pin unlock
xdotool key Escape
wait_state attract 5

# --- The staff screen and every action on it.
check "the right PIN opens the staff screen" staff_screen
sleep 0.3
shot $OUT staff
check "staff screen text fits at 800x480" test "$(json text_overflows)" = 0
check "health shows the camera model" test "$(json camera.model)" = "simulated camera 6000x4000"
check "theme arrows, delivery, 3 paper presets, power buttons and Exit are there" \
	test -n "$(json buttons.theme-next)" -a -n "$(json buttons.delivery-print)" \
	-a -n "$(json buttons.paper-3)" -a -z "$(json buttons.paper-4 2>/dev/null)" \
	-a -n "$(json buttons.shutdown)" -a -n "$(json buttons.reboot)" -a -n "$(json buttons.exit)"

tap theme-next
check "Theme ▶ switches to the next installed theme (replay)" \
	wait_for 5 '[ "$(json overlay)" = replay ] && [ "$(json slots)" = 3 ]'
check "... kept in settings.ini" wait_for 5 '[ "$(setting overlay)" = replay ]'
sleep 0.3
shot $OUT staff-replay
tap theme-prev
check "◀ Theme goes back" wait_for 5 '[ "$(json overlay)" = certification-lounge ]'

tap delivery-print
check "Print: delivery print" wait_for 5 '[ "$(json delivery)" = print ]'
check "... kept" wait_for 5 '[ "$(setting delivery)" = print ]'
tap delivery-share
check "Share: delivery share" wait_for 5 '[ "$(json delivery)" = share ]'
tap delivery-both
check "Print + share: delivery both" wait_for 5 '[ "$(json delivery)" = both ]'

tap paper-2
check "Paper loaded: 108 sets the prints left" wait_for 5 '[ "$(json printer.prints_remaining)" = 108 ]'

r0=$(json camera.reconnects)
tap reconnect
check "Reconnect camera reconnects" \
	wait_for 10 '[ "$(json camera.reconnects)" -gt "$r0" ] && [ "$(json camera.state)" = connected ]'

# Purge: a session from 3 hours ago goes, with its download link; the guest's of now stays.
old=20261122-010000-0001
mkdir -p "$WORK/data/sessions/$old" && echo x >"$WORK/data/sessions/$old/final.jpg"
touch -d '3 hours ago' "$WORK/data/sessions/$old"
mkdir -p "$WORK/data/links"
printf '%s %s\n' "$old" $(($(date +%s) + 3600)) >"$WORK/data/links/AAAAAAAAAAAAAAAAAAAAAA"
tap purge
check "Delete photos > 2 h deletes the old session" wait_for 5 "[ ! -e '$WORK/data/sessions/$old' ]"
check "... and its download link" test ! -e "$WORK/data/links/AAAAAAAAAAAAAAAAAAAAAA"
check "... and keeps the recent one" test -s "$WORK/data/sessions/$guest/final.jpg"

tap shutdown
check "Shut down runs [staff] shutdown_command" wait_for 5 "[ -e '$WORK/shutdown-ran' ]"
tap reboot
check "Restart runs [staff] reboot_command" wait_for 5 "[ -e '$WORK/reboot-ran' ]"
# the commands' processes are reaped: no zombie child of the kiosk is left
check "the power commands leave no zombie behind" \
	wait_for 5 "! ps --ppid $KIOSK_PID -o stat= | grep -q Z"

before=$(json totals.all_time.sessions)
check "the counters count sessions" test "$before" -ge 1
tap counters-reset
check "Reset counters zeroes the since-reset counts" \
	wait_for 5 '[ "$(json totals.since_reset.sessions)" = 0 ]'
check "... and keeps the all-time ones" test "$(json totals.all_time.sessions)" = "$before"

tap reset
check "Reset booth: back to attract" wait_state attract 5

# --- Paper out: a stuck print canceled from the staff screen, the queue resumed. (Delivery
# print: in both mode a stopped printer offers no prints.)
expect_ok() { ctl "$@" >/dev/null; }
check "delivery print" expect_ok delivery print
touch "$CUPS_DIR/dev/paper-out"
check "guest A asks for a print" guest_print
a=$(ls -t "$WORK/data/sessions" | head -1)
check "the printer stops: out of paper" wait_for 30 '[ "$(json printer.state)" = stopped ]'
check "guest B asks for a print" guest_print
b=$(ls -t "$WORK/data/sessions" | head -1)
check "two prints wait" wait_for 10 '[ "$(json printer.pending)" = 2 ]'
check "staff open the staff screen" staff_screen
sleep 0.3
shot $OUT staff-paper-out
tap cancel-job
check "Cancel print cancels the stuck first print" wait_for 20 '[ "$(json printer.canceled)" = 1 ]'
check "... one print still waits" wait_for 10 '[ "$(json printer.pending)" = 1 ]'
rm -f "$CUPS_DIR/dev/paper-out"
tap paper-1
tap resume
check "Resume printer: B's print comes out" wait_for 30 '[ "$(prints "$b-1")" = 1 ]'
check "... A's canceled one never does" test "$(prints "$a-1")" = 0
check "... the queue is ready again" wait_for 10 '[ "$(json printer.ready)" = True ]'
check "the paper count went 36 -> 35" wait_for 5 '[ "$(json printer.prints_remaining)" = 35 ]'
tap exit
check "Exit: back to attract" wait_state attract 5

# --- Every photoboothctl command.
expect() { # expect CODE DESCRIPTION ARGS...: photoboothctl ARGS exits with CODE
	local want=$1 what=$2
	shift 2
	ctl "$@" >"$WORK/ctl.out" 2>&1
	local rc=$?
	check "photoboothctl $* -> $want: $what" test "$rc" = "$want"
}
expect 0 "the theme list" overlay
check "... lists both themes, the one in use marked" \
	grep -q "certification-lounge (in use)" "$WORK/ctl.out"
expect 0 "switches theme" overlay replay
check "... at once (attract)" test "$(json overlay)" = replay
expect 1 "no such theme" overlay no-such-theme
check "... says why" grep -q "theme no-such-theme cannot be used" "$WORK/ctl.out"
expect 1 "a path is not a theme" overlay ../overlays/replay
expect 2 "usage" overlay a b
check "... says the forms from the command table" grep -qx "usage: overlay \[NAME\]" "$WORK/ctl.out"
expect 2 "status takes no arguments" status now
check "... its usage" grep -qx "usage: status" "$WORK/ctl.out"
expect 2 "an unknown command" fax
check "... names the commands" grep -q "unknown command 'fax' (commands: status, trigger, .*, help)" \
	"$WORK/ctl.out"
expect 0 "help" help
check "... names every command once" grep -qx "commands: status, trigger, reset, overlay, \
delivery, printer, camera, counters, purge, resend, outbox, webhook, publish, fleet, report, \
pin, reload, help" "$WORK/ctl.out"
expect 0 "delivery print" delivery print
expect 2 "delivery fax is usage" delivery fax
expect 0 "delivery both" delivery both
ctl trigger >/dev/null
wait_state countdown 5
expect 0 "a theme switch during a session waits" overlay certification-lounge
check "... the guest keeps the theme they started with" test "$(json overlay)" = replay
check "... pending" test "$(json pending_overlay)" = certification-lounge
expect 0 "reset" reset
check "... and it applies once the session is over" \
	wait_for 5 '[ "$(json overlay)" = certification-lounge ] && [ -z "$(json pending_overlay)" ]'
expect 0 "printer paper 50" printer paper 50
check "... 50 prints left" wait_for 5 '[ "$(json printer.prints_remaining)" = 50 ]'
expect 2 "printer paper lots" printer paper lots
expect 0 "printer resume" printer resume
expect 1 "printer cancel: nothing waits" printer cancel
expect 1 "printer cancel 999999: not the booth's job" printer cancel 999999
expect 2 "printer cancel x" printer cancel x
expect 2 "printer jam" printer jam
expect 0 "camera reconnect" camera reconnect
expect 2 "camera explode" camera explode
expect 0 "counters" counters
check "... as JSON with since-reset and all-time counts" python3 -c '
import json, sys
c = json.load(open(sys.argv[1]))["totals"]
assert set(c["since_reset"]) == {"sessions", "photos", "prints", "emails", "downloads", "failures"}
assert c["all_time"]["sessions"] >= c["since_reset"]["sessions"] >= 1, c' "$WORK/ctl.out"
expect 0 "counters reset" counters reset
expect 2 "counters zero" counters zero
expect 0 "purge 24" purge 24
expect 2 "purge soon" purge soon
expect 2 "resend without an address" resend "$guest"
expect 0 "trigger" trigger
ctl reset >/dev/null
expect 2 "an unknown command" dance
check "--json: code, message and data" bash -c "'$PBCTL' --json --socket '$WORK/ctl.sock' counters |
	python3 -c 'import json, sys; j = json.load(sys.stdin); assert j[\"code\"] == 0 and \"totals\" in j[\"data\"], j'"
check "--json: a refusal" bash -c "'$PBCTL' --json --socket '$WORK/ctl.sock' overlay nope |
	python3 -c 'import json, sys; j = json.load(sys.stdin); assert j[\"code\"] == 1 and \"nope\" in j[\"message\"], j'"

# reload: a live key applies, a key that needs a restart is named, a broken file changes
# nothing; SIGHUP does the same.
sed -i 's/^countdown = 1$/countdown = 4/; s/^\[staff\]$/[staff]\ntimeout = 300/' "$conf"
printf '[camera]\nsim_fps = 12\n' >>"$conf"
expect 0 "reload" reload
check "... applies countdown and staff timeout, names sim_fps as needing a restart" \
	grep -q "applied: \[kiosk\] countdown, \[staff\] timeout; needs a restart: \[camera\] sim_fps" "$WORK/ctl.out"
ctl trigger >/dev/null
check "... the countdown is 4 s now" wait_for 3 '[ "$(json state)" = countdown ]'
sleep 2
check "... still counting after 2 s" test "$(json state)" = countdown
ctl reset >/dev/null
cp "$conf" "$WORK/good.conf"
echo "countdown = soon" >>"$conf"
expect 1 "reload of a broken config" reload
check "... says where" grep -q "staff.conf:[0-9]*: .*countdown" "$WORK/ctl.out"
check "... and the kiosk runs on" test "$(json state)" = attract
cp "$WORK/good.conf" "$conf"
sed -i 's/^overlay = .*//; s/^\[kiosk\]$/[kiosk]\noverlay = replay/' "$conf"
kill -HUP "$KIOSK_PID"
check "SIGHUP reloads: the file's new theme applies" wait_for 5 '[ "$(json overlay)" = replay ]'
check "... logged" grep -q "SIGHUP: reloading" "$WORK/kiosk.log"

# --- Settings and counters survive a restart...
expect 0 "delivery share" delivery share
sessions=$(json totals.all_time.sessions)
stop_kiosk
start_kiosk "$conf" || setup_failed "the kiosk did not start"
check "after a restart: staff's theme and delivery" \
	test "$(json overlay)/$(json delivery)" = replay/share
check "... and the counters" test "$(json totals.all_time.sessions)" = "$sessions"

# ... and a SIGKILL in the middle of a change: the old value or the new one, never torn.
for round in 1 2 3 4 5; do
	for _ in 1 2 3 4 5 6; do
		ctl overlay certification-lounge >/dev/null 2>&1
		ctl overlay replay >/dev/null 2>&1
	done &
	changer=$!
	sleep "0.$((round * 2))"
	kill -KILL "$KIOSK_PID"
	wait "$KIOSK_PID" 2>/dev/null
	wait "$changer"
	KIOSK_PID=
	check "round $round: settings.ini parses after SIGKILL" python3 -c '
import configparser, sys
c = configparser.ConfigParser()
c.read_string(open(sys.argv[1]).read())
assert c["kiosk"]["overlay"] in ("replay", "certification-lounge"), dict(c["kiosk"])
assert c["kiosk"]["delivery"] == "share"
assert int(c["totals"]["sessions"]) >= int(sys.argv[2])' "$WORK/data/settings.ini" "$sessions"
	start_kiosk "$conf" || setup_failed "the kiosk did not start"
	check "round $round: the kiosk starts with it, no damage reported" \
		test ! -e "$WORK/data/settings.ini.bad"
done

summary
