#!/bin/bash
# The lab leaves nothing behind: namespaces, run dir, pin root and server
# processes are gone after `tests/lab.sh down`, after a test body that fails,
# after SIGTERM, after a set-up that fails half-way, and (via `lab.sh gc`)
# after its owner was SIGKILLed. Two labs run side by side without touching
# each other. Uses the bridge forwarder: this is about the lab itself.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
LAB=$HERE/../lab.sh
# shellcheck source=../lab.sh
. "$LAB"
# shellcheck source=../check.sh
. "$HERE/../check.sh"
export LAB_FORWARDER=bridge LAB_QUIET=1
LAB_BUILD=${LAB_BUILD:-${1:-$LAB_REPO/build}}
lab_require

# Our own scratch space and whatever kept labs we made: removed on exit even
# when a check goes wrong half-way.
SCRATCH=$(mktemp -d /tmp/t_lab_cleanup.XXXXXX)
KEPT=()
cleanup() {
	local id
	for id in "${KEPT[@]}"; do
		[ -d "/tmp/utm-lab-$id" ] && "$LAB" down "$id" >/dev/null 2>&1
	done
	rm -rf "$SCRATCH"
}
trap cleanup EXIT

# Processes whose command line names the run id (our own grep excluded: it is
# gone by the time we look at the list).
procs_of() {
	local p out=()
	for p in $(grep -laF -- "$1" /proc/[0-9]*/cmdline 2>/dev/null | cut -d/ -f3); do
		lab__alive "$p" && out+=("$p")
	done
	echo "${out[*]}"
}

# Everything a lab makes is present...
lab_present() {
	local id=$1 ns
	for ns in lan box wan; do
		[ -e "/run/netns/utm-$id-$ns" ] || {
			echo "namespace utm-$id-$ns missing"
			return 1
		}
	done
	[ -f "/tmp/utm-lab-$id/lab.env" ] || {
		echo "run dir missing"
		return 1
	}
	lab__alive "$(cat "/tmp/utm-lab-$id/httpd.pid")" &&
		lab__alive "$(cat "/tmp/utm-lab-$id/dnsmasq.pid")" || {
		echo "a server is not running"
		return 1
	}
}

# ...and afterwards nothing is. PIDS: servers recorded while it was up.
lab_gone() {
	local id=$1 pids=${2:-} p left=0
	if ip netns list | grep -F "utm-$id-"; then
		echo "namespaces left"
		left=1
	fi
	[ ! -e "/tmp/utm-lab-$id" ] || {
		echo "run dir /tmp/utm-lab-$id left"
		left=1
	}
	[ ! -e "/sys/fs/bpf/utm-lab-$id" ] || {
		echo "pin root /sys/fs/bpf/utm-lab-$id left"
		left=1
	}
	for p in $pids; do
		if lab__alive "$p"; then
			echo "PID $p still running"
			left=1
		fi
	done
	p=$(procs_of "$id")
	[ -z "$p" ] || {
		echo "processes naming the run id still running: $p"
		left=1
	}
	[ "$left" = 0 ]
}

server_pids() { cat "/tmp/utm-lab-$1/httpd.pid" "/tmp/utm-lab-$1/dnsmasq.pid" | tr '\n' ' '; }

# A pinned object under the pin root, as utm-load would leave: a directory
# on bpffs is enough to prove the pin root is removed.
fake_pins() { mkdir -p "/sys/fs/bpf/utm-lab-$1/maps"; }

lab_works() { "$LAB" exec "$1" lan ping -n -c 2 -i 0.2 -w 3 "$LAB_WEB_IP4"; }

