#!/bin/bash
# End to end: sharing. The real kiosk under Xvfb (800x480) with the built-in gallery on
# loopback and an SMTP sink (tests/mail/smtpsink.py, aiosmtpd). A guest's QR code is read off
# a screenshot with zbarimg and its link downloads share.jpg byte for byte; headless chromium
# opens the page at 360x740; an address typed on the on-screen keyboard gets the same link by
# email (MIME checked with Python's email parser); with SMTP down for a whole session and the
# kiosk killed, the email goes out once SMTP is back, exactly once; restarted in print mode, the
# booth still serves earlier links and sends owed emails; staff resend; the page in English
# and, for a guest who switched the kiosk to Korean, in Korean (chromium again). Bad input
# tried: an address with a space, unicode, no consent, a resend to a bad address or session,
# a public_url without a scheme. Screenshots: tests/artifacts/share/.
set -u
. "$(dirname "$0")/lib.sh"

OUT=share
HTTP_PORT=$(free_port)
SMTP_PORT=$(free_port)


conf="$WORK/share.conf"
KIOSK_EXTRA="delivery = share
countdown = 1
review_timeout = 60
deliver_timeout = 120" SHARE_LISTEN="127.0.0.1:$HTTP_PORT" write_config "$conf" \
	"public_url = http://127.0.0.1:$HTTP_PORT/" \
	"[mail]" "smtp_url = smtp://127.0.0.1:$SMTP_PORT" "starttls = no" \
	"from = photos@booth.example" "subject = Your photo from the booth" \
	"retry_max_seconds = 2"

start_xvfb 800 480
start_sink "$SMTP_PORT" || setup_failed "the SMTP sink did not start"
start_kiosk "$conf" || setup_failed "the kiosk did not start"
check "guest reaches deliver" guest
S1=$(json session)
sleep 0.5
shot $OUT deliver-qr
URL=$(zbarimg -q --raw "$ART/$OUT/deliver-qr.png" 2>/dev/null | head -1)
echo "# QR code: $URL"
check "zbarimg reads the QR code off the screen" test -n "$URL"
check "the QR code is public_url/p/<22-character token>" \
	grep -Eq "^http://127.0.0.1:$HTTP_PORT/p/[A-Za-z0-9_-]{22}\$" <<<"$URL"
check "the link's page opens (200, text/html)" \
	test "$(curl -s -o "$WORK/page.html" -w '%{http_code} %{content_type}' "$URL")" = "200 text/html; charset=utf-8"
check "the page links the photo for download" grep -q 'download' "$WORK/page.html"
curl -s -D "$WORK/jpg.headers" -o "$WORK/got.jpg" "$URL.jpg"
check "the link downloads share.jpg byte for byte" cmp -s "$WORK/got.jpg" "$WORK/data/sessions/$S1/share.jpg"
check "the download is an attachment" grep -qi '^Content-Disposition: attachment' "$WORK/jpg.headers"
# the last character changed (to A, or to B when it was an A: 1 token in 64)
if [ "${URL: -1}" = A ]; then WRONG="${URL%?}B"; else WRONG="${URL%?}A"; fi
check "a wrong token is 404" test "$(curl -s -o /dev/null -w '%{http_code}' "$WRONG")" = 404
check "a path with .. is 404" \
	test "$(curl -s --path-as-is -o /dev/null -w '%{http_code}' "http://127.0.0.1:$HTTP_PORT/p/../sessions/$S1/share.jpg")" = 404
if command -v chromium >/dev/null; then
	timeout 60 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
		--window-size=360,740 --screenshot="$ART/$OUT/phone-360x740.png" "$URL" \
		>"$WORK/chromium.log" 2>&1
	check "chromium renders the page at 360x740 (screenshot)" \
		test "$(image_size "$ART/$OUT/phone-360x740.png")" = 360x740
	check "the phone screenshot shows the photo (not blank)" not_blank "$ART/$OUT/phone-360x740.png"
else
	not_ok "chromium is installed (scripts/deps.sh check)"
fi

