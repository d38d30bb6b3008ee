#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# e2e: sysrq crash with crashsafe.ko loaded; the report must name the panic
# message and the panic CPU, and both must match the dump's own dmesg.
#   tests/e2e/test_sysrq.sh 6.12|6.1 [crash-cpu (default 1)]
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
k=${1:?kernel (6.12|6.1)}
cpu=${2:-1}
out=${E2E_OUT:-/tmp/crashsafe-e2e/sysrq-$k}

fail() { echo "FAIL test_sysrq $k: $*"; exit 1; }

"$top/scripts/qemu-kdump.sh" --kernel "$k" --cpus 2 --scenario sysrq --save-elf --keep-flat \
	--arg cpu="$cpu" --out "$out" || fail "harness: $(cat "$out/result.txt" 2>/dev/null || echo 'no result')"

j=$out/report.json
jq -e . "$j" >/dev/null || fail "report.json is not JSON"
msg=$(jq -r '.panic.message // empty' "$j")
pcpu=$(jq -r '.panic.cpu // empty' "$j")
[[ $msg == *"sysrq triggered crash"* ]] || fail "panic.message is '$msg'"
[ "$pcpu" = "$cpu" ] || fail "panic.cpu is '$pcpu', crashed on $cpu"

# The dump's own log (makedumpfile --dump-dmesg) must agree.
d=$out/dmesg.txt
dline=$(grep -a -m1 'Kernel panic - not syncing: ' "$d") || fail "no panic line in dmesg.txt"
dmsg=${dline#*Kernel panic - not syncing: }
dcpu=$(grep -a -A3 'Kernel panic - not syncing: ' "$d" | grep -a -m1 -o 'CPU: [0-9]*' | awk '{print $2}')
[ "$msg" = "$dmsg" ] || fail "panic.message '$msg' != dmesg '$dmsg'"
[ "$pcpu" = "$dcpu" ] || fail "panic.cpu $pcpu != dmesg CPU $dcpu"
echo "PASS test_sysrq $k: panic '$msg' on cpu $pcpu (matches dmesg.txt)"
