#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# e2e: kthread cs_softlockup loops with preemption off (interrupts on) in
# cs_softlockup_spin() while cs_soft_ipi on another CPU keeps calling it
# (and it answers); the kernel's soft lockup detector panics. The report
# must say: verdict "soft_lockup", CSD machinery healthy with numbers,
# culprit = that CPU, task (pid and comm as the module and the kernel's
# "BUG: soft lockup" line print them) and function cs_softlockup_spin,
# csd_stats[] with the peer's calls all completed, and no cycle.
#   tests/e2e/test_softlockup.sh 6.12|6.1 [CPUS (2)] [CPU (1)] [PEER (0)]
# Environment: E2E_OUT (result dir), QEMU_KDUMP_OPTS (extra harness options),
# E2E_REUSE=1 (only check the results already in E2E_OUT, no guest run),
# E2E_CSDEXTRACT (re-make the reports with this csdextract).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
k=${1:?usage: test_softlockup.sh 6.12|6.1 [CPUS] [CPU] [PEER]}
cpus=${2:-2}
c=${3:-1}
peer=${4:-0}
out=${E2E_OUT:-/tmp/crashsafe-e2e/softlockup-$k-$cpus-$c-$peer}
# shellcheck source=tests/e2e/lib_analysis.sh
. "$top/tests/e2e/lib_analysis.sh"
an_init test_softlockup "$cpus cpus, CPU $c, called by CPU $peer"

an_run --cpus "$cpus" --scenario softlockup --arg cpu="$c" --arg peer="$peer"
an_reports

ls=$(an_console "softlockup: CPU $c pid [0-9]+ comm cs_softlockup spins ")
ps=$(an_field "$ls" pid)
[ -n "$ps" ] || fail "cannot parse the module's console line '$ls'"
an_console "soft lockup - CPU#$c stuck for [0-9]+s! \\[cs_softlockup:$ps\\]" >/dev/null

an_check_verdict_kind soft_lockup
an_check_healthy_verdict "$c" "$ps" cs_softlockup
v=$(an_jq -c .verdict)
jq -e '(.culprit.function // "") | startswith("cs_softlockup_spin")' <<<"$v" >/dev/null ||
	fail "verdict.culprit.function is not cs_softlockup_spin: $v"
an_check_task "$c" "$ps" cs_softlockup
nums=$(an_check_csd_stat cs_hung_ipi_func "$peer" 50) || { echo "$nums"; exit 1; }
an_check_no_cycle
echo "PASS $an_name $k ($an_what): cs_softlockup/$ps on CPU $c; cs_hung_ipi_func $nums; $(jq -r .text <<<"$v")"
