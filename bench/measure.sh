#!/bin/bash
# bench/measure.sh: the measurements, sourced by bench/run.sh (after lib.sh).
# Results go into the associative arrays R (numbers) and RUNS (per-run text).

declare -A R=() RUNS=()

# The generator's traffic: 60-byte UDP frames from 250 LAN addresses x 1000
# source ports to the 65,536 unlisted destinations of dsts.txt, from one CPU.
# The generator (which also runs the forwarding path, in its softirqs) and
# utm-load run at nice BENCH_NICE, so that other work on a shared machine
# disturbs the figures less.
gen_args() {
	GEN=(nice -n "$BENCH_NICE" "$BUILD/utm-gen" send --dev eth0 --dst-mac "$BENCH_DST_MAC"
		--src 10.99.0.10 --src-count 250 --sport-count 1000 --size 60 --cpu "$BENCH_CPU"
		--json)
	TRAFFIC=(--dst-file "$LISTS/dsts.txt")
}

gen() { in_src "${GEN[@]}" "$@"; }
gen_traffic() { in_src "${GEN[@]}" "${TRAFFIC[@]}" "$@"; }

# Forwarded frames per second behind the device: BENCH_REPEAT runs of
# BENCH_SECONDS at full speed, counted by the sink pinned at PIN; the median.
measure_pps() {
	local key=$1 pin=$2 r before after out rx secs pps all=()
	for ((r = 1; r <= BENCH_REPEAT; r++)); do
		before=$(sink_count "$pin")
		out=$(gen_traffic --duration "$BENCH_SECONDS")
		after=$(sink_count "$pin")
		rx=$((after - before))
		secs=$(jq -r .seconds <<<"$out")
		pps=$(awk -v r="$rx" -v s="$secs" 'BEGIN { printf "%.0f", r / s }')
		all+=("$pps")
		echo "$key run $r: sent $(jq -r .sent <<<"$out"), received $rx in $secs s" \
			>>"$BENCH_RUN/runs.log"
	done
	R[$key]=$(median "${all[@]}")
	RUNS[$key]="${all[*]}"
	bench_log "$key: ${R[$key]} pps (runs: ${all[*]})"
}

# Does the device drop listed addresses and forward others? N frames to one
# destination each; "received/sent" per probe into RUNS[sanity_KEY].
sanity() {
	local key=$1 pin=$2 probe before after line="" ok=1 n=10000
	for probe in HIT32 HITNET MISS; do
		before=$(sink_count "$pin")
		gen --dst "${!probe}" --count "$n" >/dev/null
		after=$(sink_count "$pin")
		line+=" $probe ${!probe}: $((after - before))/$n received;"
		case $probe in
		MISS) [ $((after - before)) = "$n" ] || ok=0 ;;
		*) [ $((after - before)) = 0 ] || ok=0 ;;
		esac
	done
	line=${line# }
	RUNS[sanity_$key]=${line%;}
	[ "$ok" = 1 ] && R[sanity_$key]=ok || R[sanity_$key]=FAILED
	bench_log "sanity $key: ${R[sanity_$key]}: ${RUNS[sanity_$key]}"
}

# BPF_PROG_TEST_RUN of the attached UTM program for each probe address.
measure_cost() {
	local size=$1 probe out want got
	for probe in MISS HIT32 HITNET; do
		[ "$size" = 0 ] && [ "$probe" != MISS ] && continue
		out=$(in_box "$BUILD/utm-gen" cost --pin-root "$PIN_UTM" --dst "${!probe}" \
			--repeat "$BENCH_COST_REPEAT" --json)
		want=XDP_DROP
		[ "$probe" = MISS ] && want=XDP_REDIRECT
		got=$(jq -r .verdict <<<"$out")
		R[cost_${size}_$probe]=$(jq -r .ns_median <<<"$out")
		if [ "$got" != "$want" ]; then
			R[cost_${size}_$probe]+="!"
			bench_log "cost $size $probe: verdict $got, not $want"
		fi
	done
	bench_log "cost at $size entries: miss ${R[cost_${size}_MISS]} ns," \
		"hit32 ${R[cost_${size}_HIT32]:--} ns, hitnet ${R[cost_${size}_HITNET]:--} ns"
}

# The UTM program's (and, for scale, the sink's) mean run time with the
# kernel's BPF statistics, during a full-speed run of the benchmark traffic.
measure_live_cost() {
	local size=$1 pid
	spawn_in "$NS_SRC" "${GEN[@]}" "${TRAFFIC[@]}" --duration 3.5 >/dev/null
	pid=$SPAWNED_PID
	sleep 0.5
	R[live_$size]=$(in_box "$BUILD/utm-gen" progstat --pin-root "$PIN_UTM" --seconds 1 \
		--json | jq -r '.ns_per_run | floor')
	R[live_sink_$size]=$(in_dst "$BUILD/utm-gen" progstat --link "$PIN_SINK/sink_link" \
		--seconds 1 --json | jq -r '.ns_per_run | floor')
	wait "$pid"
	bench_log "live cost at $size entries: UTM ${R[live_$size]} ns," \
		"sink ${R[live_sink_$size]} ns"
}

# "lists loaded: N block ... in X ms" lines of a utm-load log.
loaded_lines() { grep -o '"lists loaded: [^"]*' "$1" 2>/dev/null | cut -c2-; }
loaded_count() { loaded_lines "$1" | wc -l; }
loaded_ms() { loaded_lines "$1" | sed -n "$2p" | sed 's/.* in \([0-9]*\) ms.*/\1/'; }
loaded_entries() {
	loaded_lines "$1" | sed -n "$2p" | sed 's/lists loaded: \([0-9]*\) block.*/\1/'
}


