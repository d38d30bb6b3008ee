#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# e2e: CPUs A and B take cs_abba_lock_a and cs_abba_lock_b in opposite
# order with interrupts off; crashsafe's buddy detector panics. The report
# must show, matching what the module printed on the console: each CPU's
# task (pid, comm), the spinlock it waits for (address and symbol) and its
# owner CPU, both locks in locks[], the cycle A -> B -> A in deadlocks[]
# and in the text report, and verdict "deadlock".
#   tests/e2e/test_abba.sh 6.12|6.1 [CPUS (3)] [A (1)] [B (2)]
# CPU n's buddy is CPU n+1: CPU A-1 must be live (A >= 1, B != A-1).
# ABBA_NOLOAD=1: a stock dump, crashsafe.ko not loaded, the kernel's RCU
# stall detector panics (test_abba_noload.sh); the dump alone must show the
# same tasks, locks, owners and cycle, with no ring evidence
# (verdict.csd_healthy null, no csd_stats).
# Environment: E2E_OUT (result dir), QEMU_KDUMP_OPTS (extra harness options),
# E2E_REUSE=1 (only check the results already in E2E_OUT, no guest run),
# E2E_CSDEXTRACT (re-make the reports with this csdextract).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
k=${1:?usage: test_abba.sh 6.12|6.1 [CPUS] [A] [B]}
cpus=${2:-3}
a=${3:-1}
b=${4:-2}
noload=${ABBA_NOLOAD:-0}
out=${E2E_OUT:-/tmp/crashsafe-e2e/abba-$k-$cpus-$a-$b-noload$noload}
# shellcheck source=tests/e2e/lib_analysis.sh
. "$top/tests/e2e/lib_analysis.sh"
an_init "test_abba$([ "$noload" = 1 ] && echo _noload)" "$cpus cpus, A $a, B $b$([ "$noload" = 1 ] && echo ', no crashsafe.ko')"

an_run --cpus "$cpus" --scenario abba --arg a="$a" --arg b="$b" --arg noload="$noload"
an_reports

# Ground truth: "abba: CPU n pid P comm C holds L1 at X1, waits for L2 at X2".
la=$(an_console "abba: CPU $a pid [0-9]+ comm ")
lb=$(an_console "abba: CPU $b pid [0-9]+ comm ")
pa=$(an_field "$la" pid) ca=$(an_field "$la" comm)
pb=$(an_field "$lb" pid) cb=$(an_field "$lb" comm)
addr_a=$(sed -E -n 's/.* holds cs_abba_lock_a at (0x[0-9a-f]+),.*/\1/p' <<<"$la")
addr_b=$(sed -E -n 's/.* holds cs_abba_lock_b at (0x[0-9a-f]+),.*/\1/p' <<<"$lb")
[ -n "$pa" ] && [ -n "$pb" ] && [ -n "$addr_a" ] && [ -n "$addr_b" ] ||
	fail "cannot parse the module's console lines: '$la' / '$lb'"

an_check_task "$a" "$pa" "$ca"
an_check_task "$b" "$pb" "$cb"
an_check_spin_wait "$a" "$addr_b" cs_abba_lock_b "$b"
an_check_spin_wait "$b" "$addr_a" cs_abba_lock_a "$a"
an_check_lock "$addr_a" cs_abba_lock_a "$a" sym "$b"
an_check_lock "$addr_b" cs_abba_lock_b "$b" sym "$a"
cyc=$(an_check_cycle "$a" "$b" '^cs_abba_lock_b' '^cs_abba_lock_a') || { echo "$cyc"; exit 1; }
an_check_text_line "$cyc"
grep -q "CPU$a" <<<"$cyc" && grep -q "CPU$b" <<<"$cyc" || fail "cycle text '$cyc' does not name CPU$a and CPU$b"
an_check_verdict_kind deadlock
msg=$(an_jq '.panic.message // ""')
if [ "$noload" = 1 ]; then
	[[ $msg == *"RCU Stall"* ]] || fail "panic.message is '$msg', expected the kernel's RCU Stall"
	grep -a -q 'crashsafe.ko not loaded' "$con" || fail "crashsafe.ko was loaded (console)"
	jq -e '.verdict.csd_healthy == null and ([.csd_stats[]?] | length) == 0' "$j" >/dev/null ||
		fail "no record, yet ring evidence: csd_healthy $(an_jq .verdict.csd_healthy), csd_stats $(an_jq -c .csd_stats)"
	# No crashsafe on the module list: no scan of physical memory (it
	# would read every page with data for nothing); --scan scans.
	jq -e '.record.found == false and
		([.record.notes[] | select(startswith("scan: skipped: crashsafe is not on the dump'"'"'s module list"))] | length) == 1' \
		"$j" >/dev/null || fail "scan not skipped on a stock dump: notes $(an_jq -c .record.notes)"
	scanned=$("${E2E_CSDEXTRACT:-$top/userspace/csdextract}" --scan --no-cache --json "$out/vmcore" 2>/dev/null)
	jq -e '[.record.notes[] | select(startswith("scan: no record in the first"))] | length == 1' \
		<<<"$scanned" >/dev/null || fail "--scan did not scan the stock dump"
else
	[[ $msg == *"Hard LOCKUP on CPU $a"* ]] || fail "panic.message is '$msg', expected the buddy detector's"
fi
echo "PASS $an_name $k ($an_what): $cyc; $ca/$pa and $cb/$pb"
