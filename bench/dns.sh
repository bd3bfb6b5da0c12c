#!/bin/bash
# bench/dns.sh BUILD_DIR: the DNS guard benchmark, what `make bench-dns` runs.
#
# In one run, in the test lab (tests/lab.sh: LAN host, UTM box, WAN side with
# dnsmasq), with one list of 1M domain names (bench/mkdomains.py: the real
# lists of ../shared/data plus synthetic names) and 65,536 of its names as
# queries (type A, no EDNS):
#   1. answers per second for listed names: (a) by the UTM's XDP guard
#      holding the 1M names (the resolver never sees the queries), (b) by
#      dnsmasq holding the same names (--addn-hosts) behind the UTM, which
#      then has no domain lists and only bridges. Same names and duration
#      for both, with two generators: utm-dnsblast (open loop, XDP live
#      frames: fast enough for the guard) and dnsperf (closed loop: the
#      standard tool, fair to a resolver in user space, too slow for the
#      guard). The ratio that judges the target is the guard's utm-dnsblast
#      rate over dnsmasq's best.
#   2. the guard's cost per query at 1M names: single BPF_PROG_TEST_RUNs of
#      the attached program timed by the kernel's BPF statistics, for a
#      listed name (answered) and an unlisted one (forwarded); and its mean
#      run time under the traffic of 1(a) (65,536 names: cold lookups).
#   3. memory: the live domains map's memlock per million names, utm-load's
#      peak RSS while loading, dnsmasq's RSS for the same list; load times.
# Prints a report (also kept in BUILD_DIR/bench-dns-report.txt) with each
# target marked; docs/benchmarks.md ("DNS guard") explains the numbers.
#
# Settings (environment): DNS_BENCH_SECONDS [5] per run, DNS_BENCH_REPEAT [3]
# runs per figure (the median is reported), DNS_BENCH_TOTAL
# [1000000] names, BENCH_CPU [the last CPU] for the generators (dnsmasq gets
# CPU 0), DNS_BENCH_COST_COUNT [100000] single runs per cost figure,
# UTM_SHARED_DATA [<repo>/../shared/data], BENCH_STRICT=1: exit 1 when a
# target is missed (a failed sanity check always exits 1).
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
[ $# -eq 1 ] || {
	echo "usage: bench/dns.sh BUILD_DIR" >&2
	exit 2
}
BUILD=$(cd "$1" 2>/dev/null && pwd) || {
	echo "bench-dns: build directory $1 does not exist (run make)" >&2
	exit 1
}
SECONDS_RUN=${DNS_BENCH_SECONDS:-5}
REPEAT=${DNS_BENCH_REPEAT:-3}
TOTAL=${DNS_BENCH_TOTAL:-1000000}
GEN_CPU=${BENCH_CPU:-$(($(nproc) - 1))}
COST_COUNT=${DNS_BENCH_COST_COUNT:-100000}
SHARED=${UTM_SHARED_DATA:-$REPO/../shared/data}
RESOLVER_IP=198.51.100.54 # the benchmark's dnsmasq (the lab's own is .53)
DNSPERF_ARGS=(-c 4 -T 1 -q 50) # the best of a few tries for dnsmasq here

log() { echo "bench-dns: $*" >&2; }
die() {
	echo "bench-dns: error: $*" >&2
	exit 1
}

[ "$(id -u)" = 0 ] || die "needs root (network namespaces, XDP, bpffs)"
for t in dnsmasq dig jq bpftool taskset nstat /usr/bin/python3; do
	command -v "$t" >/dev/null || die "$t is missing (make deps)"
done
for t in utm-load utm-ctl utm-dnsblast; do
	[ -x "$BUILD/$t" ] || die "$BUILD/$t is not built (make)"
done
HAVE_DNSPERF=1
command -v dnsperf >/dev/null || {
	HAVE_DNSPERF=0
	log "dnsperf is missing (make deps): its figures are left out"
}

