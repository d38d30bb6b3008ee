#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make bench`: run the "bench" guest scenario (scripts/scenarios/bench.sh)
# on each kernel and print, from the same run:
#   - crashsafe's recorder cs_event() cost per event next to the removed
#     upstream design (one global cmpxchg counter per event + per-CPU store),
#     all CPUs recording at once, and their ratio;
#   - the smp_call_function_single() IPI round trip without crashsafe.ko,
#     with it, and the ratio.
#   - where the recorder's time goes: copies of its hot path cut into
#     cumulative parts (call, rdtsc, store, tsc, seq, check10 = the record
#     1.0 cs_event, narrow, check11 = the 1.1 one, nopreempt), interleaved
#     with the recorder and the baseline in 1024-event chunks.
# Then scripts/bench-csdextract.sh, if present (csdextract vs makedumpfile).
#
#   scripts/bench.sh [--kernels "6.12 6.1"] [--cpus 2] [--out DIR]   (kernels:
#                    every kernel of KVERS, else of scripts/kernels.sh list)
#                    [--events N] [--ipi-calls N] [--reps N] [--rounds N]
#                    [--no-build] [--parse-only]   (--parse-only: re-print the
#                    tables from DIR/<kernel>/console.log without running)
# QEMU TCG numbers: compare within a row (same guest, same run), not with
# bare-metal figures. Under TCG a guest rdtsc is a QEMU helper that takes a
# global host spinlock (cpu_get_ticks), so the recorder's TSC read costs
# about a shared-line RMW there while it touches no memory on hardware; a
# LOCK cmpxchg is a host atomic. --cpus above the host's core count
# (e.g. 4 on 2 cores) time-slices vCPU threads: vCPUs sharing a host core
# do not contend on a cache line at all, while one preempted holding QEMU's
# rdtsc spinlock stalls every other vCPU's rdtsc (the baseline's lock-free
# cmpxchg loop has no holder to preempt). Such runs show the emulator's
# scheduling more than cache-line contention: do not read them as hardware.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
# Default: every kernel of KVERS (as make exports it), else of
# scripts/kernels.sh list, by short name (6.12 6.1 trixie bpo today).
kernels=
for v in ${KVERS:-$("$top/scripts/kernels.sh" list)}; do
	kernels="$kernels $("$top/scripts/kernels.sh" short "$v" 2>/dev/null || echo "$v")"
done
kernels=${kernels# }
cpus=2
out=${BENCH_OUT:-/tmp/crashsafe-bench-$(date +%Y%m%d-%H%M%S)}
parse_only=0
declare -a xargs=() hargs=()

while [ $# -gt 0 ]; do
	case "$1" in
	--kernels) kernels=$2; shift 2 ;;
	--cpus) cpus=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--events) xargs+=(--arg "events=$2"); shift 2 ;;
	--ipi-calls) xargs+=(--arg "ipi_calls=$2"); shift 2 ;;
	--reps) xargs+=(--arg "reps=$2"); shift 2 ;;
	--rounds) xargs+=(--arg "rounds=$2"); shift 2 ;;
	--no-build) hargs+=(--no-build); shift ;;
	--parse-only) parse_only=1; shift ;;
	-h|--help) sed -n '3,30s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) echo "bench.sh: unknown option $1" >&2; exit 2 ;;
	esac
done
mkdir -p "$out"

