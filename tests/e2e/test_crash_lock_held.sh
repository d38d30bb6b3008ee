#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# e2e: CPU HOLDER holds an irq-safe spinlock with interrupts off when another
# CPU crashes. The IPI-then-NMI crash stop must stop the holder by NMI and
# every other CPU by the regular IPI, and the vmcore must still carry an
# NT_PRSTATUS note for every CPU (read from an ELF copy of /proc/vmcore).
#   tests/e2e/test_crash_lock_held.sh 6.12|6.1 [CPUS (2)] [HOLDER (CPUS-1)]
# Environment: E2E_OUT (result dir).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
k=${1:?usage: test_crash_lock_held.sh 6.12|6.1 [CPUS] [HOLDER]}
cpus=${2:-2}
holder=${3:-$((cpus - 1))}
if [ "$holder" = 0 ]; then pcpu=1; else pcpu=0; fi
out=${E2E_OUT:-/tmp/crashsafe-e2e/crash-lock-held-$k-$cpus-$holder}

fail() { echo "FAIL test_crash_lock_held $k ($cpus cpus, holder $holder): $*"; exit 1; }

"$top/scripts/qemu-kdump.sh" --kernel "$k" --cpus "$cpus" --scenario crash-lock-held \
	--arg holder="$holder" --arg panic_cpu="$pcpu" --save-elf --out "$out" ||
	fail "harness: $(cat "$out/result.txt" 2>/dev/null || echo 'no result')"

j=$out/report.json
jq -e . "$j" >/dev/null 2>&1 || fail "report.json missing or not JSON ($out)"
for ((c = 0; c < cpus; c++)); do
	if [ "$c" = "$holder" ]; then want=nmi
	elif [ "$c" = "$pcpu" ]; then want=panic
	else want=ipi
	fi
	got=$(jq -r --argjson c "$c" '[.cpus[]? | select(.cpu == $c)][0].stop // "missing"' "$j")
	[ "$got" = "$want" ] || fail "cpu $c stop is '$got', expected '$want'"
done
sym=$(jq -r --argjson c "$holder" '[.cpus[] | select(.cpu == $c)][0].symbol // ""' "$j")
[[ $sym == cs_test_hold_lock+* ]] || fail "holder RIP symbol is '$sym', expected cs_test_hold_lock+..."

# NT_PRSTATUS notes: one per CPU in the ELF vmcore.
elf=$out/vmcore.elf
[ -s "$elf" ] || fail "no vmcore.elf (--save-elf)"
notes=$(readelf -n "$elf" 2>/dev/null | grep -c 'NT_PRSTATUS')
[ "$notes" -eq "$cpus" ] || fail "vmcore.elf has $notes NT_PRSTATUS notes, expected $cpus"
echo "PASS test_crash_lock_held $k ($cpus cpus): holder $holder stopped by NMI at $sym, others by IPI, $notes NT_PRSTATUS notes"
