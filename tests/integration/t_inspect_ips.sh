#!/bin/bash
# The IPS inline, in the lab, with real clients and servers: an inbound
# exploit-like request to a server in the office is rejected (the client
# sees the connection reset, the server never sees the request); an
# outbound beacon to a command-and-control server is reset and raises a
# ★★★ event naming the device (in utm-load's event log); a drop verdict entry takes the flow's rest
# in XDP; normal downloads pass byte-identical with the rules loaded.
. "$(dirname "$0")/common.sh"
t_require_inspect
lab_up || exit 1
t_wait_loaded || exit 1

# A web server in the office (the LAN host), for the inbound case.
mkdir -p "$LAB_RUN/lanwww"
echo "office page" >"$LAB_RUN/lanwww/hello.txt"
nsenter --net="/run/netns/$LAB_NS_LAN" /usr/bin/python3 -m http.server --bind "$LAB_LAN_IP4" \
	--directory "$LAB_RUN/lanwww" 80 </dev/null >"$LAB_RUN/lan-httpd.log" 2>&1 &
lan_httpd=$!
lab_defer "kill $lan_httpd 2>/dev/null; wait $lan_httpd 2>/dev/null"
for ((i = 0; i < 50; i++)); do
	lab_lan curl -s -m 1 -o /dev/null "http://$LAB_LAN_IP4/hello.txt" && break
	sleep 0.1
done

cat >"$LAB_RUN/classification.config" <<'CONF'
config classification: trojan-activity,A Network Trojan was detected,1
config classification: web-application-attack,Web Application Attack,1
CONF
cat >"$LAB_RUN/ips.rules" <<'RULES'
reject http $EXTERNAL_NET any -> $HOME_NET any (msg:"UTM TEST inbound path traversal"; flow:established,to_server; http.uri.raw; content:"/cgi-bin/"; content:"../"; distance:0; classtype:web-application-attack; sid:9000001; rev:1;)
reject dns $HOME_NET any -> any any (msg:"UTM TEST rejected lookup"; dns.query; content:"bad.example.test"; nocase; endswith; sid:9000004; rev:1;)
alert dns $HOME_NET any -> any any (msg:"UTM TEST lookup of a watched name"; dns.query; content:"www.example.test"; nocase; endswith; classtype:trojan-activity; sid:9000003; rev:1;)
reject http $HOME_NET any -> $EXTERNAL_NET any (msg:"UTM TEST C2 beacon"; flow:established,to_server; http.user_agent; content:"BeaconBot/"; startswith; classtype:trojan-activity; sid:9000002; rev:1;)
RULES
t_start_inspect --ports tcp:80,udp:53 --rules "$LAB_RUN/ips.rules" --eve "$LAB_RUN/eve.json" ||
	exit 1
check "utm-inspect loaded the rules" grep -q '4 rules loaded' "$LAB_RUN/utm-inspect.log"
# The inspector appends to utm-load's event log: one pipeline for the mail and the portal.
ievent() { jq -c "select($1)" "$LAB_RUN/eve.json" 2>/dev/null; }
ievent_wait() {
	local i
	for ((i = 0; i < 30; i++)); do
		[ -n "$(ievent "$1")" ] && return 0
		sleep 0.1
	done
	return 1
}

# --- inbound: an exploit-like request from the internet to the office's server
t0=$SECONDS
lab_wan curl -sS -m 10 --path-as-is --interface 198.51.100.200 \
	"http://$LAB_LAN_IP4/cgi-bin/../../etc/passwd" >/dev/null 2>"$LAB_RUN/in.err"
rc=$?
check "the attacker's connection is reset (curl: $(tr -d '\n' <"$LAB_RUN/in.err"))" \
	test "$rc" = 56 -o "$rc" = 52
check "at once, not after a timeout" test $((SECONDS - t0)) -lt 5
check_fails "the office's server never saw the request" grep -q 'cgi-bin' "$LAB_RUN/lan-httpd.log"
check_eq "its end is reset too: no connection left open" "" \
	"$(nsenter --net="/run/netns/$LAB_NS_LAN" ss -tnH state established '( sport = :80 )')"
check "an alert: blocked, inbound, with its rule" ievent_wait \
	'.alert.signature_id == 9000001 and .alert.action == "blocked" and .utm.function == "ips_inbound" and .utm.severity == 2 and .src_ip == "198.51.100.200" and .utm.device.ip == "'"$LAB_LAN_IP4"'"'
check_eq "a harmless request from outside still works" "office page" \
	"$(lab_wan curl -sS -m 5 --interface 198.51.100.200 "http://$LAB_LAN_IP4/hello.txt")"

# --- outbound: an infected PC's beacon to its command-and-control server
lab_lan curl -sS -m 10 -A "BeaconBot/2.1 (checkin)" "http://$LAB_WEB_IP4/index.html" \
	>/dev/null 2>"$LAB_RUN/out.err"
rc=$?
check "the beacon is reset (curl: $(tr -d '\n' <"$LAB_RUN/out.err"))" test "$rc" = 56 -o "$rc" = 52
check "a ★★★ event names the device" ievent_wait \
	'.alert.signature_id == 9000002 and .utm.function == "ips_outbound" and .utm.stars == "★★★" and .utm.device.mac == "02:99:00:00:00:10" and .alert.category == "A Network Trojan was detected"'
check "the alert carries the request's http metadata, as Suricata's" ievent_wait \
	'.alert.signature_id == 9000002 and .http.http_user_agent == "BeaconBot/2.1 (checkin)" and .http.hostname == "198.51.100.10" and .http.url == "/index.html"'
drops=$(bpftool -j map dump pinned "$LAB_PIN_ROOT/inspect_flows" 2>/dev/null |
	jq '[.[] | select(.formatted.value.verdict == 2 and .formatted.value.sid == 9000002)] | length')
check "a drop entry takes the rest of the flow in XDP (both directions)" test "${drops:-0}" -ge 2

# --- DNS over UDP through the inspector: the answer arrives, the rule alerts
check_eq "a DNS query through the inspector is answered" "$LAB_WEB_IP4" \
	"$(lab_lan dig +short +time=2 +tries=1 @"$LAB_DNS_IP4" www.example.test A)"
check "the dns.query rule alerts, with the dns record" ievent_wait \
	'.alert.signature_id == 9000003 and .app_proto == "dns" and .dest_port == 53 and .proto == "UDP"'

# --- reject over UDP: the client gets a port unreachable at once, the resolver nothing
out=$(lab_lan dig +time=3 +tries=1 @"$LAB_DNS_IP4" bad.example.test A 2>&1)
check "a rejected DNS query gets a port unreachable (dig: connection refused)" \
	grep -qi 'connection refused' <<<"$out"
check_fails "the resolver never saw the rejected query" grep -qi 'query\[A\] bad.example.test' \
	"$LAB_RUN/dnsmasq.log"
check "a drop record names the reject rule" ievent_wait \
	'.event_type == "drop" and .drop.signature_id == 9000004'

# --- normal traffic with the rules loaded
lab_lan curl -sS -m 30 -o "$LAB_RUN/dl.bin" "http://$LAB_WEB_IP4/big.bin"
check_eq "a normal download passes byte-identical" \
	"$(cut -d' ' -f1 "$LAB_RUN/www/big.bin.sha256")" "$(sha256sum "$LAB_RUN/dl.bin" | cut -d' ' -f1)"
check_eq "and raises no alert" 4 "$(ievent '.event_type == "alert"' | wc -l)"
valid_log() { jq -e . "$LAB_RUN/eve.json" >/dev/null; }
check "every line of the shared event log is whole JSON" valid_log
t_done
