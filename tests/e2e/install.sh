#!/bin/bash
# make install / uninstall into a DESTDIR: every file in place for PREFIX, the unit's paths
# follow PREFIX and pass systemd-analyze verify, man pages render without a warning, and an
# edited config survives a second install and an uninstall.
set -u
. "$(dirname "$0")/lib.sh"
R="$WORK/root"
inst() { make -s -C "$TOP" "$@" >"$WORK/make.log" 2>&1 || { cat "$WORK/make.log"; return 1; }; }

check "make install DESTDIR=... (PREFIX /usr/local)" inst install DESTDIR="$R"
for f in usr/local/bin/photobooth usr/local/bin/photoboothctl usr/local/lib/photobooth/photobooth-kiosk \
	usr/local/share/photobooth/overlays/certification-lounge/overlay.ini \
	usr/local/share/photobooth/overlays/replay/frame.png \
	usr/local/share/locale/ko/LC_MESSAGES/photobooth.mo \
	usr/local/lib/systemd/system/photobooth.service usr/local/lib/udev/rules.d/70-photobooth.rules \
	usr/local/lib/tmpfiles.d/photobooth.conf usr/local/lib/sysusers.d/photobooth.conf \
	usr/local/share/polkit-1/rules.d/50-photobooth.rules \
	usr/local/share/man/man1/photobooth.1 usr/local/share/man/man1/photoboothctl.1 \
	usr/local/share/man/man5/photobooth.conf.5 etc/photobooth/photobooth.conf; do
	check "installs /$f" test -s "$R/$f"
done
check "the binaries are executable" test -x "$R/usr/local/bin/photobooth" -a -x "$R/usr/local/bin/photoboothctl" \
	-a -x "$R/usr/local/lib/photobooth/photobooth-kiosk"
check "photobooth looks for the kiosk where it is installed (LIBEXECDIR)" \
	bash -c "strings '$R/usr/local/bin/photobooth' | grep -qx /usr/local/lib/photobooth"
unit="$R/usr/local/lib/systemd/system/photobooth.service"
check "the unit starts the installed binary with the installed config" \
	grep -qx 'ExecStart=/usr/local/bin/photobooth --config /etc/photobooth/photobooth.conf' "$unit"
check "no @PLACEHOLDER@ is left in the unit" bash -c "! grep -q '@[A-Z]*@' '$unit'"
check "the config points at the installed themes" \
	grep -qx 'overlays_dir = /usr/local/share/photobooth/overlays' "$R/etc/photobooth/photobooth.conf"
check "the man page lists that path too" grep -q '/usr/local/share/photobooth/overlays' \
	"$R/usr/local/share/man/man5/photobooth.conf.5"

# systemd-analyze verify: the unit as installed, with Exec lines pointed at this build (it
# checks the binaries exist) and MANPATH at the installed pages (it checks Documentation=).
sed "s|=/usr/local/bin/|=$TOP/build/|" "$unit" >"$WORK/photobooth.service"
MANPATH="$R/usr/local/share/man" systemd-analyze verify "$WORK/photobooth.service" >"$WORK/verify.log" 2>&1
rc=$?
cat "$WORK/verify.log"
check "systemd-analyze verify: exit 0 and not a single warning" test "$rc" = 0 -a ! -s "$WORK/verify.log"
sed 's/^WatchdogSec=20/WatchdogSec=soon/' "$WORK/photobooth.service" >"$WORK/bad.service"
systemd-analyze --man=no verify "$WORK/bad.service" >"$WORK/verify-bad.log" 2>&1
check "... which does catch a bad value (WatchdogSec=soon)" grep -q 'WatchdogSec\|sec value' "$WORK/verify-bad.log"
for k in 'Type=notify' 'WatchdogSec=' 'Restart=always' 'RestartPreventExitStatus=78' 'User=photobooth' \
	'StateDirectory=photobooth' 'RuntimeDirectory=photobooth' 'ProtectSystem=strict' 'ProtectHome=yes' \
	'PrivateTmp=yes' 'NoNewPrivileges=yes' 'Environment=SDL_VIDEODRIVER=kmsdrm'; do
	check "the unit sets $k" grep -q "^$k" "$unit"
done
for k in 'PrivateDevices' 'DeviceAllow' 'DevicePolicy' 'ProtectClock'; do
	check "the unit leaves USB and DRM open: no $k" bash -c "! grep -q '^$k' '$unit'"
done

for m in man1/photobooth.1 man1/photoboothctl.1 man5/photobooth.conf.5; do
	LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$R/usr/local/share/man/$m" >"$WORK/groff.log" 2>&1
	check "$m renders without a groff warning" test ! -s "$WORK/groff.log"
done
MANPATH="$R/usr/local/share/man" man -P cat photobooth.conf 2>/dev/null >"$WORK/conf.txt"
# section.key for every key: from the config file, and from the manual's KEYS part.
awk '/^\[/ { sec = $0 } /^[a-z_]+ =/ { print sec "." $1 }' "$TOP/config/photobooth.conf" >"$WORK/keys.conf"
awk '/^   \[/ { sec = $1 } sec != "" && /^       [a-z_]+ =/ { print sec "." $1 }' "$WORK/conf.txt" >"$WORK/keys.man"
echo "# photobooth.conf(5) documents $(wc -l <"$WORK/keys.man") of $(wc -l <"$WORK/keys.conf") keys"
check "photobooth.conf(5) documents every key of the config table, in its section" \
	diff -u "$WORK/keys.conf" "$WORK/keys.man"
check "... and there are many ([kiosk] to [staff])" test "$(wc -l <"$WORK/keys.conf")" -gt 50
for c in status trigger reset overlay delivery printer camera counters purge resend outbox webhook \
	publish fleet report pin reload help; do
	if ! grep -q "^\.B.* $c\b\|^\.B $c\|^\.BR $c\|^\.BI \"$c" "$R/usr/local/share/man/man1/photoboothctl.1"; then
		not_ok "photoboothctl(1) has no entry for '$c'"
		continue
	fi
	check "photoboothctl's usage and photoboothctl(1) both name '$c'" \
		bash -c "'$PBCTL' --help 2>&1 | grep -q '^  $c'"
done

# A venue's edit survives a second install and an uninstall.
echo '# edited at the venue' >>"$R/etc/photobooth/photobooth.conf"
check "a second make install" inst install DESTDIR="$R"
check "... keeps the edited config" grep -q 'edited at the venue' "$R/etc/photobooth/photobooth.conf"
check "make uninstall" inst uninstall DESTDIR="$R"
left=$(cd "$R" && find . -type f | sort)
echo "# left after uninstall: $left"
check "... removes every file but the config" test "$left" = "./etc/photobooth/photobooth.conf"

# Another PREFIX, built apart so this tree's binary (its compiled-in data path) is untouched.
check "make install PREFIX=/opt/pb (built in its own folder)" \
	inst -j2 install B="$WORK/b" PREFIX=/opt/pb DESTDIR="$WORK/opt"
check "... the unit runs /opt/pb/bin/photobooth" \
	grep -qx 'ExecStart=/opt/pb/bin/photobooth --config /etc/photobooth/photobooth.conf' \
	"$WORK/opt/opt/pb/lib/systemd/system/photobooth.service"
check "... the config's themes are in /opt/pb" \
	grep -qx 'overlays_dir = /opt/pb/share/photobooth/overlays' "$WORK/opt/etc/photobooth/photobooth.conf"
check "... and the binary looks there by default" \
	bash -c "'$WORK/b/photobooth' --print-default-config | grep -qx 'overlays_dir = /opt/pb/share/photobooth/overlays'"
summary
