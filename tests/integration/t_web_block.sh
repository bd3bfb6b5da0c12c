#!/bin/bash
# Site blocking and web categories inline, in the lab, with real clients
# and servers (issue 6): a PC that asks a blocked site by plain HTTP gets the
# block page (in Japanese and English, naming the list and the contact) and
# the server never sees the request, whatever DNS it used; a blocked URL
# path likewise, while the rest of that site works; a blocked name over TLS
# (a real TLS server with a self-signed certificate, curl --resolve) is
# reset at once and logged; an allowed site works; a site of a logged
# category is recorded once per window and not blocked, until its category
# is set to block, and a DNS query for one of its names is answered NXDOMAIN;
# the policy switches drop QUIC and reset DNS over TLS.
. "$(dirname "$0")/common.sh"
t_require_inspect
lab_up || exit 1
t_wait_loaded || exit 1
t_start_eventd

t_tls_server || { echo "the TLS server did not start"; exit 1; }

cat >"$LAB_RUN/web-block.list" <<'LIST'
# the DNS guard's domain list, also what the inspector blocks by Host and SNI
blocked.example.test
LIST
cat >"$LAB_RUN/bad-urls.list" <<'LIST'
http://files.example.test/malware/
LIST
cat >"$LAB_RUN/web.yaml" <<YAML
lists:
  - name: web-block
    file: $LAB_RUN/web-block.list
    kind: domains
  - name: bad-urls
    file: $LAB_RUN/bad-urls.list
    kind: urls
inspect:
  categories: $LAB_REPO/tests/fixtures/ut1
  log-categories: [games]
  category-window: 1h
  block-page:
    contact-name: "総務 山田"
    contact-phone: "03-1234-5678"
    contact-email: it@office.example
YAML
# The config is utm-inspect's only: utm-load's DNS guard does not know these
# names, as when a PC uses its own resolver or a hard-coded address.
t_start_inspect --config "$LAB_RUN/web.yaml" --ports tcp:80,tcp:443,udp:53 \
	--eve "$LAB_RUN/eve.json" || exit 1
check "utm-inspect loaded the site lists" \
	grep -q 'site lists: 2 lists, 1 domains and 1 URLs' "$LAB_RUN/utm-inspect.log"
check "utm-inspect loaded the categories" grep -q 'categories: .* from ' "$LAB_RUN/utm-inspect.log"
web() { jq -c "select(.event_type == \"web\" and ($1))" "$LAB_RUN/eve.json" 2>/dev/null; }
web_wait() { eve_wait ".event_type == \"web\" and ($1)"; }
get() { # NAME PATH OUT: the status code; the body in OUT
	lab_lan curl -sS -m 10 -o "$3" -w '%{http_code}' --resolve "$1:80:$LAB_WEB_IP4" "http://$1$2" \
		2>"$3.err"
}

# --- a blocked site by plain HTTP: the block page, the server never asked
code=$(get blocked.example.test /index.html "$LAB_RUN/page.html")
check_eq "a blocked site answers 403 with the block page" 403 "$code"
check "the page is in Japanese" grep -q 'このサイトはブロックされました' "$LAB_RUN/page.html"
check "and in English" grep -q 'This site was blocked' "$LAB_RUN/page.html"
check "it names the site" grep -q 'blocked.example.test' "$LAB_RUN/page.html"
check "and the list" grep -q 'web-block' "$LAB_RUN/page.html"
check "it says whom to ask" grep -q '総務 山田' "$LAB_RUN/page.html"
check "it names the device's address" grep -q "$LAB_LAN_IP4" "$LAB_RUN/page.html"
check_fails "the web server never saw the request" grep -q 'blocked.example.test\|GET /index.html.*blocked' \
	"$LAB_RUN/httpd.log"
check "a ★★ web record: blocked by the domain list, block page" web_wait \
	'.web.action == "blocked" and .web.reason == "domain-list" and .web.list == "web-block" and .web.via == "http" and .web.hostname == "blocked.example.test" and .web.response == "block-page" and .utm.function == "site_blocking" and .utm.severity == 2 and .src_ip == "'"$LAB_LAN_IP4"'" and .utm.device.ip == "'"$LAB_LAN_IP4"'"'
