#!/bin/bash
# utm-inspect with a worker per queue: on two-queue ports it opens a socket
# pair and an engine per queue, frames of many flows reach both workers,
# and every download passes byte-identical. (veth spreads flows over its
# queues by the sender's hash, not symmetrically as a NIC configured for
# it would: this checks the plumbing, not that both directions of a flow
# meet in one worker.)
. "$(dirname "$0")/common.sh"
t_require_inspect
LAB_QUEUES=2 lab_up || exit 1
t_wait_loaded || exit 1
t_start_inspect --ports tcp:80 --queues 2 --depth-packets 1000000000 --eve /dev/null || exit 1
check "utm-inspect serves 2 queues" grep -q 'inspecting lan <-> wan, 2 queues' \
	"$LAB_RUN/utm-inspect.log"
want=$(cut -d' ' -f1 "$LAB_RUN/www/big.bin.sha256")
pids=()
for ((i = 0; i < 8; i++)); do
	lab_lan curl -sS -m 60 --local-port $((41000 + i)) -o "$LAB_RUN/dl$i.bin" \
		"http://$LAB_WEB_IP4/big.bin" &
	pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
ok_all=1
for ((i = 0; i < 8; i++)); do
	[ "$(sha256sum "$LAB_RUN/dl$i.bin" | cut -d' ' -f1)" = "$want" ] || ok_all=0
done
check "8 parallel downloads through the workers are byte-identical" test "$ok_all" = 1
kill -TERM "$INSPECT_PID"
wait "$INSPECT_PID"
check "frames were inspected" grep -qE 'lan [1-9][0-9]* in' "$LAB_RUN/utm-inspect.log"
check "queue 0's worker inspected frames" grep -qE 'queue 0: [1-9][0-9]* frames' \
	"$LAB_RUN/utm-inspect.log"
check "queue 1's worker inspected frames" grep -qE 'queue 1: [1-9][0-9]* frames' \
	"$LAB_RUN/utm-inspect.log"
t_done
