#!/bin/bash
# The package on a clean Debian 12: a fresh minimal bookworm root (debootstrap --variant=minbase
# from the machine's own Debian mirror) into which apt installs the .deb with everything it
# depends on. Proves the Depends are complete and that the maintainer scripts work on a system
# that has none of our build or test packages: the user and its groups, the folders, the
# enabled service, and a kiosk that starts there.
# Usage: tests/package/clean-install.sh DIR_WITH_THE_DEB
set -u
. "$(dirname "$0")/lib.sh"
ROOT="$WORK/bookworm"
mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
mirror=${mirror:-http://deb.debian.org/debian}
finish() {
	umount "$ROOT/proc" 2>/dev/null
	cleanup
}
trap finish EXIT
in_root() { chroot "$ROOT" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive "$@"; }

echo "# debootstrap bookworm from $mirror"
if ! debootstrap --variant=minbase bookworm "$ROOT" "$mirror" >"$WORK/debootstrap.log" 2>&1; then
	tail -20 "$WORK/debootstrap.log"
	not_ok "debootstrap a clean Debian 12"
	summary
	exit 1
fi
ok "a clean Debian 12 root (minbase: $(in_root dpkg-query -W -f='.' | wc -c) packages)"
mount -t proc proc "$ROOT/proc"
check "... without photobooth's dependencies (no SDL, no systemd)" \
	bash -c "! chroot '$ROOT' dpkg-query -W libsdl2-2.0-0 systemd >/dev/null 2>&1"
cp "$deb" "$ROOT/tmp/photobooth.deb"
in_root apt-get update -q >"$WORK/apt.log" 2>&1
in_root apt-get install -y -q --no-install-recommends /tmp/photobooth.deb >>"$WORK/apt.log" 2>&1
rc=$?
tail -5 "$WORK/apt.log"
check "apt-get install ./photobooth.deb on it, dependencies and all" test "$rc" = 0
echo "# $(in_root dpkg-query -W -f='.' | wc -c) packages after"
check "photobooth runs there" bash -c "chroot '$ROOT' /usr/bin/photobooth --version | grep -q '^photobooth '"
check "the photobooth user exists" in_root id photobooth
for g in video render input plugdev; do
	check "... in group $g" bash -c "chroot '$ROOT' id -nG photobooth | tr ' ' '\n' | grep -qx $g"
done
check "/var/lib/photobooth belongs to it" test "$(in_root stat -c '%U %a' /var/lib/photobooth)" = "photobooth 750"
check "the service is enabled" test -L "$ROOT/etc/systemd/system/multi-user.target.wants/photobooth.service"
check "the installed config is valid there, for the service user (fonts, themes, paths)" \
	in_root setpriv --reuid=photobooth --regid=photobooth --init-groups \
	/usr/bin/photobooth --config /etc/photobooth/photobooth.conf --check-config
check "systemd-analyze verify (inside it) passes without a word" \
	bash -c "out=\$(chroot '$ROOT' systemd-analyze --man=no verify /lib/systemd/system/photobooth.service 2>&1); echo \"\$out\"; [ -z \"\$out\" ]"
summary
