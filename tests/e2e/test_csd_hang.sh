#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# e2e: CPU VICTIM spins with interrupts off while CPU SENDER waits for it in
# smp_call_function_single(). crashsafe.ko must report the non-responsive
# CSD on the console and panic; the dump's report must carry a csd_hangs
# entry with the right CPUs, callback and wait, and the victim's RIP inside
# cs_test_victim_spin.
#   tests/e2e/test_csd_hang.sh 6.12|6.1 [CPUS (2)] [VICTIM (1)] [SENDER (0)]
# Environment: E2E_OUT (result dir), QEMU_KDUMP_OPTS (extra harness options),
# E2E_REUSE=1 (only check the results already in E2E_OUT, no guest run),
# CSD_HANG_ARGS (more harness --arg options, e.g. "--arg lost_ipi=1"),
# EXPECT_VERDICT (the verdict the first csd_hangs entry must have),
# EXPECT_VICTIM_STOP (how the crash stop must have stopped the victim).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
k=${1:?usage: test_csd_hang.sh 6.12|6.1 [CPUS] [VICTIM] [SENDER]}
cpus=${2:-2}
victim=${3:-1}
sender=${4:-0}
out=${E2E_OUT:-/tmp/crashsafe-e2e/csd-hang-$k-$cpus-$victim-$sender}
timeout_ms=5000

fail() { echo "FAIL test_csd_hang $k ($cpus cpus, victim $victim, sender $sender): $*"; exit 1; }

if [ "${E2E_REUSE:-0}" != 1 ]; then
	# shellcheck disable=SC2086
	"$top/scripts/qemu-kdump.sh" --kernel "$k" --cpus "$cpus" --scenario csd-hang \
		--arg victim="$victim" --arg sender="$sender" ${CSD_HANG_ARGS:-} \
		--out "$out" ${QEMU_KDUMP_OPTS:-} ||
		fail "harness: $(cat "$out/result.txt" 2>/dev/null || echo 'no result')"
fi

j=$out/report.json
jq -e . "$j" >/dev/null 2>&1 || fail "report.json missing or not JSON ($out)"
n=$(jq '[.csd_hangs[]?] | length' "$j")
[ "${n:-0}" -ge 1 ] || fail "no csd_hangs entry: $(jq -c '.csd_hangs' "$j")"
# The test's own request SENDER -> VICTIM. Other requests queued to the
# victim hang behind it as well (e.g. the scheduler's nohz_csd_func) and
# may be reported before it, so look it up instead of taking entry 0.
me=$(jq -c --argjson s "$sender" --argjson v "$victim" \
	'[.csd_hangs[]? | select(.source_cpu == $s and .target_cpu == $v and
	  ((.func // "") | startswith("cs_test_ipi_func+")))][0] // empty' "$j")
[ -n "$me" ] || fail "no csd_hangs entry CPU#$sender -> CPU#$victim cs_test_ipi_func: $(jq -c '[.csd_hangs[]? | {id, source_cpu, target_cpu, func}]' "$j")"
h0() { jq -r ".$1 // \"\"" <<<"$me"; }
func=$(h0 func)
waited=$(h0 waited_ns)
if ! [[ $waited =~ ^[0-9]+$ ]] || [ "$waited" -lt $((timeout_ms * 1000000)) ]; then
	fail "waited_ns is '$waited', expected >= ${timeout_ms}000000"
fi
sym=$(jq -r --argjson v "$victim" '[.cpus[]? | select(.cpu == $v)][0].symbol // ""' "$j")
tsym=$(h0 target_symbol)
[[ $sym == cs_test_victim_spin+* || $tsym == cs_test_victim_spin+* ]] ||
	fail "victim RIP symbol is '$sym' (cpus[]) / '$tsym' (target_symbol), expected cs_test_victim_spin+..."
c=$out/console.log
pat="csd: Detected non-responsive CSD lock \\(#$(h0 id)\\) on CPU#$sender, waiting [0-9]+ ns for CPU#0*$victim cs_test_ipi_func\+"
grep -Eq "$pat" "$c" || fail "console shows no detection report matching '$pat'"
verdict=$(h0 verdict)
if [ -n "${EXPECT_VERDICT:-}" ] && [ "$verdict" != "$EXPECT_VERDICT" ]; then
	fail "verdict is '$verdict', expected $EXPECT_VERDICT"
fi
vstop=$(jq -r --argjson v "$victim" '[.cpus[]? | select(.cpu == $v)][0].stop // ""' "$j")
if [ -n "${EXPECT_VICTIM_STOP:-}" ] && [ "$vstop" != "$EXPECT_VICTIM_STOP" ]; then
	fail "victim stopped by '$vstop', expected $EXPECT_VICTIM_STOP"
fi
echo "PASS test_csd_hang $k ($cpus cpus): CPU#$sender waited ${waited} ns for CPU#$victim $func, verdict $verdict, victim at ${sym:-$tsym}, stopped by $vstop"
