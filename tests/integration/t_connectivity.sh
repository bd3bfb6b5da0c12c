#!/bin/bash
# Connectivity through the box: whatever the forwarder, an office must keep
# working exactly as with a plain wire. ARP, neighbour discovery, VLAN tags,
# broadcast and multicast must cross; ping, DNS and HTTP (v4 and v6) work.
#
#   tests/integration/t_connectivity.sh [BUILD_DIR]        (LAB_FORWARDER=utm)
#   LAB_FORWARDER=bridge tests/integration/t_connectivity.sh
#
# Prints `ok - NAME` / `not ok - NAME` per check; exits 1 if any failed,
# 77 when the lab cannot run here.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lab.sh
. "$HERE/../lab.sh"
# shellcheck source=../check.sh
. "$HERE/../check.sh"
LAB_BUILD=${LAB_BUILD:-${1:-$LAB_REPO/build}}
LAB_FORWARDER=${LAB_FORWARDER:-utm}
lab_require
lab_up

# Strict: every echo must be answered (-w is the deadline for all of them).
ping_ok() {
	local where=$1
	shift
	"lab_$where" ping -n -c 3 -i 0.2 -w 5 "$@"
}

# Forget every neighbour on both sides, so the next packet has to resolve
# the address again across the box.
flush_neigh() {
	lab_lan ip neigh flush all
	lab_wan ip neigh flush all
}

# The neighbour table of the LAN host holds a usable entry with the right MAC.
neigh_ok() {
	local ip=$1 mac=$2 entry
	entry=$(lab_lan ip neigh show "$ip" dev eth0)
	echo "neighbour entry: ${entry:-none}"
	grep -qiE "lladdr $mac .*(REACHABLE|STALE|DELAY|PROBE)" <<<"$entry"
}

arp_ok() {
	flush_neigh
	# arping exits 0 only when a reply came; the reply must be the gateway's.
	# (Output kept in a variable: grep -q in a pipe would SIGPIPE the writer.)
	local out
	out=$(lab_lan arping -c 2 -w 3 -I eth0 "$LAB_GW_IP4") || {
		echo "$out"
		return 1
	}
	echo "$out"
	grep -qi "\[$LAB_GW_MAC\]" <<<"$out"
}

arp_neigh_ok() {
	flush_neigh
	ping_ok lan "$LAB_GW_IP4" >/dev/null
	neigh_ok "$LAB_GW_IP4" "$LAB_GW_MAC"
}

nd_ok() {
	flush_neigh
	# One solicitation round trip: ndisc6 prints the target's MAC.
	local out
	out=$(lab_lan ndisc6 -1 -r 3 -w 1000 "$LAB_GW_IP6" eth0) || {
		echo "$out"
		return 1
	}
	echo "$out"
	grep -qi "$LAB_GW_MAC" <<<"$out"
}

nd_neigh_ok() {
	flush_neigh
	ping_ok lan "$LAB_GW_IP6" >/dev/null
	neigh_ok "$LAB_GW_IP6" "$LAB_GW_MAC"
}

# Send one broadcast and one multicast UDP frame from the LAN host (raw, with
# scapy) and capture them on the router's eth0.
bcast_mcast_capture() {
	local cap=$LAB_RUN/bcast.txt err=$LAB_RUN/bcast.err pid i
	: >"$cap"
	: >"$err"
	lab_wan timeout 10 tcpdump -i eth0 -n -e -l -c 2 \
		'udp and (dst port 40001 or dst port 40002)' >"$cap" 2>"$err" &
	pid=$!
	lab_defer "kill $pid 2>/dev/null"
	for ((i = 0; i < 50; i++)); do
		grep -q "listening on" "$err" && break
		sleep 0.1
	done
	lab_lan /usr/bin/python3 - "$LAB_LAN_MAC" "$LAB_LAN_IP4" <<-'EOF'
		import sys
		from scapy.all import Ether, IP, UDP, Raw, sendp
		mac, ip = sys.argv[1], sys.argv[2]
		frames = [
		    Ether(src=mac, dst="ff:ff:ff:ff:ff:ff") / IP(src=ip, dst="255.255.255.255")
		    / UDP(sport=40000, dport=40001) / Raw(b"utm-lab broadcast"),
		    Ether(src=mac, dst="01:00:5e:01:02:03") / IP(src=ip, dst="239.1.2.3", ttl=1)
		    / UDP(sport=40000, dport=40002) / Raw(b"utm-lab multicast"),
		]
		sendp(frames, iface="eth0", verbose=False)
	EOF
	wait "$pid" || true
}

