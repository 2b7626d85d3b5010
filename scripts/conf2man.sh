#!/bin/sh
# Writes photobooth.conf(5) in roff from config/photobooth.conf, which CI keeps equal to the
# config table: every key, its default and its help, so the manual cannot fall behind.
# Usage: scripts/conf2man.sh CONFIG_FILE VERSION DATADIR
set -eu
[ $# -eq 3 ] || { echo "usage: $0 CONFIG_FILE VERSION DATADIR" >&2; exit 2; }
conf=$1 version=$2 datadir=$3

cat <<MAN
.TH PHOTOBOOTH.CONF 5 "" "photobooth $version" "File Formats"
.SH NAME
photobooth.conf \\- configuration of the photobooth kiosk
.SH SYNOPSIS
.I /etc/photobooth/photobooth.conf
.SH DESCRIPTION
The configuration of
.BR photobooth (1):
an INI file of sections, each with
.IB key " = " value
lines.
Lines starting with
.B #
or
.B ;
are comments.
A key left out takes its default.
An unknown section or key, or a value out of range, is an error naming the file and line;
the kiosk then refuses to start, with exit code 78.
.B "photobooth \\-\\-check\\-config"
checks a file without starting the kiosk, and
.B "photobooth \\-\\-print\\-default\\-config"
prints every key with its default.
.PP
.B "photoboothctl reload"
(or SIGHUP) reads the file again while the kiosk runs: it names the keys that took effect at
once and those that need a restart
.RB ( "systemctl restart photobooth" ).
A file with errors is refused and the running configuration stays.
.PP
Staff's choices on the staff screen (the theme, the delivery mode) and the counters are kept
in
.I settings.ini
in data_dir, and win over
.B [kiosk] overlay
and
.B delivery
at start\\-up, so this file can stay read\\-only.
.SH KEYS
Each key with its default value; numbers show their allowed range.
MAN

# Sections become .SS, each comment line above a key its help, the key a tagged paragraph.
awk '
function roff(s) {
	gsub(/\\/, "\\e", s)
	gsub(/-/, "\\-", s)
	sub(/^[.'"'"']/, "\\\\\\&&", s)
	return s
}
NR <= 3 { next }                      # the generated-file banner
/^\[/ { print ".SS " roff($0); help = ""; next }
/^#/ { line = $0; sub(/^# ?/, "", line); help = help (help == "" ? "" : " ") line; next }
/=/ {
	key = $0; sub(/ *=.*/, "", key)
	val = $0; sub(/^[^=]*= ?/, "", val)
	if (key == "overlays_dir")
		val = datadir "/overlays"  # as installed, not as in the build tree
	print ".TP"
	if (val == "")
		printf ".BR \"%s\" \" =\"\n", roff(key)
	else
		printf ".BR \"%s\" \" = %s\"\n", roff(key), roff(val)
	if (help != "")
		print roff(help)
	help = ""
}
' datadir="$datadir" "$conf"

cat <<MAN
.SH FILES
.TP
.I /etc/photobooth/photobooth.conf
This file.
.TP
.I /var/lib/photobooth/settings.ini
Staff's theme and delivery choices and the counters.
.TP
.I $datadir/overlays
The installed themes: a folder each, with overlay.ini and frame.png.
.SH SEE ALSO
.BR photobooth (1),
.BR photoboothctl (1),
.BR lpadmin (8)
MAN
