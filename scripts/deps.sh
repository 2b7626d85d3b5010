#!/bin/sh
# Installs the Debian packages a target needs, only those that are missing.
# Usage: scripts/deps.sh build|run|check|bench
set -eu

build="build-essential pkg-config gettext libsdl2-dev libsdl2-ttf-dev libturbojpeg0-dev libjpeg62-turbo-dev
	libpixman-1-dev libinih-dev libpng-dev libgphoto2-dev libcups2-dev libmicrohttpd-dev
	libqrencode-dev libcurl4-openssl-dev libsystemd-dev fonts-nanum"
run="$build"
check="$build libcmocka-dev xvfb xauth xdotool imagemagick python3 clang libclang-rt-14-dev
	librsvg2-bin valgrind dpkg-dev xz-utils libltdl-dev cups-daemon cups-client cups-filters
	printer-driver-cups-pdf poppler-utils python3-aiosmtpd zbar-tools chromium curl"
bench="$build libjpeg-turbo-progs mate-backgrounds imagemagick time xvfb xauth python3
	cups-daemon cups-client cups-filters"

case "${1:-}" in
build) want=$build ;;
run) want=$run ;;
check) want=$check ;;
bench) want=$bench ;;
*) echo "usage: $0 build|run|check|bench" >&2; exit 2 ;;
esac

missing=
for p in $want; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "deps: installing$missing" >&2
if [ "$(id -u)" -eq 0 ]; then sudo=; else sudo=sudo; fi
export DEBIAN_FRONTEND=noninteractive
# An out-of-date package list is the usual reason a fresh machine cannot find a package.
$sudo apt-get update -q >/dev/null || true
# shellcheck disable=SC2086
$sudo apt-get install -y -q --no-install-recommends $missing
