#!/bin/bash
# The single test runner (`make test`):
#
#   tests/run-all.sh BUILD_DIR [FILTER...]
#
# 1. every unit test binary BUILD_DIR/tests/test_* (cmocka: exit 0 = pass),
# 2. every integration script tests/integration/t_*.sh (exit 0 = pass,
#    77 = skip, anything else = fail), run as `t_x.sh BUILD_DIR` with
#    LAB_BUILD=BUILD_DIR.
# Each test runs under a timeout with its output in BUILD_DIR/test-logs/
# NAME.log, shown when it fails. FILTERs (substrings) select tests by name:
# `tests/run-all.sh build t_conn`. The last line is always
# `N passed, N failed, N skipped`; the exit status is 1 if any failed.
#
# Environment: UNIT_TIMEOUT (s, default 60), TEST_TIMEOUT (s, default 300;
# a script may ask for more with a line `# test-timeout: N`), TEST_JOBS
# (integration tests run at once, default 1; timing-sensitive tests may
# suffer on a loaded 2-core machine).
set -uo pipefail

usage() {
	echo "usage: tests/run-all.sh BUILD_DIR [FILTER...]" >&2
	exit 2
}
[ $# -ge 1 ] || usage
[ -d "$1" ] || {
	echo "run-all: build directory $1 does not exist (run make first)" >&2
	exit 2
}
BUILD=$(cd "$1" && pwd)
shift
FILTERS=("$@")
REPO=$(cd "$(dirname "$0")/.." && pwd)
LOGDIR=$BUILD/test-logs
UNIT_TIMEOUT=${UNIT_TIMEOUT:-60}
TEST_TIMEOUT=${TEST_TIMEOUT:-300}
TEST_JOBS=${TEST_JOBS:-1}
SHOW_LINES=150

PASSED=0
FAILED=0
SKIPPED=0
FAILED_NAMES=()

rm -rf "$LOGDIR"
mkdir -p "$LOGDIR"

selected() {
	local name=$1 f
	[ ${#FILTERS[@]} -eq 0 ] && return 0
	for f in "${FILTERS[@]}"; do
		[[ "$name" == *"$f"* ]] && return 0
	done
	return 1
}

# Seconds since START (a `date +%s%N` value), one decimal.
elapsed() { awk -v s="$1" -v e="$(date +%s%N)" 'BEGIN { printf "%.1f", (e - s) / 1e9 }'; }

show_log() {
	local log=$1 n
	n=$(wc -l <"$log")
	if [ ! -s "$log" ]; then
		echo "    (no output)"
		return
	fi
	if [ "$n" -gt "$SHOW_LINES" ]; then
		echo "    ... ($((n - SHOW_LINES)) earlier lines in $log)"
	fi
	tail -n "$SHOW_LINES" "$log" | sed 's/^/    | /'
}

# exec_test NAME TIMEOUT CMD...: run one test, output to NAME.log, and
# "STATUS SECONDS" to NAME.result.
exec_test() {
	local name=$1 limit=$2 start rc
	shift 2
	start=$(date +%s%N)
	# -k: a test that ignores SIGTERM is killed 10 s later. timeout signals
	# the whole process group, so servers a test left running die too; the
	# test's EXIT trap still tears its lab down on SIGTERM.
	# The subshell swallows bash's "Killed" notice for such a test.
	(
		timeout -k 10 "$limit" "$@" </dev/null >"$LOGDIR/$name.log" 2>&1
		exit $?
	) 2>/dev/null
	rc=$?
	echo "$rc $(elapsed "$start")" >"$LOGDIR/$name.result"
}

# report_test KIND NAME TIMEOUT: count and print a finished test. KIND unit
# treats every non-zero status as a failure; KIND integration treats 77 as a
# skip.
report_test() {
	local kind=$1 name=$2 limit=$3 log=$LOGDIR/$2.log rc secs why
	read -r rc secs <"$LOGDIR/$name.result"
	case "$rc" in
	0)
		PASSED=$((PASSED + 1))
		echo "PASS $name ($secs s)"
		;;
	77)
		if [ "$kind" = integration ]; then
			SKIPPED=$((SKIPPED + 1))
			why=$(grep -m1 -i 'skip' "$log" || tail -n1 "$log")
			echo "SKIP $name: ${why:-no reason given}"
			return
		fi
		;&
	*)
		FAILED=$((FAILED + 1))
		FAILED_NAMES+=("$name")
		case "$rc" in
		124 | 137) why="timed out after $limit s" ;;
		*) why="exit status $rc" ;;
		esac
		echo "FAIL $name ($why, $secs s), log $log:"
		show_log "$log"
		;;
	esac
}

