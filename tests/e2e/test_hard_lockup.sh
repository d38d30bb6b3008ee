#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# e2e: a CPU spins with interrupts off forever; the buddy hard-lockup
# detector must report it and panic, and the dump's report must carry a
# hard_lockups entry for the victim with its RIP inside cs_test_lockup_spin.
#   tests/e2e/test_hard_lockup.sh 6.12|6.1 [CPUS (2)] [VICTIM (CPUS-1)]
# Environment: E2E_OUT (result dir), QEMU_KDUMP_OPTS (extra harness options).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
k=${1:?usage: test_hard_lockup.sh 6.12|6.1 [CPUS] [VICTIM]}
cpus=${2:-2}
victim=${3:-$((cpus - 1))}
out=${E2E_OUT:-/tmp/crashsafe-e2e/hard-lockup-$k-$cpus-$victim}

fail() { echo "FAIL test_hard_lockup $k ($cpus cpus, victim $victim): $*"; exit 1; }

# shellcheck disable=SC2086
"$top/scripts/qemu-kdump.sh" --kernel "$k" --cpus "$cpus" --scenario hard-lockup \
	--arg victim="$victim" --out "$out" ${QEMU_KDUMP_OPTS:-} ||
	fail "harness: $(cat "$out/result.txt" 2>/dev/null || echo 'no result')"

j=$out/report.json
jq -e . "$j" >/dev/null 2>&1 || fail "report.json missing or not JSON ($out)"
n=$(jq --argjson v "$victim" '[.hard_lockups[]? | select(.cpu == $v)] | length' "$j")
[ "${n:-0}" -ge 1 ] || fail "no hard_lockups entry for cpu $victim: $(jq -c '.hard_lockups' "$j")"
sym=$(jq -r --argjson v "$victim" '[.hard_lockups[] | select(.cpu == $v)][0].symbol // ""' "$j")
[[ $sym == cs_test_lockup_spin+* ]] ||
	fail "victim RIP symbol is '$sym', expected cs_test_lockup_spin+..."
panicked=$(jq -r --argjson v "$victim" '[.hard_lockups[] | select(.cpu == $v)][0].panicked' "$j")
[ "$panicked" = true ] || fail "hard lockup entry not marked panicked ($panicked)"
msg=$(jq -r '.panic.message // ""' "$j")
[[ $msg == *"Hard LOCKUP on CPU $victim"* ]] || fail "panic.message is '$msg'"
stuck=$(jq -r --argjson v "$victim" '[.hard_lockups[] | select(.cpu == $v)][0].stuck_ns' "$j")
echo "PASS test_hard_lockup $k ($cpus cpus): cpu $victim at $sym, stuck ${stuck} ns, panic '$msg'"
