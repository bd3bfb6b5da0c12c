#!/bin/bash
# utm-inspect offline (--pcap), as `suricata -r`: a capture built with scapy
# (real handshakes and sequence numbers) against a small rule file: HTTP
# user agent, DNS query, TLS SNI split over two segments, an HTTP URI over
# IPv6, and two rules that must not match; Suricata-style EVE records for
# each. Then the whole ET Open set through the same command: at least 80%
# of its enabled rules loaded in under 20 s, with the skip report.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
BUILD=${LAB_BUILD:-$REPO/build}
T_COUNT=0
T_FAILED=0
ok() { T_COUNT=$((T_COUNT + 1)); echo "ok - $*"; }
not_ok() { T_COUNT=$((T_COUNT + 1)); T_FAILED=$((T_FAILED + 1)); echo "not ok - $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else not_ok "$what"; fi; }
check_eq() { if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1 (expected '$2', got '$3')"; fi; }

[ -x "$BUILD/utm-inspect" ] || { echo "skip: utm-inspect is not built (run make)"; exit 77; }
/usr/bin/python3 -c 'import scapy' 2>/dev/null || { echo "skip: python3-scapy is not installed (make deps)"; exit 77; }
WORK=$(mktemp -d /tmp/utm-inspect-pcap.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

/usr/bin/python3 "$REPO/tests/inspect/mkpcap.py" "$WORK/t.pcap" \
	"$REPO/tests/fixtures/inspect/tls/curl-tls13-sni-alpn.client" || exit 1
"$BUILD/utm-inspect" --pcap "$WORK/t.pcap" --rules "$REPO/tests/fixtures/inspect/rules/offline.rules" \
	--eve "$WORK/eve.json" 2>"$WORK/log"
check "utm-inspect --pcap exits 0" test $? = 0
ev() { jq -c "select($1)" "$WORK/eve.json"; }
check_eq "exactly the expected rules fire, once per flow" \
	"1000001 1000002 1000002 1000003 1000004 1000007 1000008 1000009 1000011" \
	"$(jq -r 'select(.event_type == "alert") | .alert.signature_id' "$WORK/eve.json" | sort | xargs)"
check "the user-agent alert names the rule, its class and the device" test -n \
	"$(ev '.alert.signature_id == 1000001 and .alert.signature == "UTM TEST EvilBot user agent" and .alert.category == "A Network Trojan was detected" and .alert.severity == 1 and .src_ip == "10.99.0.10" and .dest_port == 80 and .app_proto == "http" and .utm.function == "ips_outbound" and .utm.stars == "★★★" and .utm.device.mac == "02:99:00:00:00:10"')"
check "an http record with Suricata's fields" test -n \
	"$(ev '.event_type == "http" and .http.hostname == "www.evil.example" and .http.url == "/download.exe" and .http.http_user_agent == "EvilBot/1.0" and .http.http_method == "GET" and .http.protocol == "HTTP/1.1" and .http.status == 200 and .http.length == 19 and .http.http_content_type == "text/html"')"
check "a dns record for the query" test -n \
	"$(ev '.event_type == "dns" and .dns.type == "query" and .dns.rrname == "bad.example.test" and .dns.rrtype == "A" and .dns.id == 4660 and .proto == "UDP"')"
check "a dns record for the query over TCP, its length prefix split from it" test -n \
	"$(ev '.event_type == "dns" and .dns.rrname == "tcp.bad.example.test" and .dns.rrtype == "AAAA" and .proto == "TCP" and .dest_port == 53')"
check "the SNI of a ClientHello split over two segments" test -n \
	"$(ev '.event_type == "tls" and .tls.sni == "www.example.test" and .tls.version == "TLS 1.3"')"
check "a payload signature split across two segments is found in the stream" test -n \
	"$(ev '.alert.signature_id == 1000007 and .dest_port == 6667')"
check "the IPv6 request matches its URI rule" test -n \
	"$(ev '.alert.signature_id == 1000004 and .src_ip == "fd99::10" and .dest_ip == "2001:db8:100::10"')"
check "timestamps are Suricata's format" test -z \
	"$(jq -r '.timestamp' "$WORK/eve.json" | grep -v -E '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}[+-][0-9]{4}$')"
check "a flowbit set by a silent rule on a request lets the rule on its answer fire, on that flow only" \
	test "$(ev '.alert.signature_id == 1000011' | jq -r .dest_port)" = 40005
check "every record of a flow carries the same flow_id" test \
	"$(ev '.src_port == 40001' | jq -r .flow_id | sort -u | wc -l)" = 1
check "a stats record counts frames, flows, alerts and transactions" test -n \
	"$(ev '.event_type == "stats" and .stats.decoder.pkts == (.stats.decoder.tcp + .stats.decoder.udp + .stats.decoder.other) and .stats.detect.alert == 9 and .stats.detect.stream_nomem == 0 and .stats.app_layer.tx.http == 3 and .stats.app_layer.tx.dns == 2 and .stats.flow.created == 9 and .stats.app_layer.tx.smtp == 1')"
check "an smtp record: helo, envelope and the subject of the mail sent" test -n \
	"$(ev '.event_type == "smtp" and .smtp.helo == "pc1.office.example" and .smtp.mail_from == "alice@office.example" and .smtp.rcpt_to == ["bob@partner.example"] and .email.subject == "Invoice 42" and .email.status == "COMPLETE" and .email.body_bytes > 0')"
check "the summary counts the parsed transactions" grep -q '3 http, 1 tls, 2 dns' "$WORK/log"
check "a flow record with both directions' counters" test -n \
	"$(ev '.event_type == "flow" and .src_port == 40001 and .flow.pkts_toserver == 6 and .flow.pkts_toclient == 4 and .flow.state == "closed" and .flow.alerted == true')"
check_eq "alert rules only alert by default" "allowed" \
	"$(ev '.alert.signature_id == 1000001' | jq -r .alert.action)"
"$BUILD/utm-inspect" --pcap "$WORK/t.pcap" --rules "$REPO/tests/fixtures/inspect/rules/offline.rules" \
	--drop-class trojan-activity --drop-sid 1000004 --eve "$WORK/policy.json" 2>"$WORK/policy.log"
check_eq "--drop-class and --drop-sid turn exactly those alerts into drops" \
	"1000001 blocked 1000002 allowed 1000002 allowed 1000003 allowed 1000004 blocked 1000007 allowed 1000008 allowed 1000009 allowed 1000011 allowed" \
	"$(jq -r 'select(.event_type == "alert") | "\(.alert.signature_id) \(.alert.action)"' \
		"$WORK/policy.json" | sort | xargs)"
check "the summary counts the dropped flows" grep -q '2 flows dropped' "$WORK/policy.log"
check_eq "a drop record for each dropped flow, naming its rule" "1000001 1000004" \
	"$(jq -r 'select(.event_type == "drop") | .drop.signature_id' "$WORK/policy.json" | sort | xargs)"

ET=$REPO/../shared/data/ips-rules/et-open-2024-04
if [ -f "$ET/classification.config" ]; then
	start=$(date +%s.%N)
	"$BUILD/utm-inspect" --pcap "$WORK/t.pcap" --rules "$ET"/*.rules --eve "$WORK/et.json" \
		2>"$WORK/et.log"
	rc=$?
	secs=$(echo "$(date +%s.%N) - $start" | bc)
	check "utm-inspect runs the ET Open set" test "$rc" = 0
	report=$(grep -o '"message":"[0-9]* rules loaded[^"]*' "$WORK/et.log" | cut -d'"' -f4)
	echo "# $report"
	echo "# ET Open through utm-inspect: ${secs}s in all"
	loaded=$(sed -n 's/^\([0-9]*\) rules loaded.*/\1/p' <<<"$report")
	enabled=$(cat "$ET"/*.rules | grep -cE '^(alert|drop|reject|pass) ')
	check "at least 80% of the $enabled enabled ET rules load ($loaded)" \
		test $((loaded * 100)) -ge $((enabled * 80))
	check "the skip report names keywords" grep -q 'skipped: tls.certs [0-9]*, tls.cert_subject' <<<"$report"
	check "skipped rules are named with their sid and keyword" \
		grep -q 'rule skipped: sid [0-9]*: unsupported keyword' "$WORK/et.log"
	check "loading and the run take under 20 s" test "$(echo "$secs < 20" | bc)" = 1
	# Its IP-only rules (reputation lists) go to the bridge as lists, not to the engine.
	"$BUILD/utm-inspect" --pcap "$WORK/t.pcap" --rules "$ET"/*.rules --drop-class misc-attack \
		--ip-only-dir "$WORK" --eve /dev/null 2>"$WORK/ipo.log"
	n=$(grep -cv '^#' "$WORK/ips-inbound.list")
	check "blocking IP-only rules become a list for utm-load ($n addresses)" test "$n" -ge 1000
	check "each line names its rule" test -z \
		"$(grep -v '^#' "$WORK/ips-inbound.list" | grep -vE '^[0-9a-f.:/]+ # sid [0-9]+: ')"
else
	echo "# ../shared/data absent: the ET Open part is skipped"
fi
echo "# $((T_COUNT - T_FAILED))/$T_COUNT checks passed"
[ "$T_FAILED" = 0 ]
