#!/bin/bash
# The DNS guard against a real resolver (dnsmasq, WAN side) and dig on the LAN
# host: blocked names get the configured answer from XDP and the resolver's
# query log proves it never saw them; other names, allowlisted names, exact
# entries' subdomains and DNS over TCP reach the resolver; one event per
# answered query; the answer modes (nxdomain, nodata, sinkhole) through a
# configuration reload; a list change without a restart; the command-line
# form; utm-ctl why; the real lists of ../shared/data when present.
# test-timeout: 240
. "$(dirname "$0")/common.sh"
t_require_utm
LAB_FORWARDER=none lab_up || exit 1

# The lab's dnsmasq logs every query it receives ("query[A] NAME from IP") to
# this file (--log-queries): the proof that a query did or did not leave.
QLOG=$LAB_RUN/dnsmasq.log
TTL=7
DEMO=$LAB_REPO/tests/fixtures/domains
# Copies, so that the reload checks can edit them.
cp "$DEMO/demo-block.txt" "$LAB_RUN/block.txt"
cp "$DEMO/demo-allow.txt" "$LAB_RUN/allow.txt"

# write_config MODE [EXTRA_DNS_YAML] [EXTRA_LISTS_YAML]: the configuration,
# replaced atomically (utm-load watches the file). The mode is quoted: a
# plain `null` is YAML's null, which the parser reads as "no value". The
# event rate limits are raised: this script sends more blocked queries per
# second than the default per-source burst of 10, and each must give its event.
write_config() {
	cat >"$LAB_RUN/utm.yaml.new" <<-YAML
		dns:
		  mode: "$1"
		  ttl: $TTL
		${2:-}
		events:
		  rate-per-source: 10000
		  burst-per-source: 10000
		lists:
		  - name: demo-block
		    file: $LAB_RUN/block.txt
		    kind: domains
		  - name: demo-allow
		    file: $LAB_RUN/allow.txt
		    kind: domains
		    action: allow
		${3:-}
	YAML
	mv "$LAB_RUN/utm.yaml.new" "$LAB_RUN/utm.yaml"
}

