#!/bin/bash
# Printing to a real driverless printer: the kiosk under Xvfb, a private cupsd
# (tests/print/cupsd.sh) and a queue made by lpadmin -m everywhere on ippeveprinter
# (tests/print/ippeve.sh), a borderless 4x6 photo printer. Bad situations tried:
#   a printer that refuses the job (the booth asks for 5x7 paper: the printer answers
#     client-error-attributes-or-values-not-supported and CUPS cancels the job at the printer)
#   a printer killed mid-job and started again without its job history (CUPS completes the
#     job with cups-ipp-missing-job-history, and nothing came out)
#   a printer off before the job, and back later
set -u
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/print/cupsd.sh"
. "$TOP/tests/print/ippeve.sh"
keep_logs() {
	mkdir -p "$ART/$OUT"
	cp "$CUPS_DIR/log/error_log" "$ART/$OUT/cups-error_log" 2>/dev/null
	cp "$WORK"/kiosk*.log "$ART/$OUT/" 2>/dev/null
}
trap 'keep_logs; ippeve_stop; stop_cupsd; cleanup' EXIT

OUT=ipp
PIN=2468
pstat() { json "printer.$1"; }
pstat_is() { [ "$(pstat "$1")" = "$2" ]; }
# alive: CUPS jobs of the queue not yet finished
alive() { lpstat -o photo 2>/dev/null | wc -l; }

kiosk_conf() {
	local f=$1
	shift
	KIOSK_EXTRA="delivery = print
countdown = 1
review_timeout = 60
deliver_timeout = 60" write_config "$f" "[staff]" "pin = $PIN" \
		"[print]" "printer = photo" "refused_retry_s = 1" "$@"
}
# pin DIGITS / staff_screen: to the staff screen by the staff key and the PIN
pin() { type_keys "$1" && tap ok; }
staff_screen() { xdotool key F12 && wait_state pin 5 && pin $PIN && wait_state staff 5; }
order() { guest && tap copies-1 && ctl trigger >/dev/null && wait_state thanks 5 &&
	ctl reset >/dev/null && wait_state attract 5; }

start_xvfb 1280 720
start_cupsd "$WORK/cups" || setup_failed "cupsd did not start"
ippeve_start "$WORK/ippeve" || setup_failed "ippeveprinter did not start"
ippeve_queue photo || setup_failed "lpadmin -m everywhere made no queue"

# --- A print comes out on the driverless queue, in colour.
kiosk_conf "$WORK/ok.conf"
start_kiosk "$WORK/ok.conf" || setup_failed "the kiosk did not start"
check "status: the driverless printer is ready" wait_for 10 'pstat_is ready True'
check "a guest orders one print" order
check "it comes out" wait_for 30 'test "$(ippeve_prints)" = 1'
check "the booth counts it completed" wait_for 10 'pstat_is completed 1'
check "it was asked for in colour (the queue's default is monochrome)" \
	grep -q "print-color-mode=color" <(grep 'argv\[5\]' "$CUPS_DIR/log/error_log")
stop_kiosk

# --- The printer refuses the job: at most 3 CUPS jobs, then held with the printer's words.
rm -rf "$WORK/data"
# (borderless, CUPS drops a media-col the PPD has no size for and prints 4x6: the booth asks
# for the size by name)
kiosk_conf "$WORK/refuse.conf" "media = na_5x7_5x7in" "borderless = no"
start_kiosk "$WORK/refuse.conf" || setup_failed "the kiosk did not start"
check "a guest orders one print (5x7, which the printer has not)" order
most=0
for _ in $(seq 150); do
	n=$(alive)
	[ "$n" -gt "$most" ] && most=$n
	[ "$(pstat refused)" = 1 ] && break
	sleep 0.1
done
check "the print is held as refused" pstat_is refused 1
jobs=$(grep -c "Job canceled at printer" "$CUPS_DIR/log/error_log")
echo "# CUPS jobs canceled at the printer: $jobs; most alive at once: $most"
check "the printer refused it 3 times: sent again at most twice" test "$jobs" = 3
check "never more than one CUPS job alive for it" test "$most" -le 1
check "status is not ready" pstat_is ready False
echo "# message: $(pstat message)"
check "status has the printer's own words" \
	grep -q "Printer cannot print with supplied options" <(pstat message)
check "held_prints names it refused with those words" \
	grep -q "Printer cannot print" <(json printer.held_prints.0.words)
