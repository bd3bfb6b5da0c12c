#!/bin/bash
# Threat feeds from a real HTTP server (nginx, WAN side) into the bridge:
# a new entry blocks within one refresh interval and a removed one passes,
# with continuous traffic through the bridge losing nothing; 304 answers
# leave the maps alone; a feed that would block 0.0.0.0/0 is refused with an
# event and the previous data stays; a minisign signature is checked and a
# bad one refused with an event; a gzip'd URLhaus CSV feeds the DNS guard
# but never blocks a top domain; with the server down, a restart uses the
# cached copy; `utm-ctl why` names the feed, its URL and the line.
. "$(dirname "$0")/common.sh"
. "$(dirname "$0")/feeds.sh"
t_feeds_lab_up nginx minisign gzip
t_nginx_start || exit 1

REFRESH=2
# The IP feed: 40 filler entries (203.0.113.100-139, unused in the lab) and
# the given addresses, so that one entry more or less is a small change.
ipfeed() {
	echo "# lab IP feed"
	for ((i = 100; i < 140; i++)); do echo "203.0.113.$i"; done
	printf '%s\n' "$@"
}
ipfeed 203.0.113.66 | t_publish ip.txt

# The signed feed, signed with a key made here by the real minisign.
minisign -G -W -p "$LAB_RUN/feed.pub" -s "$LAB_RUN/feed.key" >/dev/null 2>&1 ||
	not_ok "minisign made a key"
printf '# signed lab feed\n192.0.2.77\n192.0.2.78\n' >"$LAB_RUN/signed.txt"
minisign -S -s "$LAB_RUN/feed.key" -m "$LAB_RUN/signed.txt" -t "lab feed v1" >/dev/null 2>&1 ||
	not_ok "minisign signed the feed"
cp "$LAB_RUN/signed.txt.minisig" "$LAB_RUN/feeds/signed.txt.minisig"
t_publish signed.txt <"$LAB_RUN/signed.txt"

# URLhaus CSV, gzip'd: a URL on a lab name and one on a top domain.
{
	echo '# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter'
	echo '"1","2026-11-01 10:00:00","http://bad.example.test/x.exe","online","2026-11-01 10:00:00","malware_download","exe","https://urlhaus.abuse.ch/url/1/","lab"'
	echo '"2","2026-11-01 10:00:00","https://github.com/evil/repo/raw/main/x.exe","online","2026-11-01 10:00:00","malware_download","exe","https://urlhaus.abuse.ch/url/2/","lab"'
} | gzip -c | t_publish urlhaus.csv.gz

cat >"$LAB_RUN/utm.yaml" <<YAML
never-block:
  addresses: [$LAB_DNS_IP4]
feeds:
  - name: lab-ip
    url: $T_FEED_URL/ip.txt
    refresh: ${REFRESH}s
    direction: outbound
    severity: 3
  - name: lab-signed
    url: $T_FEED_URL/signed.txt
    signature-key: $(tail -n 1 "$LAB_RUN/feed.pub")
    refresh: ${REFRESH}s
  - name: lab-urlhaus
    url: $T_FEED_URL/urlhaus.csv.gz
    kind: url
    format: urlhaus-csv
    refresh: 1h
YAML
lab_start_utm --config "$LAB_RUN/utm.yaml" || exit 1
t_feed_wait lab-ip entries 15 '. == 41' || not_ok "lab-ip applied"
check_fails "a feed entry blocks" ping4_ok 203.0.113.66
check "an address the feed does not list passes" ping4_ok 203.0.113.67
check "the signed feed is applied" t_feed_wait lab-signed entries 10 '. == 2'
check "its signature is reported verified" t_feed_wait lab-signed signature 2 \
	'startswith("verified: lab feed v1")'

# --- a new entry blocks within one refresh, a removed one passes, no loss
lab_lan ping -q -i 0.002 -c 3000 -W 1 "$LAB_WEB_IP4" >"$LAB_RUN/ping-ok.out" 2>&1 &
pinger=$!
ipfeed 203.0.113.66 203.0.113.67 | t_publish ip.txt
blocked_in=""
for ((i = 0; i < (REFRESH + 3) * 10; i++)); do
	ping4_ok 203.0.113.67 || {
		blocked_in=$i
		break
	}
	sleep 0.1
done
check "a new feed entry blocks within one refresh interval (${REFRESH}s + apply)" \
	test -n "$blocked_in"
ipfeed 203.0.113.67 | t_publish ip.txt
passed=""
for ((i = 0; i < (REFRESH + 3) * 10; i++)); do
	ping4_ok 203.0.113.66 && {
		passed=1
		break
	}
	sleep 0.1
