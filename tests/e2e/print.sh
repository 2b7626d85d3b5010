#!/bin/bash
# Printing end to end: the real kiosk under Xvfb printing through a private cupsd
# (tests/print/cupsd.sh) to two queues of a 4x6 dye-sub printer (tests/print/dyesub.ppd):
#   booth-pdf  Debian's cups-pdf backend: the PDF must appear with a 4x6 inch page
#   booth      tests/print/pbtest-backend: a printer that runs out of paper on demand
# Bad situations tried: paper out (media-empty, queue stopped by CUPS), no CUPS server, a
# queue that does not exist, the queue deleted with a job pending, cupsd restarted mid-job,
# the kiosk killed (SIGKILL) with prints spooled but not submitted, and with a print CUPS had
# accepted but the spool had not recorded, max_copies out of range.
set -u
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/print/cupsd.sh"
trap 'stop_cupsd; cleanup' EXIT

OUT=print

pstat() { json "printer.$1"; }

pstat_is() { [ "$(pstat "$1")" = "$2" ]; }

# prints NAME: how many prints of the job named NAME came out of the pbtest printer.
prints() { find "$CUPS_DIR/dev/out" -name "$1.*.ps" 2>/dev/null | wc -l; }
all_prints() { find "$CUPS_DIR/dev/out" -name '*.ps' 2>/dev/null | wc -l; }
spooled() { find "$WORK/data/spool" -name '*.jpg' 2>/dev/null | wc -l; }

# kiosk_conf FILE PRINTER [more INI lines]: print mode on PRINTER.
kiosk_conf() {
	local f=$1 printer=$2
	shift 2
	KIOSK_EXTRA="delivery = ${DELIVERY:-print}
countdown = 1
review_timeout = 60
deliver_timeout = 60" write_config "$f" "[print]" "printer = $printer" "$@"
}

# finish: from deliver back to attract.
finish() {
	ctl trigger >/dev/null
	wait_state thanks 5 && ctl reset >/dev/null && wait_state attract 5
}

start_xvfb 1280 720
start_cupsd "$WORK/cups" || setup_failed "cupsd did not start"
add_queue booth-pdf "$CUPS_PDF_URI"
add_queue booth "pbtest:$CUPS_DIR/dev"

# --- Configuration: max_copies out of range stops the kiosk with EX_CONFIG.
kiosk_conf "$WORK/bad.conf" booth "max_copies = 9"
"$PB" --config "$WORK/bad.conf" --check-config >"$WORK/bad.out" 2>&1
check "max_copies = 9 is refused with exit 78" test $? -eq 78
check "... naming the file, line and range" \
	grep -q "bad.conf:[0-9]*: \[print\] max_copies = 9: out of range 1..4" "$WORK/bad.out"

# --- cups-pdf: two copies come out as two 4x6 PDFs, one CUPS job each.
kiosk_conf "$WORK/pdf.conf" booth-pdf
start_kiosk "$WORK/pdf.conf" || setup_failed "the kiosk did not start"
check "status shows the printer idle and ready" wait_for 10 'pstat_is ready True'
check "status names the queue" pstat_is queue booth-pdf
check "a guest reaches deliver" guest
check "deliver offers 1 and 2 prints (max_copies 2)" \
	test -n "$(json buttons.copies-2)" -a -z "$(json buttons.copies-3 2>/dev/null)"
shot "$OUT" deliver-copies
id=$(json session)
check "the guest taps 2" tap copies-2
check "the copies buttons are gone: no second order" \
	wait_for 5 'test -z "$(json buttons.copies-1 2>/dev/null)"'
check "both prints complete" wait_for 60 'pstat_is completed 2'
check "two PDFs, named by print" test -s "$CUPS_DIR/pdf/$id-1.pdf" -a -s "$CUPS_DIR/pdf/$id-2.pdf"
check "exactly two" test "$(find "$CUPS_DIR/pdf" -name '*.pdf' | wc -l)" = 2
check "the PDF page is 4x6 inches (288 x 432 pt)" \
	grep -q "Page size: *288 x 432 pts" <(pdfinfo "$CUPS_DIR/pdf/$id-1.pdf")
check "the PDF holds the photo at print resolution" \
	test "$(pdfimages -list "$CUPS_DIR/pdf/$id-1.pdf" | awk 'NR > 2 && $4 >= 1200 && $5 >= 1200' | wc -l)" -ge 1
check "CUPS chose the driver's borderless 4x6 size" \
	grep -q "PageSize=w288h432.Borderless" "$CUPS_DIR/log/error_log"
check "... and high quality" grep -q "cupsPrintQuality=High" "$CUPS_DIR/log/error_log"
check "the spool is empty again" test "$(spooled)" = 0
check "the deliver screen says printed" wait_for 5 'test "$(json printer.pending)" = 0'
shot "$OUT" deliver-printed
check "session.json records the prints" grep -q '"2 prints spooled"' "$WORK/data/sessions/$id/session.json"
check "the kiosk's counters: 2 prints" test "$(json counters.prints)" = 2
finish
stop_kiosk