# Email: the on-screen keyboard, a wrong address first, consent, then the real one.
check "Email me opens the keyboard" tap email
check "email screen" wait_state email 5
type_keys "guest"
xdotool type --delay 30 " x"
xdotool key Return
sleep 0.3
check "a space: refused with a reason, nothing sent" test "$(json email.problem)" = "has a space"
shot $OUT email-space
for _ in 1 2; do tap_key backspace; done
check "backspace erases (5 characters left)" wait_for 5 '[ "$(json email.typed_chars)" = 5 ]'
tap_key "@gmail.com"
check "the domain key completes the address" wait_for 5 '[ "$(json email.typed_chars)" = 15 ]'
tap send
sleep 0.3
check "consent is asked for before sending" test "$(json email.problem)" = consent
shot $OUT email-consent
tap consent
sleep 0.3
shot $OUT email-ready
tap send
check "Send: back to deliver" wait_state deliver 5
sleep 0.3
shot $OUT deliver-sent
check "the email arrives at the SMTP sink" wait_for 20 '[ "$(mails)" = 1 ]'
check "the email is MIME with the same link in both parts, the photo and the QR inline" \
	/usr/bin/python3 - "$MAIL" "$URL" <<'PY'
import email, email.policy, glob, sys
maildir, url = sys.argv[1], sys.argv[2]
msg = email.message_from_binary_file(open(glob.glob(maildir + "/new/*")[0], "rb"), policy=email.policy.default)
assert msg["To"] == "guest@gmail.com", msg["To"]
assert msg["Subject"] == "Your photo from the booth"
assert msg.get_content_type() == "multipart/mixed"
parts = {p.get_content_type(): p for p in msg.walk()}
for t in ("multipart/related", "multipart/alternative", "text/plain", "text/html", "image/jpeg", "image/png"):
    assert t in parts, t
assert url in parts["text/plain"].get_content()
html = parts["text/html"].get_content()
assert url in html
for t in ("image/jpeg", "image/png"):
    cid = parts[t]["Content-ID"].strip("<>")
    assert "cid:" + cid in html, cid
    assert len(parts[t].get_content()) > 500
PY
check "the address is not in the log in full" bash -c "! grep -q 'guest@gmail.com' '$WORK/kiosk.log'"
check "the log has it masked" grep -q 'g\*\*\*@gmail.com' "$WORK/kiosk.log"
check "the outbox is empty once sent" test -z "$(find "$WORK/data/outbox" -type f)"
check "status: outbox sent 1, depth 0" test "$(json outbox.sent)/$(json outbox.depth)" = 1/0
ctl trigger >/dev/null
wait_state thanks 5
ctl reset >/dev/null
wait_state attract 5