sleep 2
check "no more CUPS jobs while it is held (no storm)" \
	test "$(grep -c "Job canceled at printer" "$CUPS_DIR/log/error_log")" = 3
ctl printer >"$WORK/printer.out"
check "photoboothctl printer exits 1 while prints are refused" test $? = 1
check "... and lists the refused print with the printer's words" \
	grep -q "refused .*Printer cannot print with supplied options" "$WORK/printer.out"
check "the staff screen opens" staff_screen
sleep 0.3
shot "$OUT" staff-refused
check "staff close it" tap exit
job=$(json printer.held_prints.0.job)
check "photoboothctl printer retry sends it again" ctl printer retry "$job"
check "... and the printer refuses it 3 more times, then it is held again" \
	wait_for 20 'test "$(grep -c "Job canceled at printer" "$CUPS_DIR/log/error_log")" = 6 && pstat_is refused 1'
job=$(json printer.held_prints.0.job)
check "photoboothctl printer cancel removes the held print" ctl printer cancel "$job"
check "nothing is held; the printer is ready again" \
	wait_for 10 'pstat_is refused 0 && pstat_is ready True'
check "the spool is empty" test "$(find "$WORK/data/spool" -name '*.jpg' | wc -l)" = 0
stop_kiosk
cp "$WORK/kiosk.log" "$WORK/kiosk-refuse.log"

# --- The printer is power-cycled mid-job and forgets it: unconfirmed, one tap reprints it.
rm -rf "$WORK/data"
echo 5 >"$WORK/ippeve/seconds"
before=$(ippeve_prints)
kiosk_conf "$WORK/cycle.conf"
start_kiosk "$WORK/cycle.conf" || setup_failed "the kiosk did not start"
check "a guest orders one print" order
check "the printer is printing it" wait_for 20 'test -n "$(find "$WORK/ippeve"/spool.* -name "*.jpg" -newer "$WORK/cycle.conf")"'
sleep 1
ippeve_kill
rm -f "$WORK/ippeve/seconds"
ippeve_start "$WORK/ippeve" || setup_failed "ippeveprinter did not start again"
check "the print is held as unconfirmed" wait_for 40 'pstat_is unconfirmed 1'
check "nothing came out" test "$(ippeve_prints)" = "$before"
check "it is not counted as completed" pstat_is completed 0
ctl printer >"$WORK/printer.out"
check "photoboothctl printer lists it unconfirmed" grep -q "unconfirmed" "$WORK/printer.out"
check "... and says how many may not have come out" \
	grep -q "1 print may not have come out" "$WORK/printer.out"
check "the staff screen opens" staff_screen
check "the staff screen has a Reprint button" test -n "$(json buttons.reprint)"
sleep 0.3
shot "$OUT" staff-unconfirmed
check "one tap on Reprint" tap reprint
check "the print comes out" wait_for 30 'test "$(ippeve_prints)" = $((before + 1))'
check "it is completed and nothing is held" wait_for 10 'pstat_is completed 1 && pstat_is unconfirmed 0'
tap exit >/dev/null
stop_kiosk

# --- The printer is off before the job: not ready within 10 s, in CUPS' words; then once.
rm -rf "$WORK/data"
ippeve_kill
before=$(ippeve_prints)
kiosk_conf "$WORK/off.conf"
start_kiosk "$WORK/off.conf" || setup_failed "the kiosk did not start"
check "a guest orders one print" order
t0=$SECONDS
check "within 10 s status is not ready" wait_for 10 'pstat_is ready False'
echo "# not ready after $((SECONDS - t0)) s: $(pstat state): $(pstat message)"
check "status says offline" pstat_is state offline
check "the message is CUPS' own words" \
	grep -q "The printer may not exist or is unavailable at this time" <(pstat message)
ippeve_start "$WORK/ippeve" || setup_failed "ippeveprinter did not start again"
check "once the printer is back the print comes out" \
	wait_for 60 'test "$(ippeve_prints)" = $((before + 1))'
check "ready again" wait_for 10 'pstat_is ready True'
sleep 2
check "exactly once" test "$(ippeve_prints)" = $((before + 1))
check "and counted completed, not unconfirmed (CUPS keeps the earlier restart's reason)" \
	pstat_is completed 1 && check "... nothing held" pstat_is unconfirmed 0
stop_kiosk
check "the kiosk exits cleanly" test "$KIOSK_RC" = 0

summary
