#!/bin/bash
# The test harness cannot pass by doing nothing: an end-to-end test whose Xvfb exits at once,
# and one that runs no check, must fail; one with a passing check must pass. Runs small
# scripts on tests/e2e/lib.sh (not the real tests: they would take minutes).
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
T=$(mktemp -d "${TMPDIR:-/tmp}/pb-harness.XXXXXX")
trap 'rm -rf "$T"' EXIT
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok - $*"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $*"; }

mkdir -p "$T/bin" "$T/e2e"
printf '#!/bin/sh\nexit 1\n' >"$T/bin/Xvfb" # a display server that dies at once
chmod +x "$T/bin/Xvfb"
# the scripts live beside a copy of lib.sh, as the real ones do
cp "$TOP/tests/e2e/lib.sh" "$T/e2e/lib.sh"
cat >"$T/e2e/xvfb-dies.sh" <<'EOS'
. "$(dirname "$0")/lib.sh"
start_xvfb 640 480
check "never reached" true
summary
EOS
cat >"$T/e2e/no-check.sh" <<'EOS'
. "$(dirname "$0")/lib.sh"
echo "set up, then nothing checked"
summary
EOS
cat >"$T/e2e/one-check.sh" <<'EOS'
. "$(dirname "$0")/lib.sh"
check "one true thing" true
summary
EOS

# expect NAME DESCRIPTION TEST...: runs the script NAME, then TEST (with $rc its exit code and
# $out its output file); shows the output when TEST fails.
expect() {
	local name=$1 what=$2
	shift 2
	out="$T/$name.out"
	ART="$T/art" PATH="$T/bin:$PATH" timeout 60 bash "$T/e2e/$name.sh" >"$out" 2>&1
	rc=$?
	if eval "$*"; then
		ok "$what (exit $rc)"
	else
		not_ok "$what (exit $rc)"
		cat "$out"
	fi
}
expect xvfb-dies "a test whose Xvfb exits at once fails at set-up" \
	'[ "$rc" -ne 0 ] && grep -q "^not ok - set-up: Xvfb did not start" "$out" && ! grep -q "never reached" "$out"'
expect no-check "a test that ran no check fails" '[ "$rc" -ne 0 ] && grep -q "no check ran" "$out"'
expect one-check "a test with one passing check passes" \
	'[ "$rc" -eq 0 ] && grep -q "1 passed, 0 failed" "$out"'
echo "harness.sh: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