# The list takes ~10 s to build; it only changes with its inputs, so it is
# kept in the build directory under a key of everything that shapes it.
build_lists() {
	local data=$SHARED key tmp
	[ -d "$data/domain-blocklists" ] || data=
	key=$({
		cat "$REPO/bench/mkdomains.py"
		echo "$TOTAL $data"
		[ -z "$data" ] || (cd "$data" && find domain-blocklists ut1-categories -type f \
			-printf '%P %s %T@\n' 2>/dev/null | sort)
	} | sha256sum | cut -c1-16)
	LISTS=$BUILD/bench-dns-lists/$key
	if [ ! -f "$LISTS/summary.txt" ]; then
		log "building the ${TOTAL}-name list (${data:-no shared data})"
		mkdir -p "$BUILD/bench-dns-lists"
		tmp=$(mktemp -d "$LISTS.XXXXXX")
		/usr/bin/python3 "$REPO/bench/mkdomains.py" ${data:+--data "$data"} \
			--total "$TOTAL" --out "$tmp" || {
			rm -rf "$tmp"
			die "building the list failed"
		}
		# A parallel run may have finished first; either copy will do.
		mv -T "$tmp" "$LISTS" 2>/dev/null || rm -rf "$tmp"
	fi
}

# ------------------------------------------------------------ measurements

declare -A R=()

in_lan() { nsenter --net="/run/netns/$LAB_NS_LAN" "$@"; }
ctl() { lab_box "$BUILD/utm-ctl" --pin-root "$LAB_PIN_ROOT" "$@"; }
lan_counter() {
	ctl --json status | jq -r --arg c "$1" '.ports[] | select(.role == "lan") |
		.counters[$c].packets'
}
# UDP datagrams the WAN side's stack received so far (the resolvers' input).
wan_udp_in() {
	lab_wan awk '$1 == "Udp:" && $2 ~ /^[0-9]+$/ { print $2 }' /proc/net/snmp
}

# blast KEY DST [ARGS...]: utm-dnsblast from the LAN host for SECONDS_RUN s
# on the listed names, REPEAT times; the JSON of the run with the median
# answer rate in R[KEY], all rates in R[KEY_runs].
blast() {
	local key=$1 dst=$2 i out runs=() rates=()
	shift 2
	for ((i = 0; i < REPEAT; i++)); do
		out=$(in_lan "$BUILD/utm-dnsblast" send --dev eth0 --dst-mac "$LAB_GW_MAC" \
			--dst "$dst" --names "$LISTS/queries.txt" --duration "$SECONDS_RUN" \
			--cpu "$GEN_CPU" --json "$@") || die "utm-dnsblast send failed"
		runs+=("$out")
		rates+=("$(jq -r .rps <<<"$out") $i")
		R[${key}_answered]=$((${R[${key}_answered]:-0} + $(jq -r .answered <<<"$out")))
	done
	i=$(printf '%s\n' "${rates[@]}" | sort -n | awk -v m=$((REPEAT / 2)) 'NR == m + 1 { print $2 }')
	R[$key]=${runs[i]}
	R[${key}_runs]=$(printf '%s\n' "${rates[@]}" | awk '{ printf "%s%.0f", (NR > 1 ? " " : ""), $1 }')
}

