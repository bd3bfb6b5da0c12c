#!/bin/bash
# The DNS guard's sinkhole serves the block page (issue 6): with the guard
# in sinkhole mode, a blocked name resolves to the box's own address, and a
# browser that goes there gets the block page (403, Japanese and English)
# naming the site and the list that blocked it (the DNS guard's live map,
# as utm-ctl why), the device and whom to ask, from utm-sinkhole.
. "$(dirname "$0")/common.sh"
t_require_utm
LAB_FORWARDER=none lab_up || exit 1
[ -x "$LAB_BUILD/utm-sinkhole" ] || { echo "utm-sinkhole is not built"; exit 1; }

SINK=10.99.0.2
lab_box ip addr add "$SINK/24" dev lan
printf 'sink.example.test\n' >"$LAB_RUN/block.txt"
cat >"$LAB_RUN/utm.yaml" <<YAML
dns:
  mode: sinkhole
  sinkhole-ipv4: $SINK
lists:
  - name: office-block
    file: $LAB_RUN/block.txt
    kind: domains
inspect:
  block-page:
    contact-name: "総務 山田"
    contact-email: it@office.example
YAML
lab_start_utm --config "$LAB_RUN/utm.yaml" || exit 1
t_wait_loaded || exit 1
nsenter --net="/run/netns/$LAB_NS_BOX" "$LAB_BUILD/utm-sinkhole" --config "$LAB_RUN/utm.yaml" \
	--pin-root "$LAB_PIN_ROOT" </dev/null >"$LAB_RUN/sinkhole.log" 2>&1 &
sink_pid=$!
lab_defer "kill $sink_pid 2>/dev/null; wait $sink_pid 2>/dev/null"
for ((i = 0; i < 50; i++)); do
	grep -q 'serving the block page' "$LAB_RUN/sinkhole.log" && break
	sleep 0.1
done
check "utm-sinkhole listens on the configured sinkhole address" \
	grep -q "serving the block page on $SINK port 80" "$LAB_RUN/sinkhole.log"

check_eq "a blocked name resolves to the sinkhole" "$SINK" \
	"$(lab_lan dig +short +time=2 +tries=1 @"$LAB_DNS_IP4" www.sink.example.test A)"
code=$(lab_lan curl -sS -m 10 -o "$LAB_RUN/page.html" -w '%{http_code}' \
	--resolve "www.sink.example.test:80:$SINK" http://www.sink.example.test/login.php)
check_eq "the browser gets the block page" 403 "$code"
check "in Japanese" grep -q 'このサイトはブロックされました' "$LAB_RUN/page.html"
check "and English" grep -q 'This site was blocked' "$LAB_RUN/page.html"
check "naming the site" grep -q 'www.sink.example.test' "$LAB_RUN/page.html"
check "the list" grep -q 'office-block' "$LAB_RUN/page.html"
check "the device" grep -q "$LAB_LAN_IP4" "$LAB_RUN/page.html"
check "and whom to ask" grep -q '総務 山田' "$LAB_RUN/page.html"
out=$(lab_lan curl -sS -m 5 -H 'Host: <script>x</script>' "http://$SINK/")
check_fails "a hostile Host header never reaches the page raw" grep -q '<script>' <<<"$out"
check "it is shown escaped" grep -q '&lt;script&gt;' <<<"$out"
t_done
