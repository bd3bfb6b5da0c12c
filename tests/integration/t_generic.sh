#!/bin/bash
# Generic (skb) XDP mode, the fallback for NICs without native XDP, bridges
# and blocks the same way, and says so in the status.
. "$(dirname "$0")/common.sh"
t_require_utm
LAB_UTM_ARGS="--xdp-mode generic --block tests/fixtures/lists/demo-block.txt" lab_up || exit 1
t_wait_loaded || exit 1

check_eq "status names the mode" "generic generic" \
	"$(ctl --json status | jq -r '[.ports[].xdp_mode] | join(" ")')"
check "the log names the mode" grep -q "attached to lan in generic mode" "$LAB_RUN/utm-load.log"
check "ping through the generic bridge" ping4_ok "$LAB_WEB_IP4"
check "IPv6 through the generic bridge" ping6_ok "$LAB_WEB_IP6"
want=$(cut -d' ' -f1 "$LAB_RUN/www/big.bin.sha256")
got=$(lab_lan curl -s -m 20 "http://$LAB_WEB_IP4/big.bin" | sha256sum | cut -d' ' -f1)
check_eq "download through the generic bridge is intact" "$want" "$got"
check_fails "blocking in generic mode" ping4_ok 203.0.113.66
t_done