# perf KEY DST: dnsperf from the LAN host, same names and duration, REPEAT
# times; "completed lost qps" of the median run in R[KEY], all rates in
# R[KEY_runs].
perf() {
	local key=$1 out i runs=() rates=()
	[ "$HAVE_DNSPERF" = 1 ] || {
		R[$key]="- - -"
		return 0
	}
	for ((i = 0; i < REPEAT; i++)); do
		out=$(lab_lan taskset -c "$GEN_CPU" dnsperf -s "$2" -d "$LISTS/queries.txt" \
			-l "$SECONDS_RUN" "${DNSPERF_ARGS[@]}" 2>&1) || die "dnsperf failed: $out"
		runs+=("$(awk '/Queries completed:/ { c = $3 } /Queries lost:/ { l = $3 }
			/Queries per second:/ { q = $4 } END { print c, l, q }' <<<"$out")")
		rates+=("$(awk '{ print $3 }' <<<"${runs[i]}") $i")
	done
	i=$(printf '%s\n' "${rates[@]}" | sort -n | awk -v m=$((REPEAT / 2)) 'NR == m + 1 { print $2 }')
	R[$key]=${runs[i]}
	R[${key}_runs]=$(printf '%s\n' "${rates[@]}" | awk '{ printf "%s%.0f", (NR > 1 ? " " : ""), $1 }')
}

# cost KEY NAME: the guard's cost for one query, JSON in R[KEY].
cost() {
	R[$1]=$(lab_box "$BUILD/utm-dnsblast" cost --pin-root "$LAB_PIN_ROOT" --name "$2" \
		--count "$COST_COUNT" --json) || die "utm-dnsblast cost failed"
}

# Start dnsmasq with the whole list as a hosts file, on CPU 0 (the generator
# has the last one), and time until it answers for the list's last name.
start_dnsmasq() {
	local last t0 i cpu=()
	lab_wan ip addr add "$RESOLVER_IP/32" dev inet0
	[ "$(nproc)" -gt 1 ] && cpu=(taskset -c 0)
	last=$(tail -n 1 "$LISTS/hosts.txt" | cut -d' ' -f2)
	t0=$(date +%s%N)
	# nsenter execs, so $! is dnsmasq's PID; lab_down ends it (PID file).
	nsenter --net="/run/netns/$LAB_NS_WAN" "${cpu[@]}" dnsmasq -k --conf-file=/dev/null \
		--no-resolv --no-hosts --bind-interfaces --listen-address="$RESOLVER_IP" \
		--user=root --group=root --pid-file="$LAB_RUN/dnsbench.pid" \
		--addn-hosts="$LISTS/hosts.txt" --log-facility=- \
		</dev/null >"$LAB_RUN/dnsbench.log" 2>&1 &
	echo "$!" >"$LAB_RUN/dnsbench.pid"
	DNSMASQ_PID=$!
	lab_defer "lab__kill_pidfile dnsbench"
	for ((i = 0; i < 1200; i++)); do
		[ "$(lab_wan dig +short +time=1 +tries=1 @"$RESOLVER_IP" "$last" 2>/dev/null)" = \
			0.0.0.0 ] && break
		lab__alive "$DNSMASQ_PID" || die "dnsmasq exited: $(tail -n 5 "$LAB_RUN/dnsbench.log")"
		sleep 0.1
	done
	[ "$i" -lt 1200 ] || die "dnsmasq did not answer for $last within 120 s"
	R[dnsmasq_load]=$(awk -v a="$t0" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
	R[dnsmasq_rss]=$(awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$DNSMASQ_PID/status")
}

# Wait until utm-load logs its Nth "lists loaded"; R[utm_load_ms] from it.
wait_loaded() {
	local n=$1 i line
	for ((i = 0; i < 1200; i++)); do
		line=$(grep '"lists loaded' "$LAB_RUN/utm-load.log" | sed -n "${n}p" || true)
		[ -n "$line" ] && break
		lab__alive "$LAB_UTM_PID" || die "utm-load exited: $(tail -n 5 "$LAB_RUN/utm-load.log")"
		sleep 0.1
	done
	[ -n "$line" ] || die "utm-load did not load its lists within 120 s"
	grep -q '(0 refused)' <<<"$line" || die "utm-load refused a list: $line"
	R[utm_load_ms]=$(sed -n 's/.* in \([0-9]*\) ms.*/\1/p' <<<"$line")
}

# ------------------------------------------------------------ report

fmt_rate() {
	awk -v r="$1" 'BEGIN { if (r >= 1e6) printf "%.2f M/s", r / 1e6;
		else printf "%.1f k/s", r / 1e3 }'
}
js() { jq -r "$2" <<<"${R[$1]}"; }
# mark 1|0: MARK is "MET" (counted in MET) or "NOT MET".
MET=0
mark() {
	MARK="NOT MET"
	[ "$1" = 1 ] || return 0
	MARK=MET
	MET=$((MET + 1))
}

report() {
	local a b ap bp ap_lost bp_lost best ratio mark1 c_hit c_miss c_over worst mark2 mem per_m
	a=$(js blast_a .rps)
	b=$(js blast_b .rps)
	read -r _ ap_lost ap <<<"${R[perf_a]}"
	read -r _ bp_lost bp <<<"${R[perf_b]}"
	best=$(awk -v x="$b" -v y="${bp/-/0}" 'BEGIN { print (y > x) ? y : x }')
	ratio=$(awk -v a="$a" -v b="$best" 'BEGIN { printf "%.1f", a / b }')
	mark "$(awk -v r="$ratio" 'BEGIN { print (r >= 10) ? 1 : 0 }')"
	mark1=$MARK
	c_hit=$(js cost_hit .ns_median)
	c_miss=$(js cost_miss .ns_median)
	c_over=$(js cost_hit .overhead_ns_median)
	worst=$(awk -v h="$c_hit" -v m="$c_miss" -v o="$c_over" \
		'BEGIN { w = (h > m ? h : m) - o; printf "%.0f", w }')
	mark "$(awk -v w="$worst" 'BEGIN { print (w <= 200) ? 1 : 0 }')"
	mark2=$MARK
	mem=${R[memlock]}
	per_m=$(awk -v m="$mem" -v n="${R[map_entries]}" 'BEGIN { printf "%.0f", m / n * 1e6 }')

	echo "DNS guard benchmark $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "machine: $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n1)," \
		"$(nproc) CPUs, $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo)," \
		"Linux $(uname -r); load average at the start: ${R[load]}"
	echo "$(cat "$LISTS/summary.txt")"
	echo "queries: $(js blast_a .names) of the listed names (type A, no EDNS), LAN host to" \
		"the WAN side, ${SECONDS_RUN} s per run; generators on CPU $GEN_CPU, dnsmasq on CPU 0"
	echo
	echo "1. Answers per second for listed names (same names, same duration)"
	printf '   %-40s %-20s %-20s %s\n' generator "(a) XDP guard" "(b) dnsmasq" "a/b"
	printf '   %-40s %-20s %-20s %s\n' "utm-dnsblast (open loop, XDP live frames)" \
		"$(fmt_rate "$a")" "$(fmt_rate "$b")" \
		"$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.1f", a / b }')"
	printf '   %-40s %-20s %-20s\n' "  queries offered" "$(fmt_rate "$(js blast_a .qps)")" \
		"$(fmt_rate "$(js blast_b .qps)")"
	printf '   %-40s %-20s %-20s\n' "  runs (answers/s)" "${R[blast_a_runs]}" "${R[blast_b_runs]}"
	if [ "$HAVE_DNSPERF" = 1 ]; then
		printf '   %-40s %-20s %-20s %s\n' "dnsperf ${DNSPERF_ARGS[*]} (closed loop)" \
			"$(fmt_rate "$ap")" "$(fmt_rate "$bp")" \
			"$(awk -v a="$ap" -v b="$bp" 'BEGIN { if (b > 0) printf "%.1f", a / b }')"
		printf '   %-40s %-20s %-20s\n' "  queries lost (median run)" "$ap_lost" "$bp_lost"
		printf '   %-40s %-20s %-20s\n' "  runs (answers/s)" "${R[perf_a_runs]}" "${R[perf_b_runs]}"
	fi
	echo "   capacity: the guard $(fmt_rate "$a") / dnsmasq's best $(fmt_rate "$best") =" \
		"${ratio} x    target >= 10 x: $mark1"
	echo "   (a) in the median run the guard answered $(js blast_a .answered) of" \
		"$(js blast_a .sent) queries sent; over all runs it counted ${R[guard_counted]} and" \
		"answered ${R[guard_answered]}; the WAN side received ${R[wan_udp_a]} UDP datagrams"
	echo "   (b) in the median run dnsmasq answered $(js blast_b .answered) of" \
		"$(js blast_b .sent) queries offered"
	echo "   sanity: ${R[sanity]}"
	echo
	echo "2. XDP cost per query at ${R[entries]} names (single BPF_PROG_TEST_RUNs of the attached"
	echo "   utm_bridge timed by BPF statistics, median of 5 x $COST_COUNT; the statistics'"
	echo "   own cost, measured on a trivial program, is subtracted)"
	echo "   listed name $(js cost_hit .name): $(js cost_hit .verdict)" \
		"$(awk -v h="$c_hit" -v o="$c_over" 'BEGIN { printf "%.0f", h - o }') ns"
	echo "   unlisted name $(js cost_miss .name): $(js cost_miss .verdict)" \
		"$(awk -v m="$c_miss" -v o="$c_over" 'BEGIN { printf "%.0f", m - o }') ns"
	echo "   no domain lists, the same query: $(js cost_none .verdict)" \
		"$(awk -v m="$(js cost_none .ns_median)" -v o="$(js cost_none .overhead_ns_median)" \
			'BEGIN { printf "%.0f", m - o }') ns   (statistics overhead ${c_over} ns)"
	echo "   target <= 200 ns per query at 1M names (worst ${worst} ns): $mark2"
	echo "   under the traffic of 1(a), 65,536 names (cold lookups): $(js blast_stats \
		.prog_ns_per_run) ns per query, statistics included (${R[stats_rate]} answers meanwhile)"
	echo
	echo "3. Memory and load time"
	echo "   domains map: ${R[map_entries]} names, memlock $mem bytes:" \
		"$(awk -v b="$per_m" 'BEGIN { printf "%.0f MiB", b / 1048576 }') per million names" \
		"($(awk -v b="$per_m" 'BEGIN { printf "%.0f", b / 1e6 }') bytes a name)"
	echo "   utm-load: ${R[entries]} names loaded in ${R[utm_load_ms]} ms; peak RSS" \
		"${R[utm_hwm]} MiB, ${R[utm_rss]} MiB after"
	echo "   dnsmasq: the same names (--addn-hosts) loaded in ${R[dnsmasq_load]} s; RSS" \
		"${R[dnsmasq_rss]} MiB"
	echo
	echo "targets met: $MET of 2"
}

