#!/bin/bash
# The arm64 build (make cross-arm64): every binary is an AArch64 executable, and the unit
# tests pass when run under qemu-user, so a portability break (unsigned char, alignment,
# type sizes) shows here before it reaches a Raspberry Pi.
# Usage: tests/package/cross.sh BUILD_DIR
set -u
. "$(dirname "$0")/../e2e/lib.sh"
B=${1:?usage: $0 BUILD_DIR}

aarch64() { LC_ALL=C readelf -h "$1" 2>/dev/null | grep -q 'Machine:.*AArch64'; }
for bin in "$B/photobooth" "$B/photobooth-kiosk" "$B/photoboothctl"; do
	check "$(basename "$bin") is an AArch64 executable" aarch64 "$bin"
done
check "this machine is not arm64 (the build really was a cross build)" \
	test "$(dpkg --print-architecture)" != arm64

n=0
for t in "$B"/tests/test_*; do
	n=$((n + 1))
	aarch64 "$t" || { not_ok "$(basename "$t") is not AArch64"; continue; }
	if qemu-aarch64 "$t" >"$WORK/unit.log" 2>&1; then
		ok "$(basename "$t") passes on arm64 (qemu-aarch64)"
	else
		not_ok "$(basename "$t") fails on arm64 (qemu-aarch64):"
		tail -20 "$WORK/unit.log"
	fi
done
check "the unit tests were built for arm64 ($n)" test "$n" -ge 10
# (the kiosk itself: qemu-user cannot follow the front's exec without binfmt_misc)
qemu-aarch64 "$B/photobooth-kiosk" --print-default-config >"$WORK/default.conf" 2>&1
check "the arm64 kiosk prints the same default config" diff -u "$TOP/config/photobooth.conf" "$WORK/default.conf"
write_config "$WORK/t.conf"
check "the arm64 kiosk loads a config and its theme" \
	qemu-aarch64 "$B/photobooth-kiosk" --config "$WORK/t.conf" --check-config
# The whole print pipeline on arm64 (decode, EXIF, crop, resample, frame, text, encode) against
# the native build on the same photo: libjpeg-turbo's NEON and SSE code differ in rounding only.
convert -size 1800x1200 gradient:'#3060c0-#f0c040' -fill white -draw 'circle 900,600 900,300' \
	-quality 92 "$WORK/photo.jpg"
for arch in native arm64; do
	if [ $arch = native ]; then run=("$TOP/build/photobooth"); else run=(qemu-aarch64 "$B/photobooth"); fi
	"${run[@]}" render --overlay certification-lounge --config "$WORK/t.conf" --date 2026-11-22 \
		-o "$WORK/$arch.jpg" "$WORK/photo.jpg" >"$WORK/render-$arch.log" 2>&1
done
check "the arm64 kiosk composes a print" test -s "$WORK/arm64.jpg"
psnr=$(compare -metric PSNR "$WORK/native.jpg" "$WORK/arm64.jpg" null: 2>&1)
echo "# arm64 vs native print: PSNR $psnr dB"
check "... that matches the native build's (PSNR >= 40 dB, or identical)" \
	awk -v p="$psnr" 'BEGIN { exit !(p == "inf" || p + 0 >= 40) }'
summary
