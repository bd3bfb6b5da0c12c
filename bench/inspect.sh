#!/bin/bash
# bench/inspect.sh BUILD_DIR: utm-inspect's throughput with the full ET Open
# set, ours and the reference side by side in one run (issue 5):
#   offline: utm-inspect --pcap (flows, reassembly, HTTP parsing, Hyperscan
#            prefilter and confirmation, events) against raw Hyperscan
#            block-mode scanning of the same frames' payloads (utm-hsbench),
#            on one core, over an HTTP-heavy capture (bench/mkhttp_pcap.py);
#   inline:  an HTTP download in the lab through the inspector (every frame
#            over AF_XDP, the ET set loaded) against the XDP fast path, and
#            against the 700 Mbit/s of the product it replaces.
# Prints the medians of BENCH_REPEAT runs and the ratios. Needs root and
# ../shared/data (the ET Open rules).
set -euo pipefail
BUILD=$(cd "${1:-build}" && pwd)
REPO=$(cd "$(dirname "$0")/.." && pwd)
ET=$REPO/../shared/data/ips-rules/et-open-2024-04
REPEAT=${BENCH_REPEAT:-3}
CPU=${BENCH_CPU:-$(($(nproc) - 1))}
FLOWS=${BENCH_FLOWS:-1000}
DL_MB=${BENCH_DOWNLOAD_MB:-256}

[ -f "$ET/classification.config" ] || {
	echo "bench-inspect: ../shared/data absent: the ET Open rules are needed" >&2
	exit 77
}
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ratio() { echo "scale=2; $1 / $2" | bc; }

# ------------------------------------------------------------ offline
PCAP=$BUILD/bench-http-$FLOWS.pcap
[ -s "$PCAP" ] || /usr/bin/python3 "$REPO/bench/mkhttp_pcap.py" "$PCAP" "$FLOWS" 1 >/dev/null
ours=() raw=()
for ((i = 0; i < REPEAT; i++)); do
	raw+=("$(taskset -c "$CPU" "$BUILD/utm-hsbench" "$PCAP" "$ET"/*.rules | jq .gbps)")
	ours+=("$(taskset -c "$CPU" "$BUILD/utm-inspect" --pcap "$PCAP" --rules "$ET"/*.rules \
		--eve /dev/null 2>&1 | sed -n 's/.*inspected in [0-9.]* s (\([0-9.]*\) Gbit\/s).*/\1/p')")
done
off_ours=$(printf '%s\n' "${ours[@]}" | median)
off_raw=$(printf '%s\n' "${raw[@]}" | median)

# ------------------------------------------------------------ inline (lab)
. "$REPO/tests/lab.sh"
. "$REPO/bench/inspector.sh"
LAB_BUILD=$BUILD LAB_QUIET=1 lab_up >/dev/null || {
	echo "bench-inspect: lab set-up failed" >&2
	exit 1
}
head -c $((DL_MB << 20)) /dev/urandom >"$LAB_RUN/www/dl.bin"
speed() { # Mbit/s of one HTTP download from the lab's web server to the LAN host
	lab_lan curl -s -m 120 -o /dev/null -w '%{speed_download}' "http://$LAB_WEB_IP4/dl.bin" |
		awk '{ printf "%.0f", $1 * 8 / 1e6 }'
}
fast=() full=() depth=()
for ((i = 0; i < REPEAT; i++)); do
	fast+=("$(speed)")
	bench_inspector --ports tcp:80 --rules "$ET"/*.rules --depth-packets 1000000000
	full+=("$(speed)")
	bench_stop_inspector
	bench_inspector --ports tcp:80 --rules "$ET"/*.rules
	depth+=("$(speed)")
	bench_stop_inspector
done
in_fast=$(printf '%s\n' "${fast[@]}" | median)
in_full=$(printf '%s\n' "${full[@]}" | median)
in_depth=$(printf '%s\n' "${depth[@]}" | median)

cat <<REPORT
Inspector benchmark ($(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) CPUs, $(uname -r); median of $REPEAT)
ET Open: $(cat "$ET"/*.rules | grep -cE '^(alert|drop|reject|pass) ') enabled rules

offline, one core (CPU $CPU), $(basename "$PCAP"): $((FLOWS)) HTTP flows, $(($(stat -c %s "$PCAP") >> 20)) MiB
  utm-inspect --pcap (whole engine)      ${off_ours} Gbit/s   (runs: ${ours[*]})
  raw Hyperscan block scan of payloads   ${off_raw} Gbit/s   (runs: ${raw[*]})
  ratio ours/raw                         $(ratio "$off_ours" "$off_raw")
  target >= 1 Gbit/s per core            $(echo "$off_ours >= 1" | bc | sed 's/1/PASS/; s/0/MISS/')

inline, lab, one HTTP download of $DL_MB MiB (Mbit/s)
  XDP fast path (no inspector)           $in_fast   (runs: ${fast[*]})
  every frame through the inspector      $in_full   (runs: ${full[*]})
  default depth (32 frames, then XDP)    $in_depth   (runs: ${depth[*]})
  ratio inspected/fast path              $(ratio "$in_full" "$in_fast")
  target >= 700 Mbit/s inspected         $( [ "$in_full" -ge 700 ] && echo PASS || echo MISS)
REPORT
