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
timeout_ms=5000

fail() { echo "FAIL test_csd_hang_many $k ($cpus cpus, victim $victim, sender $sender): $*"; exit 1; }

if [ "${E2E_REUSE:-0}" != 1 ]; then
	# shellcheck disable=SC2086
	"$top/scripts/qemu-kdump.sh" --kernel "$k" --cpus "$cpus" --scenario csd-hang \
		--arg victim="$victim" --arg sender="$sender" --arg call=many \
		--out "$out" ${QEMU_KDUMP_OPTS:-} ||
		fail "harness: $(cat "$out/result.txt" 2>/dev/null || echo 'no result')"
fi

j=$out/report.json
c=$out/console.log
jq -e . "$j" >/dev/null 2>&1 || fail "report.json missing or not JSON ($out)"
grep -q "smp_call_function_many(" "$c" ||
	fail "console shows no smp_call_function_many() call by the test module"
n=$(jq '[.csd_hangs[]?] | length' "$j")
[ "${n:-0}" -ge 1 ] || fail "no csd_hangs entry: $(jq -c '.csd_hangs' "$j")"
h0() { jq -r ".csd_hangs[0].$1 // \"\"" "$j"; }
[ "$(h0 source_cpu)" = "$sender" ] || fail "source_cpu is '$(h0 source_cpu)', expected $sender"
[ "$(h0 target_cpu)" = "$victim" ] || fail "target_cpu is '$(h0 target_cpu)', expected $victim"
func=$(h0 func)
[[ $func == *cs_test_ipi_func* ]] || fail "func is '$func', expected cs_test_ipi_func"
waited=$(h0 waited_ns)
if ! [[ $waited =~ ^[0-9]+$ ]] || [ "$waited" -lt $((timeout_ms * 1000000)) ]; then
	fail "waited_ns is '$waited', expected >= ${timeout_ms}000000"
fi
sym=$(jq -r --argjson v "$victim" '[.cpus[]? | select(.cpu == $v)][0].symbol // ""' "$j")
tsym=$(h0 target_symbol)
[[ $sym == cs_test_victim_spin+* || $tsym == cs_test_victim_spin+* ]] ||
	fail "victim RIP symbol is '$sym' (cpus[]) / '$tsym' (target_symbol), expected cs_test_victim_spin+..."
pat="csd: Detected non-responsive CSD lock \\(#1\\) on CPU#$sender, waiting [0-9]+ ns for CPU#0*$victim cs_test_ipi_func\+"
grep -Eq "$pat" "$c" || fail "console shows no detection report matching '$pat'"

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
verdict=$(h0 verdict)
echo "PASS test_csd_hang_many $k ($cpus cpus): CPU#$sender waited ${waited} ns for CPU#$victim $func, verdict $verdict, victim at ${sym:-$tsym}; healthy:${healthy:- none}, not reported${ran:+; $ran}"