# ------------------------------------------------------------ the run

build_lists
R[load]=$(cut -d' ' -f1-3 /proc/loadavg)
. "$REPO/tests/lab.sh"
LAB_BUILD=$BUILD LAB_FORWARDER=none LAB_QUIET=1 LAB_UTM_ARGS='' lab_up || die "lab set-up failed"
log "lab $LAB_ID up; list in $LISTS"

# (b) first: dnsmasq with the list, the UTM bridging without domain lists.
lab_start_utm || die "utm-load did not start"
wait_loaded 1
start_dnsmasq
log "dnsmasq loaded the list in ${R[dnsmasq_load]} s"
HIT=$(sed -n 100p "$LISTS/queries.txt" | cut -d' ' -f1)
MISS=$(sed -n 100p "$LISTS/unlisted.txt" | cut -d' ' -f1)
cost cost_none "$HIT"
blast blast_b "$RESOLVER_IP"
perf perf_b "$RESOLVER_IP"

# (a): the UTM with the list; dnsmasq stays up (the queries go to it).
lab_restart_utm --block-domains "$LISTS/domains.txt" || die "utm-load did not restart"
wait_loaded 2
R[utm_hwm]=$(awk '/^VmHWM:/ { printf "%.0f", $2 / 1024 }' "/proc/$LAB_UTM_PID/status")
R[utm_rss]=$(awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$LAB_UTM_PID/status")
R[entries]=$(ctl --json lists | jq '[.[] | .entries] | add')
R[memlock]=$(bpftool -j map show pinned "$LAB_PIN_ROOT/domains" | jq .bytes_memlock)
# The names in the map (one key per name, whatever the lists), from the log.
R[map_entries]=$(grep '"lists loaded' "$LAB_RUN/utm-load.log" |
	sed -n '2s/.* \([0-9]*\) domain names.*/\1/p' || true)
[ "${R[map_entries]:-0}" -gt 0 ] || die "no domain names in the map"
log "utm-load loaded ${R[entries]} names in ${R[utm_load_ms]} ms"
before=$(lan_counter dns_blocked)
udp0=$(wan_udp_in)
blast blast_a "$RESOLVER_IP"
R[wan_udp_a]=$(($(wan_udp_in) - udp0))
R[guard_counted]=$(($(lan_counter dns_blocked) - before))
R[guard_answered]=${R[blast_a_answered]}
perf perf_a "$RESOLVER_IP"
cost cost_hit "$HIT"
cost cost_miss "$MISS"
# The same traffic once more with the program's run-time statistics on.
blast blast_stats "$RESOLVER_IP" --stats-link "$LAB_PIN_ROOT/link_lan"
R[stats_rate]=$(fmt_rate "$(js blast_stats .rps)")

# Sanity: the guard answered (nearly) every query and the resolver saw none
# of them; dnsmasq answered with addresses; the cost probes took the paths
# they should. A few hundred datagrams of slack for the lab's own traffic.
sane=ok
why=()
# Every query the guard counted came back answered (queries the rig itself
# drops on a busy CPU, veth rings full, never reach the guard's counter).
[ "$(js blast_a .answered)" -gt 0 ] || why+=("the guard gave no answers")
[ "${R[guard_answered]}" -ge "${R[guard_counted]}" ] ||
	why+=("the guard counted ${R[guard_counted]} queries but answered ${R[guard_answered]}")
[ "${R[wan_udp_a]}" -lt 100 ] || why+=("the WAN side received ${R[wan_udp_a]} datagrams")
[ "$(js blast_b .answered)" -gt 0 ] || why+=("dnsmasq gave no answers")
[ "$(js cost_hit .verdict)" = XDP_TX ] || why+=("listed name not answered in the cost probe")
[ "$(js cost_miss .verdict)" = XDP_REDIRECT ] || why+=("unlisted name not forwarded")
[ "${#why[@]}" = 0 ] || sane="FAILED: ${why[*]}"
R[sanity]=$sane

# Not in a pipe: report counts the targets met in MET.
report >"$BUILD/bench-dns-report.txt"
cat "$BUILD/bench-dns-report.txt"
[ "$sane" = ok ] || exit 1
[ "${BENCH_STRICT:-0}" != 1 ] || [ "$MET" = 2 ] || exit 1
exit 0
