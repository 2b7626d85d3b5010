#!/bin/sh
# Builds libgphoto2's own virtual PTP camera (the vusb port driver) from Debian's libgphoto2
# source package into a private prefix, for the tests. Nothing is installed system-wide: the
# source comes through a private apt source list made from the machine's own Debian mirrors.
#
# Usage: tests/vcam/build.sh [PREFIX]   (default build/vcam; a finished build is reused)
# Then:  CAMLIBS=PREFIX/lib/libgphoto2/<v> IOLIBS=PREFIX/lib/libgphoto2_port/<v>
#        LD_LIBRARY_PATH=PREFIX/lib, model "Nikon DSC D750", port "usb:>rec" with a file
#        named ">rec" in the working directory holding the USB id b0 04 37 04.
# The camera serves the JPEGs under PREFIX/share/libgphoto2_port/<v>/vcamera/DCIM/ (it
# needs that DCIM folder) and "captures" by copying the first one.
# It has no cable to pull, so tests/vcam/vusb.patch adds one: while the ">rec" id file is
# away, its USB reads and writes fail at once (as libusb's do) and it cannot be found. The
# patch also stops its protocol recorder, which read past its buffer (valgrind saw it crash).
set -eu
cd "$(dirname "$0")/../.."
prefix=$(realpath -m "${1:-build/vcam}")
version=$(dpkg-query -W -f='${source:Version}' libgphoto2-6 2>/dev/null || echo any)
patch=$(realpath tests/vcam/vusb.patch)
stamp="$version $(md5sum <"$patch" | cut -c1-32)"
if [ -f "$prefix/.built" ] && [ "$(cat "$prefix/.built")" = "$stamp" ]; then
	exit 0
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/pb-vcam.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/etc" "$work/lists/partial" "$work/cache/archives/partial" "$work/src"
sources=/etc/apt/sources.list.d/debian.sources
if [ -f "$sources" ]; then
	sed 's/^Types:.*/Types: deb-src/' "$sources" >"$work/etc/debian-src.sources"
else # the one-line format (Raspberry Pi OS)
	grep -h '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
		sed 's/^deb /deb-src /' >"$work/etc/debian-src.list"
fi
apt_private() {
	apt-get -q -o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$work/etc" \
		-o Dir::State::Lists="$work/lists" -o Dir::Cache="$work/cache" \
		-o APT::Sandbox::User=root "$@"
}
echo "vcam: fetching Debian's libgphoto2 source ($version)" >&2
apt_private update >"$work/apt.log" 2>&1 || { cat "$work/apt.log" >&2; exit 1; }
(cd "$work/src" && { apt_private source "libgphoto2=$version" || apt_private source libgphoto2; }) \
	>"$work/apt.log" 2>&1 || { cat "$work/apt.log" >&2; exit 1; }
src=$(find "$work/src" -maxdepth 1 -type d -name 'libgphoto2-*' | head -1)
echo "vcam: building $(basename "$src") with the vusb virtual camera into $prefix" >&2
rm -rf "$prefix"
(
	cd "$src"
	patch -p1 <"$patch"
	./configure --prefix="$prefix" --enable-vusb --with-camlibs=ptp2,directory \
		--disable-static --disable-nls
	make -j"$(nproc)"
	make install
) >"$work/build.log" 2>&1 || { tail -40 "$work/build.log" >&2; exit 1; }
# The real USB driver would claim "usb:" ports before the virtual one: keep only vusb.
rm -f "$prefix"/lib/libgphoto2_port/*/usb1.*
echo "$stamp" >"$prefix/.built"
echo "vcam: ready in $prefix" >&2
