#!/bin/sh
# run.sh BUILD_DIR: run every test program, add up the results, and
# print the closing "N passed, N failed" line.  A program that dies
# (crash, sanitizer report, timeout) counts as one failure.
B=${1:-build}
passed=0
failed=0
for t in "$B"/tests/t_* "$B"/tests/tc_*; do
	[ -x "$t" ] || continue
	out=$(mktemp)
	timeout 300 "$t" >"$out" 2>&1
	rc=$?
	cat "$out"
	line=$(grep '^# .*: passed=' "$out" | tail -n 1)
	rm -f "$out"
	if [ -z "$line" ]; then
		echo "FAIL $(basename "$t"): exited $rc without a summary"
		failed=$((failed + 1))
		continue
	fi
	p=$(echo "$line" | sed 's/.*passed=\([0-9]*\).*/\1/')
	f=$(echo "$line" | sed 's/.*failed=\([0-9]*\).*/\1/')
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$f" = 0 ] && [ "$rc" != 0 ]; then
		echo "FAIL $(basename "$t"): exited $rc after its tests"
		failed=$((failed + 1))
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