# SMTP down for a whole session; the kiosk is killed; SMTP comes back.
stop_sink
check "guest 2 reaches deliver" guest
S2=$(json session)
tap email
wait_state email 5
xdotool type --delay 30 "second@example.com"
tap consent
xdotool key Return
check "with SMTP down the guest still gets 'sent'" wait_state deliver 5
check "the email waits in the outbox (depth 1)" wait_for 10 '[ "$(json outbox.depth)" = 1 ]'
check "status says why" wait_for 10 'json outbox.last_error | grep -q unreachable'
check "one message file on disk" test "$(ls "$WORK/data/outbox" | grep -c '\.msg$')" = 1
kill -9 "$KIOSK_PID"
wait "$KIOSK_PID" 2>/dev/null
KIOSK_PID=
start_kiosk "$conf"
check "after SIGKILL and restart the email still waits" test "$(json outbox.depth)" = 1
start_sink "$SMTP_PORT"
check "SMTP back: the email is delivered" wait_for 30 '[ "$(mails)" = 2 ]'
check "the outbox is empty" wait_for 5 '[ "$(json outbox.depth)" = 0 ]'
stop_kiosk
start_kiosk "$conf"
sleep 3
check "exactly once: no second copy after another restart" test "$(mails)" = 2
check "the second email went to the second guest" grep -lq '^To: second@example.com' "$MAIL"/new/*

# Staff switch to print only with an email still owed, then a power cut: after the restart in
# print mode, guest 1's link still downloads and the owed email still goes; the new guest gets
# no link.
stop_sink
check "guest 3 reaches deliver" guest
tap email
wait_state email 5
xdotool type --delay 30 "third@example.com"
tap consent
xdotool key Return
wait_state deliver 5
check "guest 3's email waits in the outbox" wait_for 10 '[ "$(json outbox.depth)" = 1 ]'
ctl trigger >/dev/null
wait_state thanks 5
ctl reset >/dev/null
wait_state attract 5
check "staff switch to print only" ctl delivery print
check "the switch is saved at once" \
	wait_for 2 'grep -q "^delivery = print" "$WORK/data/settings.ini"'
kill -9 "$KIOSK_PID"
wait "$KIOSK_PID" 2>/dev/null
KIOSK_PID=
start_kiosk "$conf"
check "restarted in print mode" test "$(json delivery)" = print
check "the log says earlier guests are still served" \
	grep -q "print mode: still serving earlier guests' download links and sending their emails" "$WORK/kiosk.log"
rm -f "$WORK/got.jpg"
curl -s -o "$WORK/got.jpg" "$URL.jpg"
check "guest 1's link still downloads byte for byte in print mode" \
	cmp -s "$WORK/got.jpg" "$WORK/data/sessions/$S1/share.jpg"
start_sink "$SMTP_PORT" --refuse bounce@example.com
check "SMTP back: guest 3's email is delivered in print mode" wait_for 30 '[ "$(mails)" = 3 ]'
check "... to guest 3" grep -lq '^To: third@example.com' "$MAIL"/new/*
links_before=$(ls "$WORK/data/links" | wc -l)
check "a guest in print mode reaches deliver" guest
sleep 1
shot $OUT deliver-print-after-restart
check "a print-only guest gets no QR code on screen" \
	bash -c "! zbarimg -q --raw '$ART/$OUT/deliver-print-after-restart.png' >/dev/null 2>&1"
check "... and no link" test "$(ls "$WORK/data/links" | wc -l)" = "$links_before"
ctl reset >/dev/null
wait_state attract 5
check "staff switch back to share" ctl delivery share

# A mistyped mailbox the server answers 550 for: a dead letter with the server's words, seen in
# status, the log and photoboothctl outbox (masked), and the emails after it still go.
check "resend to a mailbox the server refuses queues it" ctl resend "$S1" bounce@example.com
check "status: the 550 makes a dead letter" wait_for 20 '[ "$(json outbox.dead)" = 1 ]'
json outbox.last_dead >"$WORK/dead.txt"
check "status quotes the server, address masked" \
	grep -q '^b\*\*\*@example.com: .*550 5.1.1 <b\*\*\*@example.com>' "$WORK/dead.txt"
check "the log says it was refused for good" grep -q "refused for good, moved to the dead letters" "$WORK/kiosk.log"
check "the log never shows the address" bash -c "! grep -q 'bounce@example.com' '$WORK/kiosk.log'"
ctl outbox >"$WORK/outbox.out"
check "photoboothctl outbox lists the dead letter, masked, with the server's words" \
	bash -c "grep -q 'dead *b\*\*\*@example.com' '$WORK/outbox.out' && grep -q 'Recipient address rejected' '$WORK/outbox.out' && ! grep -q bounce@ '$WORK/outbox.out'"
DEAD_ID=$(awk '/ dead /{print $1; exit}' "$WORK/outbox.out")
check "the dead letter is in outbox/dead/" test -f "$WORK/data/outbox/dead/$DEAD_ID.msg"

# Staff resend.
check "resend SESSION ADDRESS queues the link" ctl resend "$S1" staff@example.com
check "the resent email arrives" wait_for 20 '[ "$(mails)" = 4 ]'
check "resent with the first guest's link" grep -qF -- "${URL##*/}" "$(grep -l '^To: staff@example.com' "$MAIL"/new/*)"
ctl outbox retry nosuchid >/dev/null 2>&1
check "outbox retry of an unknown id: refused (1)" test $? = 1
ctl outbox drop all >/dev/null 2>&1
check "outbox drop all: usage (2), the queue is never dropped whole" test $? = 2
check "outbox drop ID deletes the dead letter" ctl outbox drop "$DEAD_ID"
check "... its file too, and status counts none" \
	bash -c "[ ! -e '$WORK/data/outbox/dead/$DEAD_ID.msg' ] && [ \"\$(ls '$WORK/data/outbox/dead' | wc -l)\" = 0 ]"
check "status: no dead letter left" test "$(json outbox.dead)" = 0
ctl resend "$S1" "a@b@example.com" >"$WORK/r.out" 2>&1
check "resend to an address with two @: refused (1) with the reason" \
	test "$?/$(grep -c "more than one @" "$WORK/r.out")" = 1/1
ctl resend nosuchsession a@example.com >"$WORK/r.out" 2>&1
check "resend of an unknown session: refused (1)" test $? = 1
ctl resend "$S1" >/dev/null 2>&1
check "resend without an address: usage (2)" test $? = 2

# The first guest's page (English): its expiry date and link previews (a chat app shows the
# photo); an inline icon, so phones ask for no favicon.
check "the English page says <html lang=en> and when the link expires" \
	grep -q '<html lang=en>.*' "$WORK/page.html" -a grep -q '<p id=until>This link works until [A-Z][a-z]* [0-9]*, 20[0-9][0-9]; save the photo' "$WORK/page.html"
check "og:image is the photo's absolute URL" \
	grep -qF "<meta property=\"og:image\" content=\"$URL.jpg\">" "$WORK/page.html"
check "og:title, og:description and a large twitter card" \
	bash -c "grep -q 'property=\"og:title\"' '$WORK/page.html' && grep -q 'property=\"og:description\" content=\"Your photo from' '$WORK/page.html' && grep -q 'name=\"twitter:card\" content=\"summary_large_image\"' '$WORK/page.html'"
check "an inline icon (no favicon request)" grep -qF '<link rel=icon href="data:,">' "$WORK/page.html"

# A guest who switched the kiosk to Korean gets the page in Korean, from the same catalogs.
ctl reset >/dev/null
wait_state attract 5
check "a guest switches the kiosk to Korean" tap language
check "... and it speaks Korean" wait_for 5 '[ "$(json language)" = ko ]'
check "the Korean guest reaches deliver" guest
sleep 0.5
shot $OUT deliver-qr-ko
URL_KO=$(zbarimg -q --raw "$ART/$OUT/deliver-qr-ko.png" 2>/dev/null | head -1)
curl -s -o "$WORK/page-ko.html" "$URL_KO"
check "the Korean guest's page is <html lang=ko>" grep -q '<html lang=ko>' "$WORK/page-ko.html"
check "... in Korean, with the date in Korean" \
	bash -c "grep -q '사진 내려받기' '$WORK/page-ko.html' && grep -q '<p id=until>이 링크는 20[0-9]*년 [0-9]*월 [0-9]*일까지' '$WORK/page-ko.html'"
check "og:image of the Korean page downloads the photo" \
	bash -c "curl -s -o '$WORK/og.jpg' \"\$(sed -n 's/.*property=\"og:image\" content=\"\([^\"]*\)\".*/\1/p' '$WORK/page-ko.html')\" && cmp -s '$WORK/og.jpg' '$WORK/data/sessions/$(json session)/share.jpg'"
timeout 60 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
	--window-size=360,740 --screenshot="$ART/$OUT/phone-360x740-ko.png" "$URL_KO" \
	>"$WORK/chromium-ko.log" 2>&1
check "chromium renders the Korean page at 360x740 (screenshot)" \
	test "$(image_size "$ART/$OUT/phone-360x740-ko.png")" = 360x740
check "... showing the photo (not blank)" not_blank "$ART/$OUT/phone-360x740-ko.png"
ctl reset >/dev/null
wait_state attract 5
tap language >/dev/null
stop_kiosk
stop_sink

# public_url without a scheme: refused at start with the key and the line.
write_config "$WORK/bad.conf" "public_url = photobooth.local:8080"
"$PB" --config "$WORK/bad.conf" --check-config >"$WORK/bad.out" 2>&1
check "public_url without a scheme: exit 78" test $? = 78
check "... naming the key" grep -q 'public_url = photobooth.local:8080: must start with http:// or https://' "$WORK/bad.out"
write_config "$WORK/bad2.conf" "[mail]" "smtp_url = smtp://127.0.0.1:25" "from = not an address"
"$PB" --config "$WORK/bad2.conf" --check-config >"$WORK/bad.out" 2>&1
check "[mail] from that is not an address: exit 78" test $? = 78
check "... with the reason" grep -q 'from = not an address: has a space' "$WORK/bad.out"

summary
