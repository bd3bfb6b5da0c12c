#!/bin/bash
# Run every libFuzzer target for SECONDS each: tests/run-fuzz.sh BUILD SECONDS
# New inputs go to a scratch directory, never into the seed corpus in git;
# a crash leaves its input in fuzz/ (crash-*) and fails the run.
set -uo pipefail
build=${1:-build}
seconds=${2:-60}
repo=$(cd "$(dirname "$0")/.." && pwd)
scratch=$(mktemp -d /tmp/utm-fuzz.XXXXXX)
trap 'rm -rf "$scratch"' EXIT

failed=0
for bin in "$build"/fuzz/fuzz_*; do
	[ -x "$bin" ] || continue
	name=$(basename "$bin")
	seeds="$repo/fuzz/corpus/${name#fuzz_}"
	mkdir -p "$scratch/$name"
	echo "fuzz: $name for ${seconds}s"
	if ! "$bin" -max_total_time="$seconds" -print_final_stats=1 \
		-artifact_prefix="$repo/fuzz/" "$scratch/$name" \
		$([ -d "$seeds" ] && echo "$seeds") >"$scratch/$name.log" 2>&1; then
		echo "fuzz: $name FAILED; last lines:"
		tail -n 30 "$scratch/$name.log"
		failed=1
	else
		grep -E "stat::number_of_executed_runs|stat::peak_rss_mb" "$scratch/$name.log" |
			sed "s/^/fuzz: $name /"
	fi
done
exit $failed
