#!/bin/bash
# End to end: the webhook. The real kiosk under Xvfb, a real HTTP receiver on loopback
# (tests/webhook/receiver.py, Python's http.server checking each POST's HMAC signature), the
# SMTP sink for the guest who emails. Bad input tried: a secret file others can read, a url
# without a secret, the receiver answering 500, then 400, then down, and the kiosk killed
# (SIGKILL) between its POST and the receiver's answer.
set -u
. "$(dirname "$0")/lib.sh"

HTTP_PORT=$(free_port)
SMTP_PORT=$(free_port)
HOOK_PORT=$(free_port)
RECV_PID=
SECRET="$WORK/hook.key"
MODE="$WORK/mode"
LOG="$WORK/deliveries"
trap '[ -n "$RECV_PID" ] && kill "$RECV_PID" 2>/dev/null; cleanup' EXIT
printf 'webhook-test-key-1\n' >"$SECRET"
chmod 600 "$SECRET"
: >"$LOG"
echo ok >"$MODE"

hook_config() { # hook_config FILE [MORE [webhook] LINES...]
	local f=$1
	shift
	KIOSK_EXTRA="delivery = share
countdown = 1
review_timeout = 60
deliver_timeout = 120" write_mail_config "$f" "$HTTP_PORT" "$SMTP_PORT" "require_consent = yes" \
		"[webhook]" "url = http://127.0.0.1:$HOOK_PORT/hook" "retry_max_seconds = 2" \
		"timeout_seconds = 3" "$@"
}
start_receiver() {
	/usr/bin/python3 "$TOP/tests/webhook/receiver.py" "$HOOK_PORT" "$SECRET" "$MODE" "$LOG" &
	RECV_PID=$!
	for _ in $(seq 50); do
		curl -s -o /dev/null "http://127.0.0.1:$HOOK_PORT/" && return 0
		sleep 0.1
	done
	return 1
}
stop_receiver() { kill "$RECV_PID" 2>/dev/null && wait "$RECV_PID" 2>/dev/null; RECV_PID=; }
# a guest through to the end of their session (staff reset on the deliver screen ends it, kept)
guest_done() {
	ctl trigger >/dev/null && wait_state review 20 && ctl trigger >/dev/null &&
		wait_state deliver 5 && ctl reset >/dev/null && wait_state attract 10
}
posts() { wc -l <"$LOG"; }
# field N KEY: the Nth delivery's KEY ("delivery", "signature_ok") or body field ("body.x")
field() {
	python3 -c 'import json, sys
d = [json.loads(l) for l in open(sys.argv[1])][int(sys.argv[2]) - 1]
for k in sys.argv[3].split("."):
    d = d.get(k) if isinstance(d, dict) else None
print("" if d is None else d)' "$LOG" "$1" "$2"
}

conf="$WORK/hook.conf"
hook_config "$conf" "secret_file = $SECRET"
chmod 644 "$SECRET"
check "a secret file others can read is refused, with the fix" \
	bash -c "! '$PB' --config '$conf' --check-config >'$WORK/c.out' 2>&1 && grep -q '\[webhook\] secret_file = .*other users can read it' '$WORK/c.out'"
chmod 600 "$SECRET"
hook_config "$WORK/nosecret.conf"
check "a url without a secret_file is refused" \
	bash -c "! '$PB' --config '$WORK/nosecret.conf' --check-config >'$WORK/n.out' 2>&1 && grep -q 'secret_file must be set when url is' '$WORK/n.out'"

start_xvfb 800 480
start_receiver || setup_failed "the receiver did not start"
start_sink "$SMTP_PORT" || setup_failed "the SMTP sink did not start"
hook_config "$conf" "secret_file = $SECRET" "include_email = yes"
start_kiosk "$conf" || setup_failed "the kiosk did not start"

check "guest 1 finishes their session" guest_done
check "the receiver gets one POST" wait_for 10 '[ "$(posts)" = 1 ]'
check "... signed with the secret (HMAC-SHA256 of the body)" test "$(field 1 signature_ok)" = True
S1=$(ls "$WORK/data/sessions" | head -1)
check "... naming the session, the booth's theme and delivery, with its link" \
	test "$(field 1 body.session)/$(field 1 body.theme)/$(field 1 body.delivery)" = "$S1/certification-lounge/share"
check "... the download link the guest was shown" \
	bash -c "grep -q '^$S1 ' '$WORK'/data/links/\$(basename '$(field 1 body.link)')"