# --- The queue position and ETA: a slow printer (3 s a print) and two guests.
rm -rf "$WORK/data" # a fresh measurement of the time per print
echo 3 >"$CUPS_DIR/dev/seconds"
kiosk_conf "$WORK/q.conf" booth "max_copies = 3"
start_kiosk "$WORK/q.conf" || setup_failed "the kiosk did not start"
ctl printer paper 10 >/dev/null
check "guest A reaches deliver" guest
check "guest A orders 3" tap copies-3
a=$(json session)
finish
check "guest B reaches deliver while A's prints come out" guest
b=$(json session)
check "guest B orders 1" tap copies-1
check "B is told how many prints are ahead" wait_for 5 'test "$(json print_position.ahead)" -ge 1'
echo "# B: $(json print_position.ahead) ahead, about $(json print_position.eta_s) s"
check "... and about how long (3 s a print)" \
	test "$(json print_position.eta_s)" -ge $((3 * ($(json print_position.ahead) + 1)))
sleep 0.3
shot "$OUT" deliver-queue
check "all four prints come out" wait_for 60 'test "$(all_prints)" = 4'
check "A's 3 and B's 1, once each" \
	test "$(prints "$a-1")$(prints "$a-2")$(prints "$a-3")$(prints "$b-1")" = 1111
check "the measured time per print is about 3 s" \
	wait_for 5 'test "$(pstat seconds_per_print)" -ge 2 -a "$(pstat seconds_per_print)" -le 5'
check "prints remaining counted down from 10 to 6" wait_for 5 'pstat_is prints_remaining 6'
finish
stop_kiosk
rm -f "$CUPS_DIR/dev/seconds"

# --- Paper out: the printer reports media-empty, the next guest is warned, the job is kept,
# the kiosk restarts, staff refill and resume, it prints once, the counters are right.
rm -rf "$WORK/data" "$CUPS_DIR/dev/out"
kiosk_conf "$WORK/p.conf" booth "paper_warn = 3"
touch "$CUPS_DIR/dev/paper-out"
start_kiosk "$WORK/p.conf" || setup_failed "the kiosk did not start"
ctl printer paper 4 >/dev/null
check "guest 1 reaches deliver" guest
g1=$(json session)
check "guest 1 orders 1" tap copies-1
check "the printer reports media-empty" wait_for 20 'grep -q media-empty <(pstat reasons)'
check "CUPS stopped the queue" pstat_is state stopped
check "status: not ready" pstat_is ready False
echo "# printer message: $(pstat message)"
check "the printer's message says what to do" grep -q "out of paper: load paper" <(pstat message)
check "the deliver screen says the print is queued" test "$(json screen)" = deliver
sleep 0.3
shot "$OUT" deliver-paper-out
finish
check "nothing printed" test "$(all_prints)" = 0
check "the attract screen warns the next guest" test "$(json printer.ready)" = False
sleep 0.3
shot "$OUT" attract-paper-out
check "guest 2 is still offered prints (print mode queues)" guest
g2=$(json session)
check "guest 2 orders 2" tap copies-2
check "three prints pending, held by the stopped queue" wait_for 10 'pstat_is pending 3'
finish
# the kiosk dies with prints in CUPS and in the spool, and comes back
kill -KILL "$KIOSK_PID"
wait "$KIOSK_PID" 2>/dev/null
KIOSK_PID=
check "the spool kept all three photos" test "$(spooled)" = 3
start_kiosk "$WORK/p.conf" || setup_failed "the kiosk did not start"
check "after a restart, status still shows media-empty" wait_for 10 'grep -q media-empty <(pstat reasons)'
check "and the three prints pending" pstat_is pending 3
rm "$CUPS_DIR/dev/paper-out" # staff refill
check "photoboothctl printer resume" ctl printer resume
check "status tells staff the resume worked" wait_for 10 'grep -q "resumed booth with 3 prints waiting" <(pstat last_action)'
check "the held prints come out" wait_for 30 'test "$(all_prints)" = 3'
check "each exactly once" test "$(prints "$g1-1")$(prints "$g2-1")$(prints "$g2-2")" = 111
check "the printer is ready again" wait_for 10 'pstat_is ready True'
check "completed 3" wait_for 5 'pstat_is completed 3'
check "prints remaining 4 - 3 = 1" pstat_is prints_remaining 1
check "paper is low (warning at 3)" pstat_is paper_low True
check "the kiosk logged the low paper" grep -q "only [0-9]* prints left" "$WORK/kiosk.log"
check "no print was sent twice" pstat_is resubmitted 0
stop_kiosk

# --- SIGKILL between spool and submit: CUPS is down, so prints are spooled, not submitted.
rm -rf "$WORK/data"
kiosk_conf "$WORK/k.conf" booth
kill_cupsd
start_kiosk "$WORK/k.conf" || setup_failed "the kiosk did not start"
check "no CUPS server: status says unreachable" wait_for 10 'pstat_is state unreachable'
check "... and why" grep -q "cannot reach CUPS at $CUPS_DIR/cups.sock" <(pstat message)
check "the kiosk logs it" grep -q "printer booth: unreachable" "$WORK/kiosk.log"
ctl printer resume >/dev/null
check "a resume without CUPS says it waits for CUPS" \
	wait_for 10 'grep -q "resume waits: cannot reach CUPS" <(pstat last_action)'
