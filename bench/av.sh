#!/bin/bash
# bench/av.sh BUILD_DIR: antivirus scan throughput, what `make bench-av` runs.
#
# utm-avscan (inspect/av*.c: libclamav with the inspector's limits, every file
# scanned from memory, MD5 and SHA-256 computed for fileinfo events) against
# clamscan, the reference, over the same files with the same database and the
# same limits and options (heuristic alerts off, limit alerts on), one core
# each (taskset -c BENCH_CPU), REPEAT runs, medians reported. Two databases:
# the starter database (etc/clamav/, 6 signatures) and it plus 100,000
# random signatures (50k .hsb SHA-256 hashes, 50k .ndb 16-byte bodies;
# bench/mkav.py, seeded). The corpus (bench/mkav.py, seeded, AV_BENCH_MB
# megabytes): text, HTML, random binary, zip and tar.gz of text, a few EICARs.
#
# MB/s per core = corpus bytes / (wall time of the corpus run - wall time of
# a run over one tiny file), so that loading the database is not counted;
# load is reported separately, and peak RSS (GNU time) of the corpus run.
# Both tools must find the same number of infected files, else the run fails.
#
# Settings (environment): AV_BENCH_MB [100], AV_BENCH_REPEAT [3],
# AV_BENCH_SIGS [100000], BENCH_CPU [the last CPU].
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
[ $# -eq 1 ] || {
	echo "usage: bench/av.sh BUILD_DIR" >&2
	exit 2
}
BUILD=$(cd "$1" 2>/dev/null && pwd) || {
	echo "bench-av: build directory $1 does not exist (run make)" >&2
	exit 1
}
MB=${AV_BENCH_MB:-100}
REPEAT=${AV_BENCH_REPEAT:-3}
SIGS=${AV_BENCH_SIGS:-100000}
CPU=${BENCH_CPU:-$(($(nproc) - 1))}

die() {
	echo "bench-av: error: $*" >&2
	exit 1
}
for t in clamscan taskset /usr/bin/time python3; do
	command -v "$t" >/dev/null || die "$t is missing (make deps)"
done
[ -x "$BUILD/utm-avscan" ] || die "$BUILD/utm-avscan is not built (make)"

WORK=$(mktemp -d /tmp/utm-bench-av.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

# The same limits as av_limits_default (inspect/av_load.c).
CLAMSCAN_OPTS=(--heuristic-alerts=no --alert-exceeds-max=yes --max-filesize=32M
	--max-scansize=128M --max-scantime=5000 --max-recursion=16 --max-files=1000)

python3 "$REPO/bench/mkav.py" corpus "$WORK/corpus" "$MB"
mkdir -p "$WORK/db-starter" "$WORK/db-big"
cp "$REPO"/etc/clamav/*.{hdb,hsb,ndb} "$WORK/db-starter/"
cp "$REPO"/etc/clamav/*.{hdb,hsb,ndb} "$WORK/db-big/"
python3 "$REPO/bench/mkav.py" db "$WORK/db-big" "$SIGS"
printf 'hello\n' >"$WORK/tiny.txt"
FILES=("$WORK"/corpus/*)
BYTES=$(cat "${FILES[@]}" | wc -c)

# run TOOL DB FILES...: prints "wall_s rss_kb infected"
run() {
	local tool=$1 db=$2 out
	shift 2
	local cmd=("$BUILD/utm-avscan" --quiet --db "$db")
	[ "$tool" = clamscan ] && cmd=(clamscan "${CLAMSCAN_OPTS[@]}" -i -d "$db")
	out=$(/usr/bin/time -f 'TIME %e %M' taskset -c "$CPU" "${cmd[@]}" "$@" 2>&1) || [ $? -eq 1 ] ||
		die "$tool failed: $out"
	echo "$(grep '^TIME' <<<"$out" | cut -d' ' -f2-) $(grep -c ' FOUND$' <<<"$out" || true)"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "bench-av: $(nproc) CPUs, pinned to CPU $CPU; ${#FILES[@]} files, $((BYTES / 1000000)) MB;" \
	"libclamav $(clamscan --version | cut -d/ -f1); $REPEAT runs, medians"
printf '%-8s %-10s %8s %9s %9s %9s %9s\n' db tool sigs load_s scan_s MB/s RSS_MB
declare -A MBS
for db in starter big; do
	sigs=$("$BUILD/utm-avscan" --db "$WORK/db-$db" "$WORK/tiny.txt" | awk '/^Known/ {print $3}')
	for tool in utm-avscan clamscan; do
		loads=() walls=() rss=() found=""
		for _ in $(seq "$REPEAT"); do
			read -r l _ _ < <(run "$tool" "$WORK/db-$db" "$WORK/tiny.txt")
			read -r w m f < <(run "$tool" "$WORK/db-$db" "${FILES[@]}")
			loads+=("$l") walls+=("$w") rss+=("$m")
			[ -z "$found" ] || [ "$found" = "$f" ] || die "$tool: $found then $f infected"
			found=$f
		done
		load=$(printf '%s\n' "${loads[@]}" | median)
		wall=$(printf '%s\n' "${walls[@]}" | median)
		rssk=$(printf '%s\n' "${rss[@]}" | median)
		scan=$(echo "$wall - $load" | bc -l)
		mbs=$(echo "$BYTES / 1000000 / $scan" | bc -l)
		MBS[$db.$tool]=$mbs
		MBS[$db.$tool.found]=$found
		printf '%-8s %-10s %8s %9.2f %9.2f %9.1f %9.1f\n' "$db" "$tool" "$sigs" "$load" "$scan" \
			"$mbs" "$(echo "$rssk / 1000" | bc -l)"
	done
	[ "${MBS[$db.utm-avscan.found]}" = "${MBS[$db.clamscan.found]}" ] ||
		die "$db: utm-avscan found ${MBS[$db.utm-avscan.found]}, clamscan ${MBS[$db.clamscan.found]}"
	printf '%-8s ratio utm-avscan/clamscan: %.2f (both found %s infected files)\n' "$db" \
		"$(echo "${MBS[$db.utm-avscan]} / ${MBS[$db.clamscan]}" | bc -l)" \
		"${MBS[$db.clamscan.found]}"
done
