#!/bin/bash
# Email to a strict, real mail server: the kiosk under Xvfb in share mode, sending through a
# private Postfix (tests/mail/postfix.sh) that refuses a HELO name that is not fully qualified
# (reject_non_fqdn_helo_hostname) and knows one mailbox. Bad situations tried:
#   an unknown user (550 5.1.1 at RCPT): a dead letter for that address only
#   the booth saying EHLO with a bare host name (504 5.5.2 at RCPT): a booth-wide fault shown to
#     staff and retried, never a dead letter; sent once the name is fixed
#   [mail] helo_name that is not fully qualified: refused at start with EX_CONFIG
set -u
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/mail/postfix.sh"
trap 'stop_postfix; cleanup' EXIT

OUT=postfix
SMTP_PORT=$(free_port)
HTTP_PORT=$(free_port)

mail_conf() { # FILE SMTP_URL [INI lines]
	local f=$1 url=$2
	shift 2
	KIOSK_EXTRA="delivery = share
countdown = 1
review_timeout = 60
deliver_timeout = 60" SHARE_LISTEN="127.0.0.1:$HTTP_PORT" write_config "$f" \
		"public_url = http://127.0.0.1:$HTTP_PORT/" \
		"[mail]" "smtp_url = $url" "starttls = no" "from = photos@booth.example" \
		"retry_max_seconds = 2" "$@"
}

start_xvfb 800 480
start_postfix "$WORK/postfix" "$SMTP_PORT" guest || setup_failed "Postfix did not start"

# --- helo_name must be a fully-qualified name.
mail_conf "$WORK/bad.conf" "smtp://127.0.0.1:$SMTP_PORT" "helo_name = vm"
"$PB" --config "$WORK/bad.conf" --check-config >"$WORK/bad.out" 2>&1
check "helo_name = vm is refused with exit 78" test $? -eq 78
check "... saying why" grep -q "helo_name = vm: not a fully-qualified host name" "$WORK/bad.out"

# --- The default EHLO name (this host has no dot: the domain of from) passes Postfix.
mail_conf "$WORK/ok.conf" "smtp://127.0.0.1:$SMTP_PORT"
start_kiosk "$WORK/ok.conf" || setup_failed "the kiosk did not start"
check "a guest reaches deliver" guest
S=$(json session)
check "staff send the link to a known mailbox" ctl resend "$S" guest@guests.example
check "Postfix delivers it" wait_for 20 'test "$(postfix_mails guest)" = 1'
msg=$(find "$WORK/postfix/mail/guests.example/guest/new" -type f | head -1)
echo "# $(grep -m1 '^Received: from' "$msg")"
check "the booth said EHLO with a fully-qualified name (from's domain)" \
	grep -q '^Received: from booth.example (localhost \[127.0.0.1\])' "$msg"
check "the message carries the download link" grep -q "http://127.0.0.1:$HTTP_PORT/p/" "$msg"
/usr/bin/python3 -c '
import email, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"))
for part in m.walk():
    if part.get_content_type() == "image/jpeg":
        open(sys.argv[2], "wb").write(part.get_payload(decode=True))' "$msg" "$WORK/inline.jpg"
echo "# inline photo: $(image_size "$WORK/inline.jpg" 2>/dev/null)"
check "the inline photo is 640 px on its long side (as the README says)" \
	python3 -c "import sys; w, h = map(int, sys.argv[1].split('x')); sys.exit(max(w, h) != 640)" \
	"$(image_size "$WORK/inline.jpg")"

# --- An unknown user: 550 5.1.1 makes a dead letter for that address, nothing else waits.
check "staff send the link to an unknown mailbox" ctl resend "$S" nobody@guests.example
check "the 550 5.1.1 makes a dead letter" wait_for 20 '[ "$(json outbox.dead)" = 1 ]'
check "... quoting Postfix, the address masked" \
	grep -q '550 5.1.1 <n\*\*\*@guests.example>: Recipient address rejected' <(json outbox.last_dead)
check "the queue is empty: nobody else waits" test "$(json outbox.depth)" = 0
stop_kiosk

# --- The booth says EHLO "vm" (the operator's own name in the URL): Postfix answers 504 5.5.2
# at RCPT. That is the booth's fault, not the guest's: retried, shown, never a dead letter.
mail_conf "$WORK/bare.conf" "smtp://127.0.0.1:$SMTP_PORT/vm"
start_kiosk "$WORK/bare.conf" || setup_failed "the kiosk did not start"
check "staff send the link again" ctl resend "$S" guest@guests.example
check "status shows the booth-wide fault in Postfix's words" \
	wait_for 20 'grep -q "refuses the booth at RCPT.*504 5.5.2 <vm>: Helo command rejected" <(json outbox.last_error)'
echo "# last_error: $(json outbox.last_error)"
check "the message still waits in the queue" test "$(json outbox.depth)" = 1
sleep 3
check "it was tried again" test "$(grep -c '504 5.5.2' "$WORK/kiosk.log")" -ge 2
check "no dead letter for the guest" test "$(json outbox.dead)" = 1
check "nothing delivered meanwhile" test "$(postfix_mails guest)" = 1
stop_kiosk
mail_conf "$WORK/fixed.conf" "smtp://127.0.0.1:$SMTP_PORT" "helo_name = booth.guests.example"
start_kiosk "$WORK/fixed.conf" || setup_failed "the kiosk did not start"
check "with helo_name set the waiting email is delivered" \
	wait_for 20 'test "$(postfix_mails guest)" = 2'
msg=$(ls -t "$WORK/postfix/mail/guests.example/guest/new"/* | head -1)
check "... saying EHLO booth.guests.example" grep -q '^Received: from booth.guests.example ' "$msg"
check "the queue is empty" wait_for 5 'test "$(json outbox.depth)" = 0'
stop_kiosk
check "the kiosk exits cleanly" test "$KIOSK_RC" = 0

summary