drops=$(bpftool -j map dump pinned "$LAB_PIN_ROOT/inspect_flows" 2>/dev/null |
	jq '[.[] | select(.formatted.value.verdict == 2)] | length')
check "a drop entry takes the rest of the flow in XDP" test "${drops:-0}" -ge 2

# --- a blocked URL path: its page blocked, the rest of the site served
code=$(get files.example.test /malware/dropper.exe "$LAB_RUN/url.html")
check_eq "a blocked URL answers 403" 403 "$code"
check "a web record names the URL list" web_wait \
	'.web.reason == "url-list" and .web.list == "bad-urls" and .web.url == "/malware/dropper.exe"'
code=$(get files.example.test /index.html "$LAB_RUN/ok.html")
check_eq "another page of that site is served" 200 "$code"
check "with the site's content" grep -q "utm lab" "$LAB_RUN/ok.html"

# --- a blocked name over TLS: reset at once (no interception, no page)
t0=$SECONDS
lab_lan curl -sS -k -m 10 -o /dev/null --resolve "blocked.example.test:443:$LAB_WEB_IP4" \
	https://blocked.example.test/ 2>"$LAB_RUN/tls.err"
rc=$?
check "the TLS connection is reset (curl $rc: $(tr -d '\n' <"$LAB_RUN/tls.err"))" \
	test "$rc" = 35 -o "$rc" = 56 -o "$rc" = 52
check "at once, not after a timeout" test $((SECONDS - t0)) -lt 5
check_eq "the server's end is reset too: no connection left open" "" \
	"$(nsenter --net="/run/netns/$LAB_NS_WAN" ss -tnH state established '( sport = :443 )')"
check "a web record: SNI blocked, reset" web_wait \
	'.web.via == "tls" and .web.hostname == "blocked.example.test" and .web.response == "reset"'
check "an allowed name over TLS works" lab_lan curl -sS -k -m 10 -o /dev/null \
	--resolve "www.example.test:443:$LAB_WEB_IP4" https://www.example.test/

# --- an allowed site, and a logged category
code=$(get www.example.test /index.html "$LAB_RUN/allowed.html")
check_eq "an allowed site works" 200 "$code"
code=$(get games.example.com /index.html "$LAB_RUN/game1.html")
check_eq "a site of a logged category is not blocked" 200 "$code"
get games.example.com /index.html "$LAB_RUN/game2.html" >/dev/null
get www.games.example.com /index.html "$LAB_RUN/game3.html" >/dev/null
check "a ★ record names the category in Japanese and English" web_wait \
	'.web.action == "logged" and .web.reason == "category" and .web.category == "games" and .web.category_ja == "ゲーム" and .utm.function == "web_category" and .utm.severity == 1'
check "every http record of a categorised site names its category" test -n \
	"$(jq -c 'select(.event_type == "http" and .http.hostname == "games.example.com" and .utm.category == "games" and .utm.category_ja == "ゲーム")' "$LAB_RUN/eve.json")"
sleep 0.5
check_eq "one record per device, site and window, not per request" 2 \
	"$(web '.web.category == "games"' | jq -r .web.hostname | sort | xargs | wc -w)"
check_eq "for each name visited" "games.example.com www.games.example.com" \
	"$(web '.web.category == "games"' | jq -r .web.hostname | sort | xargs)"

# --- the category set to block: the same site is blocked
kill "$INSPECT_PID" 2>/dev/null
wait "$INSPECT_PID" 2>/dev/null
t_start_inspect --config "$LAB_RUN/web.yaml" --ports tcp:80,tcp:443,udp:53 \
	--block-category games --eve "$LAB_RUN/eve.json" || exit 1
code=$(get games.example.com /index.html "$LAB_RUN/game4.html")
check_eq "once its category is blocked, the site is blocked" 403 "$code"
check "the page names the category" grep -q 'ゲーム' "$LAB_RUN/game4.html"
check "a web record: blocked by category" web_wait \
	'.web.action == "blocked" and .web.reason == "category" and .web.category == "games" and .utm.function == "web_category"'
