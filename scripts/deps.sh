#!/bin/sh
# Installs the Debian packages a target needs, only those that are missing.
# Usage: scripts/deps.sh build|run|check|bench|deb|cross-arm64
set -eu

build="build-essential pkg-config gettext libsdl2-dev libsdl2-ttf-dev libturbojpeg0-dev libjpeg62-turbo-dev
	libpixman-1-dev libinih-dev libpng-dev libgphoto2-dev libcups2-dev libmicrohttpd-dev
	libqrencode-dev libcurl4-openssl-dev libssl-dev libsystemd-dev liblcms2-dev fonts-nanum"
run="$build"
check="$build libcmocka-dev xvfb xauth xdotool imagemagick python3 clang libclang-rt-14-dev
	librsvg2-bin valgrind dpkg-dev xz-utils libltdl-dev cups-daemon cups-client cups-filters
	printer-driver-cups-pdf poppler-utils python3-aiosmtpd zbar-tools chromium curl wrk graphviz clang-format strace
	swift swift-proxy swift-account swift-container swift-object python3-swift memcached
	libjpeg-turbo-progs cups-ipp-utils dbus-daemon postfix libgs-common faketime"
# make deb / package-check: Debian's packaging tools, and what tests/package/deb.sh runs.
deb="$build libcmocka-dev debhelper dpkg-dev lintian man-db groff-base xvfb xauth python3 debootstrap
	udev"
# make cross-arm64: the aarch64 cross compiler, the arm64 -dev packages beside the native ones
# (multiarch), and qemu-user to run the arm64 unit tests.
arm64_libs="libsdl2-dev libsdl2-ttf-dev libturbojpeg0-dev libjpeg62-turbo-dev libpixman-1-dev
	libinih-dev libpng-dev libgphoto2-dev libcups2-dev libmicrohttpd-dev libqrencode-dev
	libcurl4-openssl-dev libssl-dev libsystemd-dev libcmocka-dev liblcms2-dev"
cross_arm64="$build crossbuild-essential-arm64 qemu-user $(for p in $arm64_libs; do printf '%s:arm64 ' "$p"; done)"
bench="$build libjpeg-turbo-progs mate-backgrounds imagemagick time xvfb xauth python3
	cups-daemon cups-client cups-filters"

case "${1:-}" in
build) want=$build ;;
run) want=$run ;;
check) want=$check ;;
bench) want=$bench ;;
deb) want=$deb ;;
cross-arm64) want=$cross_arm64 ;;
*) echo "usage: $0 build|run|check|bench|deb|cross-arm64" >&2; exit 2 ;;
esac
if [ "$(id -u)" -eq 0 ]; then sudo=; else sudo=sudo; fi

# arm64 packages install only once dpkg knows the architecture.
if [ "$1" = cross-arm64 ] && ! dpkg --print-foreign-architectures | grep -qx arm64; then
	echo "deps: adding the arm64 architecture (multiarch)" >&2
	$sudo dpkg --add-architecture arm64
fi

missing=
for p in $want; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# An out-of-date package list is the usual reason a fresh machine cannot find a package.
$sudo apt-get update -q >/dev/null || true
# shellcheck disable=SC2086
$sudo apt-get install -y -q --no-install-recommends $missing