bcast_ok() { grep -E "> ff:ff:ff:ff:ff:ff.*\.40001: UDP" "$LAB_RUN/bcast.txt"; }
mcast_ok() { grep -E "> 01:00:5e:01:02:03.*239\.1\.2\.3\.40002: UDP" "$LAB_RUN/bcast.txt"; }

dns_ok() {
	local name=$1 type=$2 want=$3 got
	got=$(lab_lan dig +short +time=2 +tries=2 @"$LAB_DNS_IP4" "$name" "$type")
	echo "dig $name $type: ${got:-no answer} (want $want)"
	[ "$got" = "$want" ]
}

# Download big.bin and compare its sha256 with the server's copy.
http_sha_ok() {
	local url=$1 out=$LAB_RUN/download.bin want got
	rm -f "$out"
	lab_lan curl -sS --fail --max-time 30 -o "$out" "$url"
	want=$(cut -d' ' -f1 "$LAB_RUN/www/big.bin.sha256")
	got=$(sha256sum "$out" | cut -d' ' -f1)
	echo "size $(stat -c %s "$out"), sha256 $got (server $want)"
	[ "$got" = "$want" ]
}

echo "# forwarder: $LAB_FORWARDER, lab $LAB_ID"
check "ping v4 LAN host -> gateway" ping_ok lan "$LAB_GW_IP4"
check "ping v6 LAN host -> gateway" ping_ok lan "$LAB_GW_IP6"
check "ping v4 LAN host -> internet web server" ping_ok lan "$LAB_WEB_IP4"
check "ping v6 LAN host -> internet web server" ping_ok lan "$LAB_WEB_IP6"
check "full-size frame v4 (1500 bytes, DF)" ping_ok lan -M do -s 1472 "$LAB_GW_IP4"
check "full-size frame v6 (1500 bytes)" ping_ok lan -M do -s 1452 "$LAB_GW_IP6"
flush_neigh
check "ping v4 WAN -> LAN host (after neighbour flush)" ping_ok wan "$LAB_LAN_IP4"
check "ping v6 WAN -> LAN host (after neighbour flush)" ping_ok wan "$LAB_LAN_IP6"
check "ARP: arping gets the gateway's reply" arp_ok
check "ARP: neighbour entry for the gateway after ping" arp_neigh_ok
check "IPv6 ND: ndisc6 resolves the gateway" nd_ok
check "IPv6 ND: neighbour entry for the gateway after ping" nd_neigh_ok
check "VLAN $LAB_VLAN_ID: ping LAN host -> gateway over eth0.$LAB_VLAN_ID" \
	ping_ok lan "$LAB_GW_VLAN_IP4"
check "VLAN $LAB_VLAN_ID: ping gateway -> LAN host" ping_ok wan "$LAB_LAN_VLAN_IP4"
bcast_mcast_capture
check "broadcast frame crosses the box" bcast_ok
check "multicast frame crosses the box" mcast_ok
check "DNS A answer" dns_ok www.example.test A "$LAB_WEB_IP4"
check "DNS AAAA answer" dns_ok www.example.test AAAA "$LAB_WEB_IP6"
check "HTTP v4: 8 MiB download, sha256 matches" http_sha_ok "http://$LAB_WEB_IP4/big.bin"
check "HTTP v6: 8 MiB download, sha256 matches" http_sha_ok "http://[$LAB_WEB_IP6]/big.bin"

check_done
