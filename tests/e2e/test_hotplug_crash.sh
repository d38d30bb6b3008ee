#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# e2e: CPU hotplug under the CSD workload (no report may come of it), then
# a crash with one CPU offline: the record says "offline" for that CPU,
# "panic" for CPU 0 and "ipi" for the others, and the dump is complete
# (one NT_PRSTATUS note per online CPU in an ELF copy of /proc/vmcore).
#   tests/e2e/test_hotplug_crash.sh 6.12|6.1 [CPUS (3)] [SECONDS (30)]
# Environment: E2E_OUT (result dir), QEMU_CPU ("qemu64,-cx16" as in
# test_healthy.sh: QEMU 7.2 TCG corrupts EFLAGS after the guest's
# cmpxchg16b under this IPI load; a run with cx16 died of a double fault
# in __kmalloc_node with EFLAGS = low bits of RAX).
set -uo pipefail
export QEMU_CPU=${QEMU_CPU:-qemu64,-cx16}
top=$(cd "$(dirname "$0")/../.." && pwd)
k=${1:?usage: test_hotplug_crash.sh 6.12|6.1 [CPUS] [SECONDS]}
cpus=${2:-3}
secs=${3:-30}
off=$((cpus - 1))
out=${E2E_OUT:-/tmp/crashsafe-e2e/hotplug-crash-$k-$cpus}

fail() { echo "FAIL test_hotplug_crash $k ($cpus cpus, cpu $off offline): $*"; exit 1; }

"$top/scripts/qemu-kdump.sh" --kernel "$k" --cpus "$cpus" --scenario hotplug-crash \
	--arg seconds="$secs" --arg offline="$off" --save-elf --out "$out" ||
	fail "harness: $(cat "$out/result.txt" 2>/dev/null || echo 'no result')"

c=$out/console.log
if grep -a -E -n 'Detected non-responsive CSD lock|hard LOCKUP' "$c" | head -n 5 | grep .; then
	fail "false detection report under hotplug (see $c)"
fi
cycles=$(grep -a -o 'scenario: hotplug-crash: workload: calls=[0-9]* errors=[0-9]*, [0-9]* offline' "$c" | tail -n1)
[ -n "$cycles" ] || fail "the scenario did not finish its workload (see $c)"
ncalls=$(echo "$cycles" | sed 's/.*calls=\([0-9]*\).*/\1/')
nerr=$(echo "$cycles" | sed 's/.*errors=\([0-9]*\).*/\1/')
ncyc=$(echo "$cycles" | awk '{print $(NF-1)}')
[ "$nerr" = 0 ] || fail "the workload reported $nerr errors"
[ "$ncyc" -gt 0 ] || fail "no offline/online cycle was made"

j=$out/report.json
jq -e . "$j" >/dev/null 2>&1 || fail "report.json missing or not JSON ($out)"
for ((i = 0; i < cpus; i++)); do
	if [ "$i" = "$off" ]; then want=offline
	elif [ "$i" = 0 ]; then want=panic
	else want=ipi
	fi
	got=$(jq -r --argjson c "$i" '[.cpus[]? | select(.cpu == $c)][0].stop // "missing"' "$j")
	[ "$got" = "$want" ] || fail "cpu $i stop is '$got', expected '$want'"
done
elf=$out/vmcore.elf
[ -f "$elf" ] || fail "no vmcore.elf"
notes=$(readelf -n "$elf" 2>/dev/null | grep -c 'NT_PRSTATUS')
[ "$notes" -eq $((cpus - 1)) ] || fail "vmcore.elf has $notes NT_PRSTATUS notes, expected $((cpus - 1)) (online CPUs)"
echo "PASS test_hotplug_crash $k ($cpus cpus, $secs s): $ncalls calls, 0 errors, $ncyc offline/online cycles, no report; cpu $off offline in the record, $notes NT_PRSTATUS notes"
