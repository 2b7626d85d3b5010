#!/bin/bash
# Runs every test: the unit tests (cmocka), the config-file agreement check and the end-to-end
# tests. Ends with one line "N passed, N failed" counting the test programs.
# tests/run.sh unit: the unit tests only (make unit).
set -u
cd "$(dirname "$0")/.."
passed=0
failed=0
failures=
times=

run() { # run NAME COMMAND...
	local name=$1 t0=$SECONDS
	shift
	echo "=== $name"
	if "$@"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		failures="$failures $name"
	fi
	times="$times $name $((SECONDS - t0))s,"
}

# Every tests/unit/test_*.c, built (a file that did not build fails here, never goes unseen).
for src in tests/unit/test_*.c; do
	t=build/tests/$(basename "$src" .c)
	run "$(basename "$t")" "$t"
done
if [ "${1:-}" = unit ]; then
	echo
	echo "time:${times%,}"
	[ -n "$failures" ] && echo "failed:$failures"
	echo "unit: $passed passed, $failed failed in $SECONDS s"
	[ "$failed" -eq 0 ]
	exit
fi

# config/photobooth.conf documents every key: it must be exactly what the table generates.
run config-file-agrees diff -u config/photobooth.conf <(build/photobooth --print-default-config)

# The man pages' command and option sections are what the command tables write (make man).
man_parts_current() {
	local part rc=0
	for part in photoboothctl.1.commands photobooth.1.commands photobooth.1.options; do
		diff -u "man/$part" <(build/mancommands "$part") || rc=1
	done
	return $rc
}
run man-sections-current man_parts_current

# The harness itself: a test whose set-up fails, or that checks nothing, fails.
run harness bash tests/harness.sh

# docs/states.dot is the drawing of the transition table as it is (make states redraws it).
run states-drawing-current diff -u docs/states.dot <(build/states)

# Each libFuzzer target briefly (make fuzz runs them long).
run fuzz tests/fuzz/run.sh "${FUZZ_SECONDS:-2}"

# make soak runs the 20 camera unplug/replug cycles; make check 12 of them, for time
export GPHOTO2_CYCLES=${GPHOTO2_CYCLES:-12}
for t in tests/e2e/*.sh; do
	case $t in */lib.sh) continue ;; esac
	run "$(basename "$t" .sh)" bash "$t"
done

# The reliability campaign, short (make soak and make crash-test run it in full).
run soak env SOAK_SESSIONS=12 SOAK_PAPER_EVERY=5 bash tests/reliability/soak.sh
run crash env CRASH_KILLS=6 CRASH_ACCEPT_KILLS=2 bash tests/reliability/crash.sh
run load env LOAD_SECONDS=5 P99_MS=0 LOAD_BASELINE=0 SLOW_SECONDS=3 SLOWMANY_SECONDS=6 TRICKLE_SECONDS=5 TERM_ROUNDS=1 bash tests/reliability/load.sh

echo
echo "time:${times%,}"
[ -n "$failures" ] && echo "failed:$failures"
echo "check: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
