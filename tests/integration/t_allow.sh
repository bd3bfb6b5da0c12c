#!/bin/bash
# Allowlist entries win over block entries, whichever is more specific:
# an allowed /32 inside a blocked prefix, and an allowed prefix around a
# blocked /32. Allowed traffic is counted, not reported as a block.
. "$(dirname "$0")/common.sh"
t_require_utm
LAB_FORWARDER=none lab_up || exit 1
printf '198.51.100.200\n203.0.113.64/30 # a partner network\n' >"$LAB_RUN/allow.txt"
lab_start_utm --block "$LAB_REPO/tests/fixtures/lists/demo-block.txt" \
	--allow "$LAB_RUN/allow.txt" || exit 1
t_wait_loaded || exit 1

check "an allowed /32 inside a blocked /25 passes" ping4_ok 198.51.100.200
check "an address in an allowed /30 around a blocked /32 passes" ping4_ok 203.0.113.66
# (198.51.100.201 has no host: the drop event proves it was the blocklist.)
ping4_ok 198.51.100.201
check "the rest of the blocked /25 stays blocked" eve_wait '.dest_ip == "198.51.100.201"' 1
check_fails "blocked IPv6 is unaffected" ping6_ok 2001:db8:bad::66
check "allowlisted frames are counted" test "$(port_counter lan allowlisted)" -ge 2
check "allowlisted frames are counted inbound too" test "$(port_counter wan allowlisted)" -ge 2
check_eq "no block event for allowed traffic" 0 \
	"$(eve_count '.dest_ip == "198.51.100.200" or .dest_ip == "203.0.113.66"')"
why=$(ctl --json why 203.0.113.66)
check_eq "why: allowed" "allowed (allowlist wins)" "$(jq -r .outbound.verdict <<<"$why")"
check_eq "why: names the allow entry" 203.0.113.64/30 "$(jq -r .outbound.allow.entry <<<"$why")"
check_eq "why: and the block it overrides" 203.0.113.66 "$(jq -r .outbound.block.entry <<<"$why")"
check_eq "why: allow entry's source line" "$LAB_RUN/allow.txt:2" \
	"$(jq -r .outbound.allow.source <<<"$why")"
t_done
