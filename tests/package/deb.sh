#!/bin/bash
# The Debian package on this machine (make package-check, as root; CI runs it): its contents
# and maintainer scripts, then install -> the user, folders, enabled service, a verified unit,
# the installed kiosk run as systemd would run it (READY, STATUS, WATCHDOG); an edited config
# kept on reinstall; remove (config kept) and purge (config and photos gone).
# Usage: tests/package/deb.sh DIR_WITH_THE_DEB
set -u
. "$(dirname "$0")/lib.sh"
if dpkg-query -W -f='${Status}' photobooth 2>/dev/null | grep -q installed; then
	echo "photobooth is already installed here; this test installs and purges it: remove it first"
	exit 1
fi
LISTEN_PID=
KIOSK_AS_SERVICE=
finish() {
	[ -n "$KIOSK_AS_SERVICE" ] && kill "$KIOSK_AS_SERVICE" 2>/dev/null
	[ -n "$LISTEN_PID" ] && kill "$LISTEN_PID" 2>/dev/null
	dpkg --purge photobooth >/dev/null 2>&1
	for u in pbalice pbmallory; do userdel "$u" 2>/dev/null; done
	groupdel boothstaff 2>/dev/null
	cleanup
}
trap finish EXIT
echo "# $deb, $(du -k "$deb" | cut -f1) KiB"

# What is in it
dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's|^\./|/|' >"$WORK/contents"
for f in /usr/bin/photobooth /usr/bin/photoboothctl /usr/lib/photobooth/photobooth-kiosk \
	/etc/photobooth/photobooth.conf \
	/lib/systemd/system/photobooth.service /lib/udev/rules.d/70-photobooth.rules \
	/usr/lib/tmpfiles.d/photobooth.conf /usr/lib/sysusers.d/photobooth.conf \
	/usr/share/polkit-1/rules.d/50-photobooth.rules \
	/usr/share/photobooth/overlays/certification-lounge/overlay.ini \
	/usr/share/photobooth/overlays/replay/frame.png /usr/share/locale/ko/LC_MESSAGES/photobooth.mo \
	/usr/share/man/man1/photobooth.1.gz /usr/share/man/man1/photoboothctl.1.gz \
	/usr/share/man/man5/photobooth.conf.5.gz /usr/share/doc/photobooth/copyright; do
	check "the package holds $f" grep -qx "$f" "$WORK/contents"
done
check "nothing from the build tree (/work, /tmp, build/) is in it" \
	bash -c "! grep -q '^/work\|^/tmp\|/build/' '$WORK/contents'"
dpkg-deb -f "$deb" Depends >"$WORK/depends"
echo "# Depends: $(cat "$WORK/depends")"
for d in libsdl2 libgphoto2 libcups2 libturbojpeg libmicrohttpd libsystemd0 fonts-nanum systemd; do
	check "it depends on $d" grep -q "$d" "$WORK/depends"
done
mkdir -p "$WORK/ctrl" && dpkg-deb -e "$deb" "$WORK/ctrl"
check "the config is a conffile (dpkg keeps a venue's edits)" \
	grep -qx /etc/photobooth/photobooth.conf "$WORK/ctrl/conffiles"
check "postinst creates the user before anything else runs" \
	awk '/systemd-sysusers/ { u = NR } /deb-systemd|systemd-tmpfiles/ && !s { s = NR } END { exit !(u && s && u < s) }' \
	"$WORK/ctrl/postinst"
check "postinst enables the service" grep -q "deb-systemd-helper.*enable.*photobooth.service\|deb-systemd-helper enable" "$WORK/ctrl/postinst"
check "postinst (re)starts it" grep -q "deb-systemd-invoke.*start\|deb-systemd-invoke \$_dh_action" "$WORK/ctrl/postinst"
check "prerm stops it on remove (deb-systemd-invoke stop)" grep -q "deb-systemd-invoke stop.*photobooth.service" "$WORK/ctrl/prerm"

# Install (apt resolves the dependencies).
DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$(realpath "$deb")" >"$WORK/apt.log" 2>&1
pkg_status() { dpkg-query -W -f='${Status}' photobooth 2>/dev/null; }
check "apt-get install ./photobooth.deb" test "$(pkg_status)" = "install ok installed"
tail -3 "$WORK/apt.log"
check "the photobooth user exists" id photobooth
check "... a system user (uid < 1000) with no login shell" \
	bash -c '[ "$(id -u photobooth)" -lt 1000 ] && getent passwd photobooth | grep -q "nologin$"'
for g in video render input plugdev; do
	check "... in group $g" bash -c "id -nG photobooth | tr ' ' '\n' | grep -qx $g"
done
if getent group lpadmin >/dev/null; then
	check "... in group lpadmin (CUPS is here)" bash -c "id -nG photobooth | tr ' ' '\n' | grep -qx lpadmin"
fi
check "/var/lib/photobooth is the user's, mode 0750 (tmpfiles)" \
	test "$(stat -c '%U %a' /var/lib/photobooth)" = "photobooth 750"
