#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A stall of every CPU at once, longer than every threshold, must not
# produce a report: what a VM paused on its monitor (QEMU "stop", "cont")
# and resumed looks like from inside when the clocks move on meanwhile
# (under TCG "stop" freezes the guest's clocks too, so the stall is made
# in the guest: crashsafe_workload stall_ms, stop_machine() spinning by
# the clock with irqs off on every CPU). Default 15 s, with crashsafe.ko's
# thresholds lowered to csd_timeout_ms=3000 and hardlockup_thresh_ms=4000
# (the stall is 4-5 times each), and shorter than the kernel's own
# soft-lockup (20 s) and RCU stall (21 s) warnings. Before issue 11 the
# buddy detector compared TSC stamps of two CPUs and CSD waits were
# measured in TSC time, so such a stall was taken for a lockup.
#   tests/e2e/test_stall.sh KVER [SECONDS] [STALL_MS]  (60 s, 15000 ms)
# Environment: CPUS (2), E2E_OUT or OUT (result dir).
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
kver=${1:?usage: test_stall.sh 6.12|6.1 [SECONDS]}
secs=${2:-60}
stall=${3:-15000}
cpus=${CPUS:-2}
out=${E2E_OUT:-${OUT:-/tmp/crashsafe-e2e/stall-$kver-$cpus}}

fail() {
	echo "FAIL test_stall $kver ($cpus cpus, $secs s): $*" >&2
	exit 1
}

export QEMU_CPU=${QEMU_CPU:-qemu64,-cx16}
"$top/scripts/qemu-kdump.sh" --kernel "$kver" --cpus "$cpus" \
	--scenario workload --arg seconds="$secs" --arg stall_ms="$stall" \
	--arg csd_timeout_ms=3000 --arg hardlockup_thresh_ms=4000 --out "$out"
rc=$?
c=$out/console.log
[ -f "$c" ] || fail "no console log ($out)"

. "$top/tests/e2e/lib_workload.sh"
check_workload_console "$c"
stalled=$(grep -a -o 'scenario: workload: stall: every CPU stopped for [0-9]* ms' "$c" | tail -n1 | awk '{print $8}')
if [ -z "$stalled" ] || [ "$stalled" -lt "$stall" ]; then
	fail "no stall of $stall ms was made (${stalled:-none})"
fi
grep -a -q 'crashsafe-scenario-exit: 0' "$c" ||
	fail "scenario exited non-zero: $(grep -a 'scenario: workload: FAIL' "$c" | head -n 3 | tr '\n' ' ')"
[ $rc = 0 ] || fail "qemu-kdump.sh exited $rc ($(cat "$out/result.txt" 2>/dev/null))"

echo "PASS test_stall $kver ($cpus cpus, $secs s, cpu $QEMU_CPU): $ncalls calls, 0 errors, $ev CSD/IPI events recorded, all CPUs stalled $stalled ms, no report"
exit 0
