#!/bin/bash
# A CrowdSec LAPI as a feed (format crowdsec): the decisions present at start
# block; one added blocks within a refresh interval and one deleted passes
# again; a Range decision is applied; the first pull asks for the full set
# (startup=true), later ones for the changes; a rejected API key fails the
# feed with the 401 while the decisions stay applied; `utm-ctl why` names the
# feed and its URL; after a restart the first pull is startup=true again and
# replaces the set with the LAPI's current one.
#
# CrowdSec's own package cannot be configured offline (its postinst registers
# with the online Central API), so tests/lab-crowdsec.py stands in for its
# Local API on the WAN side, with a control server only the test can reach.
. "$(dirname "$0")/common.sh"
. "$(dirname "$0")/feeds.sh"
t_feeds_lab_up python3

REFRESH=2
CS_IP=198.51.100.81
CS_URL=http://$CS_IP:8080
CS_CTL=http://127.0.0.1:8081 # the stand-in's control server, in the WAN namespace only
CS_KEY=lab-$LAB_ID-bouncer-key
CS_LOG=$LAB_RUN/crowdsec.log
RANGE=203.0.113.96/28 # covers none of the lab's addresses
IN_RANGE=203.0.113.100

# The stand-in, started with one decision; its PID is ours.
lab_wan ip addr replace "$CS_IP/32" dev inet0
nsenter --net="/run/netns/$LAB_NS_WAN" /usr/bin/python3 "$LAB_REPO/tests/lab-crowdsec.py" \
	--bind "$CS_IP" --port 8080 --control 127.0.0.1:8081 --key "$CS_KEY" --log "$CS_LOG" \
	--decision 203.0.113.66,Ip,crowdsecurity/ssh-bf \
	</dev/null >>"$LAB_RUN/crowdsec-server.log" 2>&1 &
CS_PID=$!
lab_defer "kill $CS_PID 2>/dev/null; wait $CS_PID 2>/dev/null"
lab__wait_for 50 lab_wan curl -sf -m 1 "$CS_CTL/admin/state" || {
	echo "# the LAPI stand-in did not start:" >&2
	cat "$LAB_RUN/crowdsec-server.log" >&2
	exit 1
}

# cs_admin ACTION?QUERY: a control request to the stand-in.
cs_admin() { lab_wan curl -sf -m 2 -X POST "$CS_CTL/admin/$1" >/dev/null; }
# The stand-in's log lines of decision pulls.
cs_pulls() { grep '^stream ' "$CS_LOG"; }
cs_npulls() { cs_pulls | wc -l; }
# Wait up to $1 s for more than $2 pulls.
cs_wait_pull() {
	local secs=$1 before=$2 i
	for ((i = 0; i < secs * 10; i++)); do
		[ "$(cs_npulls)" -gt "$before" ] && return 0
		sleep 0.1
	done
	return 1
}
# Poll until CMD succeeds, for one refresh interval plus a margin.
within_refresh() {
	local end=$((SECONDS + REFRESH + 3))
	while ((SECONDS < end)); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}
blocked() { ! ping4_ok "$1"; }
why_listed() { ctl why "$1" | grep -q "from list lab-crowdsec"; }

cat >"$LAB_RUN/utm.yaml" <<YAML
never-block:
  addresses: [$LAB_DNS_IP4]
feeds:
  - name: lab-crowdsec
    url: $CS_URL
    kind: ip
    format: crowdsec
    api-key: $CS_KEY
    refresh: ${REFRESH}s
    direction: both
YAML
lab_start_utm --config "$LAB_RUN/utm.yaml" || exit 1

# --- the decisions present at start
check "the LAPI's decisions are applied" t_feed_wait lab-crowdsec entries 15 '. == 1'
check_fails "a decision present at start blocks" ping4_ok 203.0.113.66
check "an address without a decision passes" ping4_ok 203.0.113.67
check "the first pull asks for every decision (startup=true)" \
	grep -q '^stream startup=true key=ok status=200 new=1' <<<"$(cs_pulls | head -n 1)"
check_eq "the API key was accepted at every pull" 0 "$(cs_pulls | grep -vc ' key=ok ')"

# --- a new decision blocks within one refresh, a deleted one passes
cs_admin "add?value=203.0.113.67&scope=Ip&scenario=crowdsecurity/http-probing" ||
	not_ok "the stand-in took a new decision"
check "a new decision blocks within one refresh interval (${REFRESH}s + apply)" \
	within_refresh blocked 203.0.113.67
cs_admin "delete?value=203.0.113.66" || not_ok "the stand-in deleted a decision"
check "a deleted decision passes within one refresh interval" \
	within_refresh ping4_ok 203.0.113.66
check "the deletion came as a change (startup=false, deleted=1)" \
	grep -q '^stream startup=false key=ok status=200 new=0 deleted=1' "$CS_LOG"
check_eq "only the first pull asked for every decision" 1 \
	"$(cs_pulls | grep -c 'startup=true')"
check "later pulls asked for changes (startup=false)" \
	test "$(cs_pulls | tail -n +2 | grep -c 'startup=false')" -ge 2

# --- a Range decision
check_fails "before its decision, $IN_RANGE is not listed" why_listed "$IN_RANGE"
cs_admin "add?value=$RANGE&scope=Range&scenario=crowdsecurity/lab-range" ||
	not_ok "the stand-in took a Range decision"
