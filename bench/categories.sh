#!/bin/bash
# bench/categories.sh BUILD_DIR: the web category database, what
# `make bench-categories` runs (issue "Web categories": categorisation of 1M
# domains must fit in <= 150 MB).
#
# In one run, with the same inputs for both sides, each on one core
# (taskset -c BENCH_CPU):
#   ours:      BUILD_DIR/utm-catbench: ut1_load_dir of a UT1 tree into a
#              catdb (hashed names, lib/catdb.c), then catdb_lookup_host of
#              every query, as many rounds as fit in a second;
#   reference: bench/catref.py: Python 3, a dict of domain -> category and a
#              suffix walk per lookup (what a quick implementation does).
# Inputs (bench/mkcategories.py, fixed seed): a tree of CAT_BENCH_TOTAL
# [1000000] domains, the real UT1 names of ../shared/data/ut1-categories
# (or $UTM_SHARED_DATA) plus synthetic ones spread over the same
# categories, and as many queries: half listed names (a third of them as
# www.NAME), half unlisted names of the same shape.
# Reported: load time, memory (catdb_memory and the RSS growth over the load;
# the reference's RSS growth), lookups per second, and the hits, which must
# agree per category (else the run fails). Ratios are reference / ours.
# BENCH_STRICT=1: exit 1 when the 150 MB target is missed.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
[ $# -eq 1 ] || {
	echo "usage: bench/categories.sh BUILD_DIR" >&2
	exit 2
}
BUILD=$(cd "$1" 2>/dev/null && pwd) || {
	echo "bench-categories: build directory $1 does not exist (run make)" >&2
	exit 1
}
TOTAL=${CAT_BENCH_TOTAL:-1000000}
CPU=${BENCH_CPU:-$(($(nproc) - 1))}
TARGET_MB=150
DATA=${UTM_SHARED_DATA:-$REPO/../shared/data}

log() { echo "bench-categories: $*" >&2; }
die() {
	echo "bench-categories: error: $*" >&2
	exit 1
}
for t in taskset /usr/bin/python3; do
	command -v "$t" >/dev/null || die "$t is missing (make deps)"
done
[ -x "$BUILD/utm-catbench" ] || die "$BUILD/utm-catbench is not built (make)"
[ -d "$DATA/ut1-categories" ] || {
	log "no $DATA/ut1-categories: synthetic names only"
	DATA=
}

WORK=$(mktemp -d /tmp/utm-bench-cat.XXXXXX)
cleanup() {
	case "$WORK" in
	/tmp/utm-bench-cat.?*) rm -rf "$WORK" ;;
	esac
}
trap cleanup EXIT

log "building the inputs: $TOTAL domains and $TOTAL queries"
/usr/bin/python3 "$REPO/bench/mkcategories.py" ${DATA:+--data "$DATA"} --total "$TOTAL" \
	--queries "$TOTAL" --out "$WORK" || die "bench/mkcategories.py failed"

log "ours: utm-catbench"
taskset -c "$CPU" "$BUILD/utm-catbench" "$WORK/tree" "$WORK/queries.txt" >"$WORK/ours.txt" ||
	die "utm-catbench failed"
log "reference: bench/catref.py"
taskset -c "$CPU" /usr/bin/python3 "$REPO/bench/catref.py" "$WORK/tree" "$WORK/queries.txt" \
	>"$WORK/ref.txt" || die "bench/catref.py failed"

get() { sed -n "s/^$2=//p" "$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf(b > 0 ? "%.1fx" : "-", a / b) }'; }
mb() { awk -v k="$1" 'BEGIN { printf("%.1f", k * 1024 / 1e6) }'; }

O_LOAD=$(get "$WORK/ours.txt" load_s)
R_LOAD=$(get "$WORK/ref.txt" load_s)
O_RSS=$(get "$WORK/ours.txt" rss_delta_kb)
R_RSS=$(get "$WORK/ref.txt" rss_delta_kb)
O_DB=$(get "$WORK/ours.txt" catdb_bytes)
O_LPS=$(get "$WORK/ours.txt" lookups_per_s)
R_LPS=$(get "$WORK/ref.txt" lookups_per_s)
O_DB_MB=$(awk -v b="$O_DB" 'BEGIN { printf("%.1f", b / 1e6) }')

echo "== Web categories: $TOTAL domains (one core, CPU $CPU; $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg))"
cat "$WORK/summary.txt"
printf "%-26s %16s %16s %10s\n" "" "ours (catdb)" "Python dict" "ratio"
printf "%-26s %16s %16s %10s\n" "entries (distinct names)" "$(get "$WORK/ours.txt" entries)" \
	"$(get "$WORK/ref.txt" entries)" ""
printf "%-26s %16s %16s %10s\n" "load time (s)" "$O_LOAD" "$R_LOAD" "$(ratio "$R_LOAD" "$O_LOAD")"
printf "%-26s %16s %16s %10s\n" "memory: RSS growth (MB)" "$(mb "$O_RSS")" "$(mb "$R_RSS")" \
	"$(ratio "$R_RSS" "$O_RSS")"
printf "%-26s %16s %16s %10s\n" "memory: catdb_memory (MB)" "$O_DB_MB" "-" ""
printf "%-26s %16s %16s %10s\n" "lookups per second" "$O_LPS" "$R_LPS" "$(ratio "$O_LPS" "$R_LPS")"
printf "%-26s %16s %16s %10s\n" "hits (of the queries)" "$(get "$WORK/ours.txt" hits)" \
	"$(get "$WORK/ref.txt" hits)" ""
echo "(ratios: reference / ours for time and memory, ours / reference for lookups;" \
	"ours looked up $(get "$WORK/ours.txt" lookups) names in $(get "$WORK/ours.txt" lookup_s) s)"

# Both sides must categorise every query alike.
if ! diff <(grep '^hits' "$WORK/ours.txt" | grep -v '=0$' | sort) \
	<(grep '^hits' "$WORK/ref.txt" | sort) >"$WORK/hits.diff"; then
	cat "$WORK/hits.diff" >&2
	die "the two sides disagree on the hits"
fi
echo "hits per category: identical on both sides"
OK=$(awk -v k="$O_RSS" -v b="$O_DB" -v t="$TARGET_MB" \
	'BEGIN { print (k * 1024 <= t * 1e6 && b <= t * 1e6) ? 1 : 0 }')
if [ "$OK" = 1 ]; then
	echo "target: <= $TARGET_MB MB for $TOTAL domains: met"
else
	echo "target: <= $TARGET_MB MB for $TOTAL domains: MISSED"
	[ "${BENCH_STRICT:-0}" = 1 ] && exit 1
fi
exit 0
