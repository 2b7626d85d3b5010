# A private CUPS scheduler for the print tests, sourced by tests/e2e/print.sh.
#
# cupsd runs in the foreground with its own configuration, spool, state and logs under
# $CUPS_DIR and listens only on $CUPS_DIR/cups.sock (CUPS_SERVER points there). Its
# ServerBin is a folder of links to Debian's filters and backends plus two of ours:
#   cups-pdf  Debian's printer-driver-cups-pdf, writing PDFs to $CUPS_DIR/pdf (its own
#             configuration file, /etc/cups/cups-pdf-<instance>.conf, is the one thing
#             cups-pdf reads from /etc; it is removed again by stop_cupsd)
#   pbtest    tests/print/pbtest-backend, a printer that can run out of paper
#   ipp       CUPS' IPP backend, for a driverless queue on ippeveprinter (ippeve.sh)
# The queues use tests/print/dyesub.ppd, a 4x6 dye-sub photo printer.

CUPS_DIR=
CUPSD_PID=
CUPS_PDF_CONF=

# start_cupsd DIR: configures and starts cupsd in DIR; waits until it answers.
start_cupsd() {
	CUPS_DIR=$1
	local bin="$CUPS_DIR/bin" d
	mkdir -p "$CUPS_DIR"/{spool/tmp,cache,state,log,pdf,dev} "$bin/backend"
	# cupsd runs filters as lp, which must reach the files here
	chmod o+x "$(dirname "$CUPS_DIR")"
	chmod 755 "$CUPS_DIR" "$CUPS_DIR/dev"
	chmod 1777 "$CUPS_DIR/pdf"
	for d in /usr/lib/cups/*; do
		[ "$(basename "$d")" = backend ] || ln -sfn "$d" "$bin/"
	done
	ln -sf /usr/lib/cups/backend/cups-pdf "$bin/backend/cups-pdf"
	# driverless printers (tests/print/ippeve.sh): CUPS' own IPP backend, run as lp
	ln -sf /usr/lib/cups/backend/ipp "$bin/backend/ipp"
	# 0700: CUPS runs a backend as root only when nobody else may run it
	install -m 700 "$TOP/tests/print/pbtest-backend" "$bin/backend/pbtest"
	local inst
	inst="pbtest$$"
	CUPS_PDF_CONF=/etc/cups/cups-pdf-$inst.conf
	CUPS_PDF_URI="cups-pdf:/$inst"
	printf 'Out %s\nAnonDirName %s\nUserUMask 0022\nLabel 0\nTitlePref 1\nGrp root\n' \
		"$CUPS_DIR/pdf" "$CUPS_DIR/pdf" >"$CUPS_PDF_CONF"
	cat >"$CUPS_DIR/cups-files.conf" <<EOF
ServerRoot $CUPS_DIR
RequestRoot $CUPS_DIR/spool
TempDir $CUPS_DIR/spool/tmp
CacheDir $CUPS_DIR/cache
StateDir $CUPS_DIR/state
ServerBin $bin
DataDir /usr/share/cups
AccessLog $CUPS_DIR/log/access_log
ErrorLog $CUPS_DIR/log/error_log
PageLog $CUPS_DIR/log/page_log
FileDevice Yes
SystemGroup root
User lp
Group lp
EOF
	cat >"$CUPS_DIR/cupsd.conf" <<EOF
Listen $CUPS_DIR/cups.sock
LogLevel debug
MaxLogSize 0
WebInterface No
Browsing No
PreserveJobHistory Yes
<Location />
  Order allow,deny
  Allow all
</Location>
EOF
	export CUPS_SERVER="$CUPS_DIR/cups.sock"
	restart_cupsd
}

# restart_cupsd: starts (again) the scheduler configured by start_cupsd.
restart_cupsd() {
	cupsd -f -c "$CUPS_DIR/cupsd.conf" -s "$CUPS_DIR/cups-files.conf" \
		>>"$CUPS_DIR/log/cupsd.out" 2>&1 &
	CUPSD_PID=$!
	# lpstat -r exits 0 either way: only its words tell
	for _ in $(seq 100); do
		lpstat -r 2>/dev/null | grep -qx 'scheduler is running' && return 0
		sleep 0.1
	done
	echo "cupsd did not start:"
	tail -20 "$CUPS_DIR/log/error_log" "$CUPS_DIR/log/cupsd.out"
	return 1
}

# kill_cupsd [SIGNAL]: stops the scheduler (TERM by default, or KILL for a crash).
kill_cupsd() {
	if [ -n "$CUPSD_PID" ]; then
		kill "-${1:-TERM}" "$CUPSD_PID" 2>/dev/null
		wait "$CUPSD_PID" 2>/dev/null
		CUPSD_PID=
	fi
}

stop_cupsd() {
	kill_cupsd
	[ -n "$CUPS_PDF_CONF" ] && rm -f "$CUPS_PDF_CONF"
	CUPS_PDF_CONF=
}

# add_queue NAME DEVICE-URI: an enabled queue for the test dye-sub printer.
add_queue() {
	lpadmin -p "$1" -v "$2" -P "$TOP/tests/print/dyesub.ppd" -E 2>&1 |
		grep -v 'drivers are deprecated' || true
	lpstat -p "$1" >/dev/null 2>&1
}