done
check "a removed feed entry passes within one refresh interval" test -n "$passed"
wait $pinger
received() { sed -n 's/.* \([0-9]*\) received.*/\1/p' "$1"; }
check_eq "continuous traffic: 3000 of 3000 pings answered across the swaps" 3000 \
	"$(received "$LAB_RUN/ping-ok.out")"

# --- provenance: the feed, its URL and the line
why=$(ctl why 203.0.113.67)
check "why names the feed" grep -q "from list lab-ip" <<<"$why"
check "why names the line of the feed's data" grep -q "lab-ip.data:42" <<<"$why"
check "why names the feed's URL" grep -qF "feed $T_FEED_URL/ip.txt" <<<"$why"

# --- 304: nothing changes, the maps are left alone
loads=$(t_loads)
sleep $((REFRESH * 2 + 1))
check "the server answered 304 to conditional requests" \
	grep -q '"GET /ip.txt HTTP/1.1" 304' "$LAB_RUN/nginx-access.log"
check_eq "304 answers trigger no reload" "$loads" "$(t_loads)"
check_eq "the feed reports not-modified" not-modified "$(t_feed lab-ip state)"

# --- a feed that would block the whole internet is refused, old data stays
ipfeed 203.0.113.67 0.0.0.0/0 | t_publish ip.txt
check "a feed holding 0.0.0.0/0 is refused" t_feed_wait lab-ip state 10 '. == "refused"'
check "the refusal names the line and the rule" grep -q ":43: 0.0.0.0/0 is shorter than /8" \
	<<<"$(t_feed lab-ip error)"
check "a feed event says it was refused" eve_wait \
	'.event_type == "feed" and .feed.name == "lab-ip" and .feed.action == "refused"'
check "the event carries stars and a Japanese message" eve_wait \
	'.event_type == "feed" and .utm.severity == 2 and (.utm.message.ja | length > 0)'
check_fails "the previous data stays: 203.0.113.67 still blocked" ping4_ok 203.0.113.67
check "the refused data is not applied: the internet still works" ping4_ok "$LAB_WEB_IP4"
check_eq "entries are the previous ones" 41 "$(t_feed lab-ip entries)"

# --- a bad signature is refused with an event
printf '# signed lab feed\n192.0.2.77\n192.0.2.78\n192.0.2.79\n' | t_publish signed.txt
check "a feed whose signature fails is refused" t_feed_wait lab-signed state 10 \
	'. == "refused"'
check "the refusal says the signature failed" grep -q "signature check failed" \
	<<<"$(t_feed lab-signed error)"
check "a feed event reports it" eve_wait \
	'.event_type == "feed" and .feed.name == "lab-signed" and .feed.action == "refused"'
check_eq "the signed feed keeps its 2 entries" 2 "$(t_feed lab-signed entries)"

# --- URLhaus CSV, gzip'd: hosts to the DNS guard, top domains never
check "the URLhaus feed is applied" t_feed_wait lab-urlhaus state 10 '. == "updated"'
check_eq "a URLhaus host is answered by the DNS guard" 0.0.0.0 \
	"$(lab_lan dig +short +time=2 +tries=1 @"$LAB_DNS_IP4" bad.example.test A)"
check "github.com (a URL on it is listed) is not blocked" grep -q "not listed" \
	<<<"$(ctl why github.com)"

# --- status: every field the portal shows
status=$(ctl --state-dir "$LAB_RUN/state" --json feeds)
for f in last_attempt last_success next_run entries error state url; do
	check "status has $f" jq -e ".feeds[0] | has(\"$f\")" <<<"$status"
done
check "utm-ctl feeds prints a table" grep -q '^lab-ip ' \
	<<<"$(ctl --state-dir "$LAB_RUN/state" feeds)"

# --- `utm-ctl feeds update` refreshes now
ipfeed 203.0.113.67 203.0.113.101 | t_publish ip.txt
check "feeds update NAME forces a refresh and reports it" \
	ctl --state-dir "$LAB_RUN/state" feeds update lab-ip

# --- server down: a restart still protects with the cached copy
t_nginx_stop
lab_restart_utm --config "$LAB_RUN/utm.yaml" || not_ok "restart"
t_wait_loaded
check_fails "with the server down, the cached feed still blocks after a restart" \
	ping4_ok 203.0.113.67
check "the feed reports the failed fetch" t_feed_wait lab-ip state 15 '. == "failed"'
check "the failure is an event" eve_wait \
	'.event_type == "feed" and .feed.name == "lab-ip" and .feed.action == "failed"'
t_done
