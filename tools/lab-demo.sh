#!/bin/bash
# `make demo`: the UTM bridging a small office in the veth lab (tests/lab.sh),
# with the demo block list loaded. Prints what to try, then waits for Ctrl-C
# (or SIGTERM) and tears everything down.
#
#   tools/lab-demo.sh BUILD_DIR
#   DEMO_ONESHOT=1 tools/lab-demo.sh BUILD_DIR   run the hinted commands,
#       print their results and exit: non-zero when one of them did not do
#       what the hint promises (CI's smoke test).
#
# LAB_FORWARDER (default utm) and LAB_UTM_ARGS (default: the demo block
# list) may be overridden.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
[ $# -ge 1 ] || {
	echo "usage: tools/lab-demo.sh BUILD_DIR" >&2
	exit 2
}
LAB_BUILD=$(cd "$1" 2>/dev/null && pwd) || {
	echo "demo: build directory $1 does not exist (run make)" >&2
	exit 1
}
export LAB_BUILD
export LAB_FORWARDER=${LAB_FORWARDER:-utm}
BLOCKLIST=tests/fixtures/lists/demo-block.txt
DOMAINS=tests/fixtures/domains/demo-block.txt
# Relative paths in LAB_UTM_ARGS are relative to the repository root.
if [ -z "${LAB_UTM_ARGS+set}" ]; then
	LAB_UTM_ARGS="--block $BLOCKLIST --block-domains $DOMAINS"
fi
export LAB_UTM_ARGS

# shellcheck source=../tests/lab.sh
. "$REPO/tests/lab.sh"

if [ "$(id -u)" != 0 ]; then
	echo "demo: needs root (network namespaces, XDP)" >&2
	exit 1
fi
if [ "$LAB_FORWARDER" = utm ]; then
	for f in utm-load utm-ctl; do
		[ -x "$LAB_BUILD/$f" ] || {
			echo "demo: $LAB_BUILD/$f is missing: run make first" >&2
			exit 1
		}
	done
fi
if [[ "$LAB_UTM_ARGS" == *"$BLOCKLIST"* ]] && [ ! -f "$REPO/$BLOCKLIST" ]; then
	echo "demo: $BLOCKLIST is missing" >&2
	exit 1
fi

lab_up

# The hints, as exact commands runnable from the repository root.
CTL="nsenter --net=/run/netns/$LAB_NS_BOX $LAB_BUILD/utm-ctl --pin-root $LAB_PIN_ROOT"
HINT_WEB="ip netns exec $LAB_NS_LAN curl -sS -o /dev/null -w 'HTTP %{http_code}, %{size_download} bytes\n' http://$LAB_WEB_IP4/big.bin"
HINT_PING_OK="ip netns exec $LAB_NS_LAN ping -c 2 -W 1 203.0.113.67"
HINT_PING_BAD="ip netns exec $LAB_NS_LAN ping -c 2 -W 1 203.0.113.66"
HINT_STATUS="$CTL status"
HINT_WHY="$CTL why 203.0.113.66"
HINT_EVE="tail -n 5 $LAB_RUN/eve.json"
HINT_DNS_OK="ip netns exec $LAB_NS_LAN dig +short @$LAB_DNS_IP4 www.example.test"
HINT_DNS_BAD="ip netns exec $LAB_NS_LAN dig +short @$LAB_DNS_IP4 www.bad.example.test"
HINT_WHY_DNS="$CTL why www.bad.example.test"

cat <<EOF

UTM demo lab $LAB_ID is up (forwarder: $LAB_FORWARDER, args: ${LAB_UTM_ARGS:-none}).
  LAN host  $LAB_NS_LAN  $LAB_LAN_IP4 $LAB_LAN_IP6
  box       $LAB_NS_BOX  ports lan, wan; pins in $LAB_PIN_ROOT
  internet  $LAB_NS_WAN  web $LAB_WEB_IP4 [$LAB_WEB_IP6], DNS $LAB_DNS_IP4
Try (as root, from $REPO):
  $HINT_WEB
  $HINT_PING_OK      # allowed
  $HINT_PING_BAD      # blocked by the UTM
  $HINT_DNS_OK      # resolves
  $HINT_DNS_BAD      # 0.0.0.0: answered by the DNS guard
EOF
if [ "$LAB_FORWARDER" = utm ]; then
	cat <<-EOF
		  $HINT_STATUS
		  $HINT_WHY
		  $HINT_WHY_DNS
		  $HINT_EVE
	EOF
fi

# run_hint DESCRIPTION EXPECT(ok|fail) COMMAND: run a hinted command, show
# its output and say whether it did what the hint promises.
DEMO_BAD=0
run_hint() {
	local what=$1 expect=$2 cmd=$3 rc
	echo
	echo "\$ $cmd"
	set +e
	bash -c "cd '$REPO' && $cmd" 2>&1 | sed 's/^/  /'
	rc=${PIPESTATUS[0]}
	set -e
	if { [ "$expect" = ok ] && [ "$rc" = 0 ]; } || { [ "$expect" = fail ] && [ "$rc" != 0 ]; }; then
		echo "=> as expected: $what"
	else
		echo "=> UNEXPECTED (status $rc): $what"
		DEMO_BAD=$((DEMO_BAD + 1))
	fi
}

if [ "${DEMO_ONESHOT:-0}" = 1 ]; then
	run_hint "the web server answers through the box" ok "$HINT_WEB"
	run_hint "an address not on the list is reachable" ok "$HINT_PING_OK"
	if [ "$LAB_FORWARDER" = utm ]; then
		run_hint "203.0.113.66 is blocked" fail "$HINT_PING_BAD"
		run_hint "utm-ctl status works" ok "$HINT_STATUS"
		run_hint "utm-ctl explains the block" ok "$HINT_WHY"
		if [[ "$LAB_UTM_ARGS" == *"$DOMAINS"* ]]; then
			run_hint "a listed domain is answered by the DNS guard" ok \
				"$HINT_DNS_BAD | grep -qx 0.0.0.0"
			run_hint "an unlisted domain resolves" ok \
				"$HINT_DNS_OK | grep -qx $LAB_WEB_IP4"
			run_hint "utm-ctl explains the DNS block" ok "$HINT_WHY_DNS"
		fi
		# Events are written asynchronously: give the sink up to 3 s.
		for ((i = 0; i < 30; i++)); do
			grep -qs 203.0.113.66 "$LAB_RUN/eve.json" && break
			sleep 0.1
		done
		run_hint "the block was logged in eve.json" ok \
			"$HINT_EVE && grep -q 203.0.113.66 $LAB_RUN/eve.json"
	fi
	echo
	if [ "$DEMO_BAD" != 0 ]; then
		echo "demo: $DEMO_BAD command(s) did not behave as the hints say"
		exit 1
	fi
	echo "demo: all hinted commands behaved as expected"
	exit 0
fi

echo
echo "Press Ctrl-C to stop the demo and remove the lab."
# Wait in the background so the INT/TERM traps (set by lab_up) fire at once;
# the sleep is ended by PID on the way out.
sleep infinity &
SLEEP_PID=$!
lab_defer "kill $SLEEP_PID 2>/dev/null"
wait "$SLEEP_PID" || true
