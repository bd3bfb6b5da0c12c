#!/bin/bash
# Frames for the UTM itself reach its own stack (portal, SSH), while all
# other traffic on that port is still bridged: give the box's lan port an
# address, then ping it over IPv4 and IPv6 and fetch a page from it.
. "$(dirname "$0")/common.sh"
t_require_utm
LAB_FORWARDER=none lab_up || exit 1

lab_box ip addr add 10.99.0.2/24 dev lan
lab_box sysctl -qw net.ipv6.conf.lan.disable_ipv6=0
lab_box ip addr add fd99::2/64 dev lan nodad
mkdir -p "$LAB_RUN/portal"
echo "utm portal $LAB_ID" >"$LAB_RUN/portal/index.html"
lab_box /usr/bin/python3 -m http.server --bind 10.99.0.2 --directory "$LAB_RUN/portal" 8080 \
	>"$LAB_RUN/portal.log" 2>&1 &
portal=$!
lab_defer "kill $portal 2>/dev/null; wait $portal 2>/dev/null"
lab_start_utm || exit 1
t_wait_loaded || exit 1

check "the LAN host pings the UTM" ping4_ok 10.99.0.2
check "the LAN host pings the UTM over IPv6" ping6_ok fd99::2
for ((i = 0; i < 30; i++)); do
	lab_lan curl -s -m 2 -o /dev/null "http://10.99.0.2:8080/" && break
	sleep 0.1
done
check_eq "the UTM's own web server answers" "utm portal $LAB_ID" \
	"$(lab_lan curl -s -m 5 http://10.99.0.2:8080/index.html)"
check "traffic for others is still bridged" ping4_ok "$LAB_GW_IP4"
check "frames for the UTM were counted as to_host" test "$(port_counter lan to_host)" -gt 0
check_eq "nothing for the UTM went to the wan side" 0 "$(port_counter wan to_host)"
t_done
