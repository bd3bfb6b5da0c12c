#!/bin/bash
# Restarting or killing utm-load never interrupts traffic: after kill -9 the
# pinned links keep bridging and blocking, a download in flight completes,
# and a new utm-load adopts the running bridge with its counters. Then
# --detach removes programs, links and pins, leaving plain ports.
. "$(dirname "$0")/common.sh"
t_require_utm
LAB_UTM_ARGS="--block tests/fixtures/lists/demo-block.txt" lab_up || exit 1
t_wait_loaded || exit 1

sha_of() { sha256sum "$1" | cut -d' ' -f1; }
want=$(cut -d' ' -f1 "$LAB_RUN/www/big.bin.sha256")
lab_lan curl -sS -m 30 --limit-rate 2M -o "$LAB_RUN/dl.bin" "http://$LAB_WEB_IP4/big.bin" &
dl=$!
sleep 1
rx_before=$(port_counter lan rx)
kill -KILL "$LAB_UTM_PID"
wait "$LAB_UTM_PID" 2>/dev/null
rm -f "$LAB_RUN/utm-load.pid"
check "pings flow while utm-load is dead" ping4_ok "$LAB_GW_IP4"
check_fails "blocking continues while utm-load is dead" ping4_ok 203.0.113.66
check "the pinned links remain" test -e "$LAB_PIN_ROOT/link_lan" -a -e "$LAB_PIN_ROOT/link_wan"
wait "$dl"
check_eq "a download across kill -9 completes intact" "$want" "$(sha_of "$LAB_RUN/dl.bin")"

# A new utm-load adopts the bridge: same maps, counters carry on.
loads=$(t_loads)
lab_start_utm || exit 1
t_wait_loaded "$loads"
check "the new utm-load adopted the running bridge" grep -q "adopted the running bridge on lan" \
	"$LAB_RUN/utm-load.log"
rx_after=$(port_counter lan rx)
check "counters survived the restart ($rx_before -> $rx_after)" test "$rx_after" -gt "$rx_before"
check "forwarding after the restart" ping4_ok "$LAB_WEB_IP4"
check_fails "blocking after the restart" ping4_ok 203.0.113.66

# A runtime prefix takes effect at once, /24 bitmap included (203.0.113.0/24
# holds no prefix yet, so its bit starts clear).
check "utm-ctl add of a prefix" ctl add 203.0.113.64/29
check_fails "the runtime prefix blocks at once" ping4_ok 203.0.113.67
check "utm-ctl remove of the prefix" ctl remove 203.0.113.64/29
check "the removed prefix no longer blocks" ping4_ok 203.0.113.67

# A graceful stop also leaves the bridge running.
kill -TERM "$LAB_UTM_PID"
wait "$LAB_UTM_PID" 2>/dev/null
rm -f "$LAB_RUN/utm-load.pid"
check "forwarding after SIGTERM" ping4_ok "$LAB_WEB_IP4"

# --detach: nothing of ours is left, and the ports are plain again. Note
# the ids of our program and maps first, to see that the kernel frees them.
prog_ids=$(bpftool link show 2>/dev/null | grep -c xdp || true)
prog_id=$(bpftool link show pinned "$LAB_PIN_ROOT/link_lan" | sed -n 's/.*prog \([0-9]*\).*/\1/p')
map_ids=()
for m in "$LAB_PIN_ROOT"/*; do
	case $m in */link_*) continue ;; esac
	map_ids+=("$(bpftool map show pinned "$m" | sed -n '1s/^\([0-9]*\):.*/\1/p')")
done
check "utm-load --detach" lab_box "$LAB_BUILD/utm-load" --detach --pin-root "$LAB_PIN_ROOT" \
	--state-dir "$LAB_RUN/state"
check_fails "no pin root after --detach" test -e "$LAB_PIN_ROOT"
check_eq "no XDP program on the lan port" "" "$(lab_box ip -d link show lan | grep -o 'prog/xdp')"
check_eq "no XDP program on the wan port" "" "$(lab_box ip -d link show wan | grep -o 'prog/xdp')"
check "one XDP link fewer per port in the kernel" \
	test "$(bpftool link show 2>/dev/null | grep -c xdp || true)" -le $((prog_ids - 2))
check_fails "plain ports do not bridge" ping4_ok "$LAB_GW_IP4"
# The kernel frees objects after an RCU grace period: allow it a moment.
freed() {
	local id i
	for ((i = 0; i < 30; i++)); do
		bpftool prog show id "$prog_id" >/dev/null 2>&1 || break
		sleep 0.1
	done
	bpftool prog show id "$prog_id" >/dev/null 2>&1 && return 1
	for id in "${map_ids[@]}"; do
		for ((i = 0; i < 30; i++)); do
			bpftool map show id "$id" >/dev/null 2>&1 || break
			sleep 0.1
		done
		bpftool map show id "$id" >/dev/null 2>&1 && return 1
	done
	return 0
}
check "the program and all ${#map_ids[@]} maps are freed (prog $prog_id)" freed

# And it comes back from nothing.
loads=$(t_loads)
lab_start_utm || exit 1
t_wait_loaded "$loads"
check "a fresh attach bridges again" ping4_ok "$LAB_GW_IP4"
t_done
