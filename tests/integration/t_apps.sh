#!/bin/bash
# Application detection inline, in the lab (issue 6): with the inspector
# running, the first frames of every new flow reach nDPI, whatever its
# port; a BitTorrent handshake between a LAN PC and a peer on the internet
# is identified (app record ★ with the device), a TLS flow with a game's
# SNI too; once BitTorrent is blocked, its flow is reset while a download
# running beside it completes; flows that only needed their application
# are handed back to XDP (pass entries) as soon as it is known.
. "$(dirname "$0")/common.sh"
t_require_inspect
lab_up || exit 1
t_wait_loaded || exit 1
t_start_eventd

nsenter --net="/run/netns/$LAB_NS_WAN" /usr/bin/python3 "$LAB_REPO/tests/inspect/bt_peer.py" \
	serve "$LAB_WEB_IP4" 6881 </dev/null >"$LAB_RUN/bt.log" 2>&1 &
bt_pid=$!
lab_defer "kill $bt_pid 2>/dev/null; wait $bt_pid 2>/dev/null"
t_tls_server || { echo "the TLS server did not start"; exit 1; }
bt() { lab_lan /usr/bin/python3 "$LAB_REPO/tests/inspect/bt_peer.py" connect "$LAB_WEB_IP4" 6881; }
for ((i = 0; i < 50; i++)); do bt 2>/dev/null && break; sleep 0.1; done

# Only port 80 for the IPS: BitTorrent's 6881 is steered for its application alone.
t_start_inspect --ports tcp:80 --flow-timeout 1 --closing-timeout 1 --eve "$LAB_RUN/eve.json" ||
	exit 1
check "utm-inspect steers every flow for application detection" \
	grep -q 'first frames of every flow for their applications' "$LAB_RUN/utm-inspect.log"
app() { jq -c "select(.event_type == \"app\" and ($1))" "$LAB_RUN/eve.json" 2>/dev/null; }
app_wait() { eve_wait ".event_type == \"app\" and ($1)"; }

check "a BitTorrent exchange passes while BitTorrent is only logged" bt
# dport: network order as the map holds it (6881 = 0x1ae1 -> 57626)
passes=$(bpftool -j map dump pinned "$LAB_PIN_ROOT/inspect_flows" 2>/dev/null |
	jq '[.[] | select(.formatted.value.verdict == 1 and (.formatted.key.dport == 57626 or .formatted.key.sport == 57626))] | length')
check "the classified flow is handed back to XDP (a pass entry)" test "${passes:-0}" -ge 1
# 20 pieces of 1005 bytes each way, most of them after the hand-back: XDP counted them
check "when the flow ends, a ★ app record names BitTorrent, its category, the device and the whole flow's bytes" app_wait \
	'.app.name == "BitTorrent" and .app.action == "logged" and .app.flow.bytes_toserver > 20000 and .app.flow.bytes_toclient > 20000 and .utm.function == "app_detection" and .utm.severity == 1 and .src_ip == "'"$LAB_LAN_IP4"'" and .dest_port == 6881 and .utm.device.mac == "02:99:00:00:00:10"'
bt
check "one record per flow" eve_wait '.event_type == "app" and .app.name == "BitTorrent"' 2
check "a TLS flow with a game's SNI" lab_lan curl -sS -k -m 10 -o /dev/null \
	--resolve "store.steampowered.com:443:$LAB_WEB_IP4" https://store.steampowered.com/
check "is identified as Steam, a game" app_wait '.app.name == "Steam" and .app.category == "Game"'

# --- BitTorrent blocked: its flow is reset, a download beside it completes
kill "$INSPECT_PID" 2>/dev/null
wait "$INSPECT_PID" 2>/dev/null
t_start_inspect --ports tcp:80 --block-app BitTorrent --eve "$LAB_RUN/eve.json" || exit 1
lab_lan curl -sS -m 60 -o "$LAB_RUN/dl.bin" "http://$LAB_WEB_IP4/big.bin" &
dl=$!
bt 2>"$LAB_RUN/bt.err"
rc=$?
check_eq "a blocked application's connection is cut ($(tr -d '\n' <"$LAB_RUN/bt.err"))" 3 "$rc"
check "an app record says it was blocked" app_wait \
	'.app.name == "BitTorrent" and .app.action == "blocked" and .app.response == "reset"'
wait $dl
check_eq "the download beside it completes, byte-identical" \
	"$(cut -d' ' -f1 "$LAB_RUN/www/big.bin.sha256")" "$(sha256sum "$LAB_RUN/dl.bin" | cut -d' ' -f1)"
out=$("$LAB_BUILD/utm-inspect" --pcap /dev/null --block-app Bittorent 2>&1)
check "an unknown application name is refused at start" test $? != 0
check "with a suggestion ($(head -c 200 <<<"$out"))" grep -q 'did you mean: BitTorrent' <<<"$out"
check "every record is in the event store" t_wait_event_rows
check "the store has the app records" test "$(t_events --json --function app_detection | wc -l)" -ge 3
t_done
