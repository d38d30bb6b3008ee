#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# e2e: the seed 004 shape through a per-CPU lock. cs_pcpu_lock is a
# DEFINE_PER_CPU spinlock of the test module; CPU A holds its own instance
# and spins on CPU B's, B holds its own and spins on A's, interrupts off;
# the buddy detector panics. The report must name each lock as the per-CPU
# variable of the right CPU ("cs_pcpu_lock of CPU n"; a " [module]" tag
# may follow the symbol or the whole name), with the
# addresses, tasks and owners the module printed, in cpus[], locks[],
# deadlocks[] and the text report; verdict "deadlock".
#   tests/e2e/test_percpu_lock.sh 6.12|6.1 [CPUS (3)] [A (1)] [B (2)]
# Environment: E2E_OUT (result dir), QEMU_KDUMP_OPTS (extra harness options),
# E2E_REUSE=1 (only check the results already in E2E_OUT, no guest run),
# E2E_CSDEXTRACT (re-make the reports with this csdextract).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
k=${1:?usage: test_percpu_lock.sh 6.12|6.1 [CPUS] [A] [B]}
cpus=${2:-3}
a=${3:-1}
b=${4:-2}
out=${E2E_OUT:-/tmp/crashsafe-e2e/percpu-lock-$k-$cpus-$a-$b}
# shellcheck source=tests/e2e/lib_analysis.sh
. "$top/tests/e2e/lib_analysis.sh"
an_init test_percpu_lock "$cpus cpus, A $a, B $b"

an_run --cpus "$cpus" --scenario percpu-lock --arg a="$a" --arg b="$b"
an_reports

# "percpu: CPU n pid P comm C holds cs_pcpu_lock of CPU n at X, waits for
# cs_pcpu_lock of CPU m at Y".
la=$(an_console "percpu: CPU $a pid [0-9]+ comm ")
lb=$(an_console "percpu: CPU $b pid [0-9]+ comm ")
pa=$(an_field "$la" pid) ca=$(an_field "$la" comm)
pb=$(an_field "$lb" pid) cb=$(an_field "$lb" comm)
xa=$(sed -E -n "s/.* holds cs_pcpu_lock of CPU $a at (0x[0-9a-f]+),.*/\1/p" <<<"$la")
xb=$(sed -E -n "s/.* holds cs_pcpu_lock of CPU $b at (0x[0-9a-f]+),.*/\1/p" <<<"$lb")
[ -n "$pa" ] && [ -n "$pb" ] && [ -n "$xa" ] && [ -n "$xb" ] ||
	fail "cannot parse the module's console lines: '$la' / '$lb'"
[ "$xa" != "$xb" ] || fail "both CPUs printed the same lock address $xa"

an_check_task "$a" "$pa" "$ca"
an_check_task "$b" "$pb" "$cb"
an_check_spin_wait "$a" "$xb" cs_pcpu_lock "$b" "pcpu:$b"
an_check_spin_wait "$b" "$xa" cs_pcpu_lock "$a" "pcpu:$a"
an_check_lock "$xa" cs_pcpu_lock "$a" "pcpu:$a" "$b"
an_check_lock "$xb" cs_pcpu_lock "$b" "pcpu:$b" "$a"
m='( \[[A-Za-z0-9_]+\])?'
cyc=$(an_check_cycle "$a" "$b" "^cs_pcpu_lock$m of CPU $b$m\$" "^cs_pcpu_lock$m of CPU $a$m\$") ||
	{ echo "$cyc"; exit 1; }
an_check_text_line "$cyc"
an_check_verdict_kind deadlock
echo "PASS $an_name $k ($an_what): $cyc; $ca/$pa and $cb/$pb"
