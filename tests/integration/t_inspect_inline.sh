#!/bin/bash
# utm-inspect inline, in the lab: the flows of a steered port go through
# its AF_XDP sockets and downloads pass byte-identical; once a flow reaches
# its inspection depth, a bypass entry hands it back to XDP (and the entry
# expires after the flow closes); killing the inspector with SIGKILL in the
# middle of a download does not break it (fail open); a clean stop takes
# its ports back out of the steering map.
. "$(dirname "$0")/common.sh"
t_require_inspect
lab_up || exit 1
t_wait_loaded || exit 1

BIG_SHA=$(cut -d' ' -f1 "$LAB_RUN/www/big.bin.sha256")
steered() { echo $(($(port_counter lan to_inspector) + $(port_counter wan to_inspector))); }
flow_entries() {
	bpftool -j map dump pinned "$LAB_PIN_ROOT/inspect_flows" 2>/dev/null |
		jq '[.[] | select(.formatted.value.verdict == 1)] | length'
}
port_bits() { # [PORT], default 80
	local p=${1:-80}
	bpftool -j map lookup pinned "$LAB_PIN_ROOT/inspect_ports" \
		key $((p & 255)) $((p >> 8)) 0 0 2>/dev/null | jq '.formatted.value'
}
download() { # download OUT [CURL ARGS...]
	local out=$1
	shift
	lab_lan curl -sS -m 60 "$@" -o "$out" "http://$LAB_WEB_IP4/big.bin"
}
sha() { sha256sum "$1" | cut -d' ' -f1; }

# --- inline with bypass at a depth of 20 frames; port steering alone (application
# detection, which steers the first frames of every flow, is t_apps.sh)
t_start_inspect --no-apps --ports tcp:80 --depth-packets 20 --flow-timeout 3 --closing-timeout 1 ||
	exit 1
check_eq "the steering map names port 80 for TCP" 1 "$(port_bits)"
before=$(steered)
download "$LAB_RUN/dl1.bin" --limit-rate 2M &
dl=$!
sleep 1.5
check "a bypass entry hands the flow back to XDP (both directions)" \
	test "$(flow_entries)" -ge 2
wait $dl
check_eq "a download through the inspector is byte-identical" "$BIG_SHA" \
	"$(sha "$LAB_RUN/dl1.bin")"
n=$(($(steered) - before))
check "the flow's first frames went through the inspector" test "$n" -ge 20
check "after the depth, the rest stayed in XDP (8 MiB, $n frames steered)" test "$n" -lt 400
expired=""
for ((i = 0; i < 60; i++)); do
	[ "$(flow_entries)" = 0 ] && expired=1 && break
	sleep 0.1
done
check "the bypass entries expire after the flow closed" test -n "$expired"
before=$(steered)
lab_lan ping -c 3 -i 0.2 -W 1 "$LAB_WEB_IP4" >/dev/null
lab_lan dig +short +time=2 +tries=1 @"$LAB_DNS_IP4" www.example.test A >/dev/null
check_eq "ICMP and DNS over UDP are not steered" "$before" "$(steered)"
kill -TERM "$INSPECT_PID"
wait "$INSPECT_PID"
check_eq "a clean stop takes port 80 out of the steering map" 0 "$(port_bits)"

# --- rules and ports from the configuration's inspect: section; the UDP
# ports the rules name are steered beside them
cat >"$LAB_RUN/udp-steer.rules" <<'EOF'
alert udp any any -> any 1900 (msg:"ssdp search"; content:"M-SEARCH"; sid:9100001;)
alert udp any any -> any any (msg:"any udp"; content:"xyzzy"; sid:9100002;)
EOF
cat >"$LAB_RUN/inspect.yaml" <<EOF
inspect:
  rules: [$LAB_RUN/udp-steer*.rules, $LAB_RUN/none/*.rules]
  ports: tcp:80
EOF
t_start_inspect --config "$LAB_RUN/inspect.yaml" || exit 1
check_eq "inspect.ports of the configuration: port 80 for TCP" 1 "$(port_bits)"
check_eq "the UDP port a rule names is steered (1900, UDP)" 2 "$(port_bits 1900)"
check "the log counts it and the UDP rule on any port" grep -q \
	'steering 1 UDP ports named by rules (1 UDP rules on any port' "$LAB_RUN/utm-inspect.log"
check "a rules pattern matching nothing is a warning" grep -q \
	"matches no file" "$LAB_RUN/utm-inspect.log"
kill -TERM "$INSPECT_PID"
wait "$INSPECT_PID"
check_eq "a clean stop takes port 1900 out of the steering map" 0 "$(port_bits 1900)"

# --- SIGKILL in the middle of a download: the kernel empties the socket
# slots and XDP forwards the rest of the flow itself
t_start_inspect --ports tcp:80 --depth-packets 1000000000 || exit 1
download "$LAB_RUN/dl2.bin" --limit-rate 2M &
dl=$!
sleep 1.5
mid=$(steered)
check "the whole flow goes through the inspector until it dies" test "$mid" -gt "$n"
kill -KILL "$INSPECT_PID"
wait "$INSPECT_PID" 2>/dev/null
wait $dl
check "the download survives a SIGKILL of the inspector" test $? = 0
check_eq "and is byte-identical" "$BIG_SHA" "$(sha "$LAB_RUN/dl2.bin")"
after=$(steered)
download "$LAB_RUN/dl3.bin"
check_eq "with the inspector dead, nothing more is steered (fail open)" "$after" "$(steered)"
check_eq "and downloads work" "$BIG_SHA" "$(sha "$LAB_RUN/dl3.bin")"
t_done