# ask [DIG_OPTIONS...] NAME TYPE: one query from the LAN host, one try, so
# that every blocked query is exactly one event. Sets A_STATUS (NOERROR,
# NXDOMAIN, ... or "none" without a reply) and A_ANS (the answer records,
# "NAME TTL TYPE DATA" one a line, empty when there are none).
ask() {
	local out
	out=$(lab_lan dig +time=2 +tries=1 "$@" 2>&1)
	A_STATUS=$(sed -n 's/^;; ->>HEADER<<-.* status: \([A-Z]*\),.*/\1/p' <<<"$out")
	[ -n "$A_STATUS" ] || A_STATUS=none
	A_ANS=$(awk '/^;; ANSWER SECTION:/ { on = 1; next } on && /^$/ { exit }
		on { print $1, $2, $4, $5 }' <<<"$out")
}
ask4() { ask @"$LAB_DNS_IP4" "$@"; }

# seen NAME TYPE: how many times the resolver logged a query for NAME/TYPE
# from the LAN host (case-insensitive: dnsmasq logs the name as asked). The
# lab's own readiness check asks for www.example.test from the WAN side.
seen() { grep -ciF "query[$2] $1 from $LAB_LAN_IP4" "$QLOG"; }

# The resolver writes its log asynchronously: wait until NAME/TYPE was seen
# at least N times (default 1).
seen_wait_n() {
	local i
	for ((i = 0; i < 30; i++)); do
		[ "$(seen "$1" "$2")" -ge "$3" ] && return 0
		sleep 0.1
	done
	return 1
}
seen_wait() { seen_wait_n "$1" "$2" 1; }

# Wait until utm-load has not (re)loaded for a second. A configuration edit
# followed by SIGHUP gives two reloads (the signal's and the file watch's);
# the next step must not mistake the second for its own.
settle() {
	local last=-1 now i
	for ((i = 0; i < 20; i++)); do
		now=$(t_loads)
		[ "$now" = "$last" ] && return 0
		last=$now
		sleep 1
	done
	return 1
}

# Everything the resolver received so far is in its log once this query,
# sent last, is (dnsmasq logs in order): then a 0 from `seen` means "never".
flush_qlog() {
	local marker=flush-$RANDOM.example.test
	ask4 "$marker" A
	seen_wait "$marker" A
}

# A blocked query answered by the guard: status, answer, and the resolver
# never saw it (checked later, after flush_qlog, by check_unseen).
UNSEEN=()
expect_blocked() {
	local what=$1 status=$2 ans=$3 name=$4 type=$5
	check_eq "$what: status" "$status" "$A_STATUS"
	check_eq "$what: answer" "$ans" "$A_ANS"
	UNSEEN+=("$name $type")
}
check_unseen() {
	local e
	flush_qlog || not_ok "the resolver logged the marker query"
	for e in "${UNSEEN[@]}"; do
		# shellcheck disable=SC2086
		check_eq "the resolver never saw: $e" 0 "$(seen $e)"
	done
	UNSEEN=()
}

write_config null
lab_start_utm --config "$LAB_RUN/utm.yaml" || exit 1
t_wait_loaded || exit 1

# ------------------------------------------------------------ mode null

# Unlisted names resolve through the resolver (so the checks below can fail).
ask4 www.example.test A
check_eq "unlisted name resolves" "www.example.test. $LAB_WEB_IP4" "$(awk '{print $1, $4}' <<<"$A_ANS")"
check "unlisted name reached the resolver" seen_wait www.example.test A

# Blocked: A 0.0.0.0 with the configured TTL, AAAA ::, other types no data.
ask4 bad.example.test A
expect_blocked "listed name, A" NOERROR "bad.example.test. $TTL A 0.0.0.0" bad.example.test A
ask4 bad.example.test AAAA
expect_blocked "listed name, AAAA" NOERROR "bad.example.test. $TTL AAAA ::" bad.example.test AAAA
ask4 bad.example.test MX
expect_blocked "listed name, MX: no data" NOERROR "" bad.example.test MX
ask4 x.y.bad.example.test A
expect_blocked "subdomain of a listed name" NOERROR "x.y.bad.example.test. $TTL A 0.0.0.0" \
	x.y.bad.example.test A
ask4 exact.example.test A
expect_blocked "exact entry" NOERROR "exact.example.test. $TTL A 0.0.0.0" exact.example.test A
# The answer keeps the letter case of the question (as resolvers do).
ask4 CaSe.BaD.ExAmPlE.TeSt A
expect_blocked "mixed case" NOERROR "CaSe.BaD.ExAmPlE.TeSt. $TTL A 0.0.0.0" \
	case.bad.example.test A
ask4 +noedns noedns.bad.example.test A
expect_blocked "query without EDNS" NOERROR "noedns.bad.example.test. $TTL A 0.0.0.0" \
	noedns.bad.example.test A
# IPv6 transport: dnsmasq listens on 198.51.100.53 only, but the guard answers
# a blocked name whatever the resolver's address.
ask -6 @"$LAB_WEB_IP6" v6.bad.example.test AAAA
expect_blocked "over IPv6" NOERROR "v6.bad.example.test. $TTL AAAA ::" v6.bad.example.test AAAA
BLOCKED_UDP=8

# Not blocked: the exact entry's subdomains, allowlisted names.
ask4 www.exact.example.test A
check "subdomain of an exact entry reached the resolver" seen_wait www.exact.example.test A
check_eq "subdomain of an exact entry: not the guard's answer" "" \
	"$(grep -F "0.0.0.0" <<<"$A_ANS")"
ask4 good.bad.example.test A
check_eq "allowlisted name resolves (the resolver's answer)" \
	"good.bad.example.test. 203.0.113.66" "$(awk '{print $1, $4}' <<<"$A_ANS")"
check "allowlisted name reached the resolver" seen_wait good.bad.example.test A
ask4 www.good.bad.example.test A
check_eq "below an allowlisted name resolves" "www.good.bad.example.test. 203.0.113.66" \
	"$(awk '{print $1, $4}' <<<"$A_ANS")"
check "below an allowlisted name reached the resolver" seen_wait www.good.bad.example.test A
ALLOWED=2
# An unlisted name to the IPv6 address gets no answer from the guard (nothing
# listens there; dig sees a refusal or nothing).
ask -6 @"$LAB_WEB_IP6" www.example.test A
check_eq "unlisted name over IPv6: no answer from the guard" "" "$A_ANS"

# DNS over TCP is not the guard's (documented): it reaches the resolver.
ask4 +tcp tcp.bad.example.test A
check_eq "TCP query for a listed name: the resolver's answer" \
	"tcp.bad.example.test. 203.0.113.66" "$(awk '{print $1, $4}' <<<"$A_ANS")"
check "TCP query reached the resolver" seen_wait tcp.bad.example.test A

check_unseen

# Exactly one event per blocked query, with the right fields.
eve_wait '.event_type == "dns"' "$BLOCKED_UDP"
sleep 0.5 # an extra event would come now
ev() { eve_count ".event_type == \"dns\" and $1"; }
COMMON='.in_iface == "lan" and .proto == "UDP" and .dest_port == 53 and
	.utm.function == "site_blocking" and .utm.action == "dns_answer" and
	.utm.dns_mode == "null" and .utm.device.mac == "'$LAB_LAN_MAC'" and
	.ether.src_mac == "'$LAB_LAN_MAC'" and .dns.type == "answer"'
V4=".src_ip == \"$LAB_LAN_IP4\" and .utm.device.ip == \"$LAB_LAN_IP4\" and .dest_ip == \"$LAB_DNS_IP4\""
BAD='.utm.list == "demo-block" and .utm.entry == "bad.example.test"'
# one_event WHAT FILTER: exactly one event matches COMMON and FILTER.
one_event() { check_eq "one event: $1" 1 "$(ev "$COMMON and $2")"; }
one_event "A" "$V4 and $BAD and .dns.rrname == \"bad.example.test\" and .dns.rrtype == \"A\" and .dns.rcode == \"NOERROR\""
one_event "AAAA" "$V4 and $BAD and .dns.rrname == \"bad.example.test\" and .dns.rrtype == \"AAAA\""
one_event "MX" "$V4 and $BAD and .dns.rrname == \"bad.example.test\" and .dns.rrtype == \"MX\""
one_event "subdomain, naming the parent entry" "$V4 and $BAD and .dns.rrname == \"x.y.bad.example.test\""
one_event "exact entry" "$V4 and .utm.list == \"demo-block\" and (.utm.entry | ltrimstr(\"=\")) == \"exact.example.test\" and .dns.rrname == \"exact.example.test\""
one_event "mixed case" "$V4 and $BAD and (.dns.rrname | ascii_downcase) == \"case.bad.example.test\""
one_event "without EDNS" "$V4 and $BAD and .dns.rrname == \"noedns.bad.example.test\""
one_event "IPv6 transport" ".src_ip == \"$LAB_LAN_IP6\" and .utm.device.ip == \"$LAB_LAN_IP6\" and .dest_ip == \"$LAB_WEB_IP6\" and $BAD and .dns.rrname == \"v6.bad.example.test\" and .dns.rrtype == \"AAAA\""
check_eq "no other dns events" "$BLOCKED_UDP" "$(ev true)"
check_eq "no events for names that were not blocked" 0 \
	"$(ev '(.dns.rrname | ascii_downcase | test("good|www|tcp|flush"))')"
check_eq "lan counter dns_blocked" "$BLOCKED_UDP" "$(port_counter lan dns_blocked)"
check_eq "lan counter dns_allowlisted" "$ALLOWED" "$(port_counter lan dns_allowlisted)"
check_eq "wan counter dns_blocked (queries come from the LAN only)" 0 \
	"$(port_counter wan dns_blocked)"

# ------------------------------------------------------------ every length

# The answer is longer than the query (an answer record; an EDNS cookie in
# the query is not echoed), so the guard must grow the frame. Every label
# length 1..63 (so every frame length over a 64-byte span), A and AAAA, with
# and without EDNS, and over IPv6: each query gets the guard's answer.
# Eight dig processes in parallel keep the run short even when answers are
# missing (each then costs a 1 s timeout).
SWEEP=$LAB_RUN/sweep
mkdir -p "$SWEEP"
# sweep_part TAG TYPE FIRST LAST DIG_ARGS...: one dig, one query per length.
sweep_part() {
	local tag=$1 type=$2 first=$3 last=$4 n q=()
	shift 4
	for ((n = first; n <= last; n++)); do
		q+=("$(printf "%${n}s" "" | tr ' ' x).$tag.len.bad.example.test" "$type")
	done
	lab_lan dig +time=1 +tries=1 +noall +answer "$@" "${q[@]}" >"$SWEEP/$tag.$first" 2>&1
}
pids=()
for half in "1 32" "33 63"; do
	# shellcheck disable=SC2086
	{
		sweep_part a-edns A $half @"$LAB_DNS_IP4" &
		pids+=($!)
		sweep_part a-noedns A $half +noedns @"$LAB_DNS_IP4" &
		pids+=($!)
		sweep_part aaaa-edns AAAA $half @"$LAB_DNS_IP4" &
		pids+=($!)
		sweep_part v6-aaaa AAAA $half -6 @"$LAB_WEB_IP6" &
		pids+=($!)
	}
done
wait "${pids[@]}"
for tag in a-edns a-noedns aaaa-edns v6-aaaa; do
	# Label lengths that got no null answer (0.0.0.0 or ::).
	missing=$(for ((n = 1; n <= 63; n++)); do
		grep -qE "^x{$n}\.$tag\.len\.bad\.example\.test\.[[:space:]]+${TTL}[[:space:]]+IN[[:space:]]+A{1,4}[[:space:]]+(0\.0\.0\.0|::)\$" \
			"$SWEEP/$tag".* || printf ' %d' "$n"
	done)
	check_eq "every label length 1..63 answered: $tag (lengths without an answer:${missing:- none})" \
		"" "$missing"
done
flush_qlog
check_eq "the resolver never saw the length sweep" 0 "$(grep -c 'len\.bad\.example\.test from' "$QLOG")"
eve_wait true $((BLOCKED_UDP + 4 * 63))
check_eq "one event per query of the sweep" $((4 * 63)) $(($(ev true) - BLOCKED_UDP))

# ------------------------------------------------------------ modes by reload

# Each mode is a configuration change picked up by SIGHUP (utm-load also
# notices the file change by itself; either reload gives the same result).
set_mode() {
	write_config "$@"
	t_reload || not_ok "reload with dns mode $1"
	settle
}
before=$(ev true)
set_mode nxdomain
ask4 nx.bad.example.test A
expect_blocked "mode nxdomain" NXDOMAIN "" nx.bad.example.test A
check "mode nxdomain: event with rcode NXDOMAIN" eve_wait \
	'.dns.rrname == "nx.bad.example.test" and .dns.rcode == "NXDOMAIN" and .utm.dns_mode == "nxdomain"'
set_mode nodata
ask4 nodata.bad.example.test A
expect_blocked "mode nodata, A" NOERROR "" nodata.bad.example.test A
ask4 nodata.bad.example.test AAAA
expect_blocked "mode nodata, AAAA" NOERROR "" nodata.bad.example.test AAAA
check "mode nodata: event" eve_wait \
	'.dns.rrname == "nodata.bad.example.test" and .dns.rcode == "NOERROR" and .utm.dns_mode == "nodata"'
set_mode sinkhole "  sinkhole-ipv4: 198.51.100.99
  sinkhole-ipv6: 2001:db8:100::99"
ask4 sink.bad.example.test A
expect_blocked "mode sinkhole, A" NOERROR "sink.bad.example.test. $TTL A 198.51.100.99" \
	sink.bad.example.test A
ask4 sink.bad.example.test AAAA
expect_blocked "mode sinkhole, AAAA" NOERROR "sink.bad.example.test. $TTL AAAA 2001:db8:100::99" \
	sink.bad.example.test AAAA
check "mode sinkhole: event" eve_wait \
	'.dns.rrname == "sink.bad.example.test" and .utm.dns_mode == "sinkhole"'
set_mode null
ask4 null-again.bad.example.test A
expect_blocked "back to mode null" NOERROR "null-again.bad.example.test. $TTL A 0.0.0.0" \
	null-again.bad.example.test A
ask4 www.example.test A
check_eq "unlisted name still resolves after the mode changes" \
	"www.example.test. $LAB_WEB_IP4" "$(awk '{print $1, $4}' <<<"$A_ANS")"
check_unseen
eve_wait true $((before + 6))
sleep 0.5
check_eq "one event per blocked query across the mode changes" 6 $(($(ev true) - before))

# ------------------------------------------------------------ list reload

# A name added to the list file (replaced atomically) is blocked after the
# automatic reload, without a signal or restart; removed, it resolves again.
n=$(seen www.example.test A)
loads=$(t_loads)
{ cat "$DEMO/demo-block.txt"; echo "www.example.test"; } >"$LAB_RUN/block.txt.new"
mv "$LAB_RUN/block.txt.new" "$LAB_RUN/block.txt"
check "an edited list is reloaded by itself" t_wait_loaded "$loads"
ask4 www.example.test A
check_eq "a name added to the list is blocked" "NOERROR www.example.test. $TTL A 0.0.0.0" \
	"$A_STATUS $A_ANS"
flush_qlog
check_eq "the resolver never saw the newly listed name" "$n" "$(seen www.example.test A)"
loads=$(t_loads)
cp "$DEMO/demo-block.txt" "$LAB_RUN/block.txt.new"
mv "$LAB_RUN/block.txt.new" "$LAB_RUN/block.txt"
check "the list is reloaded again" t_wait_loaded "$loads"
ask4 www.example.test A
check_eq "the name removed from the list resolves again" "www.example.test. $LAB_WEB_IP4" \
	"$(awk '{print $1, $4}' <<<"$A_ANS")"
check "and reaches the resolver again" seen_wait_n www.example.test A $((n + 1))

# ------------------------------------------------------------ real lists

DATA=${UTM_SHARED_DATA:-$LAB_REPO/../shared/data}
HOSTS=$DATA/domain-blocklists/urlhaus-filter/urlhaus-filter-hosts.txt
RPZ=$DATA/domain-blocklists/urlhaus-filter/urlhaus-filter-rpz.conf
GAMBLING=$DATA/domain-blocklists/ndpi-lists/107_gambling.list
PHISHING=$DATA/ut1-categories/phishing/urls

# entries_of NAME: the entry count utm-ctl reports for list NAME.
entries_of() { ctl --json lists | jq -r --arg n "$1" '.[] | select(.name == $n) | .entries'; }

# plausible NAME ENTRIES LINES: the list holds at least 90% of the file's
# data lines (a few are skipped: IP addresses, localhost, bad names) and no
# more than them.
plausible() {
	local ok=0
	[ -n "$2" ] && [ "$2" -ge $(($3 * 9 / 10)) ] && [ "$2" -le "$3" ] && ok=1
	check "real list $1: $2 entries from $3 data lines" test "$ok" = 1
}

# pick_name FILE AWK_PROGRAM: a name from the middle of FILE that is a
# domain (has a letter, no IP address), chosen by the given extraction.
pick_name() {
	awk "$2" "$1" | grep -E '^[a-z0-9.-]*[a-z][a-z0-9.-]*\.[a-z]{2,}$' |
		awk '{ n[NR] = $0 } END { print n[int(NR / 2) + 1] }'
}

# blocked_by NAME LIST: NAME gets the guard's answer and an event of LIST.
blocked_by() {
	local name=$1 list=$2
	ask4 "$name" A
	check_eq "real list $list: $name is blocked" "$name. $TTL A 0.0.0.0" "$A_ANS"
	UNSEEN+=("$name A")
	check "real list $list: the event names the list" eve_wait \
		".dns.rrname == \"$name\" and .utm.list == \"$list\""
}

# shellcheck disable=SC2016 # awk programs
if [ -r "$HOSTS" ] && [ -r "$RPZ" ] && [ -r "$GAMBLING" ] && [ -r "$PHISHING" ]; then
	set_mode null "" "  - name: urlhaus-hosts
    file: $HOSTS
    kind: domains
  - name: urlhaus-rpz
    file: $RPZ
    kind: domains
  - name: gambling
    file: $GAMBLING
    kind: domains
  - name: ut1-phishing
    file: $PHISHING
    kind: urls"
	lines() { grep -cvE '^[[:space:]]*([#;!]|$)' "$1"; }
	plausible urlhaus-hosts "$(entries_of urlhaus-hosts)" "$(lines "$HOSTS")"
	# RPZ: the data lines minus $TTL, SOA and NS records (5 lines here).
	plausible urlhaus-rpz "$(entries_of urlhaus-rpz)" "$(grep -c ' CNAME ' "$RPZ")"
	plausible gambling "$(entries_of gambling)" "$(lines "$GAMBLING")"
	# URL lists: one entry per line (its host), hosts repeat across lines.
	n=$(entries_of ut1-phishing)
	check "real list ut1-phishing: $n entries from $(lines "$PHISHING") lines" \
		test "${n:-0}" -ge 1000 -a "${n:-0}" -le "$(lines "$PHISHING")"
	echo "# real lists: urlhaus-hosts $(entries_of urlhaus-hosts), urlhaus-rpz" \
		"$(entries_of urlhaus-rpz), gambling $(entries_of gambling), ut1-phishing $n entries"
	# One name from each list (ones only that list holds, so the event's list
	# is certain; each real list is checked on a name of its own).
	g=$(pick_name "$GAMBLING" '!/^[#;]/ { print tolower($1) }')
	blocked_by "$g" gambling
	p=$(pick_name "$PHISHING" '{ h = tolower($1); sub(/^[a-z]+:\/\//, "", h);
		sub(/[\/:?#].*/, "", h); print h }')
	if grep -qixF "$p" "$GAMBLING" || grep -qiF " $p" "$HOSTS"; then
		echo "# skip: $p from ut1-phishing is in another list too"
	else
		blocked_by "$p" ut1-phishing
	fi
	h=$(pick_name "$HOSTS" '$1 == "0.0.0.0" { print tolower($2) }')
	ask4 "$h" A
	check_eq "real list urlhaus-hosts: $h is blocked" "$h. $TTL A 0.0.0.0" "$A_ANS"
	UNSEEN+=("$h A")
	r=$(pick_name "$RPZ" '$2 == "CNAME" && $1 !~ /^\*/ { print tolower($1) }')
	ask4 "$r" A
	check_eq "real list urlhaus-rpz: $r is blocked" "$r. $TTL A 0.0.0.0" "$A_ANS"
	UNSEEN+=("$r A")
	check_unseen
	# Back to the demo lists only.
	set_mode null
else
	echo "# skip: real lists ($DATA/domain-blocklists, ut1-categories/phishing) not present"
fi

# ------------------------------------------------------------ command line

# The common case without a configuration file: --block-domains,
# --allow-domains, --dns-mode (a restart that adopts the running bridge).
settle
loads=$(t_loads)
lab_restart_utm --block-domains tests/fixtures/domains/demo-block.txt \
	--allow-domains tests/fixtures/domains/demo-allow.txt --dns-mode nxdomain ||
	not_ok "restart with --block-domains"
t_wait_loaded "$loads"
ask4 cli.bad.example.test A
expect_blocked "--block-domains, --dns-mode nxdomain" NXDOMAIN "" cli.bad.example.test A
ask4 good.bad.example.test A
check_eq "--allow-domains: the allowlisted name resolves" "good.bad.example.test. 203.0.113.66" \
	"$(awk '{print $1, $4}' <<<"$A_ANS")"
check_unseen

# ------------------------------------------------------------ utm-ctl why

# why NAME: utm-ctl's explanation as JSON, or nothing.
why() { ctl --json why "$1" 2>"$LAB_RUN/why.err"; }
line_of() { grep -nxF "$1" "$DEMO/$2" | cut -d: -f1; }
w=$(why bad.example.test)
if [ -z "$w" ] && grep -q "give one IPv4 or IPv6 address" "$LAB_RUN/why.err"; then
	echo "# skip: utm-ctl why NAME is not implemented in this build"
else
	check_eq "why bad.example.test: verdict" blocked "$(jq -r .verdict <<<"$w")"
	check_eq "why bad.example.test: name" bad.example.test "$(jq -r .name <<<"$w")"
	check_eq "why bad.example.test: entry" bad.example.test "$(jq -r .block.entry <<<"$w")"
	check_eq "why bad.example.test: list" demo-block "$(jq -r .block.list <<<"$w")"
	check "why bad.example.test: source file:line" \
		test "$(jq -r .block.source <<<"$w")" = \
		"$DEMO/demo-block.txt:$(line_of bad.example.test demo-block.txt)"
	check_eq "why bad.example.test: no allow" null "$(jq -c .allow <<<"$w")"
	w=$(why x.bad.example.test)
	check_eq "why x.bad.example.test: blocked by its parent" "blocked bad.example.test" \
		"$(jq -r '"\(.verdict) \(.block.entry)"' <<<"$w")"
	w=$(why good.bad.example.test)
	check_eq "why good.bad.example.test: the allowlist wins" "allowed (allowlist wins)" \
		"$(jq -r .verdict <<<"$w")"
	check_eq "why good.bad.example.test: allow entry and list" \
		"good.bad.example.test demo-allow" "$(jq -r '"\(.allow.entry) \(.allow.list)"' <<<"$w")"
	check_eq "why good.bad.example.test: the block it overrides" bad.example.test \
		"$(jq -r .block.entry <<<"$w")"
	w=$(why www.exact.example.test)
	check_eq "why www.exact.example.test: an exact entry does not cover subdomains" \
		"not listed" "$(jq -r .verdict <<<"$w")"
	w=$(why exact.example.test)
	check_eq "why exact.example.test: blocked" blocked "$(jq -r .verdict <<<"$w")"
	check_eq "why www.example.test: not listed" "not listed" \
		"$(why www.example.test | jq -r .verdict)"
	check_eq "why BaD.ExAmPlE.TeSt: case-insensitive" blocked \
		"$(why BaD.ExAmPlE.TeSt | jq -r .verdict)"
fi
t_done
