# A strict mail server for the email tests, sourced after lib.sh: a private Postfix (Debian
# postfix) with its own configuration directory, queue and Maildirs under DIR, listening on
# 127.0.0.1:PORT only. It takes mail for one virtual domain, guests.example, whose mailboxes are
# listed in DIR/vmailbox (an unknown user gets 550 5.1.1 at RCPT), and it refuses a HELO name
# that is not fully qualified (reject_non_fqdn_helo_hostname, a common production setting:
# Postfix says 504 5.5.2 at RCPT). master runs in the foreground (postfix start-fg), as the
# test's child; stop_postfix stops it by pid.

POSTFIX_DIR=
POSTFIX_PID=

# start_postfix DIR PORT USER...: Postfix on 127.0.0.1:PORT with mailboxes USER@guests.example.
start_postfix() {
	POSTFIX_DIR=$1
	local port=$2 u
	shift 2
	mkdir -p "$POSTFIX_DIR"/{conf,queue,data,mail}
	# Postfix runs its daemons as postfix, which must reach the folders here
	chmod o+x "$(dirname "$POSTFIX_DIR")"
	chmod 755 "$POSTFIX_DIR"
	: >"$POSTFIX_DIR/vmailbox"
	for u in "$@"; do echo "$u@guests.example guests.example/$u/" >>"$POSTFIX_DIR/vmailbox"; done
	chown -R postfix "$POSTFIX_DIR/mail" "$POSTFIX_DIR/data"
	cat >"$POSTFIX_DIR/conf/main.cf" <<EOC
compatibility_level = 3.6
queue_directory = $POSTFIX_DIR/queue
data_directory = $POSTFIX_DIR/data
maillog_file = $POSTFIX_DIR/maillog
maillog_file_prefixes = $POSTFIX_DIR
mail_owner = postfix
setgid_group = postdrop
myhostname = mx.guests.example
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
alias_maps =
alias_database =
virtual_mailbox_domains = guests.example
virtual_mailbox_base = $POSTFIX_DIR/mail
virtual_mailbox_maps = texthash:$POSTFIX_DIR/vmailbox
virtual_uid_maps = static:$(id -u postfix)
virtual_gid_maps = static:$(id -g postfix)
smtpd_helo_required = yes
smtpd_helo_restrictions = reject_non_fqdn_helo_hostname
smtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination
smtpd_tls_security_level = none
smtp_tls_security_level = none
EOC
	cat >"$POSTFIX_DIR/conf/master.cf" <<EOC
127.0.0.1:$port inet n - n - - smtpd
cleanup   unix n - n - 0 cleanup
qmgr      unix n - n 300 1 qmgr
rewrite   unix - - n - - trivial-rewrite
bounce    unix - - n - 0 bounce
defer     unix - - n - 0 bounce
trace     unix - - n - 0 bounce
verify    unix - - n - 1 verify
flush     unix n - n 1000? 0 flush
proxymap  unix - - n - - proxymap
smtp      unix - - n - - smtp
showq     unix n - n - - showq
error     unix - - n - - error
retry     unix - - n - - error
discard   unix - - n - - discard
virtual   unix - n n - - virtual
anvil     unix - - n - 1 anvil
scache    unix - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
EOC
	postfix -c "$POSTFIX_DIR/conf" set-permissions >"$POSTFIX_DIR/setup.log" 2>&1
	postfix -c "$POSTFIX_DIR/conf" start-fg >"$POSTFIX_DIR/master.log" 2>&1 &
	POSTFIX_PID=$!
	for _ in $(seq 100); do
		python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" \
			2>/dev/null && return 0
		kill -0 "$POSTFIX_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "Postfix did not start:"
	tail -n 20 "$POSTFIX_DIR/setup.log" "$POSTFIX_DIR/master.log" "$POSTFIX_DIR/maillog" 2>/dev/null
	return 1
}

stop_postfix() {
	if [ -n "$POSTFIX_PID" ]; then
		kill "$POSTFIX_PID" 2>/dev/null
		wait "$POSTFIX_PID" 2>/dev/null
		POSTFIX_PID=
	fi
}

# postfix_mails USER: messages delivered to USER@guests.example's Maildir.
postfix_mails() { find "$POSTFIX_DIR/mail/guests.example/$1/new" -type f 2>/dev/null | wc -l; }
