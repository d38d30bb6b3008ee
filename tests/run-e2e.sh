#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run end-to-end tests over every kernel and print "N passed, N failed".
#   tests/run-e2e.sh [tests/e2e/test_x.sh ...]     (default: all of tests/e2e)
# Kernels: $E2E_KERNELS (e.g. "6.12 6.1"), else every kernel of
# scripts/kernels.sh list (KVERS).  Logs and outputs: $E2E_DIR
# (default <repo>/build/e2e/<test>-<kernel>/), each test gets E2E_OUT there.
# E2E_TIMEOUT bounds one test run (default 1800 s; the harness bounds each guest itself).
# E2E_GRID=1 prints a test x kernel table (PASS/FAIL and seconds) at the end.
# Kernel names: 6.12 6.1 trixie bpo trixie-cloud trixie-rt ... (scripts/kernels.sh names).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1

tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=(tests/e2e/test_*.sh)
if [ -n "${E2E_KERNELS:-}" ]; then
	kernels=$E2E_KERNELS
else
	kernels=
	for v in $(scripts/kernels.sh list); do
		kernels="$kernels $(scripts/kernels.sh short "$v")"
	done
fi
dir=${E2E_DIR:-$top/build/e2e}
mkdir -p "$dir"

pass=0
failn=0
failed=()
declare -A grid=()
tall=$SECONDS
for t in "${tests[@]}"; do
	[ -f "$t" ] || { echo "[e2e] no such test $t"; failn=$((failn + 1)); failed+=("$t"); continue; }
	name=$(basename "$t" .sh)
	for k in $kernels; do
		o=$dir/$name-$k
		rm -rf "$o"
		mkdir -p "$o"
		echo "[e2e] $name on $k ..."
		t0=$SECONDS
		E2E_OUT=$o/out timeout -s TERM "${E2E_TIMEOUT:-1800}" bash "$t" "$k" > "$o/log" 2>&1
		rc=$?
		last=$(grep -v '^\[qemu-kdump\]' "$o/log" | tail -n1)
		grid[$name/$k]="$([ $rc -eq 0 ] && echo PASS || echo FAIL) $((SECONDS - t0))"
		if [ $rc -eq 0 ]; then
			pass=$((pass + 1))
			echo "[e2e] PASS $name $k ($((SECONDS - t0)) s) $last"
		else
			failn=$((failn + 1))
			failed+=("$name/$k")
			[ $rc -eq 124 ] && last="timed out after ${E2E_TIMEOUT:-1800} s"
			echo "[e2e] FAIL $name $k ($((SECONDS - t0)) s, rc $rc) $last"
			echo "[e2e]      log: $o/log"
		fi
	done
done
if [ "${E2E_GRID:-0}" = 1 ]; then
	printf '[e2e] %-28s' test
	for k in $kernels; do printf ' %-13s' "$k"; done
	echo
	for t in "${tests[@]}"; do
		name=$(basename "$t" .sh)
		printf '[e2e] %-28s' "$name"
		for k in $kernels; do printf ' %-13s' "${grid[$name/$k]:--}"; done
		echo
	done
	echo "[e2e] $((pass + failn)) runs in $((SECONDS - tall)) s"
fi
[ ${#failed[@]} -gt 0 ] && echo "[e2e] failed: ${failed[*]}"
echo "$pass passed, $failn failed"
[ $failn -eq 0 ]