# summarize CONSOLE: one "|"-separated row from the result lines:
# rec base ratio rec_min base_min ratio_of_min ipi_nomod ipi_mod ipi_ratio
#   ipi_nomod_min ipi_mod_min ipi_min_ratio rounds (IPI: medians over rounds)
#   ipi_nomod_best ipi_mod_best ipi_best_ratio (fastest repetition of all)
summarize() {
	tr -d '\r' < "$1" | awk '
	function med(a, n,   i, j, t) {
		for (i = 1; i <= n; i++)
			for (j = i + 1; j <= n; j++)
				if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
		if (n == 0) return ""
		return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	function kv(key,   i, f) {
		for (i = 1; i <= NF; i++) {
			split($i, f, "=")
			if (f[1] == key) return f[2]
		}
		return ""
	}
	function fmt(x) { return x == "" ? "-" : sprintf("%.1f", x) }
	function rat(x, y) { return (x == "" || y == "" || y <= 0) ? "-" : sprintf("%.3f", x / y) }
	/scenario: bench phase=/ && / bench: / {
		ph = $0; sub(/.*phase=/, "", ph); sub(/ .*/, "", ph)
		if (ph == "events" && kv("recorder_ns_per_event") != "") {
			rec = kv("recorder_ns_per_event"); base = kv("baseline_ns_per_event")
			ratio = kv("ratio"); rmin = kv("recorder_min_ns")
			bmin = kv("baseline_min_ns"); qmin = kv("ratio_of_min")
		}
		if (kv("ipi_roundtrip_ns") != "") {
			if (ph ~ /^nomod/) {
				n0++; m0[n0] = kv("ipi_roundtrip_ns") + 0
				if (b0 == "" || kv("ipi_roundtrip_min_ns") + 0 < b0) b0 = kv("ipi_roundtrip_min_ns") + 0
				p0[n0] = kv("ipi_roundtrip_min_ns") + 0
			} else if (ph ~ /^mod/) {
				n1++; m1[n1] = kv("ipi_roundtrip_ns") + 0
				if (b1 == "" || kv("ipi_roundtrip_min_ns") + 0 < b1) b1 = kv("ipi_roundtrip_min_ns") + 0
				p1[n1] = kv("ipi_roundtrip_min_ns") + 0
			}
		}
	}
	END {
		a = med(m0, n0); b = med(m1, n1); min0 = med(p0, n0); min1 = med(p1, n1)
		printf "%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%d|%s|%s|%s\n",
			fmt(rec), fmt(base), (ratio == "" ? "-" : ratio), fmt(rmin), fmt(bmin),
			(qmin == "" ? "-" : qmin), fmt(a), fmt(b), rat(b, a),
			fmt(min0), fmt(min1), rat(min1, min0), (n0 < n1 ? n0 : n1),
			fmt(b0), fmt(b1), rat(b1, b0)
	}'
}

# parts CONSOLE: "name|ns|min|base_ratio|rec_ratio" per "variant=" line.
parts() {
	tr -d '\r' < "$1" | awk '
	/scenario: bench phase=events / && / bench: variant=/ {
		v = ""; ns = ""; mn = ""; br = ""; rr = ""
		for (i = 1; i <= NF; i++) {
			split($i, f, "=")
			if (f[1] == "variant") v = f[2]
			if (f[1] == "ns_per_event") ns = f[2]
			if (f[1] == "min_ns") mn = f[2]
			if (f[1] == "base_ratio") br = f[2]
			if (f[1] == "rec_ratio") rr = f[2]
		}
		if (v != "") printf "%s|%s|%s|%s|%s\n", v, ns, mn, br, rr
	}'
}
part_names="call rdtsc store tsc seq check10 narrow check11 nopreempt recorder baseline"

rc=0
rows=()
for k in $kernels; do
	d=$out/$k
	echo "== bench on $k, $cpus cpus -> $d"
	if [ $parse_only = 0 ] && ! "$top/scripts/qemu-kdump.sh" --kernel "$k" --cpus "$cpus" \
		--scenario bench "${hargs[@]+"${hargs[@]}"}" \
		"${xargs[@]+"${xargs[@]}"}" --out "$d"; then
		echo "bench.sh: guest run on $k failed (see $d/console.log)" >&2
		rc=1
	fi
	c=$d/console.log
	[ -f "$c" ] || { rows+=("$k|$cpus|-|-|-|-|-|-|-|-|-|-|-|-|0"); continue; }
	echo "-- raw result lines ($k):"
	grep -a "scenario: bench " "$c" | sed 's/\r$//; s/^/   /'

	row=$(summarize "$c")
	IFS='|' read -r f_rec _ _ _ _ _ f_i0 f_i1 _ <<<"$row"
	if [ "$f_rec" = - ] || [ "$f_i0" = - ] || [ "$f_i1" = - ]; then
		echo "bench.sh: $k: result lines missing (see $c)" >&2
		rc=1
	fi
	rows+=("$k|$cpus|$row")
done

echo
echo "crashsafe bench: QEMU TCG guest, every CPU busy at once, all numbers of a row from one guest run"
echo
echo "1) recorder cost per event: crashsafe cs_event() vs the removed upstream design"
echo "   (v5.13 csdlock_debug=ext: one global cmpxchg counter per event + per-CPU store)"
printf '%-6s %4s | %12s %12s %9s | %12s %12s %9s\n' kernel cpus \
	"recorder ns" "baseline ns" "base/rec" "rec min ns" "base min ns" "min ratio"
for r in "${rows[@]}"; do
	IFS='|' read -r k n a b q amin bmin qmin _ <<<"$r"
	printf '%-6s %4s | %12s %12s %9s | %12s %12s %9s\n' "$k" "$n" "$a" "$b" "$q" "$amin" "$bmin" "$qmin"
done
echo "   median over repetitions (each: median of lockstep 1024-event chunks); base/rec = median of"
echo "   same-repetition ratios; > 1 means the recorder is cheaper"
echo
echo "2) IPI round trip, smp_call_function_single(next cpu, empty, wait=1), without / with crashsafe.ko"
printf '%-6s %4s %3s | %10s %10s %7s | %10s %10s %7s | %10s %10s %7s\n' kernel cpus rnd \
	"no-mod ns" "mod ns" "ratio" "no-mod min" "mod min" "ratio" "no-mod best" "mod best" "ratio"
for r in "${rows[@]}"; do
	IFS='|' read -r k n _ _ _ _ _ _ i0 i1 iq i0m i1m iqm nr ib0 ib1 ibq <<<"$r"
	printf '%-6s %4s %3s | %10s %10s %7s | %10s %10s %7s | %10s %10s %7s\n' "$k" "$n" "$nr" \
		"$i0" "$i1" "$iq" "$i0m" "$i1m" "$iqm" "$ib0" "$ib1" "$ibq"
done
echo "   ratio = with crashsafe.ko / without. ns: median over alternating load/unload rounds of each"
echo "   run's median; min: same over each run's fastest repetition; best: fastest repetition of all."
echo "   Host interference only adds time: on a busy host trust min/best, and compare within a row."

echo
echo "3) where the recorder's time goes: copies of cs_event() in cumulative parts, interleaved in"
echo "   lockstep with the recorder and the baseline (1024-event chunks, all CPUs on the same variant)"
echo "   call: empty function; rdtsc: call + rdtsc_ordered alone; store: call + preempt off,"
echo "   ring lookup, reserve, 48-byte entry (seq = slot number, no TSC);"
echo "   tsc: + rdtsc_ordered; seq: + per-CPU monotonic fix (cmpxchg_local);"
echo "   check10: + record 1.0 check (6 mix rounds, read back), 7 narrow stores = 1.0 cs_event;"
echo "   narrow: seq + record 1.1 check (fold + 1 round, registers), same 7 narrow stores;"
echo "   check11: seq + 1.1 check, src..cpu in one 8-byte store, aux+check in another = 1.1 cs_event;"
echo "   nopreempt: check11 without preempt_disable/enable; recorder: crashsafe.ko's cs_event"
for what in ns base rec; do
	case $what in
	ns) echo "   ns/event (median)" ;;
	base) echo "   baseline / part (median of same-repetition ratios; > 1: part cheaper than the baseline)" ;;
	rec) echo "   part / recorder (median of same-repetition ratios)" ;;
	esac
	printf '%-6s %4s |' kernel cpus
	for v in $part_names; do printf ' %9s' "$v"; done
	echo
	for k in $kernels; do
		c=$out/$k/console.log
		printf '%-6s %4s |' "$k" "$cpus"
		for v in $part_names; do
			x=-
			if [ -f "$c" ]; then
				l=$(parts "$c" | grep "^$v|" | tail -1)
				IFS='|' read -r _ ns _ br rr <<<"$l"
				case $what in
				ns) x=${ns:--} ;;
				base) x=${br:--} ;;
				rec) x=${rr:--} ;;
				esac
			fi
			printf ' %9s' "$x"
		done
		echo
	done
done

if [ -x "$top/scripts/bench-csdextract.sh" ]; then
	echo
	echo "== scripts/bench-csdextract.sh"
	"$top/scripts/bench-csdextract.sh" || rc=1
elif [ -f "$top/scripts/bench-csdextract.sh" ]; then
	echo
	echo "== scripts/bench-csdextract.sh"
	bash "$top/scripts/bench-csdextract.sh" || rc=1
fi
exit $rc