# Labs of tests killed hard (SIGKILL after the grace period) could not be
# torn down by their owner: remove labs whose owner is gone.
lab_gc() {
	[ "$(id -u)" = 0 ] || return 0
	"$REPO/tests/lab.sh" gc 2>&1 | sed 's/^/    /'
}

# Unit tests (cmocka binaries; unit and BPF tests both land in BUILD/tests).
for t in "$BUILD"/tests/test_*; do
	[ -f "$t" ] && [ -x "$t" ] || continue
	name=$(basename "$t")
	selected "$name" || continue
	exec_test "$name" "$UNIT_TIMEOUT" "$t"
	report_test unit "$name" "$UNIT_TIMEOUT"
done

# The same unit tests built with ASan/UBSan (make SANITIZE=1), when built.
SAN_BUILD=${SAN_BUILD:-$(dirname "$BUILD")/build-san}
for t in "$SAN_BUILD"/tests/test_*; do
	[ -f "$t" ] && [ -x "$t" ] || continue
	name=san-$(basename "$t")
	selected "$name" || continue
	exec_test "$name" "$UNIT_TIMEOUT" env ASAN_OPTIONS=detect_leaks=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 "$t"
	report_test unit "$name" "$UNIT_TIMEOUT"
done

# Integration tests; with TEST_JOBS > 1 several run at once (every lab has
# its own names), reported in the order they finish.
declare -A RUNNING=() LIMITS=()
reap_finished() {
	local name
	for name in "${!RUNNING[@]}"; do
		if [ ! -f "$LOGDIR/$name.result" ]; then
			# Still running, or its job died without writing a result.
			kill -0 "${RUNNING[$name]}" 2>/dev/null && continue
			echo "255 ?" >"$LOGDIR/$name.result"
		fi
		wait "${RUNNING[$name]}" 2>/dev/null
		unset "RUNNING[$name]"
		report_test integration "$name" "${LIMITS[$name]}"
		lab_gc
	done
}
for t in "$REPO"/tests/integration/t_*.sh; do
	[ -f "$t" ] || continue
	name=$(basename "$t" .sh)
	selected "$name" || continue
	limit=$(sed -n 's/^# test-timeout: *\([0-9][0-9]*\).*/\1/p' "$t" | head -n1)
	LIMITS[$name]=${limit:-$TEST_TIMEOUT}
	export LAB_BUILD=$BUILD
	if [ "$TEST_JOBS" -le 1 ]; then
		LAB_ARTIFACTS=$LOGDIR/$name.lab exec_test "$name" "${LIMITS[$name]}" bash "$t" "$BUILD"
		report_test integration "$name" "${LIMITS[$name]}"
		lab_gc
		continue
	fi
	while [ "${#RUNNING[@]}" -ge "$TEST_JOBS" ]; do
		wait -n 2>/dev/null
		reap_finished
	done
	LAB_ARTIFACTS=$LOGDIR/$name.lab exec_test "$name" "${LIMITS[$name]}" bash "$t" "$BUILD" &
	RUNNING[$name]=$!
done
while [ "${#RUNNING[@]}" -gt 0 ]; do
	wait -n 2>/dev/null
	reap_finished
done

# A short fuzzing smoke of every parser (make fuzz runs them longer). New
# inputs go to a scratch directory, never into the seed corpus.
FUZZ_SMOKE_SECONDS=${FUZZ_SMOKE_SECONDS:-10}
for f in "$BUILD"/fuzz/fuzz_*; do
	[ -f "$f" ] && [ -x "$f" ] || continue
	name=$(basename "$f")
	selected "$name" || continue
	seeds=$REPO/fuzz/corpus/${name#fuzz_}
	scratch=$(mktemp -d /tmp/utm-fuzz-smoke.XXXXXX)
	exec_test "$name" $((FUZZ_SMOKE_SECONDS + 60)) "$f" -max_total_time="$FUZZ_SMOKE_SECONDS" \
		-artifact_prefix="$LOGDIR/$name-" "$scratch" $([ -d "$seeds" ] && echo "$seeds")
	report_test unit "$name" $((FUZZ_SMOKE_SECONDS + 60))
	rm -rf "$scratch"
done

if [ ${#FAILED_NAMES[@]} -gt 0 ]; then
	echo "failed: ${FAILED_NAMES[*]}"
fi
echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
[ "$FAILED" -eq 0 ]