out=$(lab_lan dig +time=2 +tries=1 @"$LAB_DNS_IP4" www.games.example.com A)
check "a DNS query for a name of a blocked category is answered NXDOMAIN at once" \
	grep -q 'status: NXDOMAIN' <<<"$out"
check_fails "the resolver never saw it" grep -q 'www.games.example.com' "$LAB_RUN/dnsmasq.log"
check "a web record: DNS answered NXDOMAIN" web_wait \
	'.web.via == "dns" and .web.hostname == "www.games.example.com" and .web.response == "nxdomain"'
check_eq "other names still resolve" "$LAB_WEB_IP4" \
	"$(lab_lan dig +short +time=2 +tries=1 @"$LAB_DNS_IP4" www.example.test A)"
# --- the policy switches: QUIC dropped, DNS over TLS reset
cat >"$LAB_RUN/listen.py" <<'PY'
import socket, sys, threading
log = open(sys.argv[2], "a", buffering=1)
def udp():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((sys.argv[1], 443))
    while True:
        data, peer = s.recvfrom(2048)
        log.write("udp %d\n" % len(data))
def tcp():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((sys.argv[1], 853))
    s.listen(8)
    while True:
        c, peer = s.accept()
        log.write("tcp accepted\n")
        c.close()
threading.Thread(target=udp, daemon=True).start()
tcp()
PY
nsenter --net="/run/netns/$LAB_NS_WAN" /usr/bin/python3 "$LAB_RUN/listen.py" "$LAB_WEB_IP4" \
	"$LAB_RUN/listen.log" </dev/null >/dev/null 2>&1 &
listen_pid=$!
lab_defer "kill $listen_pid 2>/dev/null; wait $listen_pid 2>/dev/null"
quic() {
	lab_lan /usr/bin/python3 -c "import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.sendto(b'Q' * 1200, ('$LAB_WEB_IP4', 443))"
}
dot() {
	lab_lan /usr/bin/python3 -c "import socket; socket.create_connection(('$LAB_WEB_IP4', 853), timeout=3).close()" 2>/dev/null
}
ok_dot=""
for ((i = 0; i < 30; i++)); do dot && ok_dot=1 && break; sleep 0.1; done
check "without the switches, DNS over TLS connects" test -n "$ok_dot"
quic
sleep 0.3
check "and QUIC passes" grep -q 'udp 1200' "$LAB_RUN/listen.log"
: >"$LAB_RUN/listen.log"
kill "$INSPECT_PID" 2>/dev/null
wait "$INSPECT_PID" 2>/dev/null
t_start_inspect --config "$LAB_RUN/web.yaml" --ports tcp:80,tcp:443,udp:53 --block-quic \
	--block-doh --eve "$LAB_RUN/eve.json" || exit 1
quic
check_fails "with block-doh, DNS over TLS from the LAN fails" dot
sleep 0.3
check_fails "with block-quic, the server gets no QUIC datagram" grep -q 'udp' "$LAB_RUN/listen.log"
check_fails "with block-doh, DNS over TLS is reset before the server accepts it" \
	grep -q 'tcp accepted' "$LAB_RUN/listen.log"
check "a web record explains the QUIC drop" web_wait \
	'.web.via == "quic" and .web.reason == "policy" and .web.list == "block-quic"'
check "and the DNS over TLS reset" web_wait \
	'.web.via == "dot" and .web.list == "block-doh" and .web.response == "reset"'
lab_lan curl -sS -k -m 10 -o /dev/null --resolve "dns.google:443:$LAB_WEB_IP4" \
	https://dns.google/dns-query 2>"$LAB_RUN/doh.err"
rc=$?
check "with block-doh, a well-known DoH resolver is reset (curl $rc)" test "$rc" = 35 -o "$rc" = 56
check "a web record names the built-in resolver list" web_wait \
	'.web.via == "tls" and .web.hostname == "dns.google" and .web.list == "doh-resolvers"'
check "every record is in the event store" t_wait_event_rows
check "the store has the site blocks" test "$(t_events --json --function site_blocking | wc -l)" -ge 3
check "and the category records" test "$(t_events --json --function web_category | wc -l)" -ge 2
t_done
