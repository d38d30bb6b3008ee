#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# e2e: CPU A holds cs_lockcsd_lock and waits in smp_call_function_single()
# for CPU B, which spins on that lock with interrupts off. crashsafe.ko
# reports the CSD hang and panics. The report must show, matching the
# module's console lines: the csd_hangs entry A -> B cs_lockcsd_ipi_func,
# verdict "csd_hang" with B as culprit and csd_healthy false, A's task
# waiting for a CSD on B, B's task waiting for cs_lockcsd_lock (address,
# symbol) held by A, the lock in locks[], and the cycle A -> B -> A in
# deadlocks[] and in the text report.
#   tests/e2e/test_lock_csd.sh 6.12|6.1 [CPUS (3)] [A (1)] [B (2)]
# Environment: E2E_OUT (result dir), QEMU_KDUMP_OPTS (extra harness options),
# E2E_REUSE=1 (only check the results already in E2E_OUT, no guest run),
# E2E_CSDEXTRACT (re-make the reports with this csdextract).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
k=${1:?usage: test_lock_csd.sh 6.12|6.1 [CPUS] [A] [B]}
cpus=${2:-3}
a=${3:-1}
b=${4:-2}
out=${E2E_OUT:-/tmp/crashsafe-e2e/lock-csd-$k-$cpus-$a-$b}
# shellcheck source=tests/e2e/lib_analysis.sh
. "$top/tests/e2e/lib_analysis.sh"
an_init test_lock_csd "$cpus cpus, A $a, B $b"

an_run --cpus "$cpus" --scenario lock-csd --arg a="$a" --arg b="$b"
an_reports

la=$(an_console "lockcsd: CPU $a pid [0-9]+ comm .* holds ")
lb=$(an_console "lockcsd: CPU $b pid [0-9]+ comm .* waits for ")
pa=$(an_field "$la" pid) ca=$(an_field "$la" comm)
pb=$(an_field "$lb" pid) cb=$(an_field "$lb" comm)
addr=$(sed -E -n 's/.* holds cs_lockcsd_lock.* at (0x[0-9a-f]+),.*/\1/p' <<<"$la")
[ -n "$pa" ] && [ -n "$pb" ] && [ -n "$addr" ] ||
	fail "cannot parse the module's console lines: '$la' / '$lb'"

h=$(an_jq --argjson a "$a" --argjson b "$b" '[.csd_hangs[]? | select(.source_cpu == $a and
	.target_cpu == $b and ((.func // "") | startswith("cs_lockcsd_ipi_func+")))][0] // empty | tojson')
[ -n "$h" ] || fail "no csd_hangs entry CPU#$a -> CPU#$b cs_lockcsd_ipi_func: $(an_jq -c '[.csd_hangs[]? | {source_cpu, target_cpu, func}]')"
an_check_verdict_kind csd_hang
v=$(an_jq -c .verdict)
jq -e --argjson b "$b" '.csd_healthy == false and .culprit.cpu == $b' <<<"$v" >/dev/null ||
	fail "verdict is $v; expected csd_healthy false and culprit CPU $b"
an_check_task "$a" "$pa" "$ca"
an_check_task "$b" "$pb" "$cb"
w=$(an_jq --argjson c "$a" "$AN_JQ_DEFS"' cpu($c).waits_for | tojson')
jq -e --argjson b "$b" '. != null and .kind == "csd" and .target_cpu == $b' <<<"$w" >/dev/null ||
	fail "cpus[$a].waits_for is $w; expected a CSD on CPU $b"
an_check_spin_wait "$b" "$addr" cs_lockcsd_lock "$a"
an_check_lock "$addr" cs_lockcsd_lock "$a" sym "$b"
cyc=$(an_check_cycle "$a" "$b" "^CSD on CPU $b\$" '^cs_lockcsd_lock') || { echo "$cyc"; exit 1; }
an_check_text_line "$cyc"
echo "PASS $an_name $k ($an_what): csd_hang, $cyc; $ca/$pa and $cb/$pb"
