#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A healthy guest under the CSD workload generator must not produce a false
# report. crashsafe.ko runs with its default detection (CSD timeout,
# hard-lockup detector) and panic_on_csd_hang=1 panic_on_hardlockup=1, so a
# false report would crash the guest.
#   tests/e2e/test_healthy.sh KVER [SECONDS]    (KVER any short name, SECONDS 300)
# Environment: CPUS (2; 2-4 sensible), E2E_OUT or OUT (result dir),
# MIGRATE=1 (crashsafe_workload's mover re-pins workers to random CPUs, also
# while they wait), REQUIRE_MIDWAIT=0|1 (fail unless some waiter was moved
# mid-wait; default 1 with MIGRATE=1 on kernels 7 and newer, whose
# smp_call_function_single() waits preemptibly, else 0), HOTPLUG=1,
# NOLOAD=1 (a control run without crashsafe.ko).
# tests/e2e/test_healthy_all.sh runs this on five kernels at once.
# Takes SECONDS + about 60 s of guest time (boot, 15 s idle, checks).
# QEMU_CPU defaults to "qemu64,-cx16" here: under this IPI load, QEMU 7.2
# TCG (Debian bookworm) corrupts EFLAGS after the guest's cmpxchg16b (the
# 6.12 SLUB fast path): 3 of 3 6.12 runs with cx16 died within 24-205 s
# with EFLAGS = low bits of RAX right after "cmpxchg16b %gs:(%rsi)", the
# same runs without cx16 pass. Control: the same workload on 6.12 with
# crashsafe.ko unloaded (rmmod before the workload) died the same way
# within 20 s (NULL dereference, then a double fault), so crashsafe.ko is
# not the cause. Set QEMU_CPU=qemu64 to run with cx16.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
kver=${1:?usage: test_healthy.sh 6.12|6.1 [SECONDS]}
secs=${2:-300}
cpus=${CPUS:-2}
out=${E2E_OUT:-${OUT:-/tmp/crashsafe-e2e/healthy-$kver-$cpus}}

migrate=${MIGRATE:-0}
# HOTPLUG=1: CPUs 1..N-1 also go offline and online in turn during the
# workload (the scenario's hotplug=1), at least one cycle required.
hotplug=${HOTPLUG:-0}
# NOLOAD=1: the same run without crashsafe.ko (a control: what the kernel
# and the emulator do on their own); the crashsafe checks are skipped.
noload=${NOLOAD:-0}
full=$("$top/scripts/kernels.sh" resolve "$kver") || full=$kver
need_mid=${REQUIRE_MIDWAIT:-0}
[ -z "${REQUIRE_MIDWAIT:-}" ] && [ "$migrate" = 1 ] && [ "${full%%.*}" -ge 7 ] 2>/dev/null && need_mid=1

fail() {
	echo "FAIL test_healthy $kver ($cpus cpus, $secs s): $*" >&2
	exit 1
}

export QEMU_CPU=${QEMU_CPU:-qemu64,-cx16}
"$top/scripts/qemu-kdump.sh" --kernel "$kver" --cpus "$cpus" \
	--scenario workload --arg seconds="$secs" --arg migrate="$migrate" --arg hotplug="$hotplug" --arg noload="$noload" --out "$out"
rc=$?
c=$out/console.log
[ -f "$c" ] || fail "no console log ($out)"

. "$top/tests/e2e/lib_workload.sh"
check_workload_console "$c"
grep -a -q 'crashsafe-scenario-exit: 0' "$c" ||
	fail "scenario exited non-zero: $(grep -a 'scenario: workload: FAIL' "$c" | head -n 3 | tr '\n' ' ')"
[ $rc = 0 ] || fail "qemu-kdump.sh exited $rc ($(cat "$out/result.txt" 2>/dev/null))"

cycles=
if [ "$hotplug" = 1 ]; then
	cycles=$(grep -a -o 'scenario: workload: hotplug: [0-9]* offline/online cycles' "$c" | tail -n1 | awk '{print $4}')
	if [ -z "$cycles" ] || [ "$cycles" -le 0 ]; then
		fail "HOTPLUG=1 but no offline/online cycle was made (${cycles:-none})"
	fi
fi

# "crashsafe_workload: migrated: N waits moved mid-wait, M ended on another CPU, K moves"
mig_line=$(grep -a -o 'crashsafe_workload: migrated: [0-9]* waits moved mid-wait, [0-9]* ended on another CPU, [0-9]* moves' "$c" | tail -n1)
read -r midwait migrated moves <<<"$(echo "$mig_line" | awk '{print $3, $7, $12}')"
if [ "$migrate" = 1 ]; then
	[ -n "$mig_line" ] || fail "no 'crashsafe_workload: migrated' line (see $c)"
	[ "$moves" -gt 0 ] || fail "MIGRATE=1 but the mover moved no worker"
	if [ "$need_mid" = 1 ] && [ "$midwait" -le 0 ]; then
		fail "no waiter was moved mid-wait ($migrated calls ended on another CPU, $moves moves): the run did not test migrating waiters"
	fi
fi

echo "PASS test_healthy $kver$([ "$noload" = 1 ] && echo ' (control, no crashsafe.ko)') ($cpus cpus, $secs s, cpu $QEMU_CPU): $ncalls calls, 0 errors, $ev CSD/IPI events recorded, ${mig_line:+$midwait waits moved mid-wait$([ "$need_mid" = 1 ] && echo ' (required > 0)'), $migrated ended on another CPU, $moves moves, }${cycles:+$cycles offline/online cycles, }no report"
exit 0
