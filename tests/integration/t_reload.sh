#!/bin/bash
# Hitless reloads: under continuous traffic, repeated reloads of a 20k-entry
# list never let a listed packet through and never drop an unlisted one; a
# changed list file is picked up without a signal; a malformed list is
# refused with file:line while its previous entries stay active.
. "$(dirname "$0")/common.sh"
t_require_utm
LAB_FORWARDER=none lab_up || exit 1

# Two versions of a list that both hold 203.0.113.66, each with 20,000 other
# entries from 100.64.0.0/10 (not used in the lab), so a reload has real work.
make_version() {
	local third=$1
	{
		echo "# version $third"
		echo "203.0.113.66"
		for ((i = 0; i < 20000; i++)); do
			echo "100.$third.$((i / 250)).$((i % 250 + 1))"
		done
	} >"$LAB_RUN/v$third.txt"
}
make_version 64
make_version 65
cp "$LAB_RUN/v64.txt" "$LAB_RUN/bad.txt"
# Outbound only: if a request to 203.0.113.66 ever leaked, its reply would
# come back (inbound is not blocked) and ping would count it.
cat >"$LAB_RUN/utm.yaml" <<YAML
lists:
  - name: churn
    file: $LAB_RUN/bad.txt
    direction: outbound
YAML
lab_start_utm --config "$LAB_RUN/utm.yaml" || exit 1
t_wait_loaded || exit 1
check_fails "listed address blocked before the reloads" ping4_ok 203.0.113.66

# Continuous traffic: 2,000 pings each way at 2 ms intervals, and a download.
lab_lan ping -q -i 0.002 -c 2000 -W 1 "$LAB_WEB_IP4" >"$LAB_RUN/ping-ok.out" 2>&1 &
p1=$!
lab_lan ping -q -i 0.002 -c 2000 -W 1 203.0.113.66 >"$LAB_RUN/ping-bad.out" 2>&1 &
p2=$!
lab_lan curl -sS -m 30 --limit-rate 2M -o "$LAB_RUN/dl.bin" "http://$LAB_WEB_IP4/big.bin" &
p3=$!
for v in 65 64 65 64 65 64; do
	cp "$LAB_RUN/v$v.txt" "$LAB_RUN/next.txt"
	mv "$LAB_RUN/next.txt" "$LAB_RUN/bad.txt"
	t_reload || not_ok "reload to version $v"
done
wait $p1 $p2 $p3
received() { sed -n 's/.* \([0-9]*\) received.*/\1/p' "$1"; }
check_eq "unlisted traffic: all 2000 pings answered across 6 reloads" 2000 \
	"$(received "$LAB_RUN/ping-ok.out")"
check_eq "listed address: none of 2000 pings got through" 0 "$(received "$LAB_RUN/ping-bad.out")"
check_eq "download during reloads is intact" "$(cat "$LAB_RUN/www/big.bin.sha256" 2>/dev/null |
	cut -d' ' -f1)" "$(sha256sum "$LAB_RUN/dl.bin" | cut -d' ' -f1)"
check_eq "the list holds 20001 entries" 20001 \
	"$(ctl --json lists | jq '.[] | select(.name == "churn") | .entries')"

# A changed file is picked up without a signal.
loads=$(t_loads)
{ cat "$LAB_RUN/v64.txt"; echo "203.0.113.67"; } >"$LAB_RUN/next.txt"
mv "$LAB_RUN/next.txt" "$LAB_RUN/bad.txt"
check "a changed list file is reloaded by itself" t_wait_loaded "$loads"
check_fails "the new entry blocks" ping4_ok 203.0.113.67

# A malformed version is refused with file:line; the previous entries stay.
loads=$(t_loads)
{ echo "# broken update"; echo "198.51.100.10"; echo "not-an-address"; } >"$LAB_RUN/next.txt"
mv "$LAB_RUN/next.txt" "$LAB_RUN/bad.txt"
t_wait_loaded "$loads"
check "the refusal names file:line" grep -q "$LAB_RUN/bad.txt:3: .*not-an-address" \
	"$LAB_RUN/utm-load.log"
check_fails "previous entries stay active" ping4_ok 203.0.113.67
check "entries of the refused version are not applied" ping4_ok "$LAB_WEB_IP4"
check_eq "entry count unchanged" 20002 \
	"$(ctl --json lists | jq '.[] | select(.name == "churn") | .entries')"

# A restart with the bad file still in place keeps the last good copy.
lab_restart_utm --config "$LAB_RUN/utm.yaml" || not_ok "restart"
t_wait_loaded
check_fails "after a restart the last good copy is used" ping4_ok 203.0.113.67
t_done
