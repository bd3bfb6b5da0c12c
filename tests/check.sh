#!/bin/bash
# TAP-style checks for integration scripts (source it):
#
#   check "NAME" CMD...   runs CMD; prints `ok - NAME` or `not ok - NAME`
#                         followed by the tail of CMD's output
#   check_done            prints a summary; exits 1 if any check failed
#
# CMD runs in a command substitution with errexit off: its status is that of
# its last command, so a check function must end with the decisive test.

CHECK_FAILED=0
CHECK_COUNT=0
CHECK_SHOW_LINES=${CHECK_SHOW_LINES:-8}

check() {
	local name=$1 out rc
	shift
	CHECK_COUNT=$((CHECK_COUNT + 1))
	set +e
	out=$("$@" 2>&1)
	rc=$?
	set -e
	if [ "$rc" = 0 ]; then
		echo "ok - $name"
	else
		echo "not ok - $name (status $rc)"
		[ -z "$out" ] || printf '%s\n' "$out" | tail -n "$CHECK_SHOW_LINES" | sed 's/^/#   /'
		CHECK_FAILED=$((CHECK_FAILED + 1))
	fi
	return 0
}

check_done() {
	if [ "$CHECK_FAILED" != 0 ]; then
		echo "# $CHECK_FAILED of $CHECK_COUNT checks failed"
		exit 1
	fi
	if [ "$CHECK_COUNT" = 0 ]; then
		echo "# no checks ran"
		exit 1
	fi
	echo "# all $CHECK_COUNT checks passed"
}
