#!/bin/bash
# bench/feeds.sh BUILD_DIR: parse and apply of threat feeds, what
# `make bench-feeds` runs (issue 4: "1M-entry IP feed and 1M-entry domain
# feed: time and peak memory, on one core; <= 2 s each, peak memory <= 200 MB
# above the resting process").
#
# In one run, with the same inputs for both sides, everything measured on
# one core (taskset -c BENCH_CPU), REPEAT times each, medians reported:
#   IP:      (a) utm-load --once applying a file:/// feed (kind: ip) of 1M
#                IPv4 entries (bench/mklist.py: 95% addresses, 5% prefixes
#                /16../24), in the test lab's box (tests/lab.sh,
#                LAB_FORWARDER=none); (b) `ipset restore` of the same entries
#                into a hash:net set, in a network namespace of its own.
#   domains: (a) the same with a feed (kind: domains) of 1M names
#                (bench/mkdomains.py); (b) dnsmasq loading the same names as
#                an --addn-hosts file ("0.0.0.0 NAME"), timed from its start
#                until it answers a query for the file's last name.
# For utm-load: the wall time of the whole run (start, attach, fetch, parse,
# guards, map fill, swap, exit), the "lists loaded ... in N ms" figure of its
# log, and its peak RSS (ru_maxrss, GNU time) above that of the resting
# process: the same run with a feed of 10 entries. Every run gets a fresh pin
# root and state directory (no previous load: the size guard never
# interferes). A refused feed, or fewer entries in the map than in the feed,
# fails the run. For the references: wall time, peak RSS (ru_maxrss of
# ipset, VmHWM of dnsmasq) and the kernel memory of the ipset set.
# Prints a report (also kept in BUILD_DIR/bench-feeds-report.txt);
# docs/benchmarks.md ("Feeds: parse and apply 1M entries") explains it.
#
# The inputs are synthetic only (no UTM_SHARED_DATA): the shared real lists
# hold entries the feed guards refuse by design (224.0.0.0/3 is shorter than
# /8, bogons are private ranges, bitbucket.org is a protected top domain), and
# a refused feed applies nothing.
#
# Settings (environment): FEEDS_BENCH_REPEAT [3] runs per figure,
# FEEDS_BENCH_TOTAL [1000000] entries per feed, BENCH_CPU [the last CPU],
# BENCH_STRICT=1: exit 1 when a target is missed (a failed check always
# exits 1).
# shellcheck disable=SC2317 # functions run from traps, lab_down and add()
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
[ $# -eq 1 ] || {
	echo "usage: bench/feeds.sh BUILD_DIR" >&2
	exit 2
}
BUILD=$(cd "$1" 2>/dev/null && pwd) || {
	echo "bench-feeds: build directory $1 does not exist (run make)" >&2
	exit 1
}
REPEAT=${FEEDS_BENCH_REPEAT:-3}
TOTAL=${FEEDS_BENCH_TOTAL:-1000000}
CPU=${BENCH_CPU:-$(($(nproc) - 1))}
SMALL=10                # entries of the resting feed
TARGET_S=2              # seconds per feed
TARGET_MB=200           # MB (10^6 bytes) above the resting process
IPSET_HASHSIZE=1048576  # presized: no rehash while loading (ipset's best case)
DNS_PORT=5353

log() { echo "bench-feeds: $*" >&2; }
die() {
	echo "bench-feeds: error: $*" >&2
	exit 1
}

[ "$(id -u)" = 0 ] || die "needs root (network namespaces, XDP, bpffs)"
for t in ipset dnsmasq dig jq bpftool taskset nsenter /usr/bin/time /usr/bin/python3; do
	command -v "$t" >/dev/null || die "$t is missing (make deps)"
done
for t in utm-load utm-ctl; do
	[ -x "$BUILD/$t" ] || die "$BUILD/$t is not built (make)"
done
# dig polls dnsmasq from another CPU, so that it does not slow the load.
DIG_CPU=()
[ "$(nproc)" -gt 1 ] && DIG_CPU=(taskset -c "$((CPU == 0 ? 1 : 0))")

# ------------------------------------------------------------ clean-up

ID=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
WORK=$(mktemp -d "/tmp/utm-bench-feeds-$ID.XXXXXX")
REF_NS=()   # namespaces of the references
REF_PIDS=() # dnsmasq processes

