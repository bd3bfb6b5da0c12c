#!/bin/bash
# Shared helpers for the integration tests: TAP-like checks and UTM waits.
# Source after setting LAB_UTM_ARGS etc.; then call lab_up.

set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../lab.sh"

T_FAILED=0
T_COUNT=0

ok() { T_COUNT=$((T_COUNT + 1)); echo "ok - $*"; }
not_ok() {
	T_COUNT=$((T_COUNT + 1))
	T_FAILED=$((T_FAILED + 1))
	echo "not ok - $*"
}

# check NAME CMD...: passes when CMD succeeds.
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name"; fi
}

# check_fails NAME CMD...: passes when CMD fails.
check_fails() {
	local name=$1
	shift
	if "$@"; then not_ok "$name"; else ok "$name"; fi
}

# check_eq NAME EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1 (expected '$2', got '$3')"
	fi
}

t_done() {
	echo "# $((T_COUNT - T_FAILED))/$T_COUNT checks passed"
	[ "$T_FAILED" = 0 ]
}

# Skip (exit 77) unless the UTM's binaries are built.
t_require_utm() {
	lab_require || exit 77
	if [ ! -x "${LAB_BUILD:-$LAB_REPO/build}/utm-load" ]; then
		echo "skip: utm-load is not built (run make)"
		exit 77
	fi
}

# Skip (exit 77) unless utm-inspect is built too.
t_require_inspect() {
	t_require_utm
	[ -x "${LAB_BUILD:-$LAB_REPO/build}/utm-inspect" ] || {
		echo "skip: utm-inspect is not built (run make)"
		exit 77
	}
}

# t_start_inspect ARGS...: utm-inspect in the box on lan/wan with the lab's pin
# root (output appended to $LAB_RUN/utm-inspect.log), its PID ours in
# INSPECT_PID; waits until it says it is inspecting. 1 when it does not start.
t_start_inspect() {
	local log=$LAB_RUN/utm-inspect.log before i
	touch "$log"
	before=$(grep -c '"inspecting ' "$log" || true)
	nsenter --net="/run/netns/$LAB_NS_BOX" "$LAB_BUILD/utm-inspect" --lan lan --wan wan \
		--pin-root "$LAB_PIN_ROOT" "$@" </dev/null >>"$log" 2>&1 &
	INSPECT_PID=$!
	lab_defer "kill $INSPECT_PID 2>/dev/null; wait $INSPECT_PID 2>/dev/null"
	for ((i = 0; i < 100; i++)); do
		[ "$(grep -c '"inspecting ' "$log" || true)" -gt "$before" ] && return 0
		kill -0 "$INSPECT_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "# utm-inspect did not start:" >&2
	tail -n 5 "$log" >&2
	return 1
}

ctl() { lab_box "$LAB_BUILD/utm-ctl" --pin-root "$LAB_PIN_ROOT" "$@"; }

# The number of times utm-load logged that it loaded lists.
t_loads() { grep -c '"lists loaded' "$LAB_RUN/utm-load.log" 2>/dev/null || true; }

# Wait until utm-load has loaded its lists more than N times (default 0).
t_wait_loaded() {
	local before=${1:-0} i
	for ((i = 0; i < 100; i++)); do
		[ "$(t_loads)" -gt "$before" ] && return 0
		sleep 0.1
	done
	echo "# utm-load did not (re)load its lists in 10 s" >&2
	return 1
}

# Send SIGHUP and wait for the reload to finish.
t_reload() {
	local before
	before=$(t_loads)
	kill -HUP "$LAB_UTM_PID"
	t_wait_loaded "$before"
}

ping4_ok() { lab_lan ping -c 1 -W 1 "$@" >/dev/null 2>&1; }
ping6_ok() { lab_lan ping -6 -c 1 -W 1 "$@" >/dev/null 2>&1; }

# eve_count JQ_FILTER: number of events in eve.json matching a jq select().
eve_count() {
	[ -s "$LAB_RUN/eve.json" ] || {
		echo 0
		return
	}
	jq -c "select($1)" "$LAB_RUN/eve.json" | wc -l
}

# Events are written asynchronously: wait until at least N match.
eve_wait() {
	local filter=$1 n=${2:-1} i
	for ((i = 0; i < 30; i++)); do
		[ "$(eve_count "$filter")" -ge "$n" ] && return 0
		sleep 0.1
	done
	return 1
}

# The event store (utm-eventd) on the lab's event log, its database in
# $LAB_RUN/events.db; PID in EVENTD_PID, stopped at exit.
t_start_eventd() {
	printf 'state-dir: %s/state\n' "$LAB_RUN" >"$LAB_RUN/eventd.yaml"
	echo "--- start $(date +%T.%N)" >>"$LAB_RUN/utm-eventd.log"
	# nsenter execs: $! is utm-eventd's PID (not so with a shell function in the background)
	nsenter --net="/run/netns/$LAB_NS_BOX" "$LAB_BUILD/utm-eventd" \
		--config "$LAB_RUN/eventd.yaml" --event-log "$LAB_RUN/eve.json" \
		--db "$LAB_RUN/events.db" </dev/null >>"$LAB_RUN/utm-eventd.log" 2>&1 &
	EVENTD_PID=$!
	lab_defer "kill $EVENTD_PID 2>/dev/null; wait $EVENTD_PID 2>/dev/null"
}
# t_events ARGS...: utm-ctl events on that store, every event.
t_events() { ctl events --db "$LAB_RUN/events.db" --limit 0 "$@"; }
t_event_rows() { t_events --json | wc -l; }
# Wait until the store has at least N events (default: every line of eve.json).
t_wait_event_rows() {
	local want=${1:-$(grep -c . "$LAB_RUN/eve.json" 2>/dev/null || echo 0)} i
	for ((i = 0; i < 100; i++)); do
		[ "$(t_event_rows)" -ge "$want" ] && return 0
		sleep 0.1
	done
	return 1
}

# t_tls_server: a real TLS server (openssl s_server, a self-signed certificate
# for any name) on the lab's web server address, port 443; stopped at exit.
t_tls_server() {
	command -v openssl >/dev/null || {
		echo "skip: openssl is not installed (make deps)"
		exit 77
	}
	openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=lab" \
		-keyout "$LAB_RUN/tls.key" -out "$LAB_RUN/tls.crt" >/dev/null 2>&1 || return 1
	nsenter --net="/run/netns/$LAB_NS_WAN" openssl s_server -quiet -accept 443 -www \
		-cert "$LAB_RUN/tls.crt" -key "$LAB_RUN/tls.key" </dev/null >"$LAB_RUN/tls.log" 2>&1 &
	T_TLS_PID=$!
	lab_defer "kill $T_TLS_PID 2>/dev/null; wait $T_TLS_PID 2>/dev/null"
}

# A port counter from utm-ctl status --json: port_counter lan dropped_blocklist
port_counter() {
	ctl --json status | jq -r --arg r "$1" --arg c "$2" \
		'.ports[] | select(.role == $r) | .counters[$c].packets'
}
