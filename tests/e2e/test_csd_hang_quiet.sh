#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# e2e (issue 9): a CSD hang on a guest booted with Debian's default "quiet".
# quiet sets console_loglevel 4, so pr_info() lines do not reach the
# console; crashsafe's detection report must, because the NMI-safe log is
# flushed at the levels kernel/smp.c uses for its own CSD stall report
# (pr_alert). 3 CPUs, so that the log flusher can run before the panic.
# Checks: quiet is in effect (crashsafe's pr_info load line is in the
# dump's dmesg but not on the console), and the console carries the
# flushed report lines (with the "crashsafe: " prefix of the flusher,
# which the panic message does not have) and the dump the hang.
#   tests/e2e/test_csd_hang_quiet.sh 6.12|6.1 [CPUS (3)] [VICTIM (1)] [SENDER (0)]
# Environment: E2E_OUT, QEMU_KDUMP_OPTS, E2E_REUSE=1 (check E2E_OUT only).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
k=${1:?usage: test_csd_hang_quiet.sh 6.12|6.1 [CPUS] [VICTIM] [SENDER]}
cpus=${2:-3}
victim=${3:-1}
sender=${4:-0}
out=${E2E_OUT:-/tmp/crashsafe-e2e/csd-hang-quiet-$k}

fail() { echo "FAIL test_csd_hang_quiet $k: $*"; exit 1; }

if [ "${E2E_REUSE:-0}" != 1 ]; then
	# shellcheck disable=SC2086
	"$top/scripts/qemu-kdump.sh" --kernel "$k" --cpus "$cpus" --scenario csd-hang-quiet \
		--arg victim="$victim" --arg sender="$sender" --out "$out" ${QEMU_KDUMP_OPTS:-} ||
		fail "harness: $(cat "$out/result.txt" 2>/dev/null || echo 'no result')"
fi
c=$out/console.log
j=$out/report.json
jq -e . "$j" >/dev/null 2>&1 || fail "report.json missing or not JSON ($out)"

# quiet is in effect: an info line is in the kernel log but not on the console.
grep -aq 'crashsafe: version .* loaded' "$out/dmesg.txt" ||
	fail "dmesg.txt lacks crashsafe's load line (cannot tell whether quiet works)"
if grep -aq 'crashsafe: version .* loaded' "$c"; then
	fail "console shows a pr_info line: the guest was not booted quiet"
fi

me=$(jq -c --argjson s "$sender" --argjson v "$victim" \
	'[.csd_hangs[]? | select(.source_cpu == $s and .target_cpu == $v and
	  ((.func // "") | startswith("cs_test_ipi_func+")))][0] // empty' "$j")
[ -n "$me" ] || fail "no csd_hangs entry CPU#$sender -> CPU#$victim cs_test_ipi_func"
id=$(jq -r .id <<<"$me")
for pat in "crashsafe: csd: Detected non-responsive CSD lock \\(#$id\\) on CPU#$sender, waiting [0-9]+ ns for CPU#0*$victim cs_test_ipi_func\\+" \
	   "crashsafe: csd: CSD lock \\(#$id\\) verdict [a-z_]+: CPU#$victim"; do
	grep -aEq "$pat" "$c" || fail "console lacks '$pat' under quiet"
done
lvl=$(jq -r '[.log[]? | select(.text | startswith("csd: Detected"))][0].level // ""' "$j")
[ "$lvl" = alert ] || fail "record's log level of the report is '$lvl', expected alert"
echo "PASS test_csd_hang_quiet $k ($cpus cpus): report #$id on the console under quiet (level $lvl), pr_info hidden"
