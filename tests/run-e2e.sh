#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run end-to-end tests over every kernel and print "N passed, N failed".
#   tests/run-e2e.sh [tests/e2e/test_x.sh ...]     (default: all of tests/e2e)
#   E2E_PLAN=tests/e2e/plan tests/run-e2e.sh       (the runs a plan names)
# Kernels: $E2E_KERNELS (e.g. "6.12 6.1"), else every kernel of
# scripts/kernels.sh list (KVERS). A plan file names, one line per test,
# the test and the kernels it runs on ("test_sysrq 6.1 6.12 trixie bpo";
# "all" = every kernel of the run; # comments): make test runs the plan
# that fits its time budget, make test-matrix every test on every kernel.  Logs and outputs: $E2E_DIR
# (default <repo>/build/e2e/<test>-<kernel>/), each test gets E2E_OUT there.
# E2E_TIMEOUT bounds one test run (default 1800 s; the harness bounds each guest itself).
# E2E_GRID=1 prints a test x kernel table (PASS/FAIL and seconds) at the end.
# Kernel names: 6.12 6.1 trixie bpo trixie-cloud trixie-rt ... (scripts/kernels.sh names).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1

tests=("$@")
use_plan=
if [ ${#tests[@]} -eq 0 ] && [ -n "${E2E_PLAN:-}" ]; then
	[ -f "$E2E_PLAN" ] || { echo "[e2e] no plan file $E2E_PLAN"; exit 1; }
	use_plan=1
	for n in $(sed 's/#.*//' "$E2E_PLAN" | awk 'NF { print $1 }'); do
		tests+=("tests/e2e/$n.sh")
	done
fi
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

# The kernels test $1 runs on: its plan line, else all of $kernels.
plan_kernels() {
	local line
	if [ -z "$use_plan" ]; then
		echo "$kernels"
		return
	fi
	line=$(sed 's/#.*//' "$E2E_PLAN" | awk -v n="$(basename "$1" .sh)" '$1 == n { $1 = ""; print }')
	case " $line " in
	*" all "*) echo "$kernels" ;;
	*) echo "$line" ;;
	esac
}

rm -f "$dir/failures.txt"
pass=0
failn=0
failed=()
declare -A grid=()
tall=$SECONDS
for t in "${tests[@]}"; do
	[ -f "$t" ] || { echo "[e2e] no such test $t"; failn=$((failn + 1)); failed+=("$t"); continue; }
	name=$(basename "$t" .sh)
	for k in $(plan_kernels "$t"); do
		o=$dir/$name-$k
		rm -rf "$o"
		mkdir -p "$o"
		echo "[e2e] $name on $k ..."
		t0=$SECONDS
		E2E_OUT=$o/out timeout -s TERM "${E2E_TIMEOUT:-1800}" bash "$t" "$k" > "$o/log" 2>&1
		rc=$?
		echo $rc > "$o/rc"	# done: make test's test-dumps waits for it
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
			# The failure's own lines, kept for the end of make test: a
			# CI log shows its tail, and the test's log stays on the
			# machine that ran it.
			{
				echo "[e2e] FAIL $name $k (rc $rc): last lines of $o/log"
				grep -av '^\[qemu-kdump\] *$' "$o/log" | tail -n "${E2E_FAIL_LINES:-25}" | sed 's/^/    /'
			} >> "$dir/failures.txt"
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
