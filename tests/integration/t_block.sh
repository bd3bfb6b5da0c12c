#!/bin/bash
# IP blocklists in both directions, IPv4 and IPv6, /32 and prefixes: blocked
# traffic is dropped with exactly one event naming the list; direction-only
# lists apply only in their direction; unlisted traffic passes; utm-ctl why
# and bpftool explain the block.
. "$(dirname "$0")/common.sh"
t_require_utm
LAB_FORWARDER=none lab_up || exit 1

# The demo list in both directions, plus an outbound-only list holding
# 203.0.113.67 (a LAN device may not reach it, but it is not refused as a
# source of inbound traffic).
echo "203.0.113.67" >"$LAB_RUN/out-only.txt"
cat >"$LAB_RUN/utm.yaml" <<YAML
lists:
  - name: demo
    file: $LAB_REPO/tests/fixtures/lists/demo-block.txt
    direction: both
  - name: c2-out
    file: $LAB_RUN/out-only.txt
    direction: outbound
    severity: 3
YAML
lab_start_utm --config "$LAB_RUN/utm.yaml" || exit 1
t_wait_loaded || exit 1

# Unlisted traffic still flows (so the checks below can fail).
check "lan reaches the web server" ping4_ok "$LAB_WEB_IP4"
check "lan reaches the web server over IPv6" ping6_ok "$LAB_WEB_IP6"

# Outbound: the LAN host cannot reach listed destinations.
check_fails "outbound to a listed /32 is dropped" ping4_ok 203.0.113.66
check_fails "outbound into a listed /25 is dropped" ping4_ok 198.51.100.200
check_fails "outbound to a listed /128 is dropped" ping6_ok 2001:db8:bad::66
check_fails "outbound into a listed /64 is dropped" ping6_ok 2001:db8:bad:1::5
check_fails "outbound to an outbound-only entry is dropped" ping4_ok 203.0.113.67

# Inbound: listed sources on the WAN side cannot reach the LAN host.
wan_ping() { lab_wan ping -c 1 -W 1 -I "$1" "$2" >/dev/null 2>&1; }
check_fails "inbound from a listed /32 is dropped" wan_ping 203.0.113.66 "$LAB_LAN_IP4"
check_fails "inbound from a listed /25 is dropped" wan_ping 198.51.100.200 "$LAB_LAN_IP4"
check_fails "inbound from a listed /128 is dropped" wan_ping 2001:db8:bad::66 "$LAB_LAN_IP6"
check_fails "inbound from a listed /64 is dropped" wan_ping 2001:db8:bad:1::5 "$LAB_LAN_IP6"
check "inbound from an unlisted source passes" wan_ping 198.51.100.10 "$LAB_LAN_IP4"

# Exactly one event per blocked packet above, each with the right fields.
ev() { eve_count "$1"; }
ICMP4='.proto == "ICMP" and .icmp_type == 8'
ICMP6='.proto == "IPv6-ICMP" and .icmp_type == 128'
OUT='.utm.direction == "outbound" and .utm.function == "ips_outbound" and .in_iface == "lan"'
IN='.utm.direction == "inbound" and .utm.function == "ips_inbound" and .in_iface == "wan"'
DEMO='.utm.list == "demo" and .event_type == "drop" and .drop.reason == "blocklist"'
eve_wait 'true' 9
check_eq "one event: outbound /32" 1 "$(ev "$OUT and $DEMO and $ICMP4 and .dest_ip == \"203.0.113.66\" and .src_ip == \"$LAB_LAN_IP4\" and .utm.device.mac == \"$LAB_LAN_MAC\" and .ether.src_mac == \"$LAB_LAN_MAC\" and .utm.stars == \"★★\"")"
check_eq "one event: outbound /25" 1 "$(ev "$OUT and $DEMO and $ICMP4 and .dest_ip == \"198.51.100.200\"")"
check_eq "one event: outbound /128" 1 "$(ev "$OUT and $DEMO and $ICMP6 and .dest_ip == \"2001:db8:bad::66\"")"
check_eq "one event: outbound /64" 1 "$(ev "$OUT and $DEMO and $ICMP6 and .dest_ip == \"2001:db8:bad:1::5\"")"
check_eq "one event: outbound-only list, severity 3" 1 "$(ev "$OUT and .utm.list == \"c2-out\" and .utm.severity == 3 and .utm.stars == \"★★★\" and .dest_ip == \"203.0.113.67\"")"
check_eq "one event: inbound /32" 1 "$(ev "$IN and $DEMO and $ICMP4 and .src_ip == \"203.0.113.66\" and .dest_ip == \"$LAB_LAN_IP4\" and .utm.device.mac == \"$LAB_LAN_MAC\" and .ether.dest_mac == \"$LAB_LAN_MAC\"")"
check_eq "one event: inbound /25" 1 "$(ev "$IN and $DEMO and $ICMP4 and .src_ip == \"198.51.100.200\"")"
check_eq "one event: inbound /128" 1 "$(ev "$IN and $DEMO and $ICMP6 and .src_ip == \"2001:db8:bad::66\"")"
check_eq "one event: inbound /64" 1 "$(ev "$IN and $DEMO and $ICMP6 and .src_ip == \"2001:db8:bad:1::5\"")"
check_eq "no other events" 9 "$(ev 'true')"

