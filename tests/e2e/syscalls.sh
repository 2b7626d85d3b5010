#!/bin/bash
# End to end: the unit's system call filter against what the kiosk really calls. The kiosk
# (built binary, simulated 24 MP camera, Xvfb) runs under strace -f through a whole day's
# work: a three-shot strip and a single photo, two prints through a private cupsd, a QR link
# downloaded from the gallery, an email typed and sent to the SMTP sink, photoboothctl's
# status, outbox and counters, a reload, and a clean stop. Every system call it made must
# be allowed by SystemCallFilter= in the unit (systemd/photobooth.service.in), as systemd
# expands the groups (systemd-analyze syscall-filter). A call the filter lacks would fail
# with EPERM under systemd; this finds it here first. Bad input tried: none; the thing
# looked for is a system call the unit forgot.
set -u
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/print/cupsd.sh"
trap 'stop_cupsd; cleanup' EXIT

UNIT="$TOP/build/systemd/photobooth.service"
[ -s "$UNIT" ] || make -s -C "$TOP" build/systemd/photobooth.service >/dev/null ||
	setup_failed "no unit to check (make build/systemd/photobooth.service)"
HTTP_PORT=$(free_port)
SMTP_PORT=$(free_port)
conf="$WORK/sys.conf"
KIOSK_EXTRA="delivery = both
countdown = 1
review_timeout = 60
deliver_timeout = 120" write_mail_config "$conf" "$HTTP_PORT" "$SMTP_PORT" \
	"require_consent = no" "[print]" "printer = booth-pdf" "max_copies = 2"

start_xvfb 800 480
start_cupsd "$WORK/cups" || setup_failed "cupsd did not start"
add_queue booth-pdf "$CUPS_PDF_URI"
start_sink "$SMTP_PORT" || setup_failed "the SMTP sink did not start"
KIOSK=$PB
if [ -n "$PB_ASAN" ]; then
	# the unit runs the release build: check that one, not AddressSanitizer's own calls
	env -u MAKEFLAGS -u MAKELEVEL make -s -C "$TOP" B=build/release SANITIZE= \
		build/release/photobooth build/release/photobooth-kiosk >"$WORK/build.log" 2>&1 ||
		setup_failed "the release build for the check: $(tail -3 "$WORK/build.log")"
	KIOSK=$TOP/build/release/photobooth
fi
strace -f -qq -c -o "$WORK/strace.txt" "$KIOSK" --config "$conf" >"$WORK/kiosk.log" 2>&1 &
STRACE_PID=$!
python3 "$TOP/tests/lib/booth.py" wait-ready "$WORK/ctl.sock" "$STRACE_PID" 60 ||
	setup_failed "the kiosk did not start under strace"
KIOSK_PID=$(pgrep -P "$STRACE_PID" -f photobooth | head -1)

guest() {
	ctl trigger >/dev/null && wait_state review 60 && ctl trigger >/dev/null &&
		wait_state deliver 10
}
check "printer ready" wait_for 20 '[ "$(json printer.ready)" = True ]'
check "a guest reaches deliver (single photo)" guest
check "... taps 2 prints" tap copies-2
check "... both print" wait_for 90 '[ "$(json printer.completed)" = 2 ]'
shot syscalls deliver
url=$(zbarimg -q --raw "$ART/syscalls/deliver.png" 2>/dev/null | head -1)
check "the QR link downloads from the gallery" \
	test "$(curl -s -o "$WORK/got.jpg" -w '%{http_code}' "$url.jpg")" = 200
email_screen() { tap email && wait_state email 10; }
check "the guest opens the email screen" email_screen
xdotool type --delay 20 "guest@example.com"
xdotool key Return
check "... and it arrives" wait_for 30 '[ "$(mails)" = 1 ]'
ctl reset >/dev/null
wait_state attract 10
check "staff switch to the strip theme" ctl overlay replay
check "a strip guest reaches deliver" guest
check "photoboothctl status, outbox, counters, reload answer" \
	bash -c "'$PBCTL' --socket '$WORK/ctl.sock' status >/dev/null && '$PBCTL' --socket '$WORK/ctl.sock' outbox >/dev/null && '$PBCTL' --socket '$WORK/ctl.sock' counters >/dev/null && '$PBCTL' --socket '$WORK/ctl.sock' reload >/dev/null"
ctl reset >/dev/null
kill -TERM "$KIOSK_PID"
wait "$STRACE_PID"
KIOSK_PID=
check "the kiosk stopped cleanly under strace" grep -q "syscall" "$WORK/strace.txt"

# what the kiosk called, and what the unit allows
awk '/^-+ /{n++; next} n == 1 && NF >= 5 { print $NF }' "$WORK/strace.txt" | sort -u >"$WORK/used"
systemd-analyze syscall-filter >"$WORK/groups" 2>/dev/null
/usr/bin/python3 - "$UNIT" "$WORK/groups" "$WORK/used" >"$WORK/verdict" <<'PY'
import sys
unit, groups_file, used_file = sys.argv[1:]
groups, cur = {}, None
for line in open(groups_file):
    s = line.strip()
    if not s or s.startswith("#"):
        continue
    if not line.startswith(" ") and s.startswith("@"):
        cur = groups.setdefault(s, [])
    elif cur is not None:
        cur.append(s)
def expand(name, seen=()):
    if not name.startswith("@"):
        return {name}
    out = set()
    for m in groups.get(name, []):
        if m not in seen:
            out |= expand(m, seen + (m,))
    return out
allowed = set()
for line in open(unit):
    if not line.startswith("SystemCallFilter="):
        continue
    v = line.split("=", 1)[1].strip()
    deny = v.startswith("~")
    names = set()
    for w in v.lstrip("~").split():
        names |= expand(w)
    allowed = allowed - names if deny else allowed | names
used = [s for s in open(used_file).read().split() if s != "total"]
bad = [s for s in used if s not in allowed]
print("used %d system calls; allowed %d; outside the filter: %s" % (len(used), len(allowed), " ".join(bad) or "none"))
sys.exit(1 if bad or not used or not allowed else 0)
PY
rc=$?
cat "$WORK/verdict"
echo "# $(tr "\n" " " <"$WORK/used")"
check "every system call the kiosk made is in the unit's SystemCallFilter" test "$rc" = 0
check "... and the check saw a real session (fsync, accept4, sendto, setpriority among them)" \
	bash -c "for s in fsync accept4 sendto setpriority; do grep -qx \$s '$WORK/used' || exit 1; done"
stop_sink
summary
