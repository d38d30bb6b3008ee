#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# e2e (issue 11): unload and reload crashsafe.ko CYCLES times under the CSD
# workload generator, then crash: no Oops, BUG, WARNING or unknown NMI in
# the kernel log, every cycle succeeded, the workload made calls without
# errors, and the dump's record (the last load's) is found, intact and has
# every CPU's stop.
# Single-threaded TCG: under multi-threaded TCG, the kernel's own
# tracepoint and kprobe toggling (text_poke_bp) under IPI load can Oops or
# hang without crashsafe.ko (shown on 6.1 with a tracefs kprobe on
# generic_exec_single and on 6.12 by toggling the csd and ipi trace events):
# QEMU keeps running stale translations of patched code. Every load and
# unload here toggles those sites, so the test would measure QEMU.
#   tests/e2e/test_load_unload.sh 6.12|6.1 [CPUS (4)] [CYCLES (20)]
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
k=${1:?usage: test_load_unload.sh 6.12|6.1 [CPUS] [CYCLES]}
cpus=${2:-4}
cycles=${3:-20}
out=${E2E_OUT:-/tmp/crashsafe-e2e/load-unload-$k}
export QEMU_TCG_THREAD=${QEMU_TCG_THREAD:-single}

fail() { echo "FAIL test_load_unload $k: $*"; exit 1; }

if [ "${E2E_REUSE:-0}" != 1 ]; then
	# shellcheck disable=SC2086
	"$top/scripts/qemu-kdump.sh" --kernel "$k" --cpus "$cpus" --scenario load-unload \
		--arg cycles="$cycles" --out "$out" ${QEMU_KDUMP_OPTS:-} ||
		fail "harness: $(cat "$out/result.txt" 2>/dev/null || echo 'no result')"
fi
r=$out/load-unload.txt
[ -s "$r" ] || fail "no $r"
grep -qx "cycles: $cycles of $cycles" "$r" || fail "$(grep -E '^(cycles|cycle )' "$r" | tr '\n' ';')"
grep -qx 'bad lines: 0' "$r" || fail "kernel reports: $(tr '\n' ';' < "$r")"
calls=$(sed -n 's/^workload calls: \([0-9]*\) errors: \([0-9]*\)$/\1 \2/p' "$r")
read -r ncalls nerr <<<"$calls"
[ "${ncalls:-0}" -gt 0 ] && [ "${nerr:-1}" = 0 ] || fail "workload: $(grep '^workload' "$r")"
c=$out/console.log
if grep -aE 'Oops|BUG:|general protection|unknown reason' "$c" | grep -av 'scenario:' | head -n 3 | grep -q .; then
	fail "console: $(grep -aE 'Oops|BUG:|general protection|unknown reason' "$c" | grep -av 'scenario:' | head -n 3)"
fi
j=$out/report.json
[ "$(jq -r '.record.found' "$j")" = true ] || fail "record not found"
[ "$(jq -r '.record.status' "$j")" = ok ] || fail "record status $(jq -r '.record.status' "$j"): $(jq -c '.record.problems' "$j")"
phys=$(sed -n 's/^record_phys: //p' "$r")
rphys=$(jq -r '.record.phys' "$j")
[[ $phys =~ ^0x[0-9a-f]+$ && $rphys =~ ^0x[0-9a-f]+$ ]] && [ $((rphys)) = $((phys)) ] ||
	fail "record at $rphys, the last load's is $phys"
[[ $(jq -r '.panic.message // ""' "$j") == *"sysrq triggered crash"* ]] || fail "panic message"
nst=$(jq '[.cpus[]? | select(.stop == "panic" or .stop == "ipi" or .stop == "nmi")] | length' "$j")
[ "$nst" = "$cpus" ] || fail "$nst of $cpus CPUs stopped: $(jq -c '[.cpus[]? | .stop]' "$j")"
echo "PASS test_load_unload $k ($cpus cpus): $cycles unload/load cycles under the workload ($ncalls calls, 0 errors), no kernel report; record $(jq -r .record.found_by "$j") at $phys ok, $nst CPUs stopped"
