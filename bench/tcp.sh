#!/bin/bash
# bench/tcp.sh BUILD_DIR: a plain TCP transfer through the UTM versus a
# cable (a direct veth pair) and a Linux bridge, with iperf3, in one run.
# The issue's requirement: "as fast as through a cable within measurement
# noise". Prints Gbit/s (median of BENCH_REPEAT runs of BENCH_SECONDS) and
# the ratios, twice: with the client's link shaped to a real wire's rate
# (BENCH_LINK, default 1gbit: the box's job) and unshaped (veth at CPU
# speed, where the skb paths win by GRO aggregation, which XDP forgoes).
# Every name carries a random id; the EXIT trap removes all.
set -euo pipefail
BUILD=$(cd "${1:-build}" && pwd)
SECONDS_PER_RUN=${BENCH_SECONDS:-5}
REPEAT=${BENCH_REPEAT:-3}
ID=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
C=utm-tcp-$ID-c S=utm-tcp-$ID-s B=utm-tcp-$ID-b
PIN=/sys/fs/bpf/utm-tcp-$ID
RUN=/tmp/utm-tcp-$ID
PIDS=()

cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
	for n in $C $S $B; do ip netns del "$n" 2>/dev/null || true; done
	rm -rf "$PIN" "$RUN"
}
trap cleanup EXIT
mkdir -p "$RUN"
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf

in_ns() { nsenter --net="/run/netns/$1" "${@:2}"; }

# host NS IFNAME ADDR: configure one end the way the lab does (tx checksum
# in software, as on a wire, so that XDP-redirected TCP is valid).
host() {
	in_ns "$1" ip link set lo up
	in_ns "$1" ip link set "$2" up
	in_ns "$1" ip addr add "$3/24" dev "$2"
	in_ns "$1" ethtool -K "$2" gro on tx off >/dev/null
}

# topology MODE: cable | bridge | utm
topology() {
	for n in $C $S $B; do ip netns del "$n" 2>/dev/null || true; done
	ip netns add $C
	ip netns add $S
	if [ "$1" = cable ]; then
		ip -n $C link add eth0 type veth peer name eth0 netns $S
	else
		ip netns add $B
		ip -n $B link add lan type veth peer name eth0 netns $C
		ip -n $B link add wan type veth peer name eth0 netns $S
		for p in lan wan; do
			in_ns $B ethtool -K $p gro on >/dev/null
			ip -n $B link set $p up
		done
	fi
	host $C eth0 10.77.0.1
	host $S eth0 10.77.0.2
	if [ -n "$LINK" ]; then
		in_ns $C tc qdisc add dev eth0 root tbf rate "$LINK" burst 256k latency 20ms
	fi
	case $1 in
	bridge)
		ip -n $B link add br0 type bridge stp_state 0 forward_delay 0
		ip -n $B link set lan master br0
		ip -n $B link set wan master br0
		ip -n $B link set br0 up
		;;
	utm)
		rm -rf "$PIN"
		in_ns $B "$BUILD/utm-load" --lan lan --wan wan --pin-root "$PIN" \
			--state-dir "$RUN/state" --event-log "$RUN/eve.json" --once \
			>"$RUN/utm-load.log" 2>&1
		;;
	esac
}

# One iperf3 run: Gbit/s received.
measure() {
	local out
	in_ns $S iperf3 -s -1 -B 10.77.0.2 >/dev/null 2>&1 &
	PIDS+=($!)
	sleep 0.3
	out=$(in_ns $C iperf3 -c 10.77.0.2 -t "$SECONDS_PER_RUN" -J)
	wait "${PIDS[-1]}" 2>/dev/null || true
	jq '.end.sum_received.bits_per_second / 1e9' <<<"$out"
}

median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

declare -A RESULT
compare() {
	LINK=$1
	echo "TCP, one iperf3 stream, client link ${LINK:-unshaped veth}:"
	for mode in cable bridge utm; do
		topology $mode
		runs=()
		for ((i = 0; i < REPEAT; i++)); do runs+=("$(measure)"); done
		RESULT[$mode]=$(median "${runs[@]}")
		printf '  %-7s %6.3f Gbit/s  (runs: %s)\n' "$mode" "${RESULT[$mode]}" \
			"$(printf '%.3f ' "${runs[@]}")"
		if [ $mode = utm ]; then
			in_ns $B "$BUILD/utm-load" --detach --pin-root "$PIN" \
				--state-dir "$RUN/state" >/dev/null 2>&1
		fi
	done
	awk -v u="${RESULT[utm]}" -v c="${RESULT[cable]}" -v b="${RESULT[bridge]}" 'BEGIN {
		printf "  utm/cable %.3f   utm/bridge %.3f\n", u / c, u / b }'
}
compare "${BENCH_LINK-1gbit}"
compare ""