# --- 1. CLI: two labs at once, then down one after the other -------------
id1=$("$LAB" up)
KEPT+=("$id1")
id2=$("$LAB" up)
KEPT+=("$id2")
fake_pins "$id1"
fake_pins "$id2"
pids1=$(server_pids "$id1")
pids2=$(server_pids "$id2")
check "two labs get distinct run ids ($id1, $id2)" test "$id1" != "$id2"
check "lab 1 is complete" lab_present "$id1"
check "lab 2 is complete" lab_present "$id2"
check "lab 1 forwards" lab_works "$id1"
check "lab 2 forwards at the same time" lab_works "$id2"
"$LAB" down "$id1"
check "lab 1 is gone after lab.sh down" lab_gone "$id1" "$pids1"
check "lab 2 is untouched by lab 1's teardown" lab_present "$id2"
check "lab 2 still forwards" lab_works "$id2"
"$LAB" down "$id2"
check "lab 2 is gone after lab.sh down" lab_gone "$id2" "$pids2"
check "lab.sh down of an unknown id fails" bash -c "! '$LAB' down 000000"

# --- 2. a test body that fails ----------------------------------------------
# Each body writes "ID PIDS" to a state file so that we can look afterwards.
state=$SCRATCH/state
body_fails() {
	(
		. "$LAB"
		lab_up
		fake_pins "$LAB_ID"
		echo "$LAB_ID $(server_pids "$LAB_ID")" >"$state"
		exit 1
	)
}
set +e
body_fails
rc=$?
set -e
read -r bid bpids <"$state"
check "a failing body keeps its exit status (got $rc)" test "$rc" = 1
check "lab of a failing body is gone" lab_gone "$bid" "$bpids"

# The same with errexit: a failing command ends the body.
rm -f "$state"
set +e
(
	set -e
	. "$LAB"
	lab_up
	echo "$LAB_ID $(server_pids "$LAB_ID")" >"$state"
	false
	echo "not reached" >"$state"
)
rc=$?
set -e
read -r bid bpids <"$state"
check "errexit body: status 1 (got $rc)" test "$rc" = 1
check "errexit body: lab is gone" lab_gone "$bid" "$bpids"

# --- 3. SIGTERM (what run-all's timeout sends) -------------------------------
rm -f "$state"
(
	. "$LAB"
	lab_up
	fake_pins "$LAB_ID"
	echo "$LAB_ID $(server_pids "$LAB_ID")" >"$state"
	while :; do sleep 0.2; done
) &
bg=$!
for ((i = 0; i < 100; i++)); do
	[ -s "$state" ] && break
	sleep 0.1
done
read -r bid bpids <"$state"
check "lab under SIGTERM test was up" lab_present "$bid"
kill -TERM "$bg"
set +e
wait "$bg"
rc=$?
set -e
check "SIGTERM: status 143 (got $rc)" test "$rc" = 143
check "SIGTERM: lab is gone" lab_gone "$bid" "$bpids"

# --- 4. a set-up that fails half-way -----------------------------------------
# LAB_FORWARDER=utm without a build: the servers are already running when
# the forwarder fails to start, so they must be stopped again.
rm -f "$state"
set +e
(
	. "$LAB"
	LAB_FORWARDER=utm LAB_BUILD=$SCRATCH/no-build
	lab_up
	echo "$? $LAB_ID" >"$state"
) 2>"$SCRATCH/setup.err"
set -e
read -r rc bid <"$state"
check "failed set-up: lab_up returns 1 (got $rc)" test "$rc" = 1
check "failed set-up: reports why" grep -q "not built" "$SCRATCH/setup.err"
check "failed set-up: lab is gone" lab_gone "$bid"

# --- 5. owner SIGKILLed: nothing can run, `lab.sh gc` cleans up -------------
# (gc must not touch the lab while its owner lives.)
rm -f "$state"
(
	. "$LAB"
	lab_up
	fake_pins "$LAB_ID"
	echo "$LAB_ID $(server_pids "$LAB_ID")" >"$state"
	while :; do sleep 0.2; done
) &
bg=$!
for ((i = 0; i < 100; i++)); do
	[ -s "$state" ] && break
	sleep 0.1
done
read -r bid bpids <"$state"
KEPT+=("$bid")
"$LAB" gc 2>/dev/null
check "lab.sh gc leaves a lab whose owner is alive alone" lab_present "$bid"
kill -KILL "$bg"
wait "$bg" 2>/dev/null || true
check "SIGKILL: the lab is left behind (nothing could run)" lab_present "$bid"
"$LAB" gc 2>/dev/null
check "SIGKILL: lab.sh gc removes it" lab_gone "$bid" "$bpids"

check_done
