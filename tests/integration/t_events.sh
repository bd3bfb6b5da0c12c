#!/bin/bash
# Block events are rate-limited per source and globally, and what is
# suppressed is counted, so a flood cannot drown the loader.
. "$(dirname "$0")/common.sh"
t_require_utm
LAB_FORWARDER=none lab_up || exit 1
cat >"$LAB_RUN/utm.yaml" <<YAML
events:
  rate-per-source: 2
  burst-per-source: 5
  rate-global: 5
  burst-global: 40
lists:
  - name: demo
    file: $LAB_REPO/tests/fixtures/lists/demo-block.txt
YAML
lab_start_utm --config "$LAB_RUN/utm.yaml" || exit 1
t_wait_loaded || exit 1

# flood N SRC_EXPR: N UDP frames to a blocked address, sent in one burst.
flood() {
	lab_lan /usr/bin/python3 - "$1" "$2" <<'PY'
import sys
from scapy.all import Ether, IP, UDP, sendp
n, src = int(sys.argv[1]), sys.argv[2]
pkts = [Ether(src="02:99:00:00:00:10", dst="02:99:00:00:00:01") /
        IP(src=eval(src, {"i": i}), dst="203.0.113.66") / UDP(sport=1024 + i, dport=53)
        for i in range(n)]
sendp(pkts, iface="eth0", verbose=False)
PY
}

# One source floods a blocked address.
flood 500 '"10.99.0.10"'
eve_wait 'true' 5
n=$(eve_count '.src_ip == "10.99.0.10"')
check "per-source flood gives at most burst + a few events ($n)" test "$n" -ge 5 -a "$n" -le 8
check_eq "every flood packet was dropped" 500 "$(port_counter lan dropped_blocklist)"
sup=$(ctl --json status | jq .events.suppressed_source)
check "suppressed events are counted ($sup)" test "$sup" -ge 490
sleep 1
lab_lan ping -q -c 1 -W 1 203.0.113.66 >/dev/null 2>&1
eve_wait '.utm.suppressed > 0' 1
check "the next event reports how many were suppressed" \
	test "$(jq -s '[.[] | .utm.suppressed] | max' "$LAB_RUN/eve.json")" -ge 490

# Many spoofed sources: the global limit holds.
flood 400 '"10.99.%d.%d" % (1 + i // 250, 1 + i % 250)'
sleep 0.5
spoofed=$(eve_count '(.src_ip | startswith("10.99.0.")) | not')
# The global bucket is per CPU (no cross-CPU atomics on the fast path).
max=$((40 * $(nproc) + 5))
check "400 spoofed sources give at most the global burst per CPU ($spoofed <= $max)" \
	test "$spoofed" -le "$max"
check "global suppression is counted" test "$(ctl --json status | jq .events.suppressed_global)" -ge 300
check_eq "none of them got through" 901 "$(port_counter lan dropped_blocklist)"
t_done
