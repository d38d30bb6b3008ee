#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# e2e: a waiter that migrates mid-wait (scenario csd-hang, --arg migrate=N).
# A wait is owned by its csd, not by the CPU its waiter runs on. N rounds:
# CPU VICTIM keeps interrupts off for 1.5 s (under csd_timeout_ms, 5 s)
# while a task queues an async request to it from CPU SENDER and polls its
# csd, hopping between the other CPUs every ~5 ms; all rounds together
# last longer than csd_timeout_ms, so an entry left behind by a moved
# waiter would be reported. Then the real hang of the same shape. Checks:
# every round completed with migrations mid-wait (counts printed) after
# holding the waiter 1 s or more, exactly
# one report for the test callback, SENDER -> VICTIM (the queueing CPU,
# not where the waiter happened to be), after the rounds, plus every check
# of test_csd_hang.sh (victim RIP, wait >= timeout, console report).
# On 6.x smp_call_function_single() waits with preemption off: its waiter
# cannot migrate, so the test forces the 7.x shape (a preemptible wait on
# a locked csd) with smp_call_function_single_async() and a polling task.
#   tests/e2e/test_csd_hang_migrate.sh 6.12|6.1|bpo [ROUNDS (5)]
# Environment: E2E_OUT, QEMU_KDUMP_OPTS, E2E_REUSE=1.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
k=${1:?usage: test_csd_hang_migrate.sh KERNEL [ROUNDS]}
rounds=${2:-5}
cpus=3 victim=1 sender=0
out=${E2E_OUT:-/tmp/crashsafe-e2e/csd-hang-migrate-$k}

fail() { echo "FAIL test_csd_hang_migrate $k: $*"; exit 1; }

if ! common=$(CSD_HANG_ARGS="--arg migrate=$rounds" E2E_OUT=$out EXPECT_VERDICT=irqs_off \
	bash "$top/tests/e2e/test_csd_hang.sh" "$k" "$cpus" "$victim" "$sender"); then
	fail "${common##*$'\n'}"
fi
c=$out/console.log
j=$out/report.json
done_n=$(grep -acE "round [0-9]+: request done after [0-9]+ ms, waiter migrated [1-9][0-9]* times mid-wait" "$c")
[ "$done_n" -eq "$rounds" ] ||
	fail "$done_n of $rounds rounds completed with migrations mid-wait: $(grep -a 'round [0-9]*:' "$c" | tr '\n' '|')"
# Each round must have held the waiter for most of CS_TEST_ROUND_MS
# (1500): a round answered at once tests nothing (as when the victim's
# window was timed with mdelay() and a vCPU's delay loop was mis-calibrated).
short=$(grep -aoE "round [0-9]+: request done after [0-9]+ ms" "$c" | head -n "$rounds" |
	awk '$6 < 1000 { printf "%s%s %d: %d ms", sep, $1, $2, $6; sep = ", " }')
[ -z "$short" ] || fail "rounds answered too soon (< 1000 ms, the victim keeps irqs off >= 1500 ms): $short"
summary=$(grep -aoE "migrate: [0-9]+ rounds, [0-9]+ migrations mid-wait" "$c" | head -n1)
[ -n "$summary" ] || fail "no migrate summary line on the console"
n=$(jq '[.csd_hangs[]? | select((.func // "") | startswith("cs_test_ipi_func+"))] | length' "$j")
[ "$n" -eq 1 ] || fail "$n csd_hangs entries for cs_test_ipi_func, expected exactly 1"
# The crashed kernel's own report lines (the capture's copies of the log
# in the report text do not count).
rep="\] crashsafe: csd: Detected non-responsive CSD lock \(#[0-9]+\) on CPU#[0-9]+, waiting [0-9]+ ns for CPU#[0-9]+ cs_test_ipi_func\+"
nc=$(grep -acE "$rep" "$c")
[ "$nc" -eq 1 ] || fail "$nc kernel console reports for cs_test_ipi_func, expected 1"
# The report comes after the real hang began, not during a round.
lr=$(grep -an "now the real hang" "$c" | head -n1 | cut -d: -f1)
lc=$(grep -anE "$rep" "$c" | head -n1 | cut -d: -f1)
if [ -z "$lr" ] || [ -z "$lc" ] || [ "$lc" -le "$lr" ]; then
	fail "report (console line ${lc:-none}) not after the real hang began (line ${lr:-none})"
fi
echo "PASS test_csd_hang_migrate $k: $summary, no report during them; real hang reported once; ${common#PASS }"
