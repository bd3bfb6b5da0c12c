#!/bin/bash
# Feeds of the kinds utm-inspect uses, from nginx on the WAN side: an
# ET-like emerging.rules.tar.gz (kind ips-rules) is unpacked under
# STATE/feeds/NAME.d/ byte for byte; a truncated copy, and archives whose
# members would land outside NAME.d ("../escape.rules", an absolute path),
# are refused with an event while the previous tree stays; a new archive
# replaces the tree whole. An HTML page served in place of an IP feed is
# refused and the previous data stays; a `categories` feed of a plain
# domain list is stored as NAME.data (and is no DNS guard list).
. "$(dirname "$0")/common.sh"
. "$(dirname "$0")/feeds.sh"
t_feeds_lab_up nginx gzip tar
t_nginx_start || exit 1

REFRESH=2
FEEDS=$LAB_RUN/state/feeds
RULES_D=$FEEDS/lab-rules.d

# --- the content
# An ET-like rules tree, v1 and v2 (v2 drops emerging-scan.rules).
mkdir -p "$LAB_RUN/et1/rules" "$LAB_RUN/et2/rules"
cat >"$LAB_RUN/et1/rules/emerging-malware.rules" <<'RULES'
# Emerging Threats lab excerpt
alert http $HOME_NET any -> $EXTERNAL_NET any (msg:"ET MALWARE Lab Beacon POST to gate.php"; flow:established,to_server; http.method; content:"POST"; http.uri; content:"/gate.php"; endswith; classtype:trojan-activity; sid:2099001; rev:1;)
alert dns $HOME_NET any -> any any (msg:"ET MALWARE Lab DNS Lookup (bad.example.test)"; dns.query; content:"bad.example.test"; nocase; endswith; classtype:trojan-activity; sid:2099002; rev:1;)
RULES
cat >"$LAB_RUN/et1/rules/emerging-scan.rules" <<'RULES'
alert tcp $EXTERNAL_NET any -> $HOME_NET 22 (msg:"ET SCAN Potential SSH Scan"; flow:to_server; flags:S,12; threshold: type both, track by_src, count 5, seconds 120; classtype:attempted-recon; sid:2001219; rev:20;)
alert tcp $EXTERNAL_NET any -> $HOME_NET 3389 (msg:"ET SCAN Lab RDP Probe"; flow:to_server; flags:S,12; classtype:attempted-recon; sid:2099003; rev:1;)
RULES
sed 's/rev:1;/rev:2;/' "$LAB_RUN/et1/rules/emerging-malware.rules" \
	>"$LAB_RUN/et2/rules/emerging-malware.rules"
cat >"$LAB_RUN/et2/rules/emerging-dns.rules" <<'RULES'
alert dns $HOME_NET any -> any any (msg:"ET DNS Lab Query for .test TLD"; dns.query; content:".test"; endswith; classtype:bad-unknown; sid:2099004; rev:1;)
RULES
# tarball DIR OUT: DIR's rules/ as GNU tar | gzip, as ET publishes it.
tarball() { tar -C "$1" --owner=0 --group=0 -cf - rules | gzip -9n >"$2"; }
tarball "$LAB_RUN/et1" "$LAB_RUN/et1.tar.gz"
tarball "$LAB_RUN/et2" "$LAB_RUN/et2.tar.gz"
# evil_tarball OUT NAME: a valid member and one named NAME (GNU tar strips
# "../" and "/" when creating, so python3's tarfile makes it).
evil_tarball() {
	/usr/bin/python3 - "$1" "$2" <<'PY'
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w:gz", format=tarfile.GNU_FORMAT) as t:
    for name, data in (("rules/emerging-ok.rules", b"alert ip any any -> any any (msg:\"ok\"; sid:2099100; rev:1;)\n"),
                       (sys.argv[2], b"alert ip any any -> any any (msg:\"escaped\"; sid:2099101; rev:1;)\n")):
        ti = tarfile.TarInfo(name)
        ti.size = len(data)
        ti.mode = 0o644
        t.addfile(ti, io.BytesIO(data))
PY
}

