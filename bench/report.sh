#!/bin/bash
# bench/report.sh: the report of bench/run.sh, from the arrays R and RUNS.
# Sets TARGETS_MET to the number of the three targets met.

mpps() { awk -v p="$1" 'BEGIN { printf "%6.2f Mpps %6.0f ns/frame", p / 1e6, 1e9 / p }'; }
ratio() { awk -v x="$1" -v y="$2" 'BEGIN { printf "%.2f", x / y }'; }
runs_mpps() { printf '%s\n' $1 | awk '{ printf "%s%.2f", NR > 1 ? " " : "", $1 / 1e6 }'; }

verdict() {
	if [ "$1" = 1 ]; then
		TARGETS_MET=$((TARGETS_MET + 1))
		echo "MET"
	else
		echo "NOT MET"
	fi
}

report_forwarding() {
	local k ok
	local -A what=(
		[a]="(a)  UTM XDP bridge, 1M entries         "
		[a0]="(a0) UTM XDP bridge, empty lists        "
		[b]="(b)  Linux bridge + nftables, 1M entries"
		[b0]="(b0) Linux bridge, no nftables          "
		[c]="(c)  plain veth, no forwarding (ceiling)"
	)
	echo "1. Forwarding: frames/s received behind the device, median of $BENCH_REPEAT runs of" \
		"${BENCH_SECONDS} s"
	echo "   (the generator and the path under test share CPU $BENCH_CPU; ns/frame = 1/rate)"
	for k in a a0 b b0 c; do
		echo "   ${what[$k]}  $(mpps "${R[$k]}")   runs: $(runs_mpps "${RUNS[$k]}") Mpps"
	done
	ok=$(awk -v a="${R[a]}" -v b="${R[b]}" 'BEGIN { print (a >= 2 * b) ? 1 : 0 }')
	echo "   b/a = $(ratio "${R[b]}" "${R[a]}")   (a = $(ratio "${R[a]}" "${R[b]}") x b)" \
		"  target a >= 2 x b: $(verdict "$ok")"
	echo "   a/c = $(ratio "${R[a]}" "${R[c]}")   a0/c = $(ratio "${R[a0]}" "${R[c]}")" \
		"  b/c = $(ratio "${R[b]}" "${R[c]}")"
	awk -v a="${R[a]}" -v b="${R[b]}" -v c="${R[c]}" 'BEGIN {
		printf "   cost above the ceiling per frame: UTM %.0f ns, Linux bridge + nftables %.0f ns\n",
			1e9 / a - 1e9 / c, 1e9 / b - 1e9 / c }'
	echo "   nftables: ${R[entries_1m]} entries loaded with nft -f in ${R[nft_load]} s"
	echo "   sanity (a): ${R[sanity_a]}: ${RUNS[sanity_a]}"
	echo "   sanity (b): ${R[sanity_b]}: ${RUNS[sanity_b]}"
}

report_cost() {
	local s worst ok
	echo "2. XDP program cost per packet: BPF_PROG_TEST_RUN of the attached utm_bridge, one"
	echo "   frame repeated $BENCH_COST_REPEAT times (warm caches), median of 5 runs, ns"
	echo "   entries  loaded in  miss (forwarded)  listed /32 (dropped)  in listed prefix (dropped)"
	for s in 0 10k 1m; do
		printf '   %-7s  %6s ms  %16s  %20s  %26s\n' "${R[entries_$s]}" "${R[load_$s]}" \
			"${R[cost_${s}_MISS]}" "${R[cost_${s}_HIT32]:--}" "${R[cost_${s}_HITNET]:--}"
	done
	worst=$(printf '%s\n' "${R[cost_1m_MISS]}" "${R[cost_1m_HIT32]}" "${R[cost_1m_HITNET]}" |
		tr -d '!' | sort -n | tail -n1)
	ok=$(awk -v w="$worst" 'BEGIN { print (w <= 100) ? 1 : 0 }')
	echo "   target <= 100 ns per packet at 1M entries (worst case ${worst} ns): $(verdict "$ok")"
	echo "   under the traffic of 1. (kernel BPF run-time statistics, 65,536 destinations):"
	echo "   0 entries ${R[live_0]} ns, 10k ${R[live_10k]} ns, 1M ${R[live_1m]} ns per packet;" \
		"the sink (count + drop)"
	echo "   measured the same way: ${R[live_sink_0]}/${R[live_sink_10k]}/${R[live_sink_1m]} ns" \
		"(the statistics' own overhead is in both)"
}

report_reload() {
	local worst ok
	worst=$((R[reload_file_ms] > R[reload_hup_ms] ? R[reload_file_ms] : R[reload_hup_ms]))
	ok=$(((worst <= 2000 && R[reload_lost] == 0) ? 1 : 0))
	echo "3. Reload of ${R[reload_entries]} entries while $BENCH_RELOAD_RATE frames/s of unlisted" \
		"traffic cross the UTM"
	echo "   first load (utm-load start): ${R[load_1m]} ms"
	echo "   feed file replaced (inotify): ${R[reload_file_ms]} ms in utm-load," \
		"${R[reload_file_wall]} ms from rename to done (300 ms settle included)"
	echo "   SIGHUP:                       ${R[reload_hup_ms]} ms in utm-load," \
		"${R[reload_hup_wall]} ms from signal to done"
	echo "   frames over ${R[reload_secs]} s covering both reloads: sent ${R[reload_sent]}," \
		"lost ${R[reload_lost]}   (3 s without reload: sent ${R[reload_base_sent]}," \
		"lost ${R[reload_base_lost]})"
	echo "   target reload <= 2 s with zero loss: $(verdict "$ok")"
}

report() {
	TARGETS_MET=0
	echo "UTM benchmark $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')," \
		"$(nproc) CPUs, $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo)," \
		"Linux $(uname -r)"
	echo "list: $(head -n1 "$LISTS/summary.txt")"
	echo "      $(sed -n 2p "$LISTS/summary.txt")"
	echo "traffic: 60-byte UDP/IPv4 frames, 250 sources x 1000 ports to 65,536 unlisted" \
		"destinations, LAN to WAN"
	echo
	report_forwarding
	echo
	report_cost
	echo
	report_reload
	echo
	echo "targets met: $TARGETS_MET of 3"
}