check "/run/photobooth is the user's, mode 0751 (members of [control] group reach the socket)" \
	test "$(stat -c '%U %a' /run/photobooth)" = "photobooth 751"
check "the installed config (it may hold the staff PIN) is 0640 root:photobooth" \
	test "$(stat -c '%U:%G %a' /etc/photobooth/photobooth.conf)" = "root:photobooth 640"
check "the service is enabled (multi-user.target wants it)" \
	test -L /etc/systemd/system/multi-user.target.wants/photobooth.service
systemd-analyze verify /lib/systemd/system/photobooth.service >"$WORK/verify.log" 2>&1
rc=$?
cat "$WORK/verify.log"
check "systemd-analyze verify on the installed unit: clean (binary and man pages found)" \
	test "$rc" = 0 -a ! -s "$WORK/verify.log"
systemd-analyze security --offline=yes /lib/systemd/system/photobooth.service >"$WORK/security.log" 2>&1
score=$(sed -n 's/.*Overall exposure level for photobooth.service: \([0-9.]*\).*/\1/p' "$WORK/security.log")
echo "# systemd-analyze security --offline=yes: ${score:-?} (5.9 before the hardening)"
check "systemd-analyze security rates the unit 2.5 or better" \
	awk -v s="$score" 'BEGIN { exit !(s != "" && s + 0 <= 2.5) }'
check "the unit allows no core dump (a guest's address, the SMTP password) and sets LimitNOFILE" \
	bash -c "grep -qx 'LimitCORE=0' /lib/systemd/system/photobooth.service && grep -q '^LimitNOFILE=[0-9]' /lib/systemd/system/photobooth.service"
check "man photobooth.conf finds the page" bash -c 'man -w photobooth.conf | grep -q man5/photobooth.conf.5'
udevadm test /sys/class/net/lo >"$WORK/udev.log" 2>&1
check "udev reads 70-photobooth.rules" grep -q 'Reading rules file: /lib/udev/rules.d/70-photobooth.rules\|rules.d/70-photobooth.rules' "$WORK/udev.log"
check "... without an error in it" bash -c "! grep -q '70-photobooth.rules:[0-9]' '$WORK/udev.log'"
if command -v node >/dev/null; then
	cp /usr/share/polkit-1/rules.d/50-photobooth.rules "$WORK/polkit-rule.js"
	check "the polkit rule is valid JavaScript (node --check)" node --check "$WORK/polkit-rule.js"
fi
check "the installed config is valid for the installed kiosk" \
	setpriv --reuid=photobooth --regid=photobooth --init-groups \
	/usr/bin/photobooth --config /etc/photobooth/photobooth.conf --check-config

# The installed kiosk as systemd runs it: ExecStart and Environment from the installed unit,
# as the photobooth user with its groups, NOTIFY_SOCKET and WATCHDOG_USEC set. This machine
# has no DRM device, so it also shows the appliance starting with no display.
unit=/lib/systemd/system/photobooth.service
exec_start=$(sed -n 's/^ExecStart=//p' $unit)
watchdog=$(sed -n 's/^WatchdogSec=//p' $unit)
env=$(sed -n 's/^Environment=//p' $unit)
echo "# ExecStart=$exec_start; Environment=$env; WatchdogSec=$watchdog"
# The gallery's default port may be taken on a CI machine: the venue edit this test makes.
sed -i 's/^listen = .*/listen = 127.0.0.1:0/' /etc/photobooth/photobooth.conf
# [control] group: staff in a group of their own (boothstaff, which the service user joins,
# as README says), not in the service's; a stranger in neither.
groupadd boothstaff && usermod -aG boothstaff photobooth && useradd -M -G boothstaff pbalice &&
	useradd -M pbmallory || not_ok "could not make the test's users and group"
sed -i 's/^group = *$/group = boothstaff/' /etc/photobooth/photobooth.conf
check "[control] group = boothstaff is set" grep -qx 'group = boothstaff' /etc/photobooth/photobooth.conf
# the unit's limits, as systemd would set them
nofile=$(sed -n 's/^LimitNOFILE=//p' $unit)
core=$(sed -n 's/^LimitCORE=//p' $unit)
/usr/bin/python3 "$TOP/tests/systemd/notify-listen.py" "$WORK/notify.sock" "$WORK/notify.log" &
LISTEN_PID=$!
wait_for 5 "[ -S '$WORK/notify.sock' ]"
chmod 755 "$WORK"
# shellcheck disable=SC2086
env -i PATH=/usr/bin:/bin $env NOTIFY_SOCKET="$WORK/notify.sock" WATCHDOG_USEC=$((watchdog * 1000000)) \
	prlimit --nofile="$nofile" --core="$core" \
	setpriv --reuid=photobooth --regid=photobooth --init-groups $exec_start >"$WORK/service.log" 2>&1 &
