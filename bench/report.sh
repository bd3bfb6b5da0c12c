#!/bin/bash
# bench/report.sh: the report of bench/run.sh, from the arrays R and RUNS.
# Sets TARGETS_MET to the number of the three targets met.

mpps() { awk -v p="$1" 'BEGIN { printf "%6.2f Mpps %6.0f ns/frame", p / 1e6, 1e9 / p }'; }
ratio() { awk -v x="$1" -v y="$2" 'BEGIN { printf "%.2f", x / y }'; }
runs_mpps() { tr ' ' '\n' <<<"$1" | awk '{ printf "%s%.2f", (NR > 1 ? " " : ""), $1 / 1e6 }'; }

# A warning when the runs of one figure differ by more than 15%: other work
# on the machine took the CPU during some of them.
spread() {
	tr ' ' '\n' <<<"$1" | awk 'NR == 1 || $1 < lo { lo = $1 } $1 > hi { hi = $1 }
		END { if (hi > 1.15 * lo)
			printf "  (spread %.0f%%: disturbed)", (hi / lo - 1) * 100 }'
}

# MARK: "MET" when $1 is 1 (and count it), else "NOT MET".
mark() {
	MARK="NOT MET"
	[ "$1" = 1 ] || return 0
	MARK=MET
	TARGETS_MET=$((TARGETS_MET + 1))
}

report_forwarding() {
	local k
	local -A what=(
		[a]="(a)  UTM XDP bridge, 1M entries         "
		[a0]="(a0) UTM XDP bridge, empty lists        "
		[b]="(b)  Linux bridge + nftables, 1M entries"
		[b0]="(b0) Linux bridge, no nftables          "
		[c]="(c)  plain veth, no forwarding (ceiling)"
	)
	echo "1. Forwarding: frames/s received behind the device, median of $BENCH_REPEAT runs" \
		"of ${BENCH_SECONDS} s"
	echo "   (the generator and the path under test share CPU $BENCH_CPU; ns/frame = 1/rate)"
	for k in a a0 b b0 c; do
		echo "   ${what[$k]}  $(mpps "${R[$k]}")   runs:" \
			"$(runs_mpps "${RUNS[$k]}")$(spread "${RUNS[$k]}")"
	done
	mark "$(awk -v a="${R[a]}" -v b="${R[b]}" 'BEGIN { print (a >= 2 * b) ? 1 : 0 }')"
	echo "   b/a = $(ratio "${R[b]}" "${R[a]}") (a = $(ratio "${R[a]}" "${R[b]}") x b)" \
		"   target a >= 2 x b: $MARK"
	echo "   a/c = $(ratio "${R[a]}" "${R[c]}")   a0/c = $(ratio "${R[a0]}" "${R[c]}")" \
		"  b/c = $(ratio "${R[b]}" "${R[c]}")"
	awk -v a="${R[a]}" -v b="${R[b]}" -v c="${R[c]}" 'BEGIN {
		printf "   time per frame above the ceiling: UTM %.0f ns, ", 1e9 / a - 1e9 / c
		printf "Linux bridge + nftables %.0f ns\n", 1e9 / b - 1e9 / c }'
	echo "   nftables: ${R[entries_1m]} entries loaded with nft -f in ${R[nft_load]} s"
	echo "   sanity (a): ${R[sanity_a]}: ${RUNS[sanity_a]}"
	echo "   sanity (b): ${R[sanity_b]}: ${RUNS[sanity_b]}"
}

report_cost() {
	local s worst
	echo "2. XDP program cost per packet, ns: BPF_PROG_TEST_RUN of the attached utm_bridge,"
	echo "   one frame repeated $BENCH_COST_REPEAT times (warm caches), median of 5 runs"
	echo "   entries  loaded in   miss (forwarded)  listed /32 (dropped)  in listed prefix"
	for s in 0 10k 1m; do
		printf '   %-7s  %7s ms  %16s  %20s  %16s\n' "${R[entries_$s]}" "${R[load_$s]}" \
			"${R[cost_${s}_MISS]}" "${R[cost_${s}_HIT32]:--}" \
			"${R[cost_${s}_HITNET]:--}"
	done
	worst=$(printf '%s\n' "${R[cost_1m_MISS]}" "${R[cost_1m_HIT32]}" "${R[cost_1m_HITNET]}" |
		tr -d '!' | sort -n | tail -n1)
	mark "$(awk -v w="$worst" 'BEGIN { print (w <= 100) ? 1 : 0 }')"
	echo "   target <= 100 ns per packet at 1M entries (worst ${worst} ns): $MARK"
	echo "   the same program under the traffic of 1. (kernel BPF run-time statistics):"
	echo "   0 entries ${R[live_0]} ns, 10k ${R[live_10k]} ns, 1M ${R[live_1m]} ns per packet"
	echo "   (for scale, the sink's count-and-drop program measured the same way:" \
		"${R[live_sink_1m]} ns)"
}

report_reload() {
	local med worst lost=${R[reload_lost]} times cpu
	read -ra times <<<"${R[reload_ms]}"
	read -ra cpu <<<"${R[reload_cpu]}"
	med=$(median "${times[@]}")
	worst=$(printf '%s\n' "${times[@]}" | sort -n | tail -n1)
	mark $(((med <= 2000 && lost == 0) ? 1 : 0))
	echo "3. Reload of ${R[reload_entries]} entries, $BENCH_RELOAD_RATE frames/s of unlisted" \
		"traffic crossing the UTM"
	echo "   first load (utm-load start): ${R[load_1m]} ms"
	echo "   5 reloads (file replaced, SIGHUP, file, SIGHUP, file), ms in utm-load:" \
		"${R[reload_ms]# }"
	echo "   CPU time utm-load used for each: ${R[reload_cpu]# } (10 ms resolution)"
	if [ "$med" -gt $(($(median "${cpu[@]}") * 3 / 2)) ]; then
		echo "   (wall time well above CPU time: utm-load waited for a CPU others used)"
	fi
	echo "   frames over the ${R[reload_secs]} s around the reloads: sent ${R[reload_sent]}," \
		"lost ${R[reload_lost]}"
	echo "   (3 s without a reload: sent ${R[reload_base_sent]}, lost ${R[reload_base_lost]})"
	echo "   target reload <= 2 s with zero loss (median ${med} ms, worst ${worst} ms," \
		"${R[reload_lost]} lost): $MARK"
}

report() {
	local cpu mem
	cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
	mem=$(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo)
	TARGETS_MET=0
	echo "UTM benchmark $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "machine: $cpu, $(nproc) CPUs, $mem, Linux $(uname -r)"
	echo "load average at start: $LOAD_START, at end: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "list: $(head -n1 "$LISTS/summary.txt")"
	sed -n 's/^/      /; 2p' "$LISTS/summary.txt"
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
