#!/bin/bash
# End to end: retention for every session. The real kiosk (Xvfb) in print-only mode, where
# no gallery runs, then in share mode: sessions older than [share] retention_hours are
# deleted at start whatever their delivery (a print-only session has no download link),
# younger ones stay. Bad input tried: a 30-day-old
# print-only session (it survived for ever before), one a day past retention next to one an
# hour short of it, a stray file in sessions/.
set -u
. "$(dirname "$0")/lib.sh"

# old_session NAME AGE: a finished print-only session (final.jpg, session.json), AGE old
old_session() {
	local d="$WORK/data/sessions/$1"
	mkdir -p "$d"
	printf '{"id":"%s","status":"1 print spooled"}\n' "$1" >"$d/session.json"
	head -c 20000 /dev/urandom >"$d/final.jpg"
	touch -d "$2" "$d/session.json" "$d/final.jpg" "$d"
}
conf="$WORK/print.conf"
KIOSK_EXTRA="delivery = print
countdown = 1" write_config "$conf" "retention_hours = 72" "[print]" "printer = no-such-queue"
mkdir -p "$WORK/data/sessions"
old_session 20261101-120000-aaaaaaaa "30 days ago"
old_session 20261130-120000-bbbbbbbb "73 hours ago"
old_session 20261130-120000-cccccccc "71 hours ago"
old_session 20261203-120000-dddddddd "1 hour ago"
echo "not a session" >"$WORK/data/sessions/stray.txt"
touch -d "30 days ago" "$WORK/data/sessions/stray.txt"

start_xvfb 800 480
start_kiosk "$conf" || setup_failed "the kiosk did not start"
check "print mode: no gallery runs" bash -c "! grep -q 'gallery: serving' '$WORK/kiosk.log'"
check "at start, the 30-day-old print-only session is deleted" \
	wait_for 10 '[ ! -e "$WORK/data/sessions/20261101-120000-aaaaaaaa" ]'
check "... and the one a day past 72 h" test ! -e "$WORK/data/sessions/20261130-120000-bbbbbbbb"
check "the one an hour short of 72 h stays" test -s "$WORK/data/sessions/20261130-120000-cccccccc/final.jpg"
check "... and the recent one" test -s "$WORK/data/sessions/20261203-120000-dddddddd/final.jpg"
check "a stray file is left alone (not a session folder)" test -e "$WORK/data/sessions/stray.txt"
check "the log says what went and why" \
	grep -q "purge: 2 sessions older than 72 h deleted (\[share\] retention_hours)" "$WORK/kiosk.log"
stop_kiosk

# share mode, with the gallery: the same rule (and links expire with their photos)
old_session 20261101-130000-eeeeeeee "30 days ago"
KIOSK_EXTRA="delivery = share
countdown = 1" write_config "$WORK/share.conf" "retention_hours = 72"
start_kiosk "$WORK/share.conf" || setup_failed "the kiosk did not start in share mode"
check "share mode: the gallery runs" grep -q 'gallery: serving' "$WORK/kiosk.log"
check "share mode: the 30-day-old session is deleted at start" \
	wait_for 10 '[ ! -e "$WORK/data/sessions/20261101-130000-eeeeeeee" ]'
check "... the young ones stay" \
	test -d "$WORK/data/sessions/20261130-120000-cccccccc" -a -d "$WORK/data/sessions/20261203-120000-dddddddd"
stop_kiosk
summary
