#!/bin/bash
# Runs each libFuzzer target for SECONDS (default 10) from a seed corpus made here: JPEGs (EXIF
# orientation, progressive, CMYK, repeated and hostile progressive scans, a late truncation,
# restart markers), frame PNGs, the shipped overlay.ini files, the shipped
# photobooth.conf, email addresses, gallery request paths with a link file, control commands,
# the booths' heartbeats,
# plus the inputs that once failed (tests/fuzz/regress/). A crash, or one allocation over 512 MB (a
# hostile length taken at its word), leaves its input in tests/artifacts/fuzz/ and fails. Ends with "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
SECONDS_EACH=${1:-10}
out=tests/artifacts/fuzz
work=$(mktemp -d "${TMPDIR:-/tmp}/pb-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
export TMPDIR="$work" # the targets' own files (fuzz.h) go there too, and with it
TARGETS="jpeg png overlay conf address http control fleet"
for t in $TARGETS; do mkdir -p "$work/$t"; done
mkdir -p "$out"
/usr/bin/convert -size 96x64 gradient:red-blue -quality 80 "$work/jpeg/plain.jpg"
/usr/bin/convert -size 96x64 gradient:red-blue -orient RightTop "$work/jpeg/turned.jpg"
/usr/bin/convert -size 64x48 gradient:gray -interlace JPEG "$work/jpeg/progressive.jpg"
/usr/bin/convert -size 64x48 gradient:red-blue -colorspace cmyk "$work/jpeg/cmyk.jpg"
# hostile progressive scans (repeated, and one scan sent 200 times more) and a late truncation
/usr/bin/python3 tests/lib/jpegscans.py repeat "$work/jpeg/progressive.jpg" "$work/jpeg/repeated-scans.jpg"
/usr/bin/python3 tests/lib/jpegscans.py many "$work/jpeg/progressive.jpg" "$work/jpeg/many-scans.jpg" 200
head -c $(($(stat -c %s "$work/jpeg/plain.jpg") * 9 / 10)) "$work/jpeg/plain.jpg" >"$work/jpeg/late-truncated.jpg"
# restart markers every MCU row and every 2 MCUs (the pieces decoded on every core)
jpegtran -restart 1 -outfile "$work/jpeg/restart-rows.jpg" "$work/jpeg/plain.jpg"
jpegtran -restart 2B -outfile "$work/jpeg/restart-blocks.jpg" "$work/jpeg/plain.jpg"
# embedded ICC profiles: Adobe RGB (converted to sRGB), and one cut in half (ignored)
icc=/usr/share/color/icc/ghostscript/a98.icc
/usr/bin/convert -size 96x64 gradient:green-red -profile "$icc" "$work/jpeg/adobe-rgb.jpg"
/usr/bin/python3 -c '
import sys
jpg, icc = open(sys.argv[1], "rb").read(), open(sys.argv[2], "rb").read()
half = icc[: len(icc) // 2]
seg = b"ICC_PROFILE\0\1\1" + half
open(sys.argv[3], "wb").write(jpg[:2] + b"\xff\xe2" + (len(seg) + 2).to_bytes(2, "big") + seg + jpg[2:])
' "$work/jpeg/plain.jpg" "$icc" "$work/jpeg/broken-icc.jpg"
/usr/bin/convert -size 64x48 xc:none -fill navy -draw 'rectangle 0,0 63,5' "$work/png/frame.png"
/usr/bin/convert -size 32x32 gradient:gray "$work/png/grey.png"
cp overlays/*/overlay.ini "$work/overlay/" 2>/dev/null
cp config/photobooth.conf "$work/conf/default.conf"
printf '[kiosk]\ndelivery = both\noverlay = replay\n[mail]\nsmtp_url = smtp://127.0.0.1:25\nfrom = booth@example.com\n[staff]\npin = 1234\n' \
	>"$work/conf/mail.conf"
printf '[camera]\nsettings = iso=400, whitebalance=Daylight\n[staff]\npaper_presets = 36, 108\n' \
	>"$work/conf/camera.conf"
i=0
for a in guest@example.com first.last+tag@sub.example.co.kr "a b@example.com" 'x@y' \
	"$(printf 'evil@example.com\r\nBcc: all@example.com')" "$(printf '\xed\x95\x9c@example.com')"; do
	printf '%s' "$a" >"$work/address/$((i += 1))"
done
# the first line is the request target, the rest the link file (session and expiry)
printf '/p/AAAAAAAAAAAAAAAAAAAAAw\n20261202-101500-0001 4102444800\n' >"$work/http/page"
printf '/p/AAAAAAAAAAAAAAAAAAAAAw.jpg?x=1\n20261202-101500-0001 4102444800\n' >"$work/http/photo"
printf '/p/%%2e%%2e%%2fAAAAAAAAAAAAAAAAAA\n../etc 4102444800\n' >"$work/http/dots"
# 0xff cuts a command into separate writes
printf 'status\n' >"$work/control/status"
printf 'printer pa\xffper 36\n' >"$work/control/split"
printf 'resend 20261202-101500-0001 guest@example.com\nstatus\n' >"$work/control/two"
# heartbeats as the publisher keeps them: a JSON array of beats (tests/unit/test_cloud.c's)
printf '[{"booth":"party-2","time":1000,"every_s":30,"publish":{"depth":3,"blocked":null},"hours":[[3600,10,4,2,7]],"status":{"state":"review","camera":{"state":"connected"},"printer":{"state":"idle","prints_remaining":212},"counters":{"sessions":15}}},{"booth":"lounge","time":1290}]' \
	>"$work/fleet/two"
printf '[{"booth":"x\\u00e9\\"","time":-1,"hours":[[1,2],[3,4,5,6,7]]},"junk",[[[[]]]]]' >"$work/fleet/odd"
for t in $TARGETS; do
	[ -d tests/fuzz/regress/$t ] && cp tests/fuzz/regress/$t/* "$work/$t/"
done
for f in overlays/*/overlay.ini; do cp "$f" "$work/overlay/$(basename "$(dirname "$f")").ini"; done
# ASan keeps freed memory in quarantine to catch use-after-free; frames are megabytes each, so
# the default quarantine alone can pass the RSS limit. A smaller one still catches reuse soon.
export ASAN_OPTIONS=${ASAN_OPTIONS:-quarantine_size_mb=64}
passed=0
failed=0
for t in $TARGETS; do
	echo "=== fuzz_$t for ${SECONDS_EACH}s"
	if build/fuzz/fuzz_$t -max_total_time="$SECONDS_EACH" -timeout=20 -rss_limit_mb=2048 -malloc_limit_mb=512 \
		-artifact_prefix="$out/$t-" -print_final_stats=1 "$work/$t" 2>"$work/log"; then
		grep -E "stat::number_of_executed_units|cov:" "$work/log" | tail -2
		passed=$((passed + 1))
	else
		tail -40 "$work/log"
		failed=$((failed + 1))
	fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