ipfeed() {
	echo "# lab IP feed"
	printf '%s\n' "$@"
}
t_publish emerging.rules.tar.gz <"$LAB_RUN/et1.tar.gz"
ipfeed 203.0.113.66 | t_publish ip.txt
printf '# lab web categories: malware\nbad.example.test\nmalware.example.test\n' |
	t_publish categories.txt

cat >"$LAB_RUN/utm.yaml" <<YAML
never-block:
  addresses: [$LAB_DNS_IP4]
feeds:
  - name: lab-rules
    url: $T_FEED_URL/emerging.rules.tar.gz
    kind: ips-rules
    refresh: ${REFRESH}s
  - name: lab-ip
    url: $T_FEED_URL/ip.txt
    refresh: ${REFRESH}s
  - name: lab-cats
    url: $T_FEED_URL/categories.txt
    kind: categories
    refresh: ${REFRESH}s
YAML
lab_start_utm --config "$LAB_RUN/utm.yaml" || exit 1

# same_tree SRC: the files under SRC/rules and $RULES_D/rules are the same
# names with identical content.
same_tree() {
	local f
	diff <(cd "$1" && find rules -type f | sort) <(cd "$RULES_D" && find rules -type f | sort) ||
		return 1
	for f in "$1"/rules/*; do
		cmp -s "$f" "$RULES_D/rules/${f##*/}" || return 1
	done
}
refused_events() { eve_count '.event_type == "feed" and .feed.name == "lab-rules" and .feed.action == "refused"'; }
no_escape() {
	[ -z "$(find "$LAB_RUN" -name '*escape*' -print -quit)" ]
}

# --- ips-rules: the tarball is unpacked under NAME.d
check "the rules feed is updated" t_feed_wait lab-rules state 15 '. == "updated"'
check_eq "its kind is reported" ips-rules "$(t_feed lab-rules kind)"
check "emerging-malware.rules is stored identical" \
	cmp "$LAB_RUN/et1/rules/emerging-malware.rules" "$RULES_D/rules/emerging-malware.rules"
check "emerging-scan.rules is stored identical" \
	cmp "$LAB_RUN/et1/rules/emerging-scan.rules" "$RULES_D/rules/emerging-scan.rules"
check "NAME.d holds exactly the archive's files" same_tree "$LAB_RUN/et1"
check_fails "no NAME.data for an archive" test -e "$FEEDS/lab-rules.data"
check_eq "no refusal so far" 0 "$(refused_events)"
cp -a "$RULES_D" "$LAB_RUN/rules-good.d"

# --- a truncated tarball is refused, the tree stays
size=$(stat -c %s "$LAB_RUN/et2.tar.gz")
head -c $((size / 2)) "$LAB_RUN/et2.tar.gz" | t_publish emerging.rules.tar.gz
check "a truncated tarball is refused" t_feed_wait lab-rules state 10 '. == "refused"'
check "the error names the gzip/tar problem" grep -Eqi "gzip|tar" <<<"$(t_feed lab-rules error)"
check "a feed event says it was refused" eve_wait \
	'.event_type == "feed" and .feed.name == "lab-rules" and .feed.action == "refused"'
check "the refusal event carries the reason" eve_wait \
	'.event_type == "feed" and .feed.name == "lab-rules" and .feed.action == "refused" and ((.feed.reason // "") | test("gzip|tar"; "i"))'
check "the previous tree is intact" diff -r "$LAB_RUN/rules-good.d" "$RULES_D"
check_fails "no half-written tree is left" test -e "$RULES_D.new"

# --- a member named ../escape.rules is refused, nothing lands outside
evil_tarball "$LAB_RUN/evil.tar.gz" ../escape.rules
t_publish emerging.rules.tar.gz <"$LAB_RUN/evil.tar.gz"
check "an archive with ../escape.rules is rejected" \
	t_feed_wait lab-rules error 10 'test("unsafe")'
check_eq "... as refused" refused "$(t_feed lab-rules state)"
check "... with a refusal event" eve_wait \
	'.event_type == "feed" and .feed.name == "lab-rules" and .feed.action == "refused" and ((.feed.reason // "") | test("unsafe"))'
