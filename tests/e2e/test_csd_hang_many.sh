#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# e2e: CPU VICTIM spins with interrupts off while CPU SENDER waits in
# smp_call_function_many() on all other online CPUs (scenario csd-hang,
# call=many). The healthy targets run the callback at once; the victim
# never does. crashsafe.ko must report the victim, and only the victim:
# the dump's report must carry a csd_hangs entry SENDER -> VICTIM with the
# test callback, a wait of at least csd_timeout_ms and the victim's RIP
# inside cs_test_victim_spin, and no csd_hangs entry naming a healthy CPU.
#   tests/e2e/test_csd_hang_many.sh 6.12|6.1 [CPUS (3)] [VICTIM (1)] [SENDER (0)]
# Environment: E2E_OUT (result dir), QEMU_KDUMP_OPTS (extra harness options),
# E2E_REUSE=1 (only check the results already in E2E_OUT, no guest run).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
k=${1:?usage: test_csd_hang_many.sh 6.12|6.1 [CPUS] [VICTIM] [SENDER]}
cpus=${2:-3}
victim=${3:-1}
sender=${4:-0}
out=${E2E_OUT:-/tmp/crashsafe-e2e/csd-hang-many-$k-$cpus-$victim-$sender}

fail() { echo "FAIL test_csd_hang_many $k ($cpus cpus, victim $victim, sender $sender): $*"; exit 1; }

# What every csd-hang must show (CPUs, callback, wait, victim RIP, console
# report): test_csd_hang.sh, run with call=many (it honours E2E_REUSE).
common=$(CSD_HANG_ARGS="--arg call=many" E2E_OUT=$out \
	bash "$top/tests/e2e/test_csd_hang.sh" "$k" "$cpus" "$victim" "$sender")
[ $? -eq 0 ] || fail "${common##*$'\n'}"

j=$out/report.json
c=$out/console.log
grep -q "smp_call_function_many(" "$c" ||
	fail "console shows no smp_call_function_many() call by the test module"

# The healthy targets answered: none of them may be reported.
healthy=""
for ((cpu = 0; cpu < cpus; cpu++)); do
	[ "$cpu" = "$sender" ] || [ "$cpu" = "$victim" ] || healthy="$healthy $cpu"
done
for cpu in $healthy; do
	bad=$(jq -c --argjson h "$cpu" '[.csd_hangs[]? | select(.target_cpu == $h)]' "$j")
	[ "$bad" = "[]" ] || fail "healthy CPU $cpu reported as non-responsive: $bad"
	grep -Eq "csd: Detected non-responsive CSD lock \(#[0-9]+\) on CPU#[0-9]+, waiting [0-9]+ ns for CPU#0*$cpu " "$c" &&
		fail "console reports healthy CPU $cpu as non-responsive"
done
ran=""
if [ -n "$healthy" ]; then
	ran=$(grep -o "targets that ran cs_test_ipi_func: [^ ]* (victim CPU[0-9]*: [a-z ]*)" "$c" | head -n1)
	[ -n "$ran" ] || fail "console shows no line saying which targets ran cs_test_ipi_func"
	[[ $ran == *"not run)" ]] || fail "victim ran the callback: '$ran'"
fi
echo "PASS test_csd_hang_many $k ${common#PASS test_csd_hang $k }; healthy:${healthy:- none}, not reported${ran:+; $ran}"
