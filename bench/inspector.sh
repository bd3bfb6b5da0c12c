# bench/inspector.sh: utm-inspect in a lab of tests/lab.sh, for the benchmarks
# that measure it (bench/inspect.sh, bench/web.sh). Sourced after lab_up;
# BUILD is the build directory.

# bench_inspector ARGS...: start utm-inspect on the lab's ports with ARGS; its
# PID in INSPECT_PID; exits the benchmark when it does not start in 30 s.
bench_inspector() {
	nsenter --net="/run/netns/$LAB_NS_BOX" "$BUILD/utm-inspect" --lan lan --wan wan \
		--pin-root "$LAB_PIN_ROOT" --eve /dev/null "$@" \
		</dev/null >>"$LAB_RUN/utm-inspect.log" 2>&1 &
	INSPECT_PID=$!
	lab_defer "kill $INSPECT_PID 2>/dev/null; wait $INSPECT_PID 2>/dev/null"
	local i
	for ((i = 0; i < 300; i++)); do
		grep -q '"inspecting ' "$LAB_RUN/utm-inspect.log" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "bench: utm-inspect did not start:" >&2
	tail -n 5 "$LAB_RUN/utm-inspect.log" >&2
	exit 1
}

# bench_stop_inspector: stop it (the ports go back to pure XDP forwarding).
bench_stop_inspector() {
	kill "$INSPECT_PID"
	wait "$INSPECT_PID" 2>/dev/null || true
	: >"$LAB_RUN/utm-inspect.log"
}
