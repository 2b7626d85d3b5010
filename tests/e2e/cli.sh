#!/bin/bash
# The command lines: photobooth's options and config errors (exit 78 naming file:line),
# photoboothctl's exit codes, and every screen rendered offline in both languages at the
# sizes booths use (landscape and portrait), with no text that fails to fit.
set -u
. "$(dirname "$0")/lib.sh"

conf="$WORK/good.conf"
write_config "$conf"

check "--version prints the version" bash -c "'$PB' --version | grep -q '^photobooth $(cat "$TOP/VERSION")$'"
check "--help exits 0" "$PB" --help
check "... and lists render (the front's) and screens (the kiosk's)" \
	bash -c "'$PB' --help | grep -q '^  render ' && '$PB' --help | grep -q '^  screens '"
KIOSK_BIN="$(dirname "$PB")/photobooth-kiosk"
check "photobooth-kiosk --help leaves render out: it is not the kiosk's" \
	bash -c "'$KIOSK_BIN' --help | grep -q '^  screens ' && ! '$KIOSK_BIN' --help | grep -q render"
"$KIOSK_BIN" render >/dev/null 2>&1
check "... and refuses it as a usage error (2)" test $? = 2
"$PB" --no-such-flag >/dev/null 2>&1
check "an unknown flag exits 2" test $? = 2
check "--check-config accepts a good file" "$PB" --config "$conf" --check-config

# expect_config_error NAME EXPECTED-TEXT CONFIG-LINES...: exit 78 and the text on stderr.
expect_config_error() {
	local name=$1 text=$2 f="$WORK/bad-$1.conf"
	shift 2
	printf '%s\n' "$@" >"$f"
	"$PB" --config "$f" --check-config 2>"$WORK/err" >/dev/null
	local rc=$?
	check "bad config ($name): exit 78" test "$rc" = 78
	check "bad config ($name): says '$text'" grep -qF -- "$text" "$WORK/err"
}
expect_config_error unknown-key "$WORK/bad-unknown-key.conf:2: unknown key 'colour' in [kiosk]" \
	"[kiosk]" "colour = red"
expect_config_error unknown-section "$WORK/bad-unknown-section.conf:4: unknown section [printer]" \
	"[kiosk]" "" "[printer]" "queue = x"
expect_config_error range "$WORK/bad-range.conf:2: [kiosk] countdown = 60: out of range 0..10" \
	"[kiosk]" "countdown = 60"
expect_config_error enum "$WORK/bad-enum.conf:2: [kiosk] delivery = fax: must be one of print, share, both" \
	"[kiosk]" "delivery = fax"
expect_config_error syntax "$WORK/bad-syntax.conf:1: syntax error" "countdown 3"
expect_config_error theme "[kiosk] overlay = nope: the theme is broken" \
	"[kiosk]" "overlay = nope" "overlays_dir = $TOP/overlays"
expect_config_error font "[display] font = /nonexistent.ttf: cannot open the font" \
	"[kiosk]" "overlays_dir = $TOP/overlays" "[display]" "font = /nonexistent.ttf"
"$PB" --config "$WORK/nonexistent.conf" --check-config 2>"$WORK/err"
check "a missing config file: exit 78" test $? = 78
# The kiosk itself refuses to start on bad config, with the same code (systemd stops there).
printf '[kiosk]\ncolour = red\n' >"$WORK/bad.conf"
"$PB" --config "$WORK/bad.conf" 2>/dev/null
check "the kiosk refuses a bad config with exit 78" test $? = 78

# photoboothctl without a kiosk, and with bad usage.
"$PBCTL" --socket "$WORK/none.sock" status 2>"$WORK/err"
check "photoboothctl with no kiosk: exit 1" test $? = 1
check "photoboothctl with no kiosk: says so" grep -q "is photobooth running" "$WORK/err"
"$PBCTL" 2>/dev/null
check "photoboothctl with no command: exit 2" test $? = 2

