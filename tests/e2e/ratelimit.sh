#!/bin/bash
# End to end: the email rate limits. The real kiosk under Xvfb with the gallery on loopback
# and the SMTP sink; [mail] per_address_per_hour = 1 and per_booth_per_hour = 2. Bad input
# tried: a scripted keyboard sending a second email to the same address (in other letter
# case), then a third address once the booth's hourly allowance is spent. Each is refused on
# the email screen in words (English, and Korean on the screenshot of that screen), nothing
# is queued, the log says which limit; the guests within the limits get their email.
# Screenshots: tests/artifacts/ratelimit/.
set -u
. "$(dirname "$0")/lib.sh"

OUT=ratelimit
HTTP_PORT=$(free_port)
SMTP_PORT=$(free_port)
conf="$WORK/limit.conf"
KIOSK_EXTRA="delivery = share
countdown = 1
review_timeout = 60
deliver_timeout = 120" write_mail_config "$conf" "$HTTP_PORT" "$SMTP_PORT" \
	"require_consent = no" "per_address_per_hour = 1" "per_booth_per_hour = 2"

# one guest to the email screen, the address typed on a (scripted) keyboard, Return
email_guest() {
	ctl trigger >/dev/null && wait_state review 20 && ctl trigger >/dev/null &&
		wait_state deliver 5 && tap email && wait_state email 5 &&
		xdotool type --delay 20 "$1" && xdotool key Return && sleep 0.5
}
next_guest() { ctl reset >/dev/null; wait_state attract 5; }

start_xvfb 800 480
start_sink "$SMTP_PORT" || setup_failed "the SMTP sink did not start"
start_kiosk "$conf" || setup_failed "the kiosk did not start"

check "guest 1 emails victim@example.com" email_guest victim@example.com
check "... it is sent" wait_for 20 '[ "$(mails)" = 1 ]'
next_guest
check "guest 2 types the same address (other case)" email_guest VICTIM@example.com
check "refused on the email screen: over the address's limit" \
	test "$(json state)/$(json email.problem)" = "email/over the limit for this address ([mail] per_address_per_hour)"
shot $OUT email-limit-address
check "the log names the limit, address masked" \
	grep -q 'email: to V\*\*\*@example.com not sent: over the limit for this address' "$WORK/kiosk.log"
check "nothing queued" test "$(json outbox.depth)/$(json outbox.sent)" = 0/1
for _ in $(seq 20); do xdotool key BackSpace; done
xdotool type --delay 20 "friend@example.com"
xdotool key Return
check "another address is sent (booth's second of 2)" wait_for 20 '[ "$(mails)" = 2 ]'
next_guest
check "guest 3 types a new address" email_guest third@example.com
check "refused: the booth's hourly limit" \
	test "$(json email.problem)" = "over the booth's hourly limit ([mail] per_booth_per_hour)"
check "still two emails" test "$(mails)/$(json outbox.depth)" = 2/0
stop_kiosk

# the guest's words in Korean: the screens tool renders the limit screen in each language
"$PB" screens --config "$conf" --out "$WORK/en" --lang en >/dev/null 2>&1
"$PB" screens --config "$conf" --out "$WORK/ko" --lang ko >/dev/null 2>&1
check "the limit screen renders in English and Korean" \
	test -s "$WORK/en/email-limit.bmp" -a -s "$WORK/ko/email-limit.bmp"
check "... and the Korean one is translated (differs from the English)" \
	bash -c "! cmp -s '$WORK/en/email-limit.bmp' '$WORK/ko/email-limit.bmp'"
check "... and shows the limit (differs from the same screen without it)" \
	bash -c "! cmp -s '$WORK/ko/email-typed.bmp' '$WORK/ko/email-limit.bmp'"
/usr/bin/convert "$WORK/ko/email-limit.bmp" "$ART/$OUT/email-limit-ko.png" 2>/dev/null
stop_sink
summary
