#!/bin/bash
# bench/web.sh BUILD_DIR: what the web policy costs (issue 6), what
# `make bench-web` runs.
#   per new flow, on one core (taskset -c BENCH_CPU): application detection
#     (build/utm-appbench: nDPI on a mix of synthetic flows, created, fed
#     and freed) and categorisation (bench/categories.sh: catdb lookups of
#     1M domains against a Python dict; its memory against the 150 MB
#     target);
#   inline in the lab, ours and the fast path in one run: a flow mix of
#     BENCH_FLOWS [300] short HTTP requests, each on a new connection, while
#     a BENCH_DOWNLOAD_MB [64] MiB download runs beside them, through the
#     XDP fast path alone and through utm-inspect with everything on
#     (application detection of every flow, site lists, UT1 categories,
#     and the ET Open rules when ../shared/data has them); new flows per
#     second and the download's Mbit/s, medians of BENCH_REPEAT [3], ratios.
set -euo pipefail
BUILD=$(cd "${1:-build}" && pwd)
REPO=$(cd "$(dirname "$0")/.." && pwd)
REPEAT=${BENCH_REPEAT:-3}
CPU=${BENCH_CPU:-$(($(nproc) - 1))}
FLOWS=${BENCH_FLOWS:-300}
DL_MB=${BENCH_DOWNLOAD_MB:-64}
DATA=${UTM_SHARED_DATA:-$REPO/../shared/data}
ET=$DATA/ips-rules/et-open-2024-04
UT1=$DATA/ut1-categories
[ -d "$UT1" ] || UT1=$REPO/tests/fixtures/ut1
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ratio() { echo "scale=2; $1 / $2" | bc; }

# ------------------------------------------------------------ per new flow
apps=$(taskset -c "$CPU" "$BUILD/utm-appbench" 100000)
cats=$(BENCH_CPU=$CPU "$REPO/bench/categories.sh" "$BUILD")

# ------------------------------------------------------------ inline (lab)
. "$REPO/tests/lab.sh"
. "$REPO/bench/inspector.sh"
LAB_BUILD=$BUILD LAB_QUIET=1 lab_up >/dev/null || {
	echo "bench-web: lab set-up failed" >&2
	exit 1
}
head -c $((DL_MB << 20)) /dev/urandom >"$LAB_RUN/www/dl.bin"
printf 'blocked.example.test\n' >"$LAB_RUN/block.list"
cat >"$LAB_RUN/web.yaml" <<YAML
lists:
  - name: block
    file: $LAB_RUN/block.list
    kind: domains
inspect:
  categories: $UT1
YAML
rules=()
[ -f "$ET/classification.config" ] && rules=(--rules "$ET"/*.rules)
mix() { # "flows/s Mbit/s" of FLOWS new connections beside one download
	local t0 t1 dl
	lab_lan curl -s -m 120 -o /dev/null -w '%{speed_download}' "http://$LAB_WEB_IP4/dl.bin" \
		>"$LAB_RUN/dl.speed" &
	dl=$!
	t0=$(date +%s.%N)
	lab_lan curl -s -o /dev/null -H 'Connection: close' \
		"http://$LAB_WEB_IP4/index.html?[1-$FLOWS]"
	t1=$(date +%s.%N)
	wait $dl
	echo "$(echo "$FLOWS / ($t1 - $t0)" | bc) $(awk '{ printf "%.0f", $1 * 8 / 1e6 }' "$LAB_RUN/dl.speed")"
}
mix >/dev/null # warm-up: neighbour entries, page cache, the server's first threads
fast_f=() fast_m=() ins_f=() ins_m=()
for ((i = 0; i < REPEAT; i++)); do
	read -r f m < <(mix)
	fast_f+=("$f") fast_m+=("$m")
	bench_inspector --config "$LAB_RUN/web.yaml" --ports tcp:80,tcp:443,udp:53 "${rules[@]}"
	read -r f m < <(mix)
	ins_f+=("$f") ins_m+=("$m")
	bench_stop_inspector
done
ff=$(printf '%s\n' "${fast_f[@]}" | median)
fm=$(printf '%s\n' "${fast_m[@]}" | median)
inf=$(printf '%s\n' "${ins_f[@]}" | median)
inm=$(printf '%s\n' "${ins_m[@]}" | median)

cat <<REPORT
Web policy benchmark ($(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) CPUs, $(uname -r); median of $REPEAT)

per new flow, one core (CPU $CPU): application detection (build/utm-appbench 100000)
$(sed 's/^/  /' <<<"$apps")

per name, one core: categorisation (bench/categories.sh)
$(sed 's/^/  /' <<<"$cats")

inline, lab: $FLOWS new HTTP connections beside one $DL_MB MiB download
  (inspector: applications of every flow, site lists, categories of $(basename "$UT1"),
   ${#rules[@]} rule arguments)
                            new flows/s   download Mbit/s
  XDP fast path             $ff$(printf '%*s' $((14 - ${#ff})) '')$fm   (runs: ${fast_f[*]} / ${fast_m[*]})
  through utm-inspect       $inf$(printf '%*s' $((14 - ${#inf})) '')$inm   (runs: ${ins_f[*]} / ${ins_m[*]})
  ratio inspected/fast      $(ratio "$inf" "$ff")$(printf '%*s' 11 '')$(ratio "$inm" "$fm")
REPORT