# With a kiosk: unknown command, refused trigger, socket permissions.
start_xvfb 1280 720
write_config "$conf"
start_kiosk "$conf" || not_ok "kiosk starts"
ctl frobnicate 2>"$WORK/err"
check "unknown command: exit 2" test $? = 2
check "unknown command: lists the commands" grep -q "commands: status, trigger, reset" "$WORK/err"
check "control socket is mode 0660" test "$(stat -c %a "$WORK/ctl.sock")" = 660
check "status is one JSON object with the documented fields" bash -c "'$PBCTL' --socket '$WORK/ctl.sock' status | python3 -c '
import json, sys
s = json.load(sys.stdin)
for k in (\"state\", \"session\", \"overlay\", \"delivery\", \"camera\", \"counters\"):
    assert k in s, k
assert s[\"state\"] == \"attract\" and s[\"overlay\"] == \"certification-lounge\"
assert s[\"camera\"][\"state\"] in (\"connecting\", \"connected\")'"
ctl trigger >/dev/null
wait_state countdown 5 >/dev/null
ctl trigger 2>"$WORK/err"
check "trigger during the countdown is refused: exit 1" test $? = 1
check "refusal says why" grep -q "nothing to trigger in countdown" "$WORK/err"
check "--config finds the socket" "$PBCTL" --config "$conf" reset
# Clients that hang up before reading (a killed photoboothctl), and one command too many words
# long: the kiosk answers the next client as usual.
python3 - "$WORK/ctl.sock" <<'EOP'
import socket, sys
for i in range(20):
    s = socket.socket(socket.AF_UNIX)
    s.connect(sys.argv[1])
    s.sendall(b"status\n")
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\1\0\0\0\0\0\0\0")
    s.close()
EOP
check "clients gone before the answer: the kiosk lives on" kill -0 "$KIOSK_PID"
check "clients gone before the answer: the next one is answered" ctl status >/dev/null
ctl reset $(seq 16) 2>"$WORK/err"
check "a command of 17 words is a usage error" test $? = 2
check "a command of 17 words says why" grep -q "more than 16 words" "$WORK/err"
stop_kiosk

# Every screen offline: both languages, landscape and portrait, both themes. Drawn two at a
# time (each is one process and a picture conversion), then checked in order.
draw_screens() { # THEME SIZE LANG
	local dir="$ART/screens/$1/$2-$3" tconf="$WORK/screens-$1.conf"
	rm -rf "$dir"
	if "$PB" screens --config "$tconf" --out "$dir" --size "$2" --lang "$3" 2>"$dir.err"; then
		(cd "$dir" && /usr/bin/mogrify -format png ./*.bmp && rm ./*.bmp) && echo ok >"$dir.rc"
	fi
}
for theme in certification-lounge replay; do
	write_config "$WORK/screens-$theme.conf"
	sed -i "s/^\[kiosk\]$/[kiosk]\noverlay = $theme/" "$WORK/screens-$theme.conf"
done
for size in 1920x1080 800x480 1080x1920 480x800; do
	for lang in en ko; do
		for theme in certification-lounge replay; do
			mkdir -p "$ART/screens/$theme"
			rm -f "$ART/screens/$theme/$size-$lang.rc"
			draw_screens "$theme" "$size" "$lang" &
			drawing="${drawing:-} $!"
			# (Xvfb is a child too: wait for these by pid, never for all)
			if [ "$(echo $drawing | wc -w)" -ge 2 ]; then
				first=${drawing# }
				first=${first%% *}
				wait "$first"
				drawing=${drawing/ $first/}
			fi
		done
	done
done
for p in $drawing; do wait "$p"; done
for size in 1920x1080 800x480 1080x1920 480x800; do
	for lang in en ko; do
		for theme in certification-lounge replay; do
			dir="$ART/screens/$theme/$size-$lang"
			if [ -e "$dir.rc" ]; then
				n=$(find "$dir" -name '*.png' | wc -l)
				check "screens $theme $size $lang: 11 screens + 12 printing + 7 sharing + 3 staff ones, all text fits" \
					test "$n" = 33
				check "screens $theme $size $lang: processing shows its spinner" \
					not_blank "$dir/processing.png"
			else
				cat "$dir.err"
				not_ok "screens $theme $size $lang"
			fi
			rm -f "$dir.rc" "$dir.err"
		done
	done
done
# photobooth render: good inputs of every kind give a print; bad ones one line and exit 1.
mk() { /usr/bin/convert -size 1200x800 gradient:navy-orange "$@"; }
mk -quality 90 "$WORK/photo.jpg"
mk -colorspace gray -quality 90 "$WORK/grey.jpg"
mk -colorspace cmyk -quality 90 "$WORK/cmyk.jpg"
mk -interlace JPEG -quality 90 "$WORK/progressive.jpg"
mk -orient RightTop -quality 90 "$WORK/turned.jpg"
/usr/bin/convert -size 12000x8400 xc:teal -quality 80 "$WORK/huge.jpg" # 100 MP
for f in photo grey cmyk progressive turned huge; do
	"$PB" render --config "$conf" --overlay certification-lounge -o "$WORK/out-$f.jpg" \
		"$WORK/$f.jpg" 2>"$WORK/err"
	check "render $f.jpg: exit 0" test $? = 0
	check "render $f.jpg: a 1800x1200 print at 300 DPI" \
		test "$(identify -format '%wx%h %x' "$WORK/out-$f.jpg")" = "1800x1200 300"
done
"$PB" render --config "$conf" --overlay replay -o "$WORK/strip.jpg" "$WORK/photo.jpg" \
	"$WORK/grey.jpg" "$WORK/cmyk.jpg"
check "render re:Play: a 1200x1800 sheet" test "$(image_size "$WORK/strip.jpg")" = 1200x1800
mkdir -p "$ART/render"
cp "$WORK/out-photo.jpg" "$ART/render/certification-lounge.jpg"
cp "$WORK/strip.jpg" "$ART/render/replay.jpg"

# Uninstalled, as the README runs them (no --config): the tools find the checkout's overlays/
# beside build/. A copy of the binary in a checkout-shaped folder, so an installed theme folder
# or config on this machine cannot stand in for it.
co="$WORK/checkout"
mkdir -p "$co/build"
cp "$PB" "$co/build/photobooth"
cp "$TOP/build/photobooth-kiosk" "$co/build/photobooth-kiosk" # what photobooth runs
ln -s "$TOP/overlays" "$co/overlays"
if [ -d /usr/local/share/photobooth/overlays ]; then
	not_ok "set-up: /usr/local/share/photobooth/overlays exists here, so the checkout's cannot be told apart"
else
	(cd "$WORK" && "$co/build/photobooth" render --overlay replay -o "$WORK/co-strip.jpg" \
		"$WORK/photo.jpg" "$WORK/grey.jpg" "$WORK/cmyk.jpg") 2>"$WORK/co-render.err"
	check "uninstalled render without --config finds the checkout's themes" \
		test "$(image_size "$WORK/co-strip.jpg" 2>/dev/null)" = 1200x1800
	if [ -e /etc/photobooth/photobooth.conf ]; then
		echo "# /etc/photobooth/photobooth.conf is installed here: screens uses it, not checked"
	else
		(cd "$WORK" && "$co/build/photobooth" screens --out "$WORK/co-screens" --size 800x480) \
			>"$WORK/co-screens.log" 2>&1
		check "uninstalled screens without --config draws with the checkout's themes" \
			test -s "$WORK/co-screens/attract.bmp"
	fi
fi

# photobooth without its kiosk (a half-copied install): a clear error, not a hang or a crash
if [ -e /usr/local/lib/photobooth/photobooth-kiosk ]; then
	echo "# a kiosk is installed in /usr/local/lib/photobooth: the lone front would find it, not checked"
else
	mkdir -p "$WORK/lone"
	cp "$PB" "$WORK/lone/photobooth"
	"$WORK/lone/photobooth" --version >"$WORK/lone.out" 2>&1
	check "photobooth without photobooth-kiosk: exit 127 naming the kiosk it looked for" \
		bash -c "[ $? = 127 ] && grep -q 'cannot run the kiosk .*photobooth-kiosk' '$WORK/lone.out'"
fi
head -c 20000 "$WORK/photo.jpg" >"$WORK/truncated.jpg"
cp "$TOP/overlays/replay/frame.png" "$WORK/png-named.jpg"
echo "hello" >"$WORK/text.jpg"
: >"$WORK/empty.jpg"
# bad_render NAME TEXT: exit 1 and one line naming the file
bad_render() {
	"$PB" render --config "$conf" --overlay certification-lounge -o "$WORK/bad.jpg" \
		"$WORK/$1" 2>"$WORK/err"
	local rc=$?
	check "render $1: exit 1" test "$rc" = 1
	check "render $1: one line saying '$2'" \
		bash -c "[ \$(wc -l <'$WORK/err') = 1 ] && grep -q -- '$1: $2' '$WORK/err'"
	check "render $1: no output file" test ! -e "$WORK/bad.jpg"
}
bad_render truncated.jpg "cannot decode JPEG"
bad_render png-named.jpg "not a JPEG file"
bad_render text.jpg "not a JPEG file"
bad_render empty.jpg "cannot read it as a photo"
bad_render missing.jpg "cannot read it as a photo"
# Truncated late (at 90 %), the print's encoder has already grown its output when the decoder
# fails: that abort freed libjpeg's buffer twice (glibc aborted about 1 run in 2). A detailed
# 3000x2000 photo, eight runs, each must end as any bad input does.
/usr/bin/convert -seed 7 -size 3000x2000 plasma:fractal -quality 90 "$WORK/detailed.jpg"
size=$(stat -c %s "$WORK/detailed.jpg")
head -c $((size * 9 / 10)) "$WORK/detailed.jpg" >"$WORK/late-truncated.jpg"
late_ok=0
for _ in $(seq 8); do
	"$PB" render --config "$conf" --overlay certification-lounge -o "$WORK/bad.jpg" \
		"$WORK/late-truncated.jpg" 2>"$WORK/err"
	rc=$?
	[ "$rc" = 1 ] && grep -q 'late-truncated.jpg: cannot decode JPEG' "$WORK/err" &&
		[ ! -e "$WORK/bad.jpg" ] && late_ok=$((late_ok + 1))
done
check "render of a JPEG truncated at 90 %: exit 1 and one line, 8 runs of 8 ($late_ok)" \
	test "$late_ok" = 8
"$PB" render --config "$conf" --overlay replay -o "$WORK/bad.jpg" "$WORK/photo.jpg" 2>"$WORK/err"
check "render with too few photos: exit 1" test $? = 1
check "render with too few photos: says so" grep -q "takes 3 photos, 1 given" "$WORK/err"
"$PB" render --config "$conf" --overlay nope -o "$WORK/bad.jpg" "$WORK/photo.jpg" 2>"$WORK/err"
check "render with an unknown theme: exit 78" test $? = 78

# A broken theme beside the configured one is reported at start-up with its file and reason,
# and does not stop the kiosk; the configured theme being broken does.
mkdir -p "$WORK/themes/broken-frame" "$WORK/themes/outside"
cp -r "$TOP/overlays/certification-lounge" "$WORK/themes/"
cp "$TOP/overlays/certification-lounge/overlay.ini" "$WORK/themes/broken-frame/"
printf '[output]\nwidth = 100\nheight = 100\n[slot.1]\nx = 50\ny = 0\nwidth = 80\nheight = 20\n' \
	>"$WORK/themes/outside/overlay.ini"
printf '[kiosk]\noverlays_dir = %s\n' "$WORK/themes" >"$WORK/themes.conf"
"$PB" --config "$WORK/themes.conf" --check-config >/dev/null 2>"$WORK/err"
check "broken themes beside the configured one: still exit 0" test $? = 0
check "a missing frame is reported with the file" \
	grep -q "theme broken-frame is broken: .*broken-frame/frame.png: the frame is missing" "$WORK/err"
check "a slot outside the canvas is reported with the file" \
	grep -q "theme outside is broken: .*outside/overlay.ini: \[slot.1\]: the slot lies outside" "$WORK/err"
printf '[kiosk]\noverlays_dir = %s\noverlay = outside\n' "$WORK/themes" >"$WORK/themes.conf"
"$PB" --config "$WORK/themes.conf" --check-config >/dev/null 2>&1
check "the configured theme broken: exit 78" test $? = 78

# Every theme's frame.png is what its frame.svg renders to (make frames keeps them in step).
for svg in "$TOP"/overlays/*/frame.svg; do
	theme=$(basename "$(dirname "$svg")")
	rsvg-convert -o "$WORK/$theme-frame.png" "$svg"
	db=$(compare -metric PSNR "$WORK/$theme-frame.png" "$(dirname "$svg")/frame.png" null: 2>&1)
	check "$theme: frame.png agrees with frame.svg ($db dB)" \
		python3 -c "import sys; v='$db'; sys.exit(0 if v == 'inf' or float(v) >= 40 else 1)"
done

# 4K: the largest screen booths use.
"$PB" screens --config "$WORK/good.conf" --out "$ART/screens/4k-ko" --size 3840x2160 --lang ko
check "screens at 3840x2160 in Korean: every text fits" test $? = 0
summary