# The outbound-only entry does not block 203.0.113.67 as an inbound source:
# the echo request reaches the LAN host; only its reply is dropped (outbound).
before=$(ev '.utm.list == "c2-out"')
wan_ping 203.0.113.67 "$LAB_LAN_IP4"
eve_wait ".utm.list == \"c2-out\"" $((before + 1))
check_eq "outbound-only list: the inbound request passes, the reply is dropped" 1 \
	"$(ev ".utm.list == \"c2-out\" and .utm.direction == \"outbound\" and .src_ip == \"$LAB_LAN_IP4\" and .icmp_type == 0")"
check_eq "outbound-only list: never an inbound drop" 0 "$(ev '.utm.list == "c2-out" and .utm.direction == "inbound"')"

# Counters agree with what was dropped.
check_eq "lan port counted 6 blocklist drops" 6 "$(port_counter lan dropped_blocklist)"
check_eq "wan port counted 4 blocklist drops" 4 "$(port_counter wan dropped_blocklist)"
check_eq "demo list has 8 hits" 8 "$(ctl --json lists | jq '.[] | select(.name == "demo") | .hits')"

# utm-ctl why names the entry, the list and the source line.
why=$(ctl --json why 198.51.100.200)
check_eq "why: blocked outbound" blocked "$(jq -r .outbound.verdict <<<"$why")"
check_eq "why: the /25 entry" 198.51.100.128/25 "$(jq -r .outbound.block.entry <<<"$why")"
check_eq "why: source file and line" "$LAB_REPO/tests/fixtures/lists/demo-block.txt:8" \
	"$(jq -r .outbound.block.source <<<"$why")"
why=$(ctl --json why 203.0.113.67)
check_eq "why: outbound-only entry blocks outbound" blocked "$(jq -r .outbound.verdict <<<"$why")"
check_eq "why: outbound-only entry not inbound" "not listed" "$(jq -r .inbound.verdict <<<"$why")"
check_eq "why: unlisted address" "not listed" "$(ctl --json why 198.51.100.10 | jq -r .outbound.verdict)"

# bpftool prints readable keys and values from the pins.
dump=$(bpftool map dump pinned "$LAB_PIN_ROOT/ip4_block" 2>&1)
check "bpftool: ip4_block key is a readable address" grep -q '"addr": \[203,0,113,66' <<<"$dump"
check "bpftool: ip4_block value names list ids" grep -q '"list_in": ' <<<"$dump"
dump=$(bpftool map dump pinned "$LAB_PIN_ROOT/ip4_block_net" 2>&1)
check "bpftool: LPM key has prefixlen" grep -q '"prefixlen": 25' <<<"$dump"
dump=$(bpftool map dump pinned "$LAB_PIN_ROOT/list_info" 2>&1)
check "bpftool: list_info names the lists" grep -q '"name": "c2-out"' <<<"$dump"
dump=$(bpftool map dump pinned "$LAB_PIN_ROOT/port_stats" 2>&1)
check "bpftool: port_stats has named counters" grep -q '"dropped_blocklist": {' <<<"$dump"

# Runtime entries: utm-ctl add blocks at once and survives a reload.
check "utm-ctl add" ctl add 198.51.100.10
check_fails "runtime block takes effect" ping4_ok "$LAB_WEB_IP4"
check_eq "why: runtime entry" runtime-block "$(ctl --json why 198.51.100.10 | jq -r .outbound.block.list)"
t_reload
check_fails "runtime block survives a reload" ping4_ok "$LAB_WEB_IP4"
check "utm-ctl remove" ctl remove 198.51.100.10
check "removed runtime entry no longer blocks" ping4_ok "$LAB_WEB_IP4"
check_fails "remove of a list entry is refused" ctl remove 203.0.113.66
t_done
