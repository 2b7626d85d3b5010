# A real IPP Everywhere photo printer for the print tests, sourced after cupsd.sh.
#
# ippeveprinter (Debian cups-ipp-utils) plays a driverless 4x6 photo printer on a loopback port:
# its media (tests/print/ippeve-4x6.conf) is one borderless 4x6 size, and every job runs
# tests/print/ippeve-print, which takes IPPEVE_DIR/seconds (if present) to print and then keeps
# the document in IPPEVE_DIR/out. Avahi wants a system D-Bus, so a private dbus-daemon runs
# beside it (DNS-SD registration itself is off: -r off). A CUPS queue on it is made with
# lpadmin -m everywhere, from what the printer says of itself.
#
# ippeve_kill kills the printer with its print command mid-job (SIGKILL to its process
# group); ippeve_start again gives a printer without job history, which is how a power-cycled
# printer looks to CUPS.

IPPEVE_DIR=
IPPEVE_PID=
IPPEVE_PORT=
DBUS_PID=

# ippeve_start DIR [PORT]: starts D-Bus (once) and the printer; waits until it answers.
ippeve_start() {
	IPPEVE_DIR=$1
	IPPEVE_PORT=${2:-${IPPEVE_PORT:-$(free_port)}}
	mkdir -p "$IPPEVE_DIR/out"
	if [ -z "$DBUS_PID" ]; then
		cat >"$IPPEVE_DIR/dbus.conf" <<EOC
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>system</type><listen>unix:path=$IPPEVE_DIR/dbus.sock</listen>
<policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/>
<allow own="*"/><allow user="*"/></policy>
</busconfig>
EOC
		dbus-daemon --config-file="$IPPEVE_DIR/dbus.conf" --nofork >"$IPPEVE_DIR/dbus.log" 2>&1 &
		DBUS_PID=$!
		export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$IPPEVE_DIR/dbus.sock"
		for _ in $(seq 50); do [ -S "$IPPEVE_DIR/dbus.sock" ] && break; sleep 0.1; done
	fi
	# a fresh spool each time: a restarted printer remembers no job
	local spool
	spool=$(mktemp -d "$IPPEVE_DIR/spool.XXXXXX")
	chmod 755 "$IPPEVE_DIR" "$spool"
	setsid ippeveprinter -v -n localhost -p "$IPPEVE_PORT" -r off -k -d "$spool" \
		-a "$TOP/tests/print/ippeve-4x6.conf" -c "$TOP/tests/print/ippeve-print" \
		"Booth Photo" >>"$IPPEVE_DIR/ippeve.log" 2>&1 </dev/null &
	IPPEVE_PID=$!
	for _ in $(seq 100); do
		curl -s -o /dev/null "http://127.0.0.1:$IPPEVE_PORT/" && return 0
		kill -0 "$IPPEVE_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "ippeveprinter did not start:"
	tail -n 20 "$IPPEVE_DIR/ippeve.log" "$IPPEVE_DIR/dbus.log"
	return 1
}

# ippeve_kill: the printer loses power (it and its print command die at once).
ippeve_kill() {
	if [ -n "$IPPEVE_PID" ]; then
		kill -KILL -- "-$IPPEVE_PID" 2>/dev/null
		wait "$IPPEVE_PID" 2>/dev/null
		IPPEVE_PID=
	fi
}

ippeve_stop() {
	ippeve_kill
	if [ -n "$DBUS_PID" ]; then
		kill "$DBUS_PID" 2>/dev/null
		wait "$DBUS_PID" 2>/dev/null
		DBUS_PID=
	fi
}

# ippeve_queue NAME: a driverless CUPS queue on the printer (lpadmin -m everywhere).
ippeve_queue() {
	lpadmin -p "$1" -v "ipp://localhost:$IPPEVE_PORT/ipp/print" -m everywhere -E &&
		for _ in $(seq 100); do
			[ -s "$CUPS_DIR/ppd/$1.ppd" ] && return 0
			sleep 0.1
		done
	echo "no PPD for $1 from the printer:"
	grep -E "^E|PPD" "$CUPS_DIR/log/error_log" | tail -5
	return 1
}

# ippeve_prints: documents the printer has printed.
ippeve_prints() { find "$IPPEVE_DIR/out" -type f | wc -l; }
