#!/bin/bash
# End to end: a full disk. The real kiosk (Xvfb, 800x480, sharing on loopback) keeps its
# data_dir on a 48 MB tmpfs ([storage] min_free_mb = 16). Not root: the test re-runs itself
# in a user and mount namespace (unshare -rm) to mount it.
# Tried: free space under min_free_mb at attract (the booth refuses new guests, says so on
# screen, and tells staff in status, STATUS and the log), the disk filled to the last byte
# during a session (an error screen, no partial file anywhere, the earlier sessions and the
# settings file byte for byte as they were), and space freed again (guests are taken again).
set -u
if [ "$(id -u)" != 0 ] && [ -z "${PB_IN_NS:-}" ]; then
	PB_IN_NS=1 exec unshare -rm bash "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"
OUT=diskfull

mkdir -p "$WORK/data"
mount -t tmpfs -o size=48m tmpfs "$WORK/data" || { echo "cannot mount a tmpfs"; exit 1; }
trap 'stop_kiosk; umount "$WORK/data" 2>/dev/null; cleanup' EXIT

conf="$WORK/disk.conf"
KIOSK_EXTRA="delivery = share
countdown = 1
review_timeout = 60
deliver_timeout = 60
thanks_timeout = 1
error_timeout = 15" STORAGE_EXTRA="min_free_mb = 16" write_config "$conf" \
	"[camera]" "sim_width = 3000" "sim_height = 2000"

free_mb() { df -m --output=avail "$WORK/data" | tail -1 | tr -d ' '; }
# fill_to MB: a filler file leaves about MB megabytes free (0: not one byte)
fill_to() {
	rm -f "$WORK/data/filler"
	if [ "$1" = 0 ]; then
		dd if=/dev/zero of="$WORK/data/filler" bs=64k 2>/dev/null
	else
		fallocate -l "$(($(free_mb) - $1))M" "$WORK/data/filler"
	fi
}
snapshot() { (cd "$WORK/data" && find sessions links settings.ini -type f 2>/dev/null | sort | xargs -r sha256sum); }
guest() { ctl trigger >/dev/null && wait_state review 20 && ctl trigger >/dev/null && wait_state deliver 5 \
	&& ctl trigger >/dev/null && wait_state attract 10; }

start_xvfb 800 480
start_kiosk "$conf" || setup_failed "the kiosk did not start"
check "a guest's session completes with room to spare" guest
check "its photos are on disk" test "$(ls "$WORK/data/sessions" | wc -l)" = 1
snapshot >"$WORK/before"

fill_to 8
echo "# $(free_mb) MB free of 48"
check "the booth notices the disk is low within 3 s" wait_for 3 '[ "$(json disk.low)" = True ]'
ctl trigger 2>"$WORK/err"
check "a guest's tap starts nothing" test "$(json state)" = attract
check "photoboothctl trigger says there is nothing to start" grep -q "nothing to trigger in attract" "$WORK/err"
sleep 0.3
shot $OUT attract-full
check "the attract screen says the booth is on a break" not_blank "$ART/$OUT/attract-full.png"
check "status gives the threshold" test "$(json disk.min_free_mb)" = 16
check "the log tells staff" grep -q "under \[storage\] min_free_mb = 16: no new sessions" "$WORK/kiosk.log"
check "the log names the refused guest" grep -q "data_dir is full: no session" "$WORK/kiosk.log"
check "the settings file is intact" python3 -c "import configparser,sys; c=configparser.ConfigParser(); c.read(sys.argv[1]) or sys.exit(1)" "$WORK/data/settings.ini"

rm -f "$WORK/data/filler"
check "space freed: the booth takes guests again" wait_for 3 '[ "$(json disk.low)" = False ]'
grep -q "taking guests" "$WORK/kiosk.log"
check "the log says so" test $? = 0

# The disk fills to the last byte while a guest is in front of the camera.
ctl trigger >/dev/null
wait_state countdown 5 >/dev/null
fill_to 0
echo "# $(free_mb) MB free while shooting"
s2=$(json session)
wait_for 20 '[ "$(json state)" = error ] || [ "$(json state)" = review ]' >/dev/null
state=$(json state)
echo "# with the disk full the session went to: $state"
if [ "$state" = review ]; then
	ctl trigger >/dev/null  # accept: saving must fail now
	wait_for 10 '[ "$(json state)" != review ]' >/dev/null
	echo "# after accepting: $(json state)"
fi
shot $OUT session-disk-full
check "the guest sees the error screen, not a crash" test "$(json state)" = error
check "the kiosk is still running" kill -0 "$KIOSK_PID"
check "no temporary or partial file is left behind" \
	test -z "$(find "$WORK/data" -name '*.tmp*' -o -name '.*' -type f | grep -v filler)"
check "the unfinished session left no folder" test ! -e "$WORK/data/sessions/$s2/final.jpg"
# what the failed session had written is gone again: fill that space too
dd if=/dev/zero of="$WORK/data/filler2" bs=64k 2>/dev/null
wait_for 3 '[ "$(json disk.low)" = True ]' >/dev/null
sleep 0.3
shot $OUT error-disk-still-full
said=$(ctl trigger 2>&1)
echo "# the error screen's button: $said (disk low: $(json disk.low))"
check "its button no longer offers a retry that would fail again" test "$said" = "error -> attract"
check "it goes back to attract" wait_state attract 10
ctl trigger >/dev/null 2>&1
check "and the booth, still full, refuses the next guest" test "$(json state)" = attract
snapshot >"$WORK/after-full"
check "the earlier session, its link and the settings are byte for byte as they were" \
	bash -c "diff <(grep -v settings.ini '$WORK/before') <(grep -v settings.ini '$WORK/after-full') && grep -q settings.ini '$WORK/after-full'"
check "the settings file still parses" python3 -c "import configparser,sys; c=configparser.ConfigParser(); c.read(sys.argv[1]) or sys.exit(1)" "$WORK/data/settings.ini"

rm -f "$WORK/data/filler" "$WORK/data/filler2"
wait_for 3 '[ "$(json disk.low)" = False ]' >/dev/null
check "space freed again: a guest's session completes" guest
check "two sessions on disk now" test "$(ls "$WORK/data/sessions" | wc -l)" = 2
stop_kiosk
check "the kiosk exits cleanly" test "$KIOSK_RC" = 0
summary
