#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Reliability (seed 003): crash while CPU 1 hammers an irq-safe spinlock that
# a panic notifier needs (crash_kexec_post_notifiers=1). Runs the
# crash-lock-hammer scenario N times with the default IPI-then-NMI stop and
# N times NMI-only (stop_ipi_ms=0), prints how many dumps were saved each
# way, and fails unless the default sequence saved N of N.
#   tests/reliability/test_lock_hammer.sh 6.12|6.1 [N (10)]
# About 60-90 s per run, so N=10 takes about 25 minutes.
# Environment: CPUS (2), E2E_OUT (result dir).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
k=${1:?usage: test_lock_hammer.sh 6.12|6.1 [N]}
n=${2:-10}
cpus=${CPUS:-2}
base=${E2E_OUT:-/tmp/crashsafe-e2e/lock-hammer-$k-$cpus}

# A saved dump: harness OK and the holder recorded as stopped by IPI or NMI.
run() {
	local out=$1 ipi=$2
	"$top/scripts/qemu-kdump.sh" --kernel "$k" --cpus "$cpus" \
		--scenario crash-lock-hammer --arg holder=1 --arg stop_ipi_ms="$ipi" \
		--out "$out" >"$out.log" 2>&1
}

saved_def=0
saved_nmi=0
t0=$SECONDS
for ((i = 1; i <= n; i++)); do
	mkdir -p "$base/default-$i" "$base/nmi-$i"
	if run "$base/default-$i" 1000; then
		saved_def=$((saved_def + 1))
		r=saved
	else
		r="NOT saved ($(cat "$base/default-$i/result.txt" 2>/dev/null))"
	fi
	echo "run $i default:  $r"
	if run "$base/nmi-$i" 0; then
		saved_nmi=$((saved_nmi + 1))
		r=saved
	else
		r="NOT saved ($(cat "$base/nmi-$i/result.txt" 2>/dev/null))"
	fi
	echo "run $i nmi-only: $r"
done
echo "lock hammer $k ($cpus cpus): default (IPI then NMI) saved $saved_def of $n; NMI only (stop_ipi_ms=0) saved $saved_nmi of $n; $(((SECONDS - t0) / 60)) min"
if [ "$saved_def" -ne "$n" ]; then
	echo "FAIL test_lock_hammer $k: default sequence saved only $saved_def of $n"
	exit 1
fi
echo "PASS test_lock_hammer $k"