# Wait up to 120 s until the log has N "lists loaded" lines.
wait_loaded() {
	local log=$1 n=$2 i
	for ((i = 0; i < 1200; i++)); do
		[ "$(loaded_count "$log")" -ge "$n" ] && return 0
		sleep 0.1
	done
	bench_die "utm-load did not finish loading within 120 s (see $log)"
}

# utm-load --once with one list: attaches (or adopts) and loads, then exits.
utm_once() {
	local size=$1 log=$BENCH_RUN/utm-load-$1.log
	in_box nice -n "$BENCH_NICE" "$BUILD/utm-load" --lan lan --wan wan \
		--pin-root "$PIN_UTM" --state-dir "$BENCH_RUN/state" \
		--event-log "$BENCH_RUN/eve.json" --block "$LISTS/block-$size.list" --once \
		2>"$log" ||
		bench_die "utm-load --once failed: $(tail -n 3 "$log")"
	R[load_$size]=$(loaded_ms "$log" 1)
	R[entries_$size]=$(loaded_entries "$log" 1)
}

# utm-load as a daemon on feed.list (the 1M list); its PID in UTM_PID.
utm_daemon() {
	cp "$LISTS/block-1m.list" "$BENCH_RUN/feed.list"
	spawn_in "$NS_BOX" nice -n "$BENCH_NICE" "$BUILD/utm-load" --lan lan --wan wan \
		--pin-root "$PIN_UTM" --state-dir "$BENCH_RUN/state" \
		--event-log "$BENCH_RUN/eve.json" --block "$BENCH_RUN/feed.list" \
		</dev/null 2>"$BENCH_RUN/utm-load.log"
	UTM_PID=$SPAWNED_PID
	wait_loaded "$BENCH_RUN/utm-load.log" 1
	R[load_1m]=$(loaded_ms "$BENCH_RUN/utm-load.log" 1)
	R[entries_1m]=$(loaded_entries "$BENCH_RUN/utm-load.log" 1)
}

# CPU time utm-load has used so far, in ms (utime + stime from /proc).
utm_cpu_ms() {
	awk -v hz="$(getconf CLK_TCK)" '{ printf "%.0f", ($14 + $15) * 1000 / hz }' \
		"/proc/$UTM_PID/stat"
}

# One reload: by replacing the feed file with FILE (utm-load's inotify
# watch, which adds a 300 ms settle delay), or by SIGHUP when FILE is "-".
# Appends the loader's own time and the CPU time utm-load used meanwhile to
# R[reload_ms] and R[reload_cpu]: on a shared machine the first depends on
# what else runs, the second much less.
reload_once() {
	local log=$BENCH_RUN/utm-load.log n cpu
	n=$(loaded_count "$log")
	cpu=$(utm_cpu_ms)
	if [ "$1" = - ]; then
		kill -HUP "$UTM_PID"
	else
		cp "$1" "$BENCH_RUN/feed.list.new"
		mv "$BENCH_RUN/feed.list.new" "$BENCH_RUN/feed.list"
	fi
	wait_loaded "$log" $((n + 1))
	R[reload_cpu]+=" $(($(utm_cpu_ms) - cpu))"
	R[reload_ms]+=" $(loaded_ms "$log" $((n + 1)))"
	R[reload_entries]=$(loaded_entries "$log" $((n + 1)))
}

# Rate-limited traffic through the UTM while the 1M list is reloaded five
# times: the feed file replaced (by a changed list, then by the original
# again) and SIGHUP, alternately. Reload times vary with what else the
# machine runs, hence several.
measure_reload() {
	local before after out gpid f
	local rate=$BENCH_RELOAD_RATE
	before=$(sink_count "$PIN_SINK")
	out=$(gen_traffic --rate "$rate" --duration 3)
	after=$(sink_count "$PIN_SINK")
	R[reload_base_sent]=$(jq -r .sent <<<"$out")
	R[reload_base_lost]=$((R[reload_base_sent] - (after - before)))

	before=$(sink_count "$PIN_SINK")
	spawn_in "$NS_SRC" "${GEN[@]}" "${TRAFFIC[@]}" --rate "$rate" --duration 300 \
		>"$BENCH_RUN/reload-gen.json"
	gpid=$SPAWNED_PID
	sleep 2
	# Spaced out like feed updates, not back to back: a reload right after
	# another overlaps with the freeing of the generation it replaced.
	for f in "$LISTS/block-1m-b.list" - "$LISTS/block-1m.list" - "$LISTS/block-1m-b.list"; do
		reload_once "$f"
		sleep 3
	done
	sleep 1
	kill -TERM "$gpid"
	wait "$gpid" || bench_die "the generator failed during the reload test"
	after=$(sink_count "$PIN_SINK")
	R[reload_sent]=$(jq -r .sent "$BENCH_RUN/reload-gen.json")
	R[reload_secs]=$(jq -r '.seconds | floor' "$BENCH_RUN/reload-gen.json")
	R[reload_lost]=$((R[reload_sent] - (after - before)))
	bench_log "reloads:${R[reload_ms]} ms; sent ${R[reload_sent]}, lost ${R[reload_lost]}" \
		"(baseline lost ${R[reload_base_lost]})"
}

# The Linux bridge reference: br0 over lan and wan, the sink's MAC known.
bridge_up() {
	in_box ip link add br0 type bridge stp_state 0 forward_delay 0 mcast_snooping 0
	in_box ip link set lan master br0
	in_box ip link set wan master br0
	in_box ip link set br0 up
	in_box bridge fdb add "$BENCH_DST_MAC" dev wan master static
}

nft_load() {
	local t0 t1
	t0=$(date +%s.%N)
	in_box nft -f "$LISTS/block.nft" || bench_die "nft -f $LISTS/block.nft failed"
	t1=$(date +%s.%N)
	R[nft_load]=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
}
