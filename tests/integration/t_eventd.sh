#!/bin/bash
# The event store (issue "Event store"): utm-eventd follows the lab's
# eve.json, written by utm-load (block events) and utm-inspect (web
# records), into an SQLite store that utm-ctl events reads with the right
# function, stars and device; SIGKILLed while events keep coming and
# restarted, it has every line exactly once; across a rotation (mv, new
# file, SIGHUP) new events arrive and none is stored twice.
. "$(dirname "$0")/common.sh"
t_require_inspect
command -v jq >/dev/null || {
	echo "skip: jq is not installed (make deps)"
	exit 77
}
LAB_UTM_ARGS="--block tests/fixtures/lists/demo-block.txt" lab_up || exit 1
t_wait_loaded || exit 1

DB=$LAB_RUN/events.db
EVE=$LAB_RUN/eve.json
events() { t_events "$@"; }
rows() { t_event_rows; }
lines() { cat "$@" 2>/dev/null | grep -c . || true; }
wait_rows() { t_wait_event_rows "$1"; }
start_eventd() { t_start_eventd; }
same_lines() {
	diff <(cat "$@" | jq -cS . | sort) <(events --json | jq -cS .event | sort) >"$LAB_RUN/diff.txt"
}

start_eventd
sleep 0.5
check "utm-eventd runs" kill -0 "$EVENTD_PID"

# --- a block event from utm-load (XDP): ★★ IPS outbound, the device named
ping4_ok 203.0.113.66
eve_wait '.event_type == "drop"' || echo "# no drop event in eve.json"
check "the store has the drop event" wait_rows "$(lines "$EVE")"
drop=$(events --json --function ips_outbound | head -n 1)
check_eq "its severity is 2 (★★)" 2 "$(jq -r .severity <<<"$drop")"
check_eq "its device MAC" "$LAB_LAN_MAC" "$(jq -r .device.mac <<<"$drop")"
check_eq "its device address" "$LAB_LAN_IP4" "$(jq -r .device.ip <<<"$drop")"
check_eq "the event is the line of eve.json" "203.0.113.66" "$(jq -r .event.dest_ip <<<"$drop")"
check "filter by device address" test "$(events --device "$LAB_LAN_IP4" --json | wc -l)" -ge 1
check "filter by device MAC" test "$(events --device "$LAB_LAN_MAC" --json | wc -l)" -ge 1
check_eq "another device has none" 0 "$(events --device 02:99:00:00:00:99 --json | wc -l)"
events --since 1h >"$LAB_RUN/events.txt"
check "text output names function and device" \
	grep -q "ips_outbound.*$LAB_LAN_MAC" "$LAB_RUN/events.txt"

# --- a web record from utm-inspect: a blocked site
printf 'blocked.example.test\n' >"$LAB_RUN/web-block.list"
cat >"$LAB_RUN/web.yaml" <<YAML
lists:
  - name: web-block
    file: $LAB_RUN/web-block.list
    kind: domains
YAML
t_start_inspect --config "$LAB_RUN/web.yaml" --ports tcp:80 --eve "$EVE" || exit 1
lab_lan curl -sS -m 10 -o /dev/null --resolve "blocked.example.test:80:$LAB_WEB_IP4" \
	http://blocked.example.test/index.html 2>/dev/null
eve_wait '.event_type == "web"' || echo "# no web record in eve.json"
wait_rows "$(lines "$EVE")"
web=$(events --json --function site_blocking --grep blocked.example.test | head -n 1)
check_eq "the web record is stored, ★★" 2 "$(jq -r .severity <<<"$web")"
check_eq "its device" "$LAB_LAN_MAC" "$(jq -r .device.mac <<<"$web")"
check_eq "its summary names the site" "blocked.example.test/index.html (web-block)" \
	"$(jq -r .summary <<<"$web")"
check_eq "--min-stars 3 finds none" 0 "$(events --min-stars 3 --json | wc -l)"

# --- SIGKILL while events keep coming: every line once
lab_lan ping -q -i 0.05 -c 60 -W 1 203.0.113.66 >/dev/null 2>&1 &
pinger=$!
for ((i = 0; i < 8; i++)); do
	lab_lan curl -sS -m 2 -o /dev/null --resolve "blocked.example.test:80:$LAB_WEB_IP4" \
		"http://blocked.example.test/$i" 2>/dev/null
	if [ "$i" = 3 ]; then
		kill -9 "$EVENTD_PID"
		wait "$EVENTD_PID" 2>/dev/null
		sleep 0.3
		start_eventd
	fi
	sleep 0.2
done
wait "$pinger"
sleep 0.5
n=$(lines "$EVE")
check "after SIGKILL and restart the store catches up ($n lines)" wait_rows "$n"
check_eq "as many rows as lines" "$n" "$(rows)"
check "every line exactly once" same_lines "$EVE"
check_eq "no bad line" 0 "$(grep -c 'bad line' "$LAB_RUN/utm-eventd.log" || true)"

# --- rotation: mv + a new file + SIGHUP to every writer (as logrotate's postrotate does)
sleep 0.3
mv "$EVE" "$EVE.1"
t_reload || exit 1 # utm-load reopens the log: a new eve.json
kill -HUP "$INSPECT_PID" "$EVENTD_PID"
for ((i = 0; i < 30; i++)); do
	grep -q 'event log .* reopened' "$LAB_RUN/utm-inspect.log" && break
	sleep 0.1
done
before=$(rows)
ping4_ok 203.0.113.66
eve_wait '.event_type == "drop"' || echo "# no drop event in the new eve.json"
lab_lan curl -sS -m 10 -o /dev/null --resolve "blocked.example.test:80:$LAB_WEB_IP4" \
	http://blocked.example.test/again.html 2>/dev/null
check "utm-inspect writes to the new log after SIGHUP" \
	eve_wait '.event_type == "web" and .web.url == "/again.html"'
n=$(($(lines "$EVE.1") + $(lines "$EVE")))
check "the new file's events arrive" wait_rows "$n"
check "there are new rows" test "$(rows)" -gt "$before"
check_eq "as many rows as lines in both files" "$n" "$(rows)"
check "none is stored twice" same_lines "$EVE.1" "$EVE"
check "it logged the rotation" grep -q 'is a new file (rotated)' "$LAB_RUN/utm-eventd.log"

# --- a clean stop writes the status file next to the db
kill "$EVENTD_PID"
wait "$EVENTD_PID" 2>/dev/null
check_eq "the status file counts no bad line" 0 "$(jq .bad_lines "$LAB_RUN/eventd.json")"
check_eq "and no lag" 0 "$(jq .lag_bytes "$LAB_RUN/eventd.json")"
t_done