KIOSK_AS_SERVICE=$!
heard() { grep -c "$1" "$WORK/notify.log" 2>/dev/null || true; }
check "READY=1 from the installed kiosk" wait_for 10 '[ "$(heard READY=1)" -ge 1 ]'
check "STATUS names the camera once it connects" wait_for 10 'grep -q "STATUS=camera: connected" "$WORK/notify.log"'
check "WATCHDOG=1 pings (WatchdogSec=$watchdog: one every $((watchdog / 2)) s at most)" \
	wait_for $((watchdog / 2 + 3)) '[ "$(heard WATCHDOG=1)" -ge 1 ]'
# photoboothctl with no --socket: the path from the installed config
PBCTL=/usr/bin/photoboothctl
ctl() { "$PBCTL" "$@"; }
check "photoboothctl (root) reaches it on /run/photobooth/control.sock" \
	wait_for 5 'test "$(json state)" = attract'
check "... which says there is no display, and why" \
	test "$(json display.state)" = missing -a -n "$(json display.reason)"
check "the socket is mode 0660, group boothstaff" \
	test "$(stat -c '%G %a' /run/photobooth/control.sock)" = "boothstaff 660"
check "a member of [control] group (not of the service's) runs photoboothctl status" \
	bash -c "setpriv --reuid=pbalice --regid=pbalice --init-groups $PBCTL status | grep -q '\"state\"'"
setpriv --reuid=pbmallory --regid=pbmallory --init-groups $PBCTL status >"$WORK/stranger.log" 2>&1
rc=$?
check "a stranger is refused (exit $rc), told why" \
	test "$rc" != 0 -a -n "$(grep -o 'Permission denied' "$WORK/stranger.log")"
check "the kiosk runs with the unit's limits (no core, $nofile descriptors)" \
	bash -c "grep -q '^Max core file size *0 ' /proc/$KIOSK_AS_SERVICE/limits && grep -q '^Max open files *$nofile ' /proc/$KIOSK_AS_SERVICE/limits"
check "the data lands in /var/lib/photobooth, owned by the user" \
	test "$(stat -c %U /var/lib/photobooth/sessions 2>/dev/null)" = photobooth
# systemctl reload runs ExecReload as the service user
exec_reload=$(sed -n 's/^ExecReload=//p' $unit)
as_service() { setpriv --reuid=photobooth --regid=photobooth --init-groups "$@"; }
# shellcheck disable=SC2086
check "ExecReload ($exec_reload) as the service user: exit 0" as_service $exec_reload
cp /etc/photobooth/photobooth.conf "$WORK/good.conf"
sed -i 's/^countdown = .*/countdown = 99/' /etc/photobooth/photobooth.conf
# shellcheck disable=SC2086
as_service $exec_reload >"$WORK/reload.log" 2>&1
rc=$?
cat "$WORK/reload.log"
check "... and with a broken config it fails (exit $rc), naming the line" \
	test "$rc" != 0 -a -n "$(grep -o 'photobooth.conf:[0-9]*' "$WORK/reload.log")"
cp "$WORK/good.conf" /etc/photobooth/photobooth.conf
check "... while the kiosk runs on" test "$(json state)" = attract
check "its log lines carry syslog priorities for the journal (<N>)" grep -q '^<[0-7]>' "$WORK/service.log"
kill -TERM "$KIOSK_AS_SERVICE"
wait "$KIOSK_AS_SERVICE"
rc=$?
KIOSK_AS_SERVICE=
check "SIGTERM (systemctl stop): STOPPING=1 and exit code 0" test "$(heard STOPPING=1)" = 1 -a "$rc" = 0
mkdir -p "$ART/package" && cp "$WORK/notify.log" "$WORK/service.log" "$ART/package/"

# Reinstall (the upgrade path): the venue's edit stays; remove keeps it; purge does not.
dpkg -i "$deb" >"$WORK/dpkg.log" 2>&1
check "reinstalling over itself" test "$(pkg_status)" = "install ok installed"
check "... keeps the edited config" grep -qx 'listen = 127.0.0.1:0' /etc/photobooth/photobooth.conf
check "... and asks nothing (no conffile prompt)" bash -c "! grep -q 'Configuration file' '$WORK/dpkg.log'"
dpkg --remove photobooth >"$WORK/dpkg.log" 2>&1
check "dpkg --remove (config files stay)" test "$(pkg_status)" = "deinstall ok config-files"
check "... removes the binaries and the unit" test ! -e /usr/bin/photobooth -a ! -e /usr/lib/photobooth/photobooth-kiosk \
	-a ! -e /lib/systemd/system/photobooth.service
check "... keeps the config" test -e /etc/photobooth/photobooth.conf
check "... keeps the photos" test -d /var/lib/photobooth/sessions
dpkg --purge photobooth >"$WORK/dpkg.log" 2>&1
check "dpkg --purge removes the config" test ! -e /etc/photobooth/photobooth.conf
check "... the photos, spool and outbox" test ! -e /var/lib/photobooth
check "... and the enablement" test ! -e /etc/systemd/system/multi-user.target.wants/photobooth.service
summary