check "... and no email address (the guest gave none)" test -z "$(field 1 body.email)"
check "status: the webhook sent 1, nothing waiting" test "$(json webhook.sent)/$(json webhook.depth)" = 1/0
check "the job's file is gone once delivered" test -z "$(ls "$WORK"/data/webhook/*.job 2>/dev/null)"

# a guest who emails, consent ticked: with include_email = yes the address goes too
email_done() {
	ctl trigger >/dev/null && wait_state review 20 && ctl trigger >/dev/null &&
		wait_state deliver 5 && tap email && wait_state email 5 && tap consent &&
		xdotool type --delay 20 "guest@example.com" && xdotool key Return && sleep 1 &&
		ctl reset >/dev/null && wait_state attract 5
}
check "guest 2 emails themselves, consent ticked" email_done
check "the receiver gets their address (include_email, consent)" \
	wait_for 10 '[ "$(posts)" = 2 ] && [ "$(field 2 body.email)" = guest@example.com ] && [ "$(field 2 body.emails)" = 1 ]'

# 500: this delivery again later
echo 500 >"$MODE"
check "guest 3 finishes while the receiver answers 500" guest_done
check "status: the failure in words, the delivery waiting" \
	wait_for 10 '[ "$(json webhook.depth)" = 1 ] && json webhook.last_error | grep -q 500'
echo ok >"$MODE"
check "the receiver mended: delivered on the next try" wait_for 15 '[ "$(json webhook.depth)" = 0 ]'
n=$(posts)
check "... the retry carries the same delivery id" test "$(field $((n - 1)) delivery)" = "$(field "$n" delivery)"

# down: the channel waits (no dead letter), then catches up
stop_receiver
check "guest 4 finishes while the receiver is down" guest_done
check "status: the channel is blocked, in curl's words, nothing dead" \
	wait_for 10 'json webhook.blocked | grep -qi connect && [ "$(json webhook.dead)" = 0 ]'
check "the delivery waits on disk" bash -c "ls '$WORK'/data/webhook/*.job"
start_receiver || setup_failed "the receiver did not restart"
check "the receiver back: delivered" wait_for 15 '[ "$(json webhook.depth)" = 0 ] && [ -z "$(json webhook.blocked)" ]'

# 400: a dead letter, kept with the receiver's words; the next one still goes
echo 400 >"$MODE"
check "guest 5 finishes while the receiver answers 400" guest_done
check "status: a dead letter, with the answer" \
	wait_for 10 '[ "$(json webhook.dead)" = 1 ] && json webhook.last_dead | grep -q "answered 400"'
check "... kept in data_dir/webhook/dead" bash -c "ls '$WORK'/data/webhook/dead/*.job '$WORK'/data/webhook/dead/*.why"
lists_dead() { ctl webhook >"$WORK/list" && grep -q ' dead ' "$WORK/list" && grep -q 'answered 400' "$WORK/list"; }
check "photoboothctl webhook lists it as dead, with the receiver's words" lists_dead
echo ok >"$MODE"
check "guest 6 finishes after it" guest_done
check "... and is delivered: sent 5 in all" wait_for 10 '[ "$(json webhook.sent)" = 5 ]'

# killed between the POST and the answer: sent again after the restart, same delivery id
echo "hold 3" >"$MODE"
before=$(posts)
check "guest 7 finishes; the receiver holds its answer" guest_done
check "... the POST arrived" wait_for 10 '[ "$(posts)" = $((before + 1)) ]'
kill -9 "$KIOSK_PID"
wait "$KIOSK_PID" 2>/dev/null
KIOSK_PID=
echo ok >"$MODE"
start_kiosk "$conf" || setup_failed "the kiosk did not restart"
check "after the restart the delivery is sent again" wait_for 15 '[ "$(posts)" = $((before + 2)) ]'
check "... with the same delivery id: the receiver can drop the repeat" \
	test "$(field $((before + 1)) delivery)" = "$(field $((before + 2)) delivery)"
sleep 2
check "... and not a third time" test "$(posts)" = $((before + 2))
retried() { ctl webhook retry dead | grep -q '1 delivery to be tried again'; }
check "photoboothctl webhook retry dead: the dead letter goes after all" retried
check "... delivered, nothing dead or waiting" \
	wait_for 10 '[ "$(json webhook.dead)/$(json webhook.depth)" = 0/0 ] && [ -z "$(ls "$WORK"/data/webhook/dead)" ]'
check "every POST was signed" bash -c "! grep -q '\"signature_ok\": false' '$LOG'"
stop_kiosk
check "the kiosk exits cleanly (under ASan: no leak, no error)" test "$KIOSK_RC" = 0
summary