check "nothing is written outside NAME.d" no_escape
check "the previous tree is intact" diff -r "$LAB_RUN/rules-good.d" "$RULES_D"
check_fails "no half-written tree is left" test -e "$RULES_D.new"

# --- the good archive again, then one with an absolute member name
t_publish emerging.rules.tar.gz <"$LAB_RUN/et1.tar.gz"
check "the good archive is taken again" t_feed_wait lab-rules state 10 '. == "updated"'
check "the recovery is an event" eve_wait \
	'.event_type == "feed" and .feed.name == "lab-rules" and .feed.action == "recovered"'
check "NAME.d is the good tree" same_tree "$LAB_RUN/et1"
evil_tarball "$LAB_RUN/evil-abs.tar.gz" "$LAB_RUN/abs-escape.rules"
t_publish emerging.rules.tar.gz <"$LAB_RUN/evil-abs.tar.gz"
check "an archive with an absolute member name is rejected" \
	t_feed_wait lab-rules error 10 'test("unsafe")'
check_eq "... as refused" refused "$(t_feed lab-rules state)"
check "nothing is written at the absolute path" no_escape
check "the previous tree is intact" diff -r "$LAB_RUN/rules-good.d" "$RULES_D"

# --- a new good archive replaces the tree whole
t_publish emerging.rules.tar.gz <"$LAB_RUN/et2.tar.gz"
check "a good archive is taken again" t_feed_wait lab-rules state 10 '. == "updated"'
check "NAME.d is the new archive's tree, byte for byte" same_tree "$LAB_RUN/et2"
check_fails "a member the new archive dropped is gone" test -e "$RULES_D/rules/emerging-scan.rules"
check "no stale tree is left" test ! -e "$RULES_D.new" -a ! -e "$RULES_D.old"

# --- an HTML page instead of an IP feed
check "the IP feed is applied" t_feed_wait lab-ip entries 10 '. == 1'
check_fails "its entry blocks" ping4_ok 203.0.113.66
cp "$FEEDS/lab-ip.data" "$LAB_RUN/ip-good.data"
printf '<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body>\n<p>Your address 203.0.113.67 must sign in.</p>\n</body></html>\n' |
	t_publish ip.txt
check "an HTML page in place of the IP feed is refused" t_feed_wait lab-ip state 10 \
	'. == "refused"'
check "the refusal says it is an HTML page" grep -q "HTML page" <<<"$(t_feed lab-ip error)"
check "a feed event reports it" eve_wait \
	'.event_type == "feed" and .feed.name == "lab-ip" and .feed.action == "refused"'
check "the previous data stays on disk" cmp "$LAB_RUN/ip-good.data" "$FEEDS/lab-ip.data"
check_fails "the previous data stays applied: 203.0.113.66 blocked" ping4_ok 203.0.113.66
check "nothing of the page is applied: 203.0.113.67 passes" ping4_ok 203.0.113.67
check_eq "entries are the previous ones" 1 "$(t_feed lab-ip entries)"
attempt=$(t_feed lab-ip last_attempt)
check "the feed is tried again" t_feed_wait lab-ip last_attempt $((REFRESH + 5)) ". > $attempt"
check_eq "... and still reported refused" refused "$(t_feed lab-ip state)"

# --- categories: a plain domain list, stored as NAME.data for utm-inspect
check "the categories feed is updated" t_feed_wait lab-cats last_change 10 '. != null'
check "it is stored as NAME.data, identical" cmp "$LAB_RUN/feeds/categories.txt" \
	"$FEEDS/lab-cats.data"
check_fails "no NAME.d for a plain list" test -e "$FEEDS/lab-cats.d"
check_eq "its kind is reported" categories "$(t_feed lab-cats kind)"
check_eq "a category list is not a DNS guard list: bad.example.test resolves" 203.0.113.66 \
	"$(lab_lan dig +short +time=2 +tries=1 @"$LAB_DNS_IP4" bad.example.test A)"
t_done
