#!/bin/bash
# bench/run.sh BUILD_DIR: the UTM benchmark, what `make bench` runs.
#
# In one run, on its own veth topology (bench/lib.sh), with one generator
# (build/utm-gen) and one list of 1M entries (bench/mklist.py):
#   1. forwarded frames/s through (a) the UTM, (b) a Linux bridge with the
#      same entries in nftables sets, (c) a plain veth (the ceiling);
#   2. the XDP program's cost per packet (BPF_PROG_TEST_RUN) at 0, 10k and
#      1M entries, and under live traffic;
#   3. the time to reload 1M entries and the frames lost meanwhile.
# Prints a report (also kept in BUILD_DIR/bench-report.txt) with each target
# marked. docs/benchmarks.md explains the numbers.
#
# Settings (environment): BENCH_SECONDS [5] per run, BENCH_REPEAT [5] runs,
# BENCH_CPU [the last CPU] for the generator, BENCH_RELOAD_RATE [200000] pps,
# BENCH_TOTAL [1000000] entries, BENCH_COST_REPEAT [1000000], BENCH_NICE
# [-20] for the generator and utm-load, UTM_SHARED_DATA
# [<repo>/../shared/data], BENCH_STRICT=1: exit 1 when a target is missed (a
# failed sanity check always exits 1).
# shellcheck source-path=SCRIPTDIR
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
[ $# -eq 1 ] || {
	echo "usage: bench/run.sh BUILD_DIR" >&2
	exit 2
}
BUILD=$(cd "$1" 2>/dev/null && pwd) || {
	echo "bench: build directory $1 does not exist (run make)" >&2
	exit 1
}
BENCH_SECONDS=${BENCH_SECONDS:-5}
BENCH_REPEAT=${BENCH_REPEAT:-5}
BENCH_CPU=${BENCH_CPU:-$(($(nproc) - 1))}
BENCH_RELOAD_RATE=${BENCH_RELOAD_RATE:-200000}
BENCH_TOTAL=${BENCH_TOTAL:-1000000}
BENCH_COST_REPEAT=${BENCH_COST_REPEAT:-1000000}
BENCH_NICE=${BENCH_NICE:--20}
SHARED=${UTM_SHARED_DATA:-$REPO/../shared/data}
export BENCH_ID=- # until bench_names picks the run id

# shellcheck source=lib.sh
. "$REPO/bench/lib.sh"
# shellcheck source=measure.sh
. "$REPO/bench/measure.sh"
# shellcheck source=report.sh
. "$REPO/bench/report.sh"

[ "$(id -u)" = 0 ] || bench_die "needs root (network namespaces, XDP, bpffs)"
for t in nft ethtool jq bridge nsenter /usr/bin/python3; do
	command -v "$t" >/dev/null || bench_die "$t is missing (make deps)"
done
for t in utm-load utm-gen utm-ctl; do
	[ -x "$BUILD/$t" ] || bench_die "$BUILD/$t is not built (make)"
done

# The lists take ~20 s to build; they only change with their inputs, so they
# are kept in the build directory under a key of everything that shapes them.
build_lists() {
	local data=$SHARED/ip-blocklists key dir tmp
	[ -d "$data" ] || data=
	key=$({
		cat "$REPO/bench/mklist.py"
		echo "$BENCH_TOTAL $data"
		[ -z "$data" ] || (cd "$data" && find . -type f -printf '%P %s %T@\n' | sort)
	} | sha256sum | cut -c1-16)
	dir=$BUILD/bench-lists/$key
	if [ ! -f "$dir/summary.txt" ]; then
		bench_log "building the ${BENCH_TOTAL}-entry list (${data:-no shared data})"
		mkdir -p "$BUILD/bench-lists"
		tmp=$(mktemp -d "$dir.XXXXXX")
		/usr/bin/python3 "$REPO/bench/mklist.py" ${data:+--data "$data"} \
			--total "$BENCH_TOTAL" --out "$tmp" || {
			rm -rf "$tmp"
			bench_die "building the lists failed"
		}
		# A parallel run may have finished first; either copy will do.
		mv -T "$tmp" "$dir" 2>/dev/null || rm -rf "$tmp"
	fi
	LISTS=$dir
}

rm -rf "$BUILD/bench-failed" # logs of an earlier failed run
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
build_lists
# shellcheck source=/dev/null
. "$LISTS/probes.env"
bench_names
gen_args
bench_up
bench_log "topology up; generator on CPU $BENCH_CPU; lists in $LISTS"

# (a) the UTM at 0, 10k and 1M entries.
utm_once 0
measure_cost 0
measure_live_cost 0
measure_pps a0 "$PIN_SINK"
utm_once 10k
measure_cost 10k
measure_live_cost 10k
utm_daemon
sanity a "$PIN_SINK"
measure_cost 1m
measure_live_cost 1m
measure_pps a "$PIN_SINK"
measure_reload
bench_kill "$UTM_PID"
in_box "$BUILD/utm-load" --detach --pin-root "$PIN_UTM" --state-dir "$BENCH_RUN/state" \
	2>>"$BENCH_RUN/utm-load.log"

# (c) the ceiling: the sink right on the box's LAN port, nothing forwards.
in_box "$BUILD/utm-gen" sink attach --dev lan --pin "$PIN_SINK_LAN"
measure_pps c "$PIN_SINK_LAN"
"$BUILD/utm-gen" sink detach --pin "$PIN_SINK_LAN"

# (b) the Linux bridge, without and with the nftables sets.
bridge_up
measure_pps b0 "$PIN_SINK"
nft_load
sanity b "$PIN_SINK"
measure_pps b "$PIN_SINK"

report | tee "$BUILD/bench-report.txt"
[ "${R[sanity_a]}" = ok ] && [ "${R[sanity_b]}" = ok ] || exit 1
[ "${BENCH_STRICT:-0}" != 1 ] || [ "$TARGETS_MET" = 3 ] || exit 1
exit 0
