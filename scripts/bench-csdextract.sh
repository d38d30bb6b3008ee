#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Time csdextract against `makedumpfile --dump-dmesg` on the same dumps, in
# one run, and fail when a first run is slower than LIMIT (1.5) times it.
#
#   scripts/bench-csdextract.sh [CSDEXTRACT] [DUMP-or-DIR...]
#
# Default CSDEXTRACT: userspace/csdextract. Default dumps: every vmcore,
# vmcore.elf and vmcore.flat under $BENCH_DUMPS (default: /tmp/dumps and
# build/e2e of this tree, where they exist).
# Per dump, REPS (5) rounds, each running in turn:
#   makedumpfile --dump-dmesg DUMP
#   csdextract cold: a new, empty --cache-dir (a user's first run on a
#                    dump of a kernel build it has not seen)
#   csdextract warm: a --cache-dir that already holds this build's schema
# and the medians are compared: ratio = csdextract / makedumpfile, both
# timed in the same rounds (so both see the same machine load).
# Clock (BENCH_CLOCK): "cpu" (default when `perf stat` works): the
# process's task-clock, user + system CPU time, which other work on the
# machine does not inflate; "wall": elapsed time (meaningful on an idle
# machine only).
# makedumpfile cannot read a flattened dump (makedumpfile -F output, what
# Debian's kdump-tools saves): for those it times --dump-dmesg on the same
# dump rearranged once beforehand (makedumpfile -R, not in that time),
# while csdextract reads the flattened file itself (its own indexing is
# in its time). The limit applies to that ratio. The rearrangement a user
# needs before makedumpfile can read the dump at all is timed too, in the
# same rounds, and shown beside it (mk_R: -R + --dump-dmesg; cold_R).
# Exit status: 0 every cold ratio <= LIMIT, 1 one is above (or a run
# failed), 2 usage / nothing to measure.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
CSD=${1:-$here/userspace/csdextract}
[ $# -gt 0 ] && shift
REPS=${REPS:-5}
LIMIT=${LIMIT:-1.5}
command -v makedumpfile >/dev/null || { echo "bench: makedumpfile not installed" >&2; exit 2; }
[ -x "$CSD" ] || { echo "bench: $CSD: not executable (run make first)" >&2; exit 2; }

if [ $# = 0 ]; then
	# shellcheck disable=SC2086 # a list of directories
	set -- ${BENCH_DUMPS:-/tmp/dumps $here/build/e2e}
fi
dumps=()
for a in "$@"; do
	if [ -d "$a" ]; then
		while IFS= read -r f; do dumps+=("$f"); done < <(find "$a" -type f \
			\( -name vmcore -o -name vmcore.elf -o -name vmcore.flat \) | sort)
	elif [ -f "$a" ]; then
		dumps+=("$a")
	fi
done
[ ${#dumps[@]} -gt 0 ] || { echo "bench: no dumps found in $*" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

CLOCK=${BENCH_CLOCK:-}
if [ -z "$CLOCK" ]; then
	CLOCK=wall
	perf stat -x, -o "$tmp/p" -e task-clock -- true 2>/dev/null &&
		grep -q task-clock "$tmp/p" && CLOCK=cpu
fi

# us CMD...: time of one run in microseconds (output dropped); sets $ok
# to the command's exit status
us() {
	local t0 t1
	if [ "$CLOCK" = cpu ]; then
		perf stat -x, -o "$tmp/p" -e task-clock -- "$@" >/dev/null 2>&1
		ok=$?
		awk -F, '/task-clock/ { printf "%d\n", $1 * 1000 }' "$tmp/p"
		return
	fi
	t0=$(date +%s%N)
	"$@" >/dev/null 2>&1
	ok=$?
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000))
}

median_ms() {	# median of the arguments (microseconds), in ms
	printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "-"; exit }
		m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%.1f", m / 1000 }'
}

# makedumpfile refuses to overwrite its output file: remove it first.
mkdmesg() {
	rm -f "$tmp/dmesg"
	makedumpfile --dump-dmesg "$1" "$tmp/dmesg" && [ -s "$tmp/dmesg" ]
}

is_flat() {
	head -c 16 "$1" | grep -qa 'makedumpfile'
}

echo "clock: $CLOCK; medians of $REPS interleaved rounds"
printf '%-56s %6s %9s %9s %9s %6s %6s %9s %6s\n' dump MB makedumpf cold warm cold_x warm_x mk_R cold_R
rc=0
worst=0
n=0
for f in "${dumps[@]}"; do
	size=$(($(stat -c %s "$f") / 1048576))
	mkin=$f
	if is_flat "$f"; then
		mkin=$tmp/rearranged
		rm -f "$mkin"
		if ! makedumpfile -R "$mkin" < "$f" >/dev/null 2>&1; then
			echo "bench: makedumpfile -R failed on $f" >&2
			rc=1
			continue
		fi
	fi
	if ! mkdmesg "$mkin" >/dev/null 2>&1; then
		echo "bench: makedumpfile --dump-dmesg failed on $f: skipped" >&2
		rc=1
		continue
	fi
	rm -rf "$tmp/warm"
	"$CSD" --cache-dir "$tmp/warm" -o "$tmp/r.txt" "$f" >/dev/null 2>&1
	mk=() cold=() warm=() mkr=()
	bad=0
	for ((i = 0; i < REPS; i++)); do
		rm -rf "$tmp/cold" "$tmp/dmesg"
		t=$(us makedumpfile --dump-dmesg "$mkin" "$tmp/dmesg"; echo "ok=$ok")
		[ "${t##*ok=}" = 0 ] || bad=1
		mk+=("${t%%$'\n'*}")
		if [ "$mkin" != "$f" ]; then
			rm -f "$tmp/rearranged2"
			# shellcheck disable=SC2016 # $1, $2: the inner shell's
			t=$(us sh -c 'makedumpfile -R "$1" < "$2"' sh "$tmp/rearranged2" "$f"; echo "ok=$ok")
			[ "${t##*ok=}" = 0 ] || bad=1
			mkr+=($((${t%%$'\n'*} + ${mk[${#mk[@]} - 1]})))
			rm -f "$tmp/rearranged2"
		fi
		# csdextract exits 3 when the dump has no crashsafe record: a
		# report was still printed, so only 1, 2 and >= 4 are failures
		t=$(us "$CSD" --cache-dir "$tmp/cold" -o "$tmp/r.txt" "$f"; echo "ok=$ok")
		case ${t##*ok=} in 0|3) cold+=("${t%%$'\n'*}") ;; *) bad=1 ;; esac
		t=$(us "$CSD" --cache-dir "$tmp/warm" -o "$tmp/r.txt" "$f"; echo "ok=$ok")
		case ${t##*ok=} in 0|3) warm+=("${t%%$'\n'*}") ;; *) bad=1 ;; esac
	done
	name=${f#"$here"/}
	name=${name#/tmp/dumps/}
	if [ $bad = 1 ]; then
		echo "bench: a run failed on $f" >&2
		rc=1
		continue
	fi
	m=$(median_ms "${mk[@]}")
	c=$(median_ms "${cold[@]}")
	w=$(median_ms "${warm[@]}")
	rcold=$(awk -v a="$c" -v b="$m" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 99) }')
	rwarm=$(awk -v a="$w" -v b="$m" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 99) }')
	mr=- rr=-
	if [ ${#mkr[@]} -gt 0 ]; then
		mr=$(median_ms "${mkr[@]}")ms
		rr=$(awk -v a="$c" -v b="${mr%ms}" 'BEGIN { printf "%.2fx", (b > 0 ? a / b : 99) }')
	fi
	printf '%-56s %6s %7sms %7sms %7sms %5sx %5sx %9s %6s\n' "$name" "$size" "$m" "$c" "$w" "$rcold" "$rwarm" "$mr" "$rr"
	worst=$(awk -v w="$worst" -v r="$rcold" 'BEGIN { print (r > w) ? r : w }')
	n=$((n + 1))
done
[ $n -gt 0 ] || { echo "bench: nothing measured" >&2; exit 2; }
if awk -v w="$worst" -v l="$LIMIT" 'BEGIN { exit !(w > l) }'; then
	echo "FAIL: worst first-run (cold) ratio ${worst}x > ${LIMIT}x; REPS=$REPS, $n dumps"
	rc=1
else
	echo "ok: worst first-run (cold) ratio ${worst}x <= ${LIMIT}x; REPS=$REPS, $n dumps"
fi
exit $rc