check "a Range decision is applied" within_refresh why_listed "$IN_RANGE"
why=$(ctl why "$IN_RANGE")
check "why shows the range as the entry" grep -qF "entry $RANGE from list lab-crowdsec" <<<"$why"
check "the range blocks outbound" grep -q "outbound .*: blocked" <<<"$why"
check "the feed counts two decisions" t_feed_wait lab-crowdsec entries 5 '. == 2'

# --- a decision on a LAN host (a private address) is left out, not applied,
# and does not hold back the others
left_out() { grep -q 'lab-crowdsec: 1 decision left out' "$LAB_RUN/utm-load.log"; }
cs_admin "add?value=$LAB_LAN_IP4&scope=Ip&scenario=crowdsecurity/ssh-bf" ||
	not_ok "the stand-in took a decision on the LAN host"
check "a decision on a private address is left out, with a warning" within_refresh left_out
check "the LAN host still reaches the internet" ping4_ok "$LAB_WEB_IP4"
check_eq "the other decisions still count" 2 "$(t_feed lab-crowdsec entries)"
check "the feed is not refused for it" test "$(t_feed lab-crowdsec state)" != refused
cs_admin "delete?value=$LAB_LAN_IP4" || not_ok "the stand-in deleted a decision"

# --- provenance
why=$(ctl why 203.0.113.67)
check "why names the feed" grep -q "entry 203.0.113.67 from list lab-crowdsec" <<<"$why"
check "why names the LAPI's URL" grep -qF "feed $CS_URL" <<<"$why"
line=$(sed -n 's/.*(\(.*lab-crowdsec\.data:[0-9]*\))$/\1/p' <<<"$why" | head -n 1)
check "why names the line of the stored decisions" test -n "$line"
check "that line is the decision, with its scenario" \
	grep -q '^203.0.113.67 .*scenario=crowdsecurity/http-probing' \
	<<<"$(sed -n "${line##*:}p" "${line%:*}")"

# --- a rejected API key: failed with the 401, the decisions stay
cs_admin "key?key=rotated-$LAB_ID" || not_ok "the stand-in rotated its key"
check "a rejected API key fails the feed" t_feed_wait lab-crowdsec state 10 '. == "failed"'
check "the error has the 401" grep -q "401" <<<"$(t_feed lab-crowdsec error)"
check "the stand-in saw the wrong key" grep -q '^stream startup=false key=bad status=401' "$CS_LOG"
check "the failure is an event" eve_wait \
	'.event_type == "feed" and .feed.name == "lab-crowdsec" and .feed.action == "failed"'
check_fails "the previous decisions stay: 203.0.113.67 still blocked" ping4_ok 203.0.113.67
check "the previous decisions stay: the range is still listed" why_listed "$IN_RANGE"
check_eq "the previous decisions stay: 2 entries" 2 "$(t_feed lab-crowdsec entries)"
cs_admin "key?key=$CS_KEY" || not_ok "the stand-in took the key back"
check "with the key accepted again the feed recovers" t_feed_wait lab-crowdsec state 10 \
	'. == "updated" or . == "not-modified"'
check "the recovery is an event" eve_wait \
	'.event_type == "feed" and .feed.name == "lab-crowdsec" and .feed.action == "recovered"'

# --- restart: the first pull is a full one and replaces the set. The LAPI
# changes while utm-load is down: .67 deleted, .66 banned again.
lab_stop_utm --keep-attached
before=$(cs_npulls)
cs_admin "delete?value=203.0.113.67" || not_ok "the stand-in deleted a decision"
cs_admin "add?value=203.0.113.66&scope=Ip&scenario=crowdsecurity/ssh-bf" ||
	not_ok "the stand-in took a decision"
lab_start_utm --config "$LAB_RUN/utm.yaml" || not_ok "utm-load restarted"
check "after the restart utm-load pulls again" cs_wait_pull 15 "$before"
check "the first pull after the restart is startup=true" \
	grep -q '^stream startup=true key=ok status=200 new=2 deleted=0' \
	<<<"$(cs_pulls | tail -n +$((before + 1)) | head -n 1)"
check "a decision made while utm-load was down blocks" within_refresh blocked 203.0.113.66
check "a decision deleted while utm-load was down passes" within_refresh ping4_ok 203.0.113.67
check "the range survives the restart" why_listed "$IN_RANGE"
check "the feed counts the LAPI's two decisions" t_feed_wait lab-crowdsec entries 5 '. == 2'
check "the stored set is exactly the LAPI's" diff <(printf '%s\n' 203.0.113.66 "$RANGE") \
	<(grep -v '^#' "$LAB_RUN/state/feeds/lab-crowdsec.data" | awk 'NF { print $1 }' |
		sed 's,/32$,,')
cs_wait_pull 10 $((before + 1)) || not_ok "a second pull after the restart"
check "later pulls after the restart are startup=false" \
	grep -q '^stream startup=false key=ok' <<<"$(cs_pulls | sed -n "$((before + 2))p")"
check_eq "exactly one startup=true pull after the restart" 1 \
	"$(cs_pulls | tail -n +$((before + 1)) | grep -c 'startup=true')"
t_done
