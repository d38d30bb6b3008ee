#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Time csdextract against `makedumpfile --dump-dmesg` on the same dumps, in
# one run, and print both times and the ratio (goal: <= 1.5x).
#
#   scripts/bench-csdextract.sh [CSDEXTRACT] [DUMP-or-DIR...]
#
# Default CSDEXTRACT: userspace/csdextract; default dumps: every vmcore and
# vmcore.elf under /tmp/dumps. Each timing is the median of $REPS runs (5).
# Columns: "csdextract" = default invocation (record located from the
# dump's own log, or by the bounded scan when there is no hint);
# "hinted" = with --record-phys when the record's address is known
# (from the default run), else --no-scan.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
CSD=${1:-$here/userspace/csdextract}
[ $# -gt 0 ] && shift
REPS=${REPS:-5}
command -v makedumpfile >/dev/null || { echo "bench: makedumpfile not installed" >&2; exit 1; }
[ -x "$CSD" ] || { echo "bench: $CSD: not executable (run make first)" >&2; exit 1; }

dumps=()
if [ $# = 0 ]; then set -- /tmp/dumps; fi
for a in "$@"; do
	if [ -d "$a" ]; then
		while IFS= read -r f; do dumps+=("$f"); done < <(find "$a" -type f \( -name vmcore -o -name 'vmcore.elf' \) | sort)
	elif [ -f "$a" ]; then
		dumps+=("$a")
	fi
done
[ ${#dumps[@]} -gt 0 ] || { echo "bench: no dumps found in $*" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# median_ms CMD...: median wall time in ms over $REPS runs
median_ms() {
	local i t0 t1 ts=()
	for ((i = 0; i < REPS; i++)); do
		t0=$(date +%s%N)
		"$@" >/dev/null 2>&1
		t1=$(date +%s%N)
		ts+=($(((t1 - t0) / 1000)))
	done
	printf '%s\n' "${ts[@]}" | sort -n | sed -n "$(((REPS + 1) / 2))p" |
		awk '{ printf "%.1f", $1 / 1000 }'
}

# makedumpfile refuses to overwrite its output file: remove it each time.
mkdmesg() {
	rm -f "$tmp/dmesg"
	makedumpfile --dump-dmesg "$1" "$tmp/dmesg" && [ -s "$tmp/dmesg" ]
}

printf '%-58s %9s %9s %9s %9s %7s %7s\n' dump size_MB makedumpf csdextract hinted ratio ratio_h
worst=0
for f in "${dumps[@]}"; do
	size=$(( $(stat -c %s "$f") / 1048576 ))
	mkdmesg "$f" >/dev/null 2>&1 || echo "bench: makedumpfile --dump-dmesg failed on $f" >&2
	mk=$(median_ms mkdmesg "$f")
	cs=$(median_ms "$CSD" -o "$tmp/r.txt" "$f")
	phys=$("$CSD" --json "$f" 2>/dev/null | sed -n 's/.*"phys": "\(0x[0-9a-f]*\)".*/\1/p' | head -1)
	if [ -n "$phys" ]; then
		hi=$(median_ms "$CSD" -o "$tmp/r.txt" --record-phys "$phys" "$f")
	else
		hi=$(median_ms "$CSD" -o "$tmp/r.txt" --no-scan "$f")
	fi
	r=$(awk -v a="$cs" -v b="$mk" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
	rh=$(awk -v a="$hi" -v b="$mk" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
	name=${f#/tmp/dumps/}
	printf '%-58s %9s %9s %9s %9s %7s %7s\n' "$name" "$size" "${mk}ms" "${cs}ms" "${hi}ms" "${r}x" "${rh}x"
	worst=$(awk -v w="$worst" -v r="$rh" 'BEGIN { print (r > w) ? r : w }')
done
echo "worst hinted ratio: ${worst}x (goal <= 1.5x); REPS=$REPS"