cleanup() {
	local p ns i
	for p in "${REF_PIDS[@]}"; do
		kill -0 "$p" 2>/dev/null || continue
		kill -TERM "$p" 2>/dev/null
		for ((i = 0; i < 50; i++)); do
			kill -0 "$p" 2>/dev/null || break
			sleep 0.1
		done
		kill -0 "$p" 2>/dev/null && kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	REF_PIDS=()
	for ns in "${REF_NS[@]}"; do
		[ -e "/run/netns/$ns" ] && ip netns del "$ns"
	done
	REF_NS=()
	case "$WORK" in
	/tmp/utm-bench-feeds-?*) rm -rf "$WORK" ;;
	esac
	return 0
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# ------------------------------------------------------------ inputs

R_LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
log "building the inputs: $TOTAL IPv4 entries and $TOTAL domain names (about 30 s)"
/usr/bin/python3 "$REPO/bench/mklist.py" --total "$TOTAL" --out "$WORK/ip" ||
	die "bench/mklist.py failed"
/usr/bin/python3 "$REPO/bench/mkdomains.py" --total "$TOTAL" --out "$WORK/dom" ||
	die "bench/mkdomains.py failed"
mkdir "$WORK/feeds"
# Feed files as a publisher would serve them (the generators' comment line
# included), and the resting feeds: their first SMALL entries.
mv "$WORK/ip/block-1m.list" "$WORK/feeds/ip-big.txt"
mv "$WORK/dom/domains.txt" "$WORK/feeds/domains-big.txt"
mv "$WORK/dom/hosts.txt" "$WORK/feeds/hosts-big.txt"
head -n $((SMALL + 1)) "$WORK/feeds/ip-big.txt" >"$WORK/feeds/ip-small.txt"
head -n $((SMALL + 1)) "$WORK/feeds/domains-big.txt" >"$WORK/feeds/domains-small.txt"
head -n "$SMALL" "$WORK/feeds/hosts-big.txt" >"$WORK/feeds/hosts-small.txt"
for s in big small; do
	awk -v hs="$IPSET_HASHSIZE" 'BEGIN {
		print "create bench hash:net family inet hashsize " hs " maxelem 2000000" }
		/^[^#]/ { print "add bench " $1 }' "$WORK/feeds/ip-$s.txt" >"$WORK/feeds/ipset-$s.txt"
done
S_IP=$(head -n 1 "$WORK/ip/summary.txt")
S_DOM=$(cat "$WORK/dom/summary.txt")
rm -rf "$WORK/ip" "$WORK/dom" # block.nft, dsts.txt...: not needed here
N_IP=$(grep -vc '^#' "$WORK/feeds/ip-big.txt")
N_DOM=$(grep -vc '^#' "$WORK/feeds/domains-big.txt")
LAST_NAME=$(tail -n 1 "$WORK/feeds/hosts-big.txt" | cut -d' ' -f2)
LAST_SMALL=$(tail -n 1 "$WORK/feeds/hosts-small.txt" | cut -d' ' -f2)

# ------------------------------------------------------------ the lab

. "$REPO/tests/lab.sh"
if ! LAB_BUILD=$BUILD LAB_FORWARDER=none LAB_QUIET=1 LAB_UTM_ARGS='' lab_up; then
	trap cleanup EXIT # lab_up took the EXIT trap, and gave it up on failure
	die "lab set-up failed"
fi
lab_defer cleanup # lab_down (the EXIT trap now) runs it first
mkdir -p "$LAB_PIN_ROOT"
log "lab $LAB_ID up; inputs in $WORK; measuring on CPU $CPU"

# Seconds since midnight of a log line's timestamp (2026-11-29T22:20:16.485682+0000).
ts_of() {
	jq -rR --arg re "$2" 'fromjson? | select(.message | test($re)) | .timestamp' "$1" |
		head -n 1 | awk -F'[T:+]' '{ printf "%.6f", $2 * 3600 + $3 * 60 + $4 }'
}

# ours TAG KIND FEEDFILE EXPECTED: one utm-load --once run applying FEEDFILE as
# a feed of KIND (ip | domains) in a fresh pin root and state directory.
# Sets OUT to "wall_ms load_ms maxrss_kb user_s sys_s fetch_ms entries memlock
# startup_ms rest_ms refresh_ms" (startup: exec, BPF load and verification,
# attach; fetch: the feed copied into the state directory and checked; load:
# the "lists loaded" figure: parse, guards, map fill, swap; rest: exit and the
# gaps between; refresh: fetch + load)
# (a global, not output: die must end the script, not a subshell).
ours() {
	local tag=$1 kind=$2 feed=$3 want=$4
	local pin=$LAB_PIN_ROOT/$tag st=$LAB_RUN/$tag cfg=$WORK/$tag.yaml lg=$WORK/$tag.log
	local t0 t1 loaded load_ms entries mem m tb tf
	mkdir -p "$st"
	cat >"$cfg" <<-YAML
		ports:
		  lan: lan
		  wan: wan
		pin-root: $pin
		state-dir: $st
		event-log: $st/eve.json
		feeds:
		  - name: bench-$kind
		    url: file://$feed
		    kind: $kind
		    refresh: 1h
	YAML
	t0=$(date +%s%N)
	lab_box taskset -c "$CPU" /usr/bin/time -o "$WORK/$tag.time" -f '%M %U %S' \
		"$BUILD/utm-load" --once --config "$cfg" </dev/null >/dev/null 2>"$lg" ||
		die "utm-load --once failed ($tag): $(tail -n 3 "$lg")"
	t1=$(date +%s%N)
	if grep 'refused' "$lg" | grep -vq '(0 refused)'; then
		die "utm-load refused the feed ($tag): $(grep refused "$lg" | head -n 3)"
	fi
	loaded=$(jq -rR 'fromjson? | .message | select(startswith("lists loaded"))' "$lg")
	[ -n "$loaded" ] || die "utm-load logged no \"lists loaded\" ($tag): $(tail -n 3 "$lg")"
	load_ms=$(sed -n 's/.* in \([0-9]*\) ms.*/\1/p' <<<"$loaded")
	entries=$(lab_box "$BUILD/utm-ctl" --pin-root "$pin" --json lists |
		jq --arg n "bench-$kind" '.[] | select(.name == $n) | .entries')
	[ "${entries:-0}" = "$want" ] ||
		die "the feed bench-$kind has ${entries:-no} entries in the maps, not $want ($tag)"
	# The kernel's accounting of every pinned map (links are skipped).
	mem=0
	for m in "$pin"/*; do
		m=$(bpftool -j map show pinned "$m" 2>/dev/null) || continue
		mem=$((mem + $(jq '.bytes_memlock // 0' <<<"$m")))
	done
	tb=$(ts_of "$lg" '^bridging')
	tf=$(ts_of "$lg" '^feed bench-.*: new content')
	lab_box "$BUILD/utm-load" --detach --pin-root "$pin" --state-dir "$st" \
		>>"$WORK/detach.log" 2>&1 || die "utm-load --detach failed ($tag)"
	rm -rf "$st"
	OUT="$(((t1 - t0) / 1000000)) $load_ms $(tail -n 1 "$WORK/$tag.time")"
	OUT+=" $(awk -v a="$tb" -v b="$tf" 'BEGIN { printf "%.0f", ((b - a + 86400) % 86400) * 1000 }')"
	OUT+=" $entries $mem"
	# The log's timestamps and date +%s%N are the same clock (UTC).
	OUT+=" $(awk -v t="$t0" -v b="$tb" \
		'BEGIN { printf "%.0f", ((b - (t / 1e9) % 86400 + 86400) % 86400) * 1000 }')"
	# Derived: the rest (exit, gaps between the phases); fetch + load, what
	# a running daemon spends on a refresh of the feed.
	OUT+=" $(awk '{ print $1 - $9 - $6 - $2, $6 + $2 }' <<<"$OUT")"
}

# ref_ipset TAG FILE EXPECTED: ipset restore of FILE in a namespace of its own.
# Sets OUT to "wall_ms maxrss_kb user_s sys_s entries kernel_bytes".
ref_ipset() {
	local tag=$1 file=$2 want=$3 ns=utm-bench-feeds-$ID-$1 t0 t1 hdr entries
	ip netns add "$ns"
	REF_NS+=("$ns")
	t0=$(date +%s%N)
	nsenter --net="/run/netns/$ns" taskset -c "$CPU" /usr/bin/time -o "$WORK/$tag.time" \
		-f '%M %U %S' ipset restore -file "$file" 2>"$WORK/$tag.log" ||
		die "ipset restore failed ($tag): $(tail -n 3 "$WORK/$tag.log")"
	t1=$(date +%s%N)
	hdr=$(nsenter --net="/run/netns/$ns" ipset list -t bench)
	entries=$(awk '/^Number of entries:/ { print $4 }' <<<"$hdr")
	[ "$entries" = "$want" ] || die "the ipset set holds ${entries:-no} entries, not $want ($tag)"
	ip netns del "$ns"
	OUT="$(((t1 - t0) / 1000000)) $(tail -n 1 "$WORK/$tag.time") $entries"
	OUT+=" $(awk '/^Size in memory:/ { print $4 }' <<<"$hdr")"
}

# ref_dnsmasq TAG HOSTS LASTNAME: dnsmasq with HOSTS in a namespace of its own;
# time from its start until it answers for LASTNAME. Sets OUT to "wall_ms hwm_kb".
ref_dnsmasq() {
	local tag=$1 hosts=$2 last=$3 ns=utm-bench-feeds-$ID-$1 t0 t1 pid i hwm
	ip netns add "$ns"
	REF_NS+=("$ns")
	ip -n "$ns" link set lo up
	t0=$(date +%s%N)
	# nsenter and taskset exec: $! is dnsmasq's own PID.
	(exec nsenter --net="/run/netns/$ns" taskset -c "$CPU" dnsmasq -k --conf-file=/dev/null \
		--no-resolv --no-hosts --bind-interfaces --listen-address=127.0.0.1 \
		--port="$DNS_PORT" --user=root --group=root --pid-file="$WORK/$tag.pid" \
		--addn-hosts="$hosts" --log-facility=-) </dev/null >"$WORK/$tag.log" 2>&1 &
	pid=$!
	REF_PIDS+=("$pid")
	for ((i = 0; i < 6000; i++)); do
		[ "$(nsenter --net="/run/netns/$ns" "${DIG_CPU[@]}" dig +short +time=1 +tries=1 \
			-p "$DNS_PORT" @127.0.0.1 "$last" A 2>/dev/null)" = 0.0.0.0 ] && break
		kill -0 "$pid" 2>/dev/null || die "dnsmasq exited ($tag): $(tail -n 3 "$WORK/$tag.log")"
		sleep 0.02
	done
	t1=$(date +%s%N)
	[ "$i" -lt 6000 ] || die "dnsmasq did not answer for $last within 120 s ($tag)"
	hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status")
	kill -TERM "$pid"
	wait "$pid" 2>/dev/null || true
	ip netns del "$ns"
	OUT="$(((t1 - t0) / 1000000)) $hwm"
}

# ------------------------------------------------------------ the runs

declare -A RUNS=() # KEY -> one result line per run, "|"-separated
# add KEY FUNCTION ARGS...: run a measurement, keep its OUT under KEY.
add() {
	local key=$1
	shift
	OUT=
	"$@"
	RUNS[$key]+="${RUNS[$key]:+|}$OUT"
}

for ((r = 1; r <= REPEAT; r++)); do
	log "run $r of $REPEAT: IP feed"
	add ours_ip_small ours "ip-small-$r" ip "$WORK/feeds/ip-small.txt" "$SMALL"
	add ours_ip ours "ip-big-$r" ip "$WORK/feeds/ip-big.txt" "$N_IP"
	add ipset_small ref_ipset "ipset-small-$r" "$WORK/feeds/ipset-small.txt" "$SMALL"
	add ipset ref_ipset "ipset-big-$r" "$WORK/feeds/ipset-big.txt" "$N_IP"
	log "run $r of $REPEAT: domain feed"
	add ours_dom_small ours "dom-small-$r" domains "$WORK/feeds/domains-small.txt" "$SMALL"
	add ours_dom ours "dom-big-$r" domains "$WORK/feeds/domains-big.txt" "$N_DOM"
	add dnsmasq_small ref_dnsmasq "dnsmasq-small-$r" "$WORK/feeds/hosts-small.txt" \
		"$LAST_SMALL"
	add dnsmasq ref_dnsmasq "dnsmasq-big-$r" "$WORK/feeds/hosts-big.txt" "$LAST_NAME"
done

# ------------------------------------------------------------ report

# col KEY N: field N of every run of KEY, one a line.
col() { tr '|' '\n' <<<"${RUNS[$1]}" | awk -v n="$2" '{ print $n }'; }
# med KEY N: median of field N.
med() { col "$1" "$2" | sort -g | awk '{ v[NR] = $1 }
	END { m = int((NR + 1) / 2); printf "%.10g\n", (v[m] + v[NR - m + 1]) / 2 }'; }
# runs KEY N DIV FMT: field N of every run, divided by DIV, formatted.
runs() { col "$1" "$2" | awk -v d="$3" -v f="$4" '{ printf "%s" f, (NR > 1 ? " " : ""), $1 / d }'; }
calc() { awk "BEGIN { printf \"$1\", $2 }"; }
sec() { calc "%.2f s" "$1 / 1000"; }        # ms -> "1.23 s"
mb() { calc "%.1f MB" "$1 * 1024 / 1e6"; }  # KiB -> "1.2 MB" (10^6 bytes)
mark() { awk -v v="$1" -v t="$2" 'BEGIN { print (v <= t) ? "PASS" : "MISS" }'; }
KIB_MB=976.5625 # KiB per MB

# ours_block K TITLE: the lines of our side for feed K (ip | dom); sets W and ABOVE.
ours_block() {
	local k=$1 w0 l l0 rss rss0 f st kern kern0
	W=$(med "ours_$k" 1)
	w0=$(med "ours_${k}_small" 1)
	l=$(med "ours_$k" 2)
	l0=$(med "ours_${k}_small" 2)
	rss=$(med "ours_$k" 3)
	rss0=$(med "ours_${k}_small" 3)
	ABOVE=$(calc "%.1f" "$rss - $rss0")
	f=$(med "ours_$k" 6)
	st=$(med "ours_$k" 9)
	kern=$(med "ours_$k" 8)
	kern0=$(med "ours_${k}_small" 8)
	echo "   (a) ours: utm-load --once, one feed (file:// URL, kind: $([ "$k" = ip ] &&
		echo ip || echo domains)), taskset -c $CPU"
	echo "     wall $(sec "$W") (runs $(runs "ours_$k" 1 1000 %.2f)); resting feed $(sec "$w0")"
	echo "     phases (medians): start-up (exec, BPF verification, attach) $st ms; feed fetch" \
		"(copy, checks) $f ms; \"lists loaded\" (parse, guards, map fill, swap) $l ms" \
		"(runs $(runs "ours_$k" 2 1 %.0f); resting $l0 ms); the rest (exit) $(med "ours_$k" 10) ms"
	echo "     fetch + \"lists loaded\", what a running daemon spends on a refresh of the feed:" \
		"$(sec "$(med "ours_$k" 11)") (runs $(runs "ours_$k" 11 1000 %.2f))"
	echo "     CPU: user $(calc %.2f "$(med "ours_$k" 4)") s, system" \
		"$(calc %.2f "$(med "ours_$k" 5)") s"
	echo "     peak RSS $(mb "$rss") (runs $(runs "ours_$k" 3 $KIB_MB %.1f)); resting" \
		"$(mb "$rss0"): $(mb "$ABOVE") above resting"
	echo "     kernel, the pinned maps' memlock: $(calc "%.1f MB" "$kern / 1e6"); resting" \
		"$(calc "%.1f MB" "$kern0 / 1e6"): $(calc "%.1f MB" "($kern - $kern0) / 1e6") more"
}

report() {
	local k w above rw rr mt mm ref
	local -A T=()
	echo "Feeds benchmark: parse and apply $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "machine: $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n1)," \
		"$(nproc) CPUs, $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo)," \
		"Linux $(uname -r); load average at the start: $R_LOAD"
	echo "IP feed: $S_IP (bench/mklist.py, synthetic)"
	echo "domain feed: ${S_DOM#list: } (bench/mkdomains.py)"
	echo "resting process: the same run with the feed's first $SMALL entries. Every process" \
		"measured on CPU $CPU; median of $REPEAT runs; MB = 10^6 bytes"
	echo
	echo "1. IP feed, $N_IP entries"
	ours_block ip
	rw=$(med ipset 1)
	rr=$(med ipset 2)
	echo "   (b) reference: ipset restore into one hash:net set (hashsize $IPSET_HASHSIZE," \
		"maxelem 2000000), in a netns of its own"
	echo "     wall $(sec "$rw") (runs $(runs ipset 1 1000 %.2f)); resting $(sec "$(med \
		ipset_small 1)"); CPU: user $(calc %.2f "$(med ipset 3)") s, system $(calc %.2f \
			"$(med ipset 4)") s"
	echo "     peak RSS $(mb "$rr") (resting $(mb "$(med ipset_small 2)")); the set is in the" \
		"kernel: $(calc "%.1f MB" "$(med ipset 6) / 1e6") (ipset's \"Size in memory\")"
	T[ip]="$W $ABOVE $rw $rr"
	echo
	echo "2. domain feed, $N_DOM names"
	ours_block dom
	rw=$(med dnsmasq 1)
	rr=$(med dnsmasq 2)
	echo "   (b) reference: dnsmasq --addn-hosts (\"0.0.0.0 NAME\" lines), in a netns of its" \
		"own: from its start until it answers for the last name"
	echo "     wall $(sec "$rw") (runs $(runs dnsmasq 1 1000 %.2f)); resting $(sec "$(med \
		dnsmasq_small 1)")"
	echo "     peak RSS (VmHWM) $(mb "$rr") (runs $(runs dnsmasq 2 $KIB_MB %.1f)); resting" \
		"$(mb "$(med dnsmasq_small 2)"): $(mb "$(calc %.1f "$rr - $(med dnsmasq_small 2)")")" \
		"above resting"
	T[dom]="$W $ABOVE $rw $rr"
	echo
	echo "Summary (medians). Targets: <= $TARGET_S s per feed (the whole run), <= $TARGET_MB MB" \
		"peak RSS above the resting process"
	printf '   %-8s | %-8s %-10s | %-14s %-8s %-9s | %-9s | %-6s %s\n' "" ours "RSS above" \
		reference time "peak RSS" "time" "time" "memory"
	printf '   %-8s | %-8s %-10s | %-14s %-8s %-9s | %-9s | %-6s %s\n' feed time resting \
		"" "" "" "ref/ours" "target" "target"
	MET=0
	for k in ip dom; do
		read -r w above rw rr <<<"${T[$k]}"
		mt=$(mark "$w" "$((TARGET_S * 1000))")
		mm=$(mark "$(calc %.3f "$above * 1024 / 1e6")" "$TARGET_MB")
		[ "$mt" = PASS ] && MET=$((MET + 1))
		[ "$mm" = PASS ] && MET=$((MET + 1))
		ref="ipset restore"
		[ "$k" = dom ] && ref=dnsmasq
		printf '   %-8s | %-8s %-10s | %-14s %-8s %-9s | %-9s | %-6s %s\n' \
			"$([ "$k" = ip ] && echo IP || echo domains)" "$(sec "$w")" "$(mb "$above")" \
			"$ref" "$(sec "$rw")" "$(mb "$rr")" "$(calc %.2f "$rw / $w")" "$mt" "$mm"
	done
	echo "   (ref/ours > 1: ours is faster; the time target is judged on the whole run, start-up" \
		"included)"
	echo "   without start-up, fetch + \"lists loaded\" (a running daemon's refresh, not counted" \
		"above): IP $(sec "$(med ours_ip 11)"), domains $(sec "$(med ours_dom 11)")"
	echo
	echo "targets met: $MET of 4"
	echo
	echo "raw runs (ours: wall_ms load_ms maxrss_KiB user_s sys_s fetch_ms entries memlock" \
		"startup_ms rest_ms refresh_ms; ipset: wall_ms maxrss_KiB user_s sys_s entries bytes; dnsmasq: wall_ms" \
		"VmHWM_KiB)"
	for k in ours_ip_small ours_ip ipset_small ipset ours_dom_small ours_dom dnsmasq_small \
		dnsmasq; do
		echo "   $k: ${RUNS[$k]}"
	done
}

# Not in a pipe: report counts the targets met in MET.
report >"$BUILD/bench-feeds-report.txt"
cat "$BUILD/bench-feeds-report.txt"
[ "${BENCH_STRICT:-0}" != 1 ] || [ "$MET" = 4 ] || exit 1
exit 0