check "a guest reaches deliver" guest
g3=$(json session)
check "and orders 2" tap copies-2
check "both are spooled" wait_for 10 'test "$(spooled)" = 2'
kill -KILL "$KIOSK_PID"
wait "$KIOSK_PID" 2>/dev/null
KIOSK_PID=
# delivery = both while the printer is away: no prints offered, the guest is told.
DELIVERY=both kiosk_conf "$WORK/both.conf" booth
start_kiosk "$WORK/both.conf" || setup_failed "the kiosk did not start"
check "both mode, no CUPS: not ready" wait_for 10 'pstat_is state unreachable'
check "both mode: a guest reaches deliver" guest
check "both mode: no print buttons, only Done" \
	test -z "$(json buttons.copies-1 2>/dev/null)" -a -n "$(json buttons.done)"
gb=$(json session)
finish
check "both mode: session.json says why there was no print" \
	grep -q "printer not ready" "$WORK/data/sessions/$gb/session.json"
check "both mode: nothing more was spooled" test "$(spooled)" = 2
stop_kiosk
restart_cupsd
before=$(all_prints)
start_kiosk "$WORK/k.conf" || setup_failed "the kiosk did not start"
check "after the restart both print" wait_for 30 'test "$(all_prints)" = $((before + 2))'
check "once each" test "$(prints "$g3-1")$(prints "$g3-2")" = 11
stop_kiosk

# --- The kiosk died after CUPS accepted a print and before the spool recorded it: the photo
# is in the spool, unlisted; CUPS has the job under its name. It must not print twice.
orphan=20261122-000000-0badf00d-1
cp "$TOP/tests/golden/replay.png" "$WORK/data/spool/$orphan.jpg"
lp -d booth -t "$orphan" "$WORK/data/spool/$orphan.jpg" >/dev/null
wait_for 10 'test "$(prints "$orphan")" = 1'
start_kiosk "$WORK/k.conf" || setup_failed "the kiosk did not start"
check "the unlisted print is found in CUPS by name" \
	wait_for 10 'grep -q "$orphan: CUPS already has it as job" "$WORK/kiosk.log"'
check "and leaves the spool without printing again" wait_for 10 'test "$(spooled)" = 0'
check "it came out once" test "$(prints "$orphan")" = 1
stop_kiosk

# --- A queue that does not exist, then created by staff.
rm -rf "$WORK/data"
kiosk_conf "$WORK/m.conf" late-queue
start_kiosk "$WORK/m.conf" || setup_failed "the kiosk did not start"
check "a missing queue: status says missing" wait_for 10 'pstat_is state missing'
check "... naming it" grep -q "no print queue 'late-queue'" <(pstat message)
check "a guest reaches deliver" guest
g4=$(json session)
check "photoboothctl trigger on deliver prints one" test "$(ctl trigger)" = "deliver: 1 print"
finish
check "the print waits in the spool" wait_for 5 'test "$(spooled)" = 1'
add_queue late-queue "pbtest:$CUPS_DIR/dev"
check "once the queue exists it prints" wait_for 20 'test "$(prints "$g4-1")" = 1'

# --- The queue deleted while a job is pending: kept, and printed once it is back.
touch "$CUPS_DIR/dev/paper-out"
check "a guest reaches deliver" guest
g5=$(json session)
tap copies-1 >/dev/null
finish
check "the print is held on the stopped queue" wait_for 20 'grep -q media-empty <(pstat reasons)'
lpadmin -x late-queue
check "queue deleted: status says missing" wait_for 10 'pstat_is state missing'
check "the print is still owed" pstat_is pending 1
rm "$CUPS_DIR/dev/paper-out"
add_queue late-queue "pbtest:$CUPS_DIR/dev"
check "recreated: it prints once" wait_for 30 'test "$(prints "$g5-1")" = 1'
check "status counts one resubmission" wait_for 5 'pstat_is resubmitted 1'
stop_kiosk

# --- cupsd restarted mid-job (a 4 s print): it completes once.
echo 4 >"$CUPS_DIR/dev/seconds"
start_kiosk "$WORK/m.conf" || setup_failed "the kiosk did not start"
check "a guest reaches deliver" guest
g6=$(json session)
tap copies-1 >/dev/null
finish
check "the job is printing" wait_for 20 'grep -q "CUPS job" <(grep "$g6-1" "$WORK/kiosk.log")'
sleep 1
kill_cupsd TERM
sleep 1
check "the kiosk notices CUPS went away" wait_for 10 'pstat_is state unreachable'
restart_cupsd
check "after cupsd is back the print completes" wait_for 40 'test "$(prints "$g6-1")" = 1'
sleep 3
check "still once a while later" test "$(prints "$g6-1")" = 1
check "and the spool is empty" wait_for 10 'test "$(spooled)" = 0'
rm -f "$CUPS_DIR/dev/seconds"
stop_kiosk
check "the kiosk exits cleanly" test "$KIOSK_RC" = 0

summary
