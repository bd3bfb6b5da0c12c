#!/bin/bash
# bench/lib.sh: the benchmark's own minimal topology, sourced by bench/run.sh.
#
#   src ─ eth0 ══ lan [ box ] wan ══ eth0 ─ dst
#   (utm-gen send)    UTM, Linux bridge      (utm-gen sink: count + drop)
#                     or the sink itself
#
# No addresses, servers or VLAN glue as in tests/lab.sh: only what forwards
# the generator's frames, so nothing else competes for the CPU. IPv6 is off
# everywhere so that no host sends router solicitations or MLD reports into
# the counts. Every name carries a random run id; bench_down (the EXIT trap)
# removes namespaces, pins, processes and files, whatever happened.

BENCH_SRC_MAC=02:b0:00:00:00:10
BENCH_DST_MAC=02:b0:00:00:00:20

bench_log() { echo "bench[$BENCH_ID]: $*" >&2; }
bench_die() {
	echo "bench[$BENCH_ID]: error: $*" >&2
	exit 1
}

bench_names() {
	BENCH_ID=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
	BENCH_RUN=/tmp/utm-bench-$BENCH_ID
	NS_SRC=utm-bench-$BENCH_ID-src
	NS_BOX=utm-bench-$BENCH_ID-box
	NS_DST=utm-bench-$BENCH_ID-dst
	PIN_UTM=/sys/fs/bpf/utm-bench-$BENCH_ID
	PIN_SINK=/sys/fs/bpf/utm-bench-$BENCH_ID-sink
	PIN_SINK_LAN=/sys/fs/bpf/utm-bench-$BENCH_ID-sinklan
	BENCH_PIDS=()
}

in_src() { nsenter --net="/run/netns/$NS_SRC" "$@"; }
in_box() { nsenter --net="/run/netns/$NS_BOX" "$@"; }
in_dst() { nsenter --net="/run/netns/$NS_DST" "$@"; }

# Start CMD in namespace NS in the background; its PID in SPAWNED_PID. exec
# (nsenter execs too) makes $! the command's own PID, so signals reach it.
# Redirections are the caller's: spawn_in NS CMD... >out 2>err.
spawn_in() {
	local ns=$1
	shift
	(exec nsenter --net="/run/netns/$ns" "$@") &
	SPAWNED_PID=$!
	BENCH_PIDS+=("$SPAWNED_PID")
}

# Stop one of our background processes by PID, politely then firmly.
bench_kill() {
	local pid=$1 i
	kill -0 "$pid" 2>/dev/null || {
		wait "$pid" 2>/dev/null
		return 0
	}
	kill -TERM "$pid" 2>/dev/null
	for ((i = 0; i < 50; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}

bench_down() {
	local rc=$? pid ns
	set +e
	trap - EXIT INT TERM HUP
	if [ "$rc" != 0 ] && [ -d "$BENCH_RUN" ]; then
		rm -rf "$BUILD/bench-failed"
		mkdir -p "$BUILD/bench-failed"
		cp -p "$BENCH_RUN"/*.log "$BENCH_RUN"/*.json "$BUILD/bench-failed/" 2>/dev/null
		echo "bench[$BENCH_ID]: failed; logs kept in $BUILD/bench-failed" >&2
	fi
	for pid in "${BENCH_PIDS[@]}"; do
		bench_kill "$pid"
	done
	if [ -e "/run/netns/$NS_BOX" ] && [ -d "$PIN_UTM" ]; then
		in_box "$BUILD/utm-load" --detach --pin-root "$PIN_UTM" \
			--state-dir "$BENCH_RUN/state" >/dev/null 2>&1
	fi
	"$BUILD/utm-gen" sink detach --pin "$PIN_SINK" 2>/dev/null
	"$BUILD/utm-gen" sink detach --pin "$PIN_SINK_LAN" 2>/dev/null
	for ns in "$NS_SRC" "$NS_BOX" "$NS_DST"; do
		[ -e "/run/netns/$ns" ] && ip netns del "$ns"
	done
	case "$PIN_UTM" in
	/sys/fs/bpf/utm-bench-?*) rm -rf "$PIN_UTM" "$PIN_SINK" "$PIN_SINK_LAN" ;;
	esac
	case "$BENCH_RUN" in
	/tmp/utm-bench-?*) rm -rf "$BENCH_RUN" ;;
	esac
}

# One end of a wire: a veth pair from a host namespace's eth0 to a box port.
# GRO on both ends gives each veth NAPI, without which frames XDP-redirected
# into a veth are dropped on the peer; XDP programs, where attached, do too.
bench_wire() {
	local ns=$1 mac=$2 port=$3
	ip -n "$ns" link add eth0 address "$mac" type veth peer name "$port" netns "$NS_BOX"
	nsenter --net="/run/netns/$ns" ethtool -K eth0 gro on >/dev/null
	in_box ethtool -K "$port" gro on >/dev/null
	ip -n "$ns" link set eth0 up
	ip -n "$NS_BOX" link set "$port" up
}

bench_up() {
	local ns
	mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
	mkdir -m 0700 "$BENCH_RUN"
	trap bench_down EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	trap 'exit 129' HUP
	for ns in "$NS_SRC" "$NS_BOX" "$NS_DST"; do
		ip netns add "$ns"
		ip -n "$ns" link set lo up
		nsenter --net="/run/netns/$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1
	done
	bench_wire "$NS_SRC" "$BENCH_SRC_MAC" lan
	bench_wire "$NS_DST" "$BENCH_DST_MAC" wan
	in_dst "$BUILD/utm-gen" sink attach --dev eth0 --pin "$PIN_SINK"
}

# Frames counted by the sink pinned at DIR.
sink_count() { "$BUILD/utm-gen" sink read --pin "$1" | cut -d' ' -f1; }

# Median of the arguments (numbers); of an even count, the mean of the middle two.
median() {
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
		END { m = int((NR + 1) / 2); printf "%.0f\n", (v[m] + v[NR - m + 1]) / 2 }'
}
